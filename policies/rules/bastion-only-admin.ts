import { openedPorts } from "../model/ports";
import type { RuleDefinition } from "../model";
import { configPorts, Findings, grantText, PORTS_SCHEMA, sourceText, unknownNote } from "./util";

export const rule: RuleDefinition = {
  meta: {
    id: "bastion-only-admin",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: ["EC2.13", "EC2.14", "EC2.53", "EC2.54", "CIS 5.2", "CIS 5.3"],
    why: "Admin ports on anything but the bastion must only accept the bastion's security group, so there is exactly one audited way in.",
    fix: "Replace the CIDR / group / wide range with a rule whose source is the bastion's security group (tag bulkhead:role=bastion), limited to the admin port needed.",
    configSchema: {
      adminPorts: { ...PORTS_SCHEMA, description: "Extra admin ports (added to 22, 23, 3389, 5985-5986, 5900, 2375-2376, 10250, 2379)." },
    },
  },
  check(model, config) {
    const admin = [...new Set([...model.adminPorts, ...configPorts(config, "adminPorts")])];
    const out = new Findings();
    for (const g of model.ingress) {
      const ports = openedPorts(g.protocol, g.ports, admin);
      if (!ports.length) continue;
      const target = model.sgByUrn(g.targetSgUrn);
      if (target ? target.isBastion : model.isBastion(g.targetSgUrn)) continue;
      const s = g.source;
      if (s.kind === "sg" && s.sgUrn && model.sgByUrn(s.sgUrn)?.isBastion) continue;
      let why: string;
      if (s.kind === "unknown") why = `admits ${sourceText(model, g)}; whether it is the bastion cannot be verified before deploy — reference the bastion's security group from this stack`;
      else if (s.kind === "sg" && s.external) why = `admits ${sourceText(model, g)}, which cannot be verified to be the bastion — reference the bastion's security group from this stack`;
      else why = `admits ${sourceText(model, g)}, which is not the bastion's security group`;
      const shared = (urn: string | undefined) => (urn ? model.sgByUrn(urn)?.bastionTagSharedWith : undefined);
      const targetShared = shared(g.targetSgUrn);
      const sourceShared = s.kind === "sg" ? shared(s.sgUrn) : undefined;
      if (targetShared) why += ` (${model.label(g.targetSgUrn)} is tagged bastion but also attached to ${targetShared.map((u) => model.label(u)).join(", ")})`;
      else if (sourceShared) why += ` (it is tagged bastion but also attached to ${sourceShared.map((u) => model.label(u)).join(", ")})`;
      out.add(g.grantUrn, `${grantText(model, g)}: admin port ${ports.join(", ")} on ${model.label(g.targetSgUrn)} ${why}${unknownNote(g)}. Path: ${model.pathOf(g, ports[0])}. Fix: ${rule.meta.fix}`);
    }
    return out.list;
  },
};
