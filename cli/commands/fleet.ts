/**
 * `bulkhead fleet check PLATFORM --tenant-stacks DIR`: the platform stack and every tenant stack, offline, in one
 * command. The tenant stacks' slots are validated together first (no two tenants of any stack on one slot, host
 * name or id; per-shard and platform-wide quotas over all of them), before any program runs. Then the platform
 * runs (with the pack), and its outputs answer every tenant stack's StackReference; the tenant stacks run in at
 * most `--concurrency` engine processes at a time. Progress goes to stderr, one summary to stdout. Exit codes as
 * every check: 0 no open mandatory finding, 1 at least one, 2 a stack could not be judged.
 *
 * `bulkhead fleet up` (./fleet-deploy.ts) deploys the same set with the Pulumi Automation API.
 */
import { Command, Option } from "commander";
import { availableParallelism } from "node:os";
import * as path from "node:path";
import { platformProblems, type InputProblem, type PlatformSettings, type TenantSettings } from "../../components/validation";
import { jobFor, runJobs, runWithStackReferences, typeCheckInBackground, UsageError, type JobResult } from "../engine";
import { PolicyPackError, validatePackDir } from "../engine/analyzer";
import { configLocation } from "../engine/failure";
import { resolveTarget, type Target } from "../engine/project";
import type { EngineJob } from "../engine/protocol";
import { answerFromRun, parseReferenceName, type StackOutputs } from "../engine/stack-references";
import type { Violation } from "../engine/types";
import { CliError, EXIT } from "../errors";
import type { CliIo, CliStream } from "../io";
import { addEngineOptions, emit, jobError, jobOptions, positiveInt, type RunOptions } from "./target";
import { registerFleetUp } from "./fleet-deploy";
import { tenantStackTargets } from "./fleet-stacks";

export { bounded, tenantStackTargets } from "./fleet-stacks";

/** One stack's line in the summary (the `stacks[]` entries of the JSON document, docs/contract.md). */
export interface FleetStackResult {
  project: string;
  stack: string;
  /** The stack's config file, relative to the cwd. */
  stackFile: string | null;
  role: "platform" | "tenants";
  /** "checked": the pack ran (see the counts); "failed": the stack could not be judged (see error); "skipped": the platform failed first. */
  status: "checked" | "failed" | "skipped";
  resources: number;
  /** Open (not exempted) mandatory findings, open advisory ones, exempted ones. */
  mandatory: number;
  advisory: number;
  exempted: number;
  violations: Violation[];
  /** Wall time of the stack's run, as the CLI saw it (its engine process included), and the process's peak memory. */
  ms: number;
  maxRssMiB: number | null;
  error?: { kind: string; message: string; source: string | null; hint: string | null };
}

export interface FleetResult {
  platform: FleetStackResult;
  tenantStacks: FleetStackResult[];
  summary: { stacks: number; checked: number; failed: number; skipped: number; resources: number; mandatory: number; advisory: number; exempted: number; concurrency: number; ms: number; cliMaxRssMiB: number };
}

function rel(p: string): string {
  return path.relative(process.cwd(), p) || p;
}

function configJson<T>(t: Target, key: string): T | undefined {
  const v = t.config[key.includes(":") ? key : `${t.projectName}:${key}`];
  if (!v) return undefined;
  try {
    return JSON.parse(v.value) as T;
  } catch {
    return v.value as unknown as T;
  }
}

/** The tenant stacks whose `<project>:platformStack` names this platform stack. */
function belongsTo(t: Target, platform: Target): boolean {
  const name = configJson<string>(t, "platformStack");
  const ref = typeof name === "string" ? parseReferenceName(name, t.projectName) : undefined;
  return !!ref && ref.project === platform.projectName && ref.stack === platform.stack;
}

/**
 * The slots of every stack, judged together as the platform's validation judges its own: each problem that
 * involves a tenant of a tenant stack (a slot, host name or id another stack holds; a shard or platform-wide
 * quota over all stacks), by the stack file and key to change. Problems of the platform's own config alone are
 * left to its own run.
 */
