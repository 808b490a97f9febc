import { T, type RuleDefinition } from "../model";
import { Findings, list } from "./util";

export const rule: RuleDefinition = {
  meta: {
    id: "default-sg-no-rules",
    severity: "medium",
    enforcementLevel: "advisory",
    controls: ["EC2.2", "CIS 5.4"],
    why: "Every VPC's default security group allows all traffic between its members until it is adopted and emptied; anything launched without a group joins it.",
    fix: "Adopt the default group with aws.ec2.DefaultSecurityGroup (vpcId) and give it no ingress and no egress rules.",
    messages: {
      "default-sg-has-rules": "{resource} keeps {count} rule(s) (ingress/egress) on the VPC's default security group. Fix: Adopt the default group with aws.ec2.DefaultSecurityGroup (vpcId) and give it no ingress and no egress rules.",
      "default-sg-not-adopted": "{resource} does not adopt its default security group, which keeps AWS's allow-all-within-group rules. Fix: Adopt the default group with aws.ec2.DefaultSecurityGroup (vpcId) and give it no ingress and no egress rules.",
    },
  },
  check(model) {
    const out = new Findings();
    const adopted = new Set<string>();
    for (const d of model.ofType(T.defaultSg)) {
      for (const u of model.resolve(d, "vpcId", d.props.vpcId, [T.vpc]).urns) adopted.add(u);
      const n = list(d.props.ingress).length + list(d.props.egress).length;
      if (n > 0) out.report(d.urn, "default-sg-has-rules", { resource: model.label(d.urn), count: n });
    }
    for (const v of model.ofType(T.vpc))
      if (!adopted.has(v.urn)) out.report(v.urn, "default-sg-not-adopted", { resource: model.label(v.urn) });
    return out.list;
  },
};
