/**
 * The engine's worker process: runs Pulumi programs under the mock runtime, records every
 * registration as the engine would see it, and evaluates the policy pack. Started by ./run.ts in a
 * fresh Node process (mocks and module caches are process-global); one process may run a batch of
 * jobs one after another.
 *
 * argv: <job file> <result file>; or `--await-jobs`: the SDK loads at once and each batch's `{jobFile, resultFile}`
 * arrives over IPC (bin/bulkhead.js starts such a worker before the CLI knows its job; ./run.ts keeps one per SDK
 * copy for the next batch). Progress goes to the parent over IPC when there is a channel.
 */
// First: it changes how @pulumi/pulumi loads (./lazy-closure.ts).
import "./lazy-closure";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { EngineJob, JobResult } from "./protocol";

const awaitingJobs = process.argv[2] === "--await-jobs";
let jobs: EngineJob[] = awaitingJobs ? [] : JSON.parse(readFileSync(process.argv[2], "utf8"));
let resultFile = awaitingJobs ? "" : process.argv[3];

// The SDK builds an Error().stack for every promise it tracks; with the limit at 0 registration is
// several times faster, and it raises the limit itself when it records source positions. (A worker that
// awaits its job is never one that re-runs a failed program for its stack trace.)
const fullStacks = jobs.some((j) => j.fullStacks);
Error.stackTraceLimit = fullStacks ? 50 : 0;

import { RecordingMonitor } from "./recorder";
import { registerProgramTranspiler } from "./transpile";
import { classifyProgramError, userFrame } from "./failure";
import { analyzeRun, openPack, PolicyEvaluationError, type OpenedPack } from "./evaluate";
import { PolicyConfigError } from "./policy-config";
import { PolicyPackError } from "./analyzer";
import { boundCallsiteDepth, lightenPromiseTracking, selectSdk } from "./sdk-tuning";
import { describeLost } from "./tripwire";
import { DEFAULT_REGION } from "./invokes";

// The program's own @pulumi/pulumi when it brings one (./run.ts decides, one worker per SDK copy).
const PROGRAM_SDK = process.env.BULKHEAD_PULUMI_SDK || undefined;
selectSdk(PROGRAM_SDK);
registerProgramTranspiler();

function progress(message: string): void {
  if (process.send) process.send({ progress: message });
}

const ENGINE_DIR = __dirname;

let currentFailure: unknown;
process.on("unhandledRejection", (e) => (currentFailure ??= e));
process.on("uncaughtException", (e) => (currentFailure ??= e));

/**
 * The mock runtime does no I/O: when Node's event loop runs dry while a program is still running, nothing
 * can ever resolve what it waits for (an apply over a value unknown at preview, a promise never settled).
 */
let onStall: (() => void) | undefined;
process.on("beforeExit", () => onStall?.());

/** Lets rejections that the SDK reports only as unhandled (after its RPC queue drained) arrive. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
}

function clearProgramModules(): void {
  // Programs and their local modules are evaluated afresh for every job; libraries stay cached.
  for (const key of Object.keys(require.cache)) {
    if (!key.includes(`${path.sep}node_modules${path.sep}`) && !key.startsWith(ENGINE_DIR)) delete require.cache[key];
  }
}

/**
 * Below this many resources the heap stays small and a full collection (~150 ms) costs more than the
 * growth it avoids: a batch of 80 small programs spent 12 s of its 21 s in these collections.
 */
const FULL_GC_FROM_RESOURCES = 1000;

/**
 * Everything the run needs is in the records now. The SDK's resource objects (about 200 KB each)
 * stay reachable through the root stack and the program's module until released here, so the
 * pack's evaluation can reuse that memory instead of adding to the peak.
 */
function releaseProgram(resourceCount: number): void {
  const store = require("@pulumi/pulumi/runtime/state").getStore();
  store.stackResource = undefined;
  store.leakCandidates?.clear?.();
  clearProgramModules();
  for (const m of [require.main, module]) if (m) m.children.length = 0;
  // V8 would rather grow the heap than collect it now; a full collection here keeps the pack's
  // allocations inside the memory the program already used (the worker runs with --expose-gc).
  if (resourceCount >= FULL_GC_FROM_RESOURCES) (globalThis as { gc?: () => void }).gc?.();
}