export function fleetProblems(platform: Target, tenantStacks: Target[]): Array<InputProblem & { stackFile: string; key: string }> {
  const ns = platform.projectName;
  const owners: Array<{ t: Target | null; index: number }> = [];
  const tenants: TenantSettings[] = [];
  (configJson<TenantSettings[]>(platform, "tenants") ?? []).forEach((x, i) => {
    tenants.push(x);
    owners.push({ t: null, index: i });
  });
  for (const t of tenantStacks) {
    if (!belongsTo(t, platform)) continue;
    (configJson<TenantSettings[]>(t, "tenants") ?? []).forEach((x, i) => {
      tenants.push(x);
      owners.push({ t, index: i });
    });
  }
  if (owners.every((o) => !o.t)) return [];
  const where = (n: number) => {
    const o = owners[n];
    return o.t ? `${rel(o.t.stackFile!)} ${o.t.projectName}:tenants[${o.index}]` : `${rel(platform.stackFile!)} ${ns}:tenants[${o.index}]`;
  };
  const name = (text: string) => text.replace(/tenants\[(\d+)\]/g, (_, n) => where(Number(n)));
  const settings: PlatformSettings = {
    network: {
      cidrBlock: configJson<string>(platform, "vpcCidr")!,
      availabilityZones: configJson<string[] | number>(platform, "availabilityZones") ?? 2,
      region: configJson<string>(platform, "aws:region"),
      natStrategy: configJson(platform, "natStrategy"),
      flowLogRetentionDays: configJson(platform, "flowLogRetentionDays"),
    },
    admin: { mode: configJson(platform, "adminMode") ?? "ssm", adminCidrs: configJson(platform, "adminCidrs") },
    tenants,
    certificateArn: configJson(platform, "certificateArn"),
    deployerRoleArns: configJson(platform, "deployerRoleArns"),
    loadBalancerQuotas: configJson(platform, "loadBalancerQuotas"),
  };
  const out: Array<InputProblem & { stackFile: string; key: string }> = [];
  for (const p of platformProblems(settings)) {
    const m = /^tenants\[(\d+)\](.*)$/.exec(p.field);
    if (m) {
      const o = owners[Number(m[1])];
      if (!o.t) continue; // the platform's own tenant: its own run reports it
      out.push({ ...p, problem: name(p.problem), fix: name(p.fix), stackFile: o.t.stackFile!, key: `${o.t.projectName}:tenants[${o.index}]${m[2]}` });
    } else if (p.field.startsWith("loadBalancerQuotas.")) {
      // A platform-wide count over every stack: the platform's quota setting is what to change.
      out.push({ ...p, problem: name(p.problem), fix: name(p.fix), stackFile: platform.stackFile!, key: `${ns}:${p.field}` });
    }
  }
  return out;
}

function countOf(violations: Violation[]) {
  const open = violations.filter((v) => !v.exemption);
  return {
    mandatory: open.filter((v) => v.enforcement === "mandatory").length,
    advisory: open.filter((v) => v.enforcement === "advisory").length,
    exempted: violations.length - open.length,
  };
}

function stackResult(t: Target, role: FleetStackResult["role"], r: JobResult | undefined, ms: number): FleetStackResult {
  const base = { project: t.projectName, stack: t.stack, stackFile: t.stackFile ? rel(t.stackFile) : null, role, ms: Math.round(ms) };
  if (!r) return { ...base, status: "skipped", resources: 0, mandatory: 0, advisory: 0, exempted: 0, violations: [], maxRssMiB: null };
  if (!r.ok) {
    const e = jobError(r, `the program ${rel(t.projectDir)} (stack ${t.stack})`);
    return { ...base, status: "failed", resources: 0, mandatory: 0, advisory: 0, exempted: 0, violations: [], maxRssMiB: null, error: { kind: e.kind, message: e.message, source: e.source, hint: e.hint } };
  }
  const violations = r.check?.violations ?? [];
  return { ...base, status: "checked", resources: r.run.resources.length, ...countOf(violations), violations, maxRssMiB: Math.round(r.stats.maxRssMiB) };
}

export interface FleetOptions extends RunOptions {
  stack?: string;
  tenantStacks: string;
  concurrency: number;
  /** Progress lines (to `stderr` by default). */
  progress?: (line: string) => void;
  /** Where progress lines and the programs' own console output go; default: the process's stderr. */
  stderr?: CliStream;
}

