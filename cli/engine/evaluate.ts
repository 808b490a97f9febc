/**
 * Policy evaluation in the engine's order: Configure, Analyze for every resource (root stack,
 * providers and components included), AnalyzeStack once. Diagnostics become the contract's violations.
 */
import { loadPackInProcess, startPackIsolated, type Diagnostic, type PolicyPackConnection } from "./analyzer";
import { resolvePolicyConfig, type ResolvedPolicyConfig } from "./policy-config";
import type { CheckOptions } from "./protocol";
import { unexpandedViolations } from "./remote/unexpanded";
import type { CheckResult, Exemption, ProgramRun, RegisteredResource, Violation } from "./types";

export class PolicyEvaluationError extends Error {}

/** The pack marks an exempted finding with this final line (see docs/rules.md, "Exemptions"). */
const EXEMPTION_LINE = /\n?exempted until (\d{4}-\d{2}-\d{2}): (.+)\s*$/;

export function parseExemption(message: string): { message: string; exemption?: Exemption } {
  const m = EXEMPTION_LINE.exec(message);
  if (!m) return { message };
  return { message: message.slice(0, m.index).trimEnd(), exemption: { reason: m[2].trim(), expires: m[1] } };
}

function providerResolver(byUrn: Map<string, RegisteredResource>) {
  return (r: RegisteredResource) => {
    if (!r.provider) return undefined;
    const cut = r.provider.lastIndexOf("::");
    return byUrn.get(cut > 0 ? r.provider.slice(0, cut) : r.provider);
  };
}

export function toViolations(
  diags: Diagnostic[],
  byUrn: Map<string, RegisteredResource>,
  config: ResolvedPolicyConfig,
  fallbackUrn?: string,
): Violation[] {
  return diags.map((d) => {
    const urn = d.urn || fallbackUrn || "";
    const r = byUrn.get(urn);
    const { message, exemption } = parseExemption(d.message);
    let level = exemption ? config[d.policyName]?.enforcementLevel ?? d.enforcementLevel : d.enforcementLevel;
    if (level === "remediate") level = "mandatory";
    return {
      policy: d.policyName,
      enforcement: level === "mandatory" ? "mandatory" : "advisory",
      resource: {
        urn,
        type: r?.type ?? urn.split("::")[2]?.split("$").pop() ?? "",
        name: r?.name ?? urn.split("::").slice(3).join("::"),
        source: r?.source ?? null,
      },
      message,
      ...(exemption ? { exemption } : {}),
    };
  });
}

export async function evaluatePolicies(
  run: ProgramRun,
  opts: CheckOptions,
  progress: (m: string) => void = () => {},
  timings: { loadMs?: number } = {},
): Promise<Omit<CheckResult, "run">> {
  const started = performance.now();
  const conn: PolicyPackConnection = opts.isolated ? await startPackIsolated(opts.packDir) : loadPackInProcess(opts.packDir);
  try {
    const info = await conn.info();
    const config = resolvePolicyConfig(info, opts.policyConfig);
    await conn.configure(config);
    timings.loadMs = performance.now() - started;
    // Built once: Analyze runs per resource, and a per-call index would make reporting quadratic.
    const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
    const providerOf = providerResolver(byUrn);
    const violations: Violation[] = [];
    const total = run.resources.length;
    let i = 0;
    for (const r of run.resources) {
      const diags = await conn.analyze(r, providerOf(r));
      if (diags.length) violations.push(...toViolations(diags, byUrn, config, r.urn));
      if (++i % 500 === 0) progress(`analyzed ${i}/${total} resources`);
    }
    progress(`analyzing the stack (${total} resources)`);
    violations.push(...toViolations(await conn.analyzeStack(run.resources, providerOf), byUrn, config));
    violations.push(...unexpandedViolations(run, opts.strict ?? false));
    return {
      policyPack: {
        name: info.name,
        version: info.version,
        policies: info.policies.map((p) => ({ ...p, enforcementLevel: config[p.name]?.enforcementLevel ?? p.enforcementLevel })),
      },
      violations,
    };
  } finally {
    await conn.close();
  }
}