type ProgramFailure = Extract<JobResult, { ok: false }>;

/**
 * What the run must not pass over, most fundamental first: invokes the engine could not answer (each with
 * the user's call sites, even when the program caught the error), registrations that failed or never
 * completed (the tripwire), then any other error the program left unhandled.
 */
function completionFailure(recorder: RecordingMonitor, job: EngineJob, stalled: boolean): ProgramFailure | undefined {
  const lost = recorder.ledger.lost();
  const lostCount = lost.failed.length + lost.pending.length;
  // Everything built on an unanswered reference failed with it: the reference is the root cause.
  if (recorder.unansweredReferences.length) {
    const refs = recorder.unansweredReferences;
    return {
      ok: false,
      kind: "program",
      errorKind: "unanswered-stack-reference",
      message: refs.map((r) => `StackReference "${r.name}" cannot be answered offline${r.source ? `, made at ${r.source}` : ""}`).join("\n"),
      location: refs[0].source,
      hint: 'give its outputs with --stack-outputs NAME=FILE, or keep the referenced project next to this one (README: "Platform and tenant stacks")',
      stackReferences: refs,
    };
  }
  if (recorder.unanswered.length) {
    const seen = new Set<string>();
    const lines: string[] = [];
    let location: string | null = null;
    for (const e of recorder.unanswered) {
      if (seen.has(e.message)) continue;
      seen.add(e.message);
      const sites = recorder.sitesOf(e.token);
      location ??= sites[0] ?? null;
      lines.push(`${e.message}${sites.length ? `, called at ${sites.join(", ")}` : ""}`);
    }
    if (lostCount) lines.push(describeLost(lost, undefined, stalled ? undefined : currentFailure));
    return {
      ok: false,
      kind: "program",
      errorKind: "unanswered-invoke",
      message: lines.join("\n"),
      location,
      hint: 'give the answer in a file passed with --invokes FILE (README: "Invokes answered offline"), or pass the value through stack config',
    };
  }
  if (lostCount) {
    const first = lost.failed[0]?.source ?? lost.pending[0]?.source ?? null;
    const cause = stalled ? "the program never finished: it waits on a promise that nothing can settle offline." : undefined;
    return {
      ok: false,
      kind: "program",
      errorKind: "lost-registration",
      message: describeLost(lost, cause, stalled ? undefined : currentFailure),
      location: first ?? userFrame(currentFailure, job.displayRoot),
    };
  }
  if (stalled) {
    return {
      ok: false,
      kind: "program",
      errorKind: "lost-registration",
      message:
        "the program never finished: it waits on a promise that nothing can settle offline (e.g. a Promise resolved inside an apply over a value that is unknown at preview).",
      location: null,
    };
  }
  return undefined;
}

