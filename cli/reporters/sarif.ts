/**
 * SARIF 2.1.0 for code scanning: one result per violation, located at the file:line that declared
 * the resource; the pack's policies become the tool's rules.
 */
import type { Log, ReportingDescriptor, Result } from "sarif";
import type { CheckResult } from "../engine/types";

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
    const controls = /Controls: ([^.]+?)\.?$/m.exec(p.description)?.[1];
    return {
      id: p.name,
      name: p.name,
      shortDescription: { text: p.displayName || p.name },
      fullDescription: { text: p.description || p.displayName || p.name },
      help: { text: p.description || p.displayName || p.name },
      defaultConfiguration: { level: level(p.enforcementLevel) },
      properties: { tags: ["security", "pulumi", ...(controls ? controls.split(/,\s*/) : [])], enforcementLevel: p.enforcementLevel },
    };
  });
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results: Result[] = result.violations.map((v) => {
    const loc = location(v.resource.source);
    return {
      ruleId: v.policy,
      ...(index.has(v.policy) ? { ruleIndex: index.get(v.policy) } : {}),
      level: level(v.enforcement),
      message: { text: `${v.resource.name} (${v.resource.type}): ${v.message}` },
      ...(loc ? { locations: [{ ...loc, logicalLocations: [{ fullyQualifiedName: v.resource.urn, kind: "resource" }] }] } : { locations: [{ logicalLocations: [{ fullyQualifiedName: v.resource.urn, kind: "resource" }] }] }),
      partialFingerprints: { "bulkhead/v1": `${v.policy}|${v.resource.urn}` },
      ...(v.exemption
        ? { suppressions: [{ kind: "external" as const, status: "accepted" as const, justification: `${v.exemption.reason} (expires ${v.exemption.expires})` }] }
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
      },
    ],
  };
  return JSON.stringify(log, null, 2) + "\n";
}
