import { DEFERRED_KIND, isUnknown, T, type RuleDefinition } from "../model";
import { cannotVerify, Findings } from "./util";

/**
 * Image Builder launches its build and test instances with the infrastructure configuration's
 * instanceMetadataOptions, whose httpTokens defaults to optional
 * (https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_InstanceMetadataOptions.html): the build runs
 * with the configuration's instance profile, so IMDSv1 there hands that role to any SSRF during the build.
 */
const IMAGE_BUILDER_INFRA = "aws:imagebuilder/infrastructureConfiguration:InfrastructureConfiguration";

/** An Image Builder configuration's own httpTokens (the unknown sentinel when its options are unknown). */
function imageBuilderTokens(r: { props: Record<string, any> }): unknown {
  const o = r.props.instanceMetadataOptions;
  return isUnknown(o) ? o : o && typeof o === "object" ? o.httpTokens : undefined;
}

/**
 * A spot fleet's inline launch specifications cannot set metadata options (SpotFleetLaunchSpecification has none,
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_SpotFleetLaunchSpecification.html): instances launched
 * from them take the account default, else AWS's default (optional). Launch template configs are judged at the template.
 */
const SPOT_FLEET = "aws:ec2/spotFleetRequest:SpotFleetRequest";

const FIX =
  'Set metadataOptions: { httpTokens: "required" } on every instance and launch template, instanceMetadataOptions: { httpTokens: "required" } on Image Builder infrastructure configurations (or httpEndpoint: "disabled" where nothing needs instance metadata), or set account-level aws.ec2.InstanceMetadataDefaults { httpTokens: "required" } for launches that set nothing.';

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
      "imds-v1-allowed": '{resource} has {field} "{tokens}"{inherited}. Fix: ' + FIX,
      "imds-unset": "{resource} has {field} unset (AWS default: optional, IMDSv1 allowed){inherited}. Fix: " + FIX,
      "imds-unverifiable": "{resource}: " + cannotVerify("{field}", 'set it to the literal "required"') + "{inherited}. Fix: " + FIX,
      "account-default-allows-v1": '{resource} sets the account-level default httpTokens "{tokens}", so every launch that sets nothing allows IMDSv1. Fix: ' + FIX,
    },
  },
  check(model) {
    const out = new Findings();
    for (const d of model.ofType(T.metadataDefaults)) {
      const v = d.props.httpTokens;
      if (v === "optional" || isUnknown(v))
        out.report(d.urn, isUnknown(v) ? "imds-unverifiable" : "account-default-allows-v1", { resource: model.label(d.urn), tokens: v, inherited: "", field: "httpTokens" }, "httpTokens");
    }
    // Build instances that set nothing take the account default, like any launch that sets nothing.
    const accountRequires = model.ofType(T.metadataDefaults).some((d) => d.props.httpTokens === "required");
    // A set account default (required, or weak and reported above) decides for launches that cannot set their own.
    const accountSet = model.ofType(T.metadataDefaults).some((d) => d.props.httpTokens !== undefined && d.props.httpTokens !== null && d.props.httpTokens !== "" && d.props.httpTokens !== "no-preference");
    for (const r of model.ofType(SPOT_FLEET)) {
      if (accountSet) break;
      const specs = r.props.launchSpecifications;
      if (isUnknown(specs)) out.report(r.urn, "imds-unverifiable", { resource: model.label(r.urn), tokens: undefined, inherited: " (inline launch specifications take the account default)", field: "launchSpecifications" }, "launchSpecifications");
      else if (Array.isArray(specs))
        specs.forEach((_, i) => out.report(r.urn, "imds-unset", { resource: model.label(r.urn), tokens: undefined, inherited: " (a spot fleet launch specification cannot set metadata options: use a launch template or the account default)", field: `launchSpecifications[${i}] metadata options` }, `launchSpecifications[${i}]`));
    }
    for (const r of model.ofType(IMAGE_BUILDER_INFRA)) {
      if (imageBuilderTokens(r) === undefined && !accountRequires)
        out.report(r.urn, "imds-unset", { resource: model.label(r.urn), tokens: undefined, inherited: "", field: "instanceMetadataOptions.httpTokens" }, "instanceMetadataOptions.httpTokens");
    }
    for (const r of model.ofType(T.instance, T.spotInstance, T.launchTemplate, T.launchConfiguration)) {
      const m = model.metadataOf(r.urn)!;
      // A launch's own setting is judged by `resource` below (in Analyze too).
      if (m.source === "own") continue;
      if (m.httpTokens === "required") continue;
      // With the metadata endpoint switched off there is no IMDS to steal credentials from, v1 or v2.
      if (m.httpEndpoint === "disabled") continue;
      // A value inherited from a launch template or the account default is reported there, where it is fixed.
      if ((m.source === "launch-template" || m.source === "account-default") && !isUnknown(m.httpTokens)) continue;
      const inherited = m.source === "launch-template" && m.from ? ` (inherited from ${model.label(m.from)})` : "";
      const data = { resource: model.label(r.urn), tokens: m.httpTokens, inherited, field: "metadataOptions.httpTokens" };
      if (isUnknown(m.httpTokens)) out.report(r.urn, "imds-unverifiable", data, "metadataOptions.httpTokens");
      else if (m.httpTokens === undefined) out.report(r.urn, "imds-unset", data, "metadataOptions.httpTokens");
      else out.report(r.urn, "imds-v1-allowed", data, "metadataOptions.httpTokens");
    }
    return out.list;
  },
  // A launch's own httpTokens wins over its launch template's and the account default (AWS's precedence), so it is
  // judged from the resource alone: in Analyze too, so `pulumi up` stops the launch before it is created.
  resource: {
    types: [T.instance, T.spotInstance, T.launchTemplate, T.launchConfiguration, IMAGE_BUILDER_INFRA],
    check(r, model) {
      const out = new Findings();
      if (r.type === IMAGE_BUILDER_INFRA) {
        const t = imageBuilderTokens(r);
        if (t === undefined || t === "required") return [];
        if (isUnknown(t)) out.report(r.urn, DEFERRED_KIND, { what: "instanceMetadataOptions.httpTokens", how: 'set it to the literal "required"' }, "instanceMetadataOptions.httpTokens");
        else out.report(r.urn, "imds-v1-allowed", { resource: model.label(r.urn), tokens: t, inherited: "", field: "instanceMetadataOptions.httpTokens" }, "instanceMetadataOptions.httpTokens");
        return out.list;
      }
      const m = model.metadataOf(r.urn);
      if (!m || m.source !== "own" || m.httpTokens === "required" || m.httpEndpoint === "disabled") return [];
      if (isUnknown(m.httpTokens)) out.report(r.urn, DEFERRED_KIND, { what: "metadataOptions.httpTokens", how: 'set it to the literal "required"' }, "metadataOptions.httpTokens");
      else out.report(r.urn, "imds-v1-allowed", { resource: model.label(r.urn), tokens: m.httpTokens, inherited: "", field: "metadataOptions.httpTokens" }, "metadataOptions.httpTokens");
      return out.list;
    },
  },
};