export async function checkFleet(platformDir: string, o: FleetOptions): Promise<FleetResult> {
  const started = performance.now();
  const stderr = o.stderr ?? process.stderr;
  const say = o.progress ?? ((l: string) => stderr.write(`bulkhead: ${l}\n`));
  let platform: Target, stacks: Target[], platformJob: EngineJob, tenantJobs: EngineJob[];
  try {
    if (o.policyPack) validatePackDir(o.policyPack);
    ({ target: platform, job: platformJob } = jobFor(platformDir, { ...o, ...(o.stack ? { stack: o.stack } : {}) }));
    stacks = tenantStackTargets(o.tenantStacks);
    tenantJobs = stacks.map((t) => jobFor(t.projectDir, { ...o, stack: t.stack }).job);
  } catch (e) {
    if (e instanceof UsageError) throw new CliError(e.kind, e.message, e.source, e.hint);
    if (e instanceof PolicyPackError) throw new CliError("policy-pack", e.message);
    throw e;
  }
  const problems = fleetProblems(platform, stacks);
  if (problems.length) {
    const lines = problems.map((p) => `  ${rel(p.stackFile)} ${p.key} = ${JSON.stringify(p.value)}: ${p.problem}. Fix: ${p.fix}`);
    throw new CliError(
      "stack-config",
      `the tenant stacks' config is invalid across stacks (${problems.length} problem${problems.length > 1 ? "s" : ""}); nothing was run:\n${lines.join("\n")}`,
      configLocation(problems[0].stackFile, problems[0].key, process.cwd()),
      "every tenant of the platform and of every tenant stack needs its own slot, host name and id (`bulkhead tenants allocate` proposes free slots per stack file)",
    );
  }
  // Type-check each distinct program once, beside the runs (as `check` does).
  const programs = [...new Set([platformJob.programPath, ...tenantJobs.map((j) => j.programPath)])].filter((p) => o.typeCheck && /\.(ts|mts|cts)$/.test(p));
  const typeChecks = Promise.all(programs.map((p) => typeCheckInBackground(p, process.cwd())));
  typeChecks.catch(() => undefined);

  const run = (jobs: EngineJob[]) => runJobs(jobs, { programOutput: stderr });
  say(`platform ${platform.projectName}/${platform.stack}: running (then ${stacks.length} tenant stack(s), ${o.concurrency} at a time)`);
  const t0 = performance.now();
  const [pr] = await runWithStackReferences([platformJob], run);
  const platformResult = stackResult(platform, "platform", pr, performance.now() - t0);
  say(`platform ${platform.projectName}/${platform.stack}: ${line(platformResult)}`);
  let tenantResults: FleetStackResult[];
  if (!pr.ok) {
    tenantResults = stacks.map((t) => stackResult(t, "tenants", undefined, 0));
  } else {
    const answer: StackOutputs = answerFromRun(platform.projectName, platform.stack, pr.run, `the offline run of ${rel(platform.projectDir)} (stack ${platform.stack})`);
    // One engine process per lane, each running its share of the stacks one after another: the SDK, the AWS
    // provider and the pack load once per process instead of once per stack (~2.5 s of CPU each).
    const lanes = Array.from({ length: Math.min(o.concurrency, stacks.length) }, (_, k) => stacks.map((_, i) => i).filter((i) => i % o.concurrency === k));
    tenantResults = new Array(stacks.length);
    let done = 0;
    await Promise.all(
      lanes.map(async (lane, n) => {
        const s0 = performance.now();
        let results: JobResult[];
        // The worker runs the lane's jobs in order: its k-th "running" is the lane's k-th stack.
        let started = -1;
        const onProgress = (m: string) => {
          const t = m.startsWith("running ") ? stacks[lane[++started]] : undefined;
          if (t) say(`${t.projectName}/${t.stack}: running (process ${n + 1} of ${lanes.length})`);
        };
        try {
          results = await runWithStackReferences(
            lane.map((i) => ({ ...tenantJobs[i], stackReferences: [...(tenantJobs[i].stackReferences ?? []), answer] })),
            (jobs) => runJobs(jobs, { programOutput: stderr, onProgress }),
          );
        } catch (e) {
          // The lane's process crashed: every stack of it failed, with why.
          const message = e instanceof Error ? e.message : String(e);
          results = lane.map(() => ({ ok: false, kind: "program", errorKind: "internal", message, location: null }) as JobResult);
        }
        const laneMs = performance.now() - s0;
        lane.forEach((i, k) => {
          const r = results[k];
          // Inside a shared process a stack's own time is what its worker measured; a failure gets the lane's.
          const ms = r.ok ? r.stats.programMs + r.stats.releaseMs + r.stats.policyMs : laneMs / lane.length;
          const res = stackResult(stacks[i], "tenants", r, ms);
          tenantResults[i] = res;
          say(`[${++done}/${stacks.length}] ${res.project}/${res.stack}: ${line(res)}`);
        });
      }),
    );
  }
  const types = await typeChecks;
  const typeErrors = types.flatMap((t) => t.errors);
  if (typeErrors.length) {
    const first = typeErrors[0];
    throw new CliError(first.syntax ? "syntax" : "type", `${first.syntax ? "syntax" : "type"} error: ${first.message}`, first.location, "fix it, or pass --transpile-only to skip the check as PULUMI_NODEJS_TRANSPILE_ONLY does");
  }
  const all = [platformResult, ...tenantResults];
  const sum = (k: "resources" | "mandatory" | "advisory" | "exempted") => all.reduce((n, s) => n + s[k], 0);
  return {
    platform: platformResult,
    tenantStacks: tenantResults,
    summary: {
      stacks: all.length,
      checked: all.filter((s) => s.status === "checked").length,
      failed: all.filter((s) => s.status === "failed").length,
      skipped: all.filter((s) => s.status === "skipped").length,
      resources: sum("resources"),
      mandatory: sum("mandatory"),
      advisory: sum("advisory"),
      exempted: sum("exempted"),
      concurrency: o.concurrency,
      ms: Math.round(performance.now() - started),
      cliMaxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    },
  };
}

