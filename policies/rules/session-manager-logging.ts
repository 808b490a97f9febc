import { T, type RuleDefinition } from "../model";
import { Findings } from "./util";

const DOC = "aws:ssm/document:Document";

/** Session Manager preferences document content: JSON string or object with `inputs`. */
function inputsOf(content: unknown): Record<string, any> | undefined {
  let c: any = content;
  if (typeof c === "string") {
    try {
      c = JSON.parse(c);
    } catch {
      return undefined;
    }
  }
  return c && typeof c === "object" ? c.inputs ?? undefined : undefined;
}

export const rule: RuleDefinition = {
  meta: {
    id: "session-manager-logging",
    severity: "medium",
    enforcementLevel: "advisory",
    controls: ["SSM.1", "CloudTrail.2"],
    why: "Sessions through the bastion must leave an encrypted transcript, or the one audited door isn't audited.",
    fix: "Add an aws.ssm.Document named SSM-SessionManagerRunShell (documentType Session) whose inputs set cloudWatchLogGroupName or s3BucketName with cloudWatchEncryptionEnabled / s3EncryptionEnabled true.",
    messages: {
      "session-logs-unencrypted-or-missing": "{resource} does not log sessions to an encrypted CloudWatch log group or S3 bucket. Fix: Add an aws.ssm.Document named SSM-SessionManagerRunShell (documentType Session) whose inputs set cloudWatchLogGroupName or s3BucketName with cloudWatchEncryptionEnabled / s3EncryptionEnabled true.",
      "no-session-preferences": "{resource} is a bastion but the stack has no Session Manager preferences document (SSM-SessionManagerRunShell), so sessions aren't logged. Fix: Add an aws.ssm.Document named SSM-SessionManagerRunShell (documentType Session) whose inputs set cloudWatchLogGroupName or s3BucketName with cloudWatchEncryptionEnabled / s3EncryptionEnabled true.",
    },
  },
  check(model) {
    if (!model.hasBastion) return [];
    const out = new Findings();
    const docs = model.ofType(DOC).filter((d) => d.props.name === "SSM-SessionManagerRunShell" || d.props.documentType === "Session");
    const good = docs.filter((d) => {
      const i = inputsOf(d.props.content);
      if (!i) return false;
      const cw = typeof i.cloudWatchLogGroupName === "string" && i.cloudWatchLogGroupName !== "";
      const s3 = typeof i.s3BucketName === "string" && i.s3BucketName !== "";
      return (cw && String(i.cloudWatchEncryptionEnabled) === "true") || (s3 && String(i.s3EncryptionEnabled) === "true");
    });
    for (const d of docs)
      if (!good.includes(d)) out.report(d.urn, "session-logs-unencrypted-or-missing", { resource: model.label(d.urn) }, "content");
    if (!docs.length) {
      const bastion = model.resources.find((r) => r.type === T.instance && model.isBastion(r.urn)) ?? model.resources.find((r) => model.isBastion(r.urn));
      if (bastion) out.report(bastion.urn, "no-session-preferences", { resource: model.label(bastion.urn) });
    }
    return out.list;
  },
};
