import { T, type RuleDefinition } from "../model";
import { Findings } from "./util";

export const rule: RuleDefinition = {
  meta: {
    id: "vpc-flow-logs",
    severity: "medium",
    enforcementLevel: "advisory",
    controls: ["EC2.6", "CIS 3.7"],
    why: "Without flow logs nobody can reconstruct which door was used after a breach.",
    fix: "Add an aws.ec2.FlowLog with vpcId set to the VPC (trafficType ALL) delivering to CloudWatch Logs or S3.",
    messages: {
      "no-flow-log": "{resource} has no VPC flow log (aws.ec2.FlowLog with vpcId). Fix: Add an aws.ec2.FlowLog with vpcId set to the VPC (trafficType ALL) delivering to CloudWatch Logs or S3.",
    },
  },
  check(model) {
    const covered = new Set<string>();
    for (const f of model.ofType("aws:ec2/flowLog:FlowLog")) for (const u of model.resolve(f, "vpcId", f.props.vpcId, [T.vpc]).urns) covered.add(u);
    const out = new Findings();
    for (const v of model.ofType(T.vpc)) if (!covered.has(v.urn)) out.report(v.urn, "no-flow-log", { resource: model.label(v.urn) });
    return out.list;
  },
};
