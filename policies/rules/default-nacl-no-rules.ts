import { T, type RuleDefinition } from "../model";
import { Findings, list } from "./util";

export const rule: RuleDefinition = {
  meta: {
    id: "default-nacl-no-rules",
    severity: "low",
    enforcementLevel: "advisory",
    controls: ["EC2.21"],
    why: "The default network ACL allows everything in and out; subnets that fall back to it get no network-layer filtering.",
    fix: "Adopt the default NACL with aws.ec2.DefaultNetworkAcl (defaultNetworkAclId: vpc.defaultNetworkAclId) with no ingress/egress entries, and give subnets explicit NACLs.",
    messages: {
      "default-nacl-has-rules": "{resource} keeps {count} rule(s) on the VPC's default network ACL. Fix: Adopt the default NACL with aws.ec2.DefaultNetworkAcl (defaultNetworkAclId: vpc.defaultNetworkAclId) with no ingress/egress entries, and give subnets explicit NACLs.",
      "default-nacl-not-adopted": "{resource} does not adopt its default network ACL, which allows all traffic. Fix: Adopt the default NACL with aws.ec2.DefaultNetworkAcl (defaultNetworkAclId: vpc.defaultNetworkAclId) with no ingress/egress entries, and give subnets explicit NACLs.",
    },
  },
  check(model) {
    const out = new Findings();
    const adopted = new Set<string>();
    for (const d of model.ofType(T.defaultNacl)) {
      for (const u of model.resolve(d, "defaultNetworkAclId", d.props.defaultNetworkAclId, [T.vpc]).urns) adopted.add(u);
      const n = list(d.props.ingress).length + list(d.props.egress).length;
      if (n > 0) out.report(d.urn, "default-nacl-has-rules", { resource: model.label(d.urn), count: n });
    }
    for (const v of model.ofType(T.vpc))
      if (!adopted.has(v.urn)) out.report(v.urn, "default-nacl-not-adopted", { resource: model.label(v.urn) });
    return out.list;
  },
};
