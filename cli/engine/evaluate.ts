/**
 * Policy evaluation in the engine's order: Configure, Analyze for every resource (root stack,
 * providers and components included), AnalyzeStack once. Diagnostics become the contract's violations.
 */
import { loadPackInProcess, startPackIsolated, type Diagnostic, type PolicyPackConnection } from "./analyzer";
import { resolvePolicyConfig, type ResolvedPolicyConfig } from "./policy-config";
import type { CheckOptions } from "./protocol";
import { unexpandedViolations } from "./remote/unexpanded";
import { doorId } from "../../policies/model/doors";
import type { CheckResult, ProgramRun, RegisteredResource, Violation } from "./types";

export class PolicyEvaluationError extends Error {}

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
    // The finding as data from the pack's side channel; a pack that doesn't speak it (another team's) is its text.
    const rec = d.record;
    const exemption = rec?.exemption;
    const message = rec ? rec.message : d.message;
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
      ...(rec?.fix !== undefined ? { fix: rec.fix } : {}),
      ...(rec?.kind !== undefined ? { kind: rec.kind, data: rec.data ?? {} } : {}),
      ...(rec?.path !== undefined ? { path: rec.path } : {}),
      door: rec?.door ?? doorId(["diagnostic", urn, d.policyName, d.message]),
      ...(exemption ? { exemption } : {}),
    };
  });
}

/** A pack loaded and configured before the program runs, so a bad pack or policy config fails first. */
export interface OpenedPack {
  conn: PolicyPackConnection;
  info: Awaited<ReturnType<PolicyPackConnection["info"]>>;
  config: ResolvedPolicyConfig;
  loadMs: number;
  /** --strict: components not expanded offline are mandatory findings. */
  strict: boolean;
}

/** Loads the pack (in process or `--isolated`), resolves and validates the policy config, sends Configure. */
export async function openPack(opts: CheckOptions): Promise<OpenedPack> {
  const started = performance.now();
  const conn: PolicyPackConnection = opts.isolated ? await startPackIsolated(opts.packDir) : loadPackInProcess(opts.packDir);
  try {
    const info = await conn.info();
    const config = resolvePolicyConfig(info, opts.policyConfig);
    await conn.configure(config);
    return { conn, info, config, loadMs: performance.now() - started, strict: opts.strict ?? false };
  } catch (e) {
    await conn.close();
    throw e;
  }
}

/** Analyze for every resource, then AnalyzeStack once; closes the pack. */
export async function analyzeRun(run: ProgramRun, pack: OpenedPack, progress: (m: string) => void = () => {}): Promise<Omit<CheckResult, "run">> {
  const { conn, info, config } = pack;
  try {
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
    violations.push(...unexpandedViolations(run, pack.strict));
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

export async function evaluatePolicies(
  run: ProgramRun,
  opts: CheckOptions,
  progress: (m: string) => void = () => {},
  timings: { loadMs?: number } = {},
): Promise<Omit<CheckResult, "run">> {
  const pack = await openPack(opts);
  timings.loadMs = pack.loadMs;
  return analyzeRun(run, pack, progress);
}
