import { DEFERRED_KIND, isUnknown, T, type RuleDefinition } from "../model";
import { Findings } from "./util";

export const rule: RuleDefinition = {
  meta: {
    id: "rds-storage-encrypted",
    severity: "medium",
    enforcementLevel: "advisory",
    controls: ["RDS.3", "RDS.27", "CIS 2.3.1"],
    why: "Unencrypted database storage and snapshots leak everything once a snapshot is shared or copied.",
    fix: "Set storageEncrypted: true (with a customer-managed kmsKeyId).",
  },
  // The database's own setting: judged in Analyze too, so `pulumi up` stops it before creation.
  resource: {
    types: [T.rdsInstance, T.rdsCluster],
    check(r, model) {
      const out = new Findings();
      const v = r.props.storageEncrypted;
      // Aurora Serverless v1 clusters are always encrypted.
      if (v === true || (r.type === T.rdsCluster && r.props.engineMode === "serverless")) return [];
      if (isUnknown(v)) out.report(r.urn, DEFERRED_KIND, { what: "storageEncrypted", how: "set it to the literal true" });
      else out.add(r.urn, `${model.label(r.urn)} has storageEncrypted ${v === undefined ? "unset (default false)" : String(v)}. Fix: ${rule.meta.fix}`);
      return out.list;
    },
  },
};
