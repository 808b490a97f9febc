import { SG_ID_PATTERN } from "../model/aws-types";
import { isEksClusterGrant } from "../model/eks";
import { offlineGroup } from "../model/offline-facts";
import { listenedOnly, openedPorts } from "../model/ports";
import type { RuleDefinition } from "../model";
import { configPorts, Findings, grantData, PORTS_SCHEMA } from "./util";

const FIX = "Replace the CIDR / group / wide range with a rule whose source is the bastion's security group (tag bulkhead:role=bastion), limited to the admin port needed.";
const TAIL = "{shared}{note}. Path: {reach}. Fix: " + FIX;

export const rule: RuleDefinition = {
  meta: {
    id: "bastion-only-admin",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: ["EC2.13", "EC2.14", "EC2.53", "EC2.54", "CIS 5.2", "CIS 5.3"],
    why: "Admin ports on anything but the bastion must only accept the bastion's security group, so there is exactly one audited way in.",
    fix: FIX,
    resolves: ["no-world-open-sensitive-port", "only-lbs-face-world", "tenant-isolation"],
    messages: {
      "admin-port-not-from-bastion": "{grant}: admin port {ports} on {target} admits {source}, which is not the bastion's security group" + TAIL,
      "admin-port-external-source": "{grant}: admin port {ports} on {target} admits {source}, which cannot be verified to be the bastion — reference the bastion's security group from this stack, or, for the platform bastion's group in a tenant stack, list it in bastionSecurityGroupIds" + TAIL,
      "admin-port-unverifiable-source": "{grant}: admin port {ports} on {target} admits {source}; whether it is the bastion cannot be verified before deploy — reference the bastion's security group from this stack" + TAIL,
    },
    configSchema: {
      adminPorts: { ...PORTS_SCHEMA, description: "Extra admin ports (added to 22, 23, 3389, 5985-5986, 5900, 2375-2376, 10250, 2379)." },
      bastionSecurityGroupIds: {
        type: "array",
        items: { type: "string", pattern: SG_ID_PATTERN },
        description: "Groups outside this stack that are the platform bastion's (sg- and 8 or 17 hex digits), declared by the platform team: a tenant stack's admin rule that admits one passes. `bulkhead fleet up` sets it from the platform stack's bastionSecurityGroupId output.",
      },
    },
  },
  check(model, config) {
    const admin = [...new Set([...model.adminPorts, ...configPorts(config, "adminPorts")])];
    const declared = new Set<string>(Array.isArray(config?.bastionSecurityGroupIds) ? config.bastionSecurityGroupIds : []);
    // An external group is the bastion's when the offline engine ran the stack that exports it and that stack's
    // own model says so (policies/model/offline-facts.ts); otherwise when the platform team declared it. What the
    // engine knows wins over a declaration: a declared group the exporting stack shows is not the bastion's fails.
    const externalBastion = (id: string | undefined) => {
      if (!id) return false;
      const fact = offlineGroup(id);
      return fact ? fact.bastion : declared.has(id);
    };
    const out = new Findings();
    for (const g of model.ingress) {
      // A port the target's members all serve as a shell-less managed protocol (Transfer Family's SFTP 22) is no admin
      // door; a group only load balancers use is reached on their listener ports alone (policies/model/exposure.ts).
      const service = model.servicePorts(g.targetSgUrn).service;
      const ports = listenedOnly(g.protocol, openedPorts(g.protocol, g.ports, service.length ? admin.filter((p) => !service.includes(p)) : admin), model.listenedPorts(g.targetSgUrn));
      if (!ports.length) continue;
      const target = model.sgByUrn(g.targetSgUrn);
      if (target ? target.isBastion : model.isBastion(g.targetSgUrn) || (g.targetSgUrn.startsWith("external:") && externalBastion(g.targetSgUrn.slice(9)))) continue;
      const s = g.source;
      if (s.kind === "sg" && s.sgUrn && model.sgByUrn(s.sgUrn)?.isBastion) continue;
      if (s.kind === "sg" && !s.sgUrn && externalBastion(s.external)) continue;
      // AWS requires these between an EKS control plane and its nodes, and among the nodes (policies/model/eks.ts).
      if (isEksClusterGrant(g, (u) => model.sgByUrn(u))) continue;
      // A group of another stack the engine ran is known not to be the bastion's: as precise as one of this stack.
      const kind = s.kind === "unknown" ? "admin-port-unverifiable-source" : s.kind === "sg" && s.external && !s.origin ? "admin-port-external-source" : "admin-port-not-from-bastion";
      const sharedWith = (urn: string | undefined) => (urn ? model.sgByUrn(urn)?.bastionTagSharedWith : undefined);
      const targetShared = sharedWith(g.targetSgUrn);
      const sourceShared = s.kind === "sg" ? sharedWith(s.sgUrn) : undefined;
      const shared = targetShared
        ? ` (${model.label(g.targetSgUrn)} is tagged bastion but also attached to ${targetShared.map((u) => model.label(u)).join(", ")})`
        : sourceShared
          ? ` (it is tagged bastion but also attached to ${sourceShared.map((u) => model.label(u)).join(", ")})`
          : "";
      out.grant(g, kind, { ...grantData(model, g, ports[0]), ports, shared, endpoints: model.endpointsOfGroup(g.targetSgUrn).map((e) => model.label(e.urn)) });
    }
    return out.list;
  },
};
