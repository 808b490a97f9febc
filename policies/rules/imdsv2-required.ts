import { DEFERRED_KIND, isUnknown, T, type RuleDefinition } from "../model";
import { Findings } from "./util";

export const rule: RuleDefinition = {
  meta: {
    id: "imdsv2-required",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: ["EC2.8", "AutoScaling.3"],
    why: "IMDSv1 hands instance-role credentials to any SSRF; only session-token IMDSv2 closes that door (omitted means optional).",
    fix: "Set metadataOptions: { httpTokens: \"required\" } on every instance and launch template (or httpEndpoint: \"disabled\" where nothing needs instance metadata).",
  },
  // One instance's or launch template's own setting: judged in Analyze too, so `pulumi up` stops it before creation.
  resource: {
    types: [T.instance, T.launchTemplate],
    check(r, model) {
      const out = new Findings();
      const mo = r.props.metadataOptions;
      const tokens = mo && typeof mo === "object" ? mo.httpTokens : mo;
      if (tokens === "required") return [];
      // With the metadata endpoint switched off there is no IMDS to steal credentials from, v1 or v2.
      if (mo && typeof mo === "object" && mo.httpEndpoint === "disabled") return [];
      if (isUnknown(tokens)) out.report(r.urn, DEFERRED_KIND, { what: "metadataOptions.httpTokens", how: 'set it to the literal "required"' });
      else out.add(r.urn, `${model.label(r.urn)} has metadataOptions.httpTokens ${tokens === undefined ? "unset (AWS default: optional, IMDSv1 allowed)" : `"${tokens}"`}. Fix: ${rule.meta.fix}`);
      return out.list;
    },
  },
};
