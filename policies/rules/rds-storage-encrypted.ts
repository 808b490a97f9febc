import { isUnknown, T, type RuleDefinition } from "../model";
import { Findings } from "./util";

export const rule: RuleDefinition = {
  meta: {
    id: "rds-storage-encrypted",
    severity: "medium",
    enforcementLevel: "advisory",
    controls: ["RDS.3", "RDS.27", "CIS 2.3.1"],
    why: "Unencrypted database storage and snapshots leak everything once a snapshot is shared or copied.",
    fix: "Set storageEncrypted: true (with a customer-managed kmsKeyId).",
    messages: {
      "storage-encryption-unverifiable": "{resource}: storageEncrypted is unknown at preview, so this cannot be verified before deploy; set it to the literal true. Fix: Set storageEncrypted: true (with a customer-managed kmsKeyId).",
      "storage-unencrypted": "{resource} has storageEncrypted {value}. Fix: Set storageEncrypted: true (with a customer-managed kmsKeyId).",
    },
  },
  check(model) {
    const out = new Findings();
    for (const r of model.ofType(T.rdsInstance, T.rdsCluster)) {
      const v = r.props.storageEncrypted;
      // Aurora Serverless v1 clusters are always encrypted.
      if (v === true || (r.type === T.rdsCluster && r.props.engineMode === "serverless")) continue;
      if (isUnknown(v)) out.report(r.urn, "storage-encryption-unverifiable", { resource: model.label(r.urn) }, "storageEncrypted");
      else out.report(r.urn, "storage-unencrypted", { resource: model.label(r.urn), value: v === undefined ? "unset (default false)" : String(v) }, "storageEncrypted");
    }
    return out.list;
  },
};
