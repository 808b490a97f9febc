import { isUnknown, T, type RuleDefinition } from "../model";
import { cannotVerify, Findings } from "./util";

const FIX =
  'Set metadataOptions: { httpTokens: "required" } on every instance and launch template (or httpEndpoint: "disabled" where nothing needs instance metadata), or set account-level aws.ec2.InstanceMetadataDefaults { httpTokens: "required" } for launches that set nothing.';

/**
 * Effective settings follow AWS's precedence (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-new-instances.html):
 * the launch's own metadataOptions, else its launch template's, else the account-level InstanceMetadataDefaults,
 * else AWS's default (httpTokens optional: IMDSv1 allowed).
 */
export const rule: RuleDefinition = {
  meta: {
    id: "imdsv2-required",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: ["EC2.8", "AutoScaling.3"],
    why: "IMDSv1 hands instance-role credentials to any SSRF; only session-token IMDSv2 closes that door (omitted means optional unless a launch template or the account default says otherwise).",
    fix: FIX,
    messages: {
      "imds-v1-allowed": '{resource} has metadataOptions.httpTokens "{tokens}"{inherited}. Fix: ' + FIX,
      "imds-unset": "{resource} has metadataOptions.httpTokens unset (AWS default: optional, IMDSv1 allowed){inherited}. Fix: " + FIX,
      "imds-unverifiable": "{resource}: " + cannotVerify("metadataOptions.httpTokens", 'set it to the literal "required"') + "{inherited}. Fix: " + FIX,
      "account-default-allows-v1": '{resource} sets the account-level default httpTokens "{tokens}", so every launch that sets nothing allows IMDSv1. Fix: ' + FIX,
    },
  },
  check(model) {
    const out = new Findings();
    for (const d of model.ofType(T.metadataDefaults)) {
      const v = d.props.httpTokens;
      if (v === "optional" || isUnknown(v))
        out.report(d.urn, isUnknown(v) ? "imds-unverifiable" : "account-default-allows-v1", { resource: model.label(d.urn), tokens: v, inherited: "" }, "httpTokens");
    }
    for (const r of model.ofType(T.instance, T.spotInstance, T.launchTemplate, T.launchConfiguration)) {
      const m = model.metadataOf(r.urn)!;
      if (m.httpTokens === "required") continue;
      // With the metadata endpoint switched off there is no IMDS to steal credentials from, v1 or v2.
      if (m.httpEndpoint === "disabled") continue;
      // A value inherited from a launch template or the account default is reported there, where it is fixed.
      if ((m.source === "launch-template" || m.source === "account-default") && !isUnknown(m.httpTokens)) continue;
      const inherited = m.source === "launch-template" && m.from ? ` (inherited from ${model.label(m.from)})` : "";
      const data = { resource: model.label(r.urn), tokens: m.httpTokens, inherited };
      if (isUnknown(m.httpTokens)) out.report(r.urn, "imds-unverifiable", data, "metadataOptions.httpTokens");
      else if (m.httpTokens === undefined) out.report(r.urn, "imds-unset", data, "metadataOptions.httpTokens");
      else out.report(r.urn, "imds-v1-allowed", data, "metadataOptions.httpTokens");
    }
    return out.list;
  },
};
