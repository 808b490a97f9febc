import type { RuleDefinition } from "../model";
import { Findings } from "./util";

const SECRET = "aws:secretsmanager/secret:Secret";

export const rule: RuleDefinition = {
  meta: {
    id: "secrets-rotation",
    severity: "medium",
    enforcementLevel: "advisory",
    controls: ["SecretsManager.1", "SecretsManager.4"],
    why: "A secret that never rotates stays valid for whoever copied it.",
    fix: "Add an aws.secretsmanager.SecretRotation for the secret (rotationRules.automaticallyAfterDays ≤ 90).",
    messages: {
      "secret-not-rotated": "{resource} has no SecretRotation. Fix: Add an aws.secretsmanager.SecretRotation for the secret (rotationRules.automaticallyAfterDays \u2264 90).",
    },
  },
  check(model) {
    const rotated = new Set<string>();
    for (const r of model.ofType("aws:secretsmanager/secretRotation:SecretRotation"))
      for (const u of model.resolve(r, "secretId", r.props.secretId, [SECRET]).urns) rotated.add(u);
    const out = new Findings();
    for (const s of model.ofType(SECRET)) if (!rotated.has(s.urn)) out.report(s.urn, "secret-not-rotated", { resource: model.label(s.urn) });
    return out.list;
  },
};
