/**
 * SARIF 2.1.0 for code scanning: one result per door (every rule the grant breaks, one fix), located at the
 * file:line that declared the resource; the pack's policies become the tool's rules, the result's rule is the one
 * whose fix it shows, and `properties` lists every rule, control and finding kind of the door.
 */
import type { Log, ReportingDescriptor, Result } from "sarif";
import type { CheckResult } from "../engine/types";
import { checkCounts } from "./counts";
import { controlsOf, doorControls, doorFix, doorsOf, findingText, fixPolicy } from "./doors";

const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

function location(source: string | null) {
  if (!source) return undefined;
  const m = /^(.*):(\d+)$/.exec(source);
  if (!m) return undefined;
  return {
    physicalLocation: {
      artifactLocation: { uri: m[1].split(/[\\/]/).map(encodeURIComponent).join("/"), uriBaseId: "%SRCROOT%" },
      region: { startLine: Number(m[2]) },
    },
  };
}

function level(enforcement: string): "error" | "warning" | "note" | "none" {
  return enforcement === "mandatory" || enforcement === "remediate" ? "error" : enforcement === "disabled" ? "none" : "warning";
}

export function checkSarif(result: CheckResult, toolVersion: string): string {
  const rules: ReportingDescriptor[] = result.policyPack.policies.map((p) => {
    return {
      id: p.name,
      name: p.name,
      shortDescription: { text: p.displayName || p.name },
      fullDescription: { text: p.description || p.displayName || p.name },
      help: { text: p.description || p.displayName || p.name },
      defaultConfiguration: { level: level(p.enforcementLevel) },
      properties: { tags: ["security", "pulumi", ...controlsOf(p)], enforcementLevel: p.enforcementLevel },
    };
  });
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const policies = new Map(result.policyPack.policies.map((p) => [p.name, p]));
  const results: Result[] = doorsOf(result.violations).map((d) => {
    const r = d.resource;
    const loc = location(r.source);
    const ruleId = fixPolicy(d, policies);
    const findings = d.findings.map((v) => `${v.policy}${v.exemption ? ` (exempted until ${v.exemption.expires})` : ""}: ${findingText(v)}`);
    const fix = doorFix(d, policies);
    const exemptions = d.findings.filter((v) => v.exemption);
    return {
      ruleId,
      ...(index.has(ruleId) ? { ruleIndex: index.get(ruleId) } : {}),
      level: d.status === "mandatory" ? "error" : d.status === "advisory" ? "warning" : level(d.findings[0].enforcement),
      message: { text: `${r.name} (${r.type})${d.path ? ` ${d.path}` : ""} breaks ${d.policies.join(", ")}:\n${findings.join("\n")}${fix ? `\nFix: ${fix}` : ""}` },
      ...(loc ? { locations: [{ ...loc, logicalLocations: [{ fullyQualifiedName: r.urn, kind: "resource" }] }] } : { locations: [{ logicalLocations: [{ fullyQualifiedName: r.urn, kind: "resource" }] }] }),
      partialFingerprints: { "bulkhead/door/v1": d.id },
      properties: { door: d.id, policies: d.policies, controls: doorControls(d, policies), kinds: d.findings.map((v) => v.kind ?? null), ...(d.path ? { path: d.path } : {}) },
      ...(d.status === "exempted"
        ? { suppressions: exemptions.map((v) => ({ kind: "external" as const, status: "accepted" as const, justification: `${v.policy}: ${v.exemption!.reason} (expires ${v.exemption!.expires})` })) }
        : {}),
    };
  });
  const log: Log = {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "bulkhead",
            version: toolVersion,
            rules,
          },
        },
        automationDetails: { id: `bulkhead/${result.run.project}/${result.run.stack}/` },
        results,
        // The same summary every format prints (cli/reporters/counts.ts); `results` are the doors.
        properties: { counts: checkCounts(result) },
      },
    ],
  };
  return JSON.stringify(log, null, 2) + "\n";
}
