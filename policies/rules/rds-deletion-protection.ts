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
  },
  check(model) {
    const out = new Findings();
    for (const r of model.ofType(T.rdsInstance, T.rdsCluster))
      if (r.props.deletionProtection !== true) out.add(r.urn, `${model.label(r.urn)} has deletionProtection ${r.props.deletionProtection === undefined ? "unset (default false)" : "not true"}. Fix: ${rule.meta.fix}`);
    return out.list;
  },
};