async function runJob(job: EngineJob): Promise<JobResult> {
  selectSdk(PROGRAM_SDK);
registerProgramTranspiler();
  const pulumi: typeof import("@pulumi/pulumi") = require("@pulumi/pulumi");
  const pulumiSdk: string = require("@pulumi/pulumi/package.json").version;
  boundCallsiteDepth();
  lightenPromiseTracking();
  const stackModule = require("@pulumi/pulumi/runtime/stack");
  const settings = require("@pulumi/pulumi/runtime/settings");
  currentFailure = undefined;
  const recorder = new RecordingMonitor(job);
  // pulumi.getOrganization() answers "organization", the name the Pulumi CLI uses without a Pulumi Cloud org.
  await pulumi.runtime.setMocks(recorder.mocks, job.projectName, job.stack, job.preview, "organization");
  recorder.attach(settings.getMonitor());
  const config: Record<string, string> = {};
  for (const [k, v] of Object.entries(job.config)) config[k] = v.value;
  // The AWS provider needs a region; the Pulumi CLI would stop without one, the offline run assumes the default.
  const regionDefaulted = !("aws:region" in config);
  if (regionDefaulted) config["aws:region"] = DEFAULT_REGION;
  pulumi.runtime.setAllConfig(config, Object.entries(job.config).filter(([, v]) => v.secret).map(([k]) => k));

  // The pack is loaded and its config validated before the program runs: a bad pack or config fails in a
  // second instead of after the whole program, and an --isolated pack starts while the program runs.
  let pack: OpenedPack | undefined;
  if (job.check) {
    selectSdk(undefined);
    try {
      // In process even for --isolated: this only validates; the isolated pack starts after the program, so it
      // inherits what the program's lookups told the engine (BULKHEAD_OFFLINE_SUBNETS below).
      pack = await openPack({ ...job.check, isolated: false });
    } catch (err) {
      return packFailure(err);
    } finally {
      selectSdk(PROGRAM_SDK);
    }
  }
  const cwd = process.cwd();
  const started = performance.now();
  let outputs: Record<string, unknown> = {};
  let stalled = false;
  try {
    process.chdir(job.projectDir);
    clearProgramModules();
    progress(`running ${path.relative(job.displayRoot, job.programPath) || job.programPath}`);
    const program = (async () => {
      const raw = await stackModule.runInPulumiStack(async () => {
        let programExport = require(job.programPath);
        // Like the nodejs language host: a default export or the module itself may be the program function.
        if (programExport && typeof programExport === "object" && "default" in programExport && Object.keys(programExport).length === 1) {
          programExport = programExport.default;
        }
        return programExport instanceof Function ? await programExport() : programExport;
      });
      await settings.waitForRPCs?.();
      return raw;
    })();
    const stall = new Promise<typeof STALLED>((resolve) => (onStall = () => resolve(STALLED)));
    const raw = await Promise.race([program, stall]);
    onStall = undefined;
    stalled = raw === STALLED;
    program.catch(() => undefined);
    await settle();
    const lost = completionFailure(recorder, job, stalled);
    if (lost) {
      await pack?.conn.close();
      return lost;
    }
    if (currentFailure) throw currentFailure;
    outputs = recorder.stackOutputs() ?? (raw as Record<string, unknown>) ?? {};
  } catch (err) {
    onStall = undefined;
    await settle();
    await pack?.conn.close();
    // A thrown invoke error or a lost registration names more than the error that surfaced first.
    const lost = completionFailure(recorder, job, stalled);
    if (lost) return lost;
    const f = classifyProgramError(currentFailure ?? err, job);
    return {
      ok: false,
      kind: "program",
      message: f.message,
      location: f.location,
      errorKind: f.errorKind,
      ...(f.hint ? { hint: f.hint } : {}),
      ...(f.detail ? { detail: f.detail } : {}),
      needsStack: !fullStacks,
    };
  } finally {
    process.chdir(cwd);
  }
  const notes: string[] = [];
  const run = recorder.result(outputs);
  if (regionDefaulted && (run.resources.some((r) => r.type.startsWith("aws:") || r.type === "pulumi:providers:aws") || recorder.invokes.some((i) => i.token.startsWith("aws:")))) {
    notes.push(`aws:region is not set; the offline run used ${DEFAULT_REGION} (add "aws:region: <region>" under config: in the stack's Pulumi.<stack>.yaml).`);
  }
  run.invokes = recorder.invokes;
  const programMs = performance.now() - started;
  progress(`registered ${run.resources.length} resources`);
  let releaseMs = 0;
  // CPU time of the whole process (GC threads included) from after the release to the end of the evaluation.
  let evaluationCpu: NodeJS.CpuUsage | undefined;
  const packLoadMs = pack?.loadMs ?? 0;
  const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
  const stats = () => ({
    programMs,
    releaseMs,
    policyMs: performance.now() - started - programMs - releaseMs + packLoadMs,
    packLoadMs,
    ...(evaluationCpu ? { evaluationCpuMs: cpuMs(process.cpuUsage(evaluationCpu)) } : {}),
    workerPid: process.pid,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    pulumiSdk,
  });
  if (!pack) return { ok: true, run, stats: stats(), ...(notes.length ? { notes } : {}) };
  const releaseStarted = performance.now();
  releaseProgram(run.resources.length);
  // The pack loads its own @pulumi/policy and the SDK copy that goes with it.
  selectSdk(undefined);
  releaseMs = performance.now() - releaseStarted;
  evaluationCpu = process.cpuUsage();
  // Read by the pack in this process or in an isolated one (it inherits the environment).
  process.env.BULKHEAD_OFFLINE_SUBNETS = JSON.stringify(recorder.subnets);
  // What the engine knows of the groups of stacks it ran to answer this stack's StackReferences.
  process.env.BULKHEAD_OFFLINE_GROUPS = JSON.stringify((job.stackReferences ?? []).flatMap((a) => a.securityGroups ?? []));
  try {
    if (job.check?.isolated) {
      await pack.conn.close();
      pack = await openPack(job.check);
    }
    const check = await analyzeRun(run, pack, progress);
    return { ok: true, run, check, stats: stats(), ...(notes.length ? { notes } : {}) };
  } catch (err) {
    return packFailure(err);
  } finally {
    delete process.env.BULKHEAD_OFFLINE_SUBNETS;
    delete process.env.BULKHEAD_OFFLINE_GROUPS;
  }
}

