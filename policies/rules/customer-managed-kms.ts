import { T, type RuleDefinition } from "../model";
import { Findings } from "./util";

const TARGETS: Array<[string, string]> = [
  ["aws:secretsmanager/secret:Secret", "kmsKeyId"],
  ["aws:cloudwatch/logGroup:LogGroup", "kmsKeyId"],
  [T.rdsInstance, "kmsKeyId"],
  [T.rdsCluster, "kmsKeyId"],
];

export const rule: RuleDefinition = {
  meta: {
    id: "customer-managed-kms",
    severity: "low",
    enforcementLevel: "advisory",
    controls: ["KMS.1", "CloudWatch.16", "SecretsManager.3"],
    why: "With an AWS-managed key anyone allowed to read the resource can decrypt it; a customer-managed key adds a separate, auditable grant.",
    fix: "Create an aws.kms.Key (enableKeyRotation: true) and set kmsKeyId on the secret, log group or database.",
    messages: {
      "no-customer-managed-key": "{resource} has no customer-managed KMS key ({property} unset). Fix: Create an aws.kms.Key (enableKeyRotation: true) and set kmsKeyId on the secret, log group or database.",
    },
  },
  check(model) {
    const out = new Findings();
    for (const [type, prop] of TARGETS)
      for (const r of model.ofType(type)) {
        const v = r.props[prop];
        if (v === undefined || v === null || v === "") out.report(r.urn, "no-customer-managed-key", { resource: model.label(r.urn), property: prop }, prop);
      }
    return out.list;
  },
};
