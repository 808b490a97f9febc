import { T, type RuleDefinition } from "../model";
import { Findings } from "./util";

export const rule: RuleDefinition = {
  meta: {
    id: "rds-deletion-protection",
    severity: "low",
    enforcementLevel: "advisory",
    controls: ["RDS.7", "RDS.8"],
    why: "Without deletion protection one bad deploy or stolen credential drops the database.",
    fix: "Set deletionProtection: true.",
    messages: {
      "deletion-protection-off": "{resource} has deletionProtection {value}. Fix: Set deletionProtection: true.",
    },
  },
  check(model) {
    const out = new Findings();
    for (const r of model.ofType(T.rdsInstance, T.rdsCluster))
      if (r.props.deletionProtection !== true) out.report(r.urn, "deletion-protection-off", { resource: model.label(r.urn), value: r.props.deletionProtection === undefined ? "unset (default false)" : "not true" }, "deletionProtection");
    return out.list;
  },
};
