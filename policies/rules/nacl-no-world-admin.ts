import { CidrSet } from "../model/cidr";
import { isUnknown, T, type RuleDefinition, type StackResource } from "../model";
import { normaliseProtocol, openedPorts, portRange } from "../model/ports";
import { Findings, list } from "./util";

const WATCHED = [22, 3389];

export const rule: RuleDefinition = {
  meta: {
    id: "nacl-no-world-admin",
    severity: "medium",
    enforcementLevel: "advisory",
    controls: ["EC2.21", "CIS 5.1"],
    why: "A network ACL that lets the world reach 22/3389 removes the second layer in front of admin ports.",
    fix: "Deny (or don't allow) 22 and 3389 from 0.0.0.0/0 and ::/0 in network ACL ingress; admin access comes from the bastion's subnet only.",
    messages: {
      "nacl-cidr-unverifiable": "{where}: the CIDR is unknown at preview, so this cannot be verified before deploy; use a literal CIDR. Fix: Deny (or don't allow) 22 and 3389 from 0.0.0.0/0 and ::/0 in network ACL ingress; admin access comes from the bastion's subnet only.",
      "nacl-world-admin": "{where} allows {cidrs} to port {ports}. Fix: Deny (or don't allow) 22 and 3389 from 0.0.0.0/0 and ::/0 in network ACL ingress; admin access comes from the bastion's subnet only.",
    },
  },
  check(model) {
    const out = new Findings();
    // `path` is the entry on a network ACL's inline list (its door); a NetworkAclRule resource is its own entry.
    const entry = (owner: StackResource, e: Record<string, any>, where: string, path?: string) => {
      if (e.egress === true) return;
      const action = String(e.action ?? e.ruleAction ?? "").toLowerCase();
      if (action !== "allow") return;
      const proto = normaliseProtocol(e.protocol);
      const cidrs = [e.cidrBlock, e.ipv6CidrBlock].filter((c) => c !== undefined && c !== null && c !== "");
      if (cidrs.some(isUnknown)) {
        out.report(owner.urn, "nacl-cidr-unverifiable", { where }, path);
        return;
      }
      let world = false;
      try {
        world = cidrs.length > 0 && CidrSet.of(cidrs as string[]).coversPublicInternet();
      } catch {
        return;
      }
      const ports = openedPorts(proto, portRange(proto, e.fromPort, e.toPort), WATCHED);
      if (world && ports.length) out.report(owner.urn, "nacl-world-admin", { where, cidrs, ports }, path);
    };
    for (const n of model.ofType(T.nacl, T.defaultNacl))
      for (const [i, e] of list(n.props.ingress).entries()) if (e && typeof e === "object") entry(n, e as any, `${model.label(n.urn)} ingress rule ${(e as any).ruleNo ?? ""}`.trim(), `ingress[${i}]`);
    for (const r of model.ofType(T.naclRule)) entry(r, r.props, model.label(r.urn));
    return out.list;
  },
};