function packFailure(err: unknown): JobResult {
  if (err instanceof PolicyPackError || err instanceof PolicyConfigError || err instanceof PolicyEvaluationError) {
    return { ok: false, kind: err instanceof PolicyConfigError ? "policy-config" : "policy-pack", message: err.message, location: null };
  }
  return { ok: false, kind: "policy-pack", message: `the policy pack failed: ${(err as Error).stack ?? err}`, location: null };
}

/**
 * Waits for the next batch over IPC (`{jobFile, resultFile}`); exits when the parent goes away first. The IPC
 * channel keeps this process alive only while it waits: Node refs it for each "message" and "disconnect"
 * listener, and both are removed when the batch arrives. While a batch runs it must not keep the process alive,
 * or a program waiting on a promise nothing can settle would hang the run instead of being reported as stalled
 * (the "beforeExit" above).
 */
function nextBatch(): Promise<void> {
  return new Promise((resolve) => {
    const onDisconnect = () => process.exit(0);
    process.once("disconnect", onDisconnect);
    process.once("message", (m: { jobFile: string; resultFile: string; env?: NodeJS.ProcessEnv }) => {
      process.off("disconnect", onDisconnect);
      jobs = JSON.parse(readFileSync(m.jobFile, "utf8"));
      resultFile = m.resultFile;
      // The environment the batch would have had in a new process (the start-up part is the same: ./run.ts).
      if (m.env) {
        for (const k of Object.keys(process.env)) if (!(k in m.env)) delete process.env[k];
        Object.assign(process.env, m.env);
      }
      resolve();
    });
  });
}

/** Loads the SDK, then waits for the CLI to send the job. */
function receiveJobs(): Promise<void> {
  // Attached in the same tick as the loads finish: a message that came meanwhile is still unread.
  require("@pulumi/pulumi");
  require("@pulumi/aws");
  return nextBatch();
}

const STALLED = Symbol("stalled");

async function main(): Promise<void> {
  if (awaitingJobs) await receiveJobs();
  for (;;) {
    const results: JobResult[] = [];
    for (const job of jobs) results.push(await runJob(job));
    writeFileSync(resultFile, JSON.stringify(results));
    // A failed program leaves SDK promises pending; its error is already in the results, so the SDK's
    // leak report at exit would only turn a reported failure into a crash.
    // The program's copy registered that report (./sdk-tuning.ts selectSdk): clear the store it reads.
    selectSdk(PROGRAM_SDK);
    require("@pulumi/pulumi/runtime/state").getStore().leakCandidates?.clear?.();
    // A worker that awaits its jobs stays for the next batch of its parent (./run.ts keeps it while idle): the
    // SDK's ~0.7 s of loading is paid once per process, not once per batch.
    if (!awaitingJobs || !process.send) break;
    process.send({ done: resultFile });
    await nextBatch();
  }
  // gRPC handles of an isolated pack or the SDK may keep the loop alive.
  process.exit(0);
}

main().catch((e) => {
  process.stderr.write(`bulkhead engine crashed: ${(e as Error).stack ?? e}\n`);
  process.exit(3);
});
