import { isUnknown, T, type RuleDefinition } from "../model";
import { cannotVerify, Findings } from "./util";

export const rule: RuleDefinition = {
  meta: {
    id: "rds-storage-encrypted",
    severity: "medium",
    enforcementLevel: "advisory",
    controls: ["RDS.3", "RDS.27", "CIS 2.3.1"],
    why: "Unencrypted database storage and snapshots leak everything once a snapshot is shared or copied.",
    fix: "Set storageEncrypted: true (with a customer-managed kmsKeyId).",
  },
  check(model) {
    const out = new Findings();
    for (const r of model.ofType(T.rdsInstance, T.rdsCluster)) {
      const v = r.props.storageEncrypted;
      // Aurora Serverless v1 clusters are always encrypted.
      if (v === true || (r.type === T.rdsCluster && r.props.engineMode === "serverless")) continue;
      if (isUnknown(v)) out.add(r.urn, `${model.label(r.urn)}: ${cannotVerify("storageEncrypted", "set it to the literal true")}. Fix: ${rule.meta.fix}`);
      else out.add(r.urn, `${model.label(r.urn)} has storageEncrypted ${v === undefined ? "unset (default false)" : String(v)}. Fix: ${rule.meta.fix}`);
    }
    return out.list;
  },
};
