/**
 * The engine's worker process: runs Pulumi programs under the mock runtime, records every
 * registration as the engine would see it, and evaluates the policy pack. Started by ./run.ts in a
 * fresh Node process (mocks and module caches are process-global); one process may run a batch of
 * jobs one after another.
 *
 * argv: <job file> <result file>; or `--await-jobs` when bin/bulkhead.js starts the worker before the CLI
 * knows its job: the SDK loads meanwhile and `{jobFile, resultFile}` arrive over IPC. Progress goes to the
 * parent over IPC when there is a channel.
 */
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
import { classifyProgramError } from "./failure";
import { analyzeRun, openPack, PolicyEvaluationError, type OpenedPack } from "./evaluate";
import { PolicyConfigError } from "./policy-config";
import { PolicyPackError } from "./analyzer";
import { boundCallsiteDepth, lightenPromiseTracking } from "./sdk-tuning";

function progress(message: string): void {
  if (process.send) process.send({ progress: message });
}

const ENGINE_DIR = __dirname;

let currentFailure: unknown;
process.on("unhandledRejection", (e) => (currentFailure ??= e));
process.on("uncaughtException", (e) => (currentFailure ??= e));

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

registerProgramTranspiler();

async function runJob(job: EngineJob): Promise<JobResult> {
  const pulumi: typeof import("@pulumi/pulumi") = require("@pulumi/pulumi");
  boundCallsiteDepth();
  lightenPromiseTracking();
  const stackModule = require("@pulumi/pulumi/runtime/stack");
  const settings = require("@pulumi/pulumi/runtime/settings");
  currentFailure = undefined;
  const recorder = new RecordingMonitor(job);
  await pulumi.runtime.setMocks(recorder.mocks, job.projectName, job.stack, job.preview);
  recorder.attach(settings.getMonitor());
  const config: Record<string, string> = {};
  for (const [k, v] of Object.entries(job.config)) config[k] = v.value;
  pulumi.runtime.setAllConfig(config, Object.entries(job.config).filter(([, v]) => v.secret).map(([k]) => k));

  // The pack is loaded and its config validated before the program runs: a bad pack or config fails in
  // a second instead of after the whole program, and an --isolated pack starts while the program runs.
  let pack: OpenedPack | undefined;
  if (job.check) {
    try {
      pack = await openPack(job.check);
    } catch (err) {
      return packFailure(err);
    }
  }
  const cwd = process.cwd();
  const started = performance.now();
  let outputs: Record<string, unknown> = {};
  try {
    process.chdir(job.projectDir);
    clearProgramModules();
    progress(`running ${path.relative(job.displayRoot, job.programPath) || job.programPath}`);
    const raw = await stackModule.runInPulumiStack(async () => {
      let programExport = require(job.programPath);
      // Like the nodejs language host: a default export or the module itself may be the program function.
      if (programExport && typeof programExport === "object" && "default" in programExport && Object.keys(programExport).length === 1) {
        programExport = programExport.default;
      }
      return programExport instanceof Function ? await programExport() : programExport;
    });
    await settings.waitForRPCs?.();
    if (currentFailure) throw currentFailure;
    outputs = recorder.stackOutputs() ?? (raw as Record<string, unknown>) ?? {};
  } catch (err) {
    await pack?.conn.close();
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
  const run = recorder.result(outputs);
  const programMs = performance.now() - started;
  progress(`registered ${run.resources.length} resources`);
  let releaseMs = 0;
  const packLoadMs = pack?.loadMs ?? 0;
  const stats = () => ({
    programMs,
    releaseMs,
    policyMs: performance.now() - started - programMs - releaseMs + packLoadMs,
    packLoadMs,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  });
  if (!pack) return { ok: true, run, stats: stats() };
  const releaseStarted = performance.now();
  releaseProgram(run.resources.length);
  releaseMs = performance.now() - releaseStarted;
  try {
    const check = await analyzeRun(run, pack, progress);
    return { ok: true, run, check, stats: stats() };
  } catch (err) {
    return packFailure(err);
  }
}

function packFailure(err: unknown): JobResult {
  if (err instanceof PolicyPackError || err instanceof PolicyConfigError || err instanceof PolicyEvaluationError) {
    return { ok: false, kind: err instanceof PolicyConfigError ? "policy-config" : "policy-pack", message: err.message, location: null };
  }
  return { ok: false, kind: "policy-pack", message: `the policy pack failed: ${(err as Error).stack ?? err}`, location: null };
}

/** Loads the SDK, then waits for the CLI to send the job; exits with the CLI if it never does. */
function receiveJobs(): Promise<void> {
  process.once("disconnect", () => process.exit(0));
  require("@pulumi/pulumi");
  require("@pulumi/aws");
  // Attached in the same tick as the loads finish: a message that came meanwhile is still unread.
  return new Promise((resolve) =>
    process.once("message", (m: { jobFile: string; resultFile: string }) => {
      jobs = JSON.parse(readFileSync(m.jobFile, "utf8"));
      resultFile = m.resultFile;
      resolve();
    }),
  );
}

async function main(): Promise<void> {
  if (awaitingJobs) await receiveJobs();
  const results: JobResult[] = [];
  for (const job of jobs) results.push(await runJob(job));
  writeFileSync(resultFile, JSON.stringify(results));
  // A failed program leaves SDK promises pending; its error is already in the results, so the SDK's
  // leak report at exit would only turn a reported failure into a crash.
  require("@pulumi/pulumi/runtime/state").getStore().leakCandidates?.clear?.();
  // gRPC handles of an isolated pack or the SDK may keep the loop alive.
  process.exit(0);
}

main().catch((e) => {
  process.stderr.write(`bulkhead engine crashed: ${(e as Error).stack ?? e}\n`);
  process.exit(3);
});
