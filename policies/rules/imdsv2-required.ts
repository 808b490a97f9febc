import { isUnknown, T, type RuleDefinition } from "../model";
import { cannotVerify, Findings } from "./util";

export const rule: RuleDefinition = {
  meta: {
    id: "imdsv2-required",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: ["EC2.8", "AutoScaling.3"],
    why: "IMDSv1 hands instance-role credentials to any SSRF; only session-token IMDSv2 closes that door (omitted means optional).",
    fix: "Set metadataOptions: { httpTokens: \"required\" } on every instance and launch template (or httpEndpoint: \"disabled\" where nothing needs instance metadata).",
  },
  check(model) {
    const out = new Findings();
    for (const r of model.ofType(T.instance, T.launchTemplate)) {
      const mo = r.props.metadataOptions;
      const tokens = mo && typeof mo === "object" ? mo.httpTokens : mo;
      if (tokens === "required") continue;
      // With the metadata endpoint switched off there is no IMDS to steal credentials from, v1 or v2.
      if (mo && typeof mo === "object" && mo.httpEndpoint === "disabled") continue;
      if (isUnknown(tokens)) out.add(r.urn, `${model.label(r.urn)}: ${cannotVerify("metadataOptions.httpTokens", "set it to the literal \"required\"")}. Fix: ${rule.meta.fix}`);
      else out.add(r.urn, `${model.label(r.urn)} has metadataOptions.httpTokens ${tokens === undefined ? "unset (AWS default: optional, IMDSv1 allowed)" : `"${tokens}"`}. Fix: ${rule.meta.fix}`);
    }
    return out.list;
  },
};