function line(s: FleetStackResult): string {
  if (s.status === "skipped") return "skipped (the platform stack failed)";
  if (s.status === "failed") return `FAILED (${s.error!.kind}) ${s.error!.message.split("\n")[0]}${s.error!.source ? ` at ${s.error!.source}` : ""}`;
  return `${s.resources} resources, ${s.mandatory} mandatory, ${s.advisory} advisory, ${s.exempted} exempted (${(s.ms / 1000).toFixed(1)} s, ${s.maxRssMiB} MiB)`;
}

export function fleetExit(r: FleetResult): number {
  if (r.summary.failed || r.summary.skipped) return EXIT.usage;
  return r.summary.mandatory ? EXIT.violations : EXIT.ok;
}

export function fleetText(r: FleetResult): string {
  const out: string[] = [];
  for (const s of [r.platform, ...r.tenantStacks]) {
    out.push(`${s.status === "checked" ? (s.mandatory ? "BLOCKED" : "ok     ") : s.status === "failed" ? "FAILED " : "skipped"} ${s.project}/${s.stack} (${s.stackFile ?? "no stack file"}): ${line(s)}`);
    for (const v of s.violations.filter((x) => !x.exemption)) out.push(`    ${v.enforcement} ${v.policy}: ${v.message.split("\n")[0]}${v.resource.source ? ` (${v.resource.source})` : ""}`);
    if (s.error?.hint) out.push(`    hint: ${s.error.hint}`);
  }
  const m = r.summary;
  out.push(`${fleetExit(r) === 0 ? "PASSED" : fleetExit(r) === 1 ? "BLOCKED" : "FAILED"}: ${m.stacks} stacks (${m.checked} checked, ${m.failed} failed, ${m.skipped} skipped), ${m.resources} resources, ${m.mandatory} mandatory, ${m.advisory} advisory, ${m.exempted} exempted in ${(m.ms / 1000).toFixed(1)} s (${m.concurrency} at a time)`);
  return out.join("\n") + "\n";
}

export function registerFleetCommand(program: Command, setExit: (code: number) => void, io: CliIo): void {
  const fleet = program.command("fleet").description("the platform stack and all its tenant stacks: check offline, or deploy with the Pulumi Automation API");
  addEngineOptions(
    fleet
      .command("check")
      .description("check the platform stack, then every tenant stack against its outputs, in parallel processes")
      .argument("<platform>", "the platform's Pulumi project directory")
      .option("-s, --stack <name>", "the platform stack (default: the first stack file, else dev)")
      .requiredOption("--tenant-stacks <dir>", "a tenant-stack project directory (every Pulumi.<stack>.yaml in it), or a directory of such projects"),
  )
    .addOption(
      new Option("--concurrency <n>", "at most this many engine processes; each checks its share of the tenant stacks one after another")
        .argParser(positiveInt("--concurrency"))
        .default(availableParallelism(), `the CPU count, ${availableParallelism()}`),
    )
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"))
    .option("-o, --output <file>", "write the summary to a file instead of stdout")
    .action(async (platformDir: string, o) => {
      const r = await checkFleet(platformDir, { ...jobOptions(o, io.env), stack: o.stack, tenantStacks: o.tenantStacks, concurrency: o.concurrency, stderr: io.stderr });
      emit(o.format === "json" ? JSON.stringify(r, null, 2) + "\n" : fleetText(r), o.output, io);
      setExit(fleetExit(r));
    });
  registerFleetUp(fleet, setExit, undefined, io);
}
