/**
 * Runs batches of jobs in the engine's worker processes (./child.ts) and collects the results. A worker runs
 * its batch's jobs one after another and resets Pulumi's process-global mocks, config and program modules
 * between them; it then stays, idle, for this process's next batch on the same SDK copy (up to two per copy,
 * for a minute), so that the SDK's ~0.7 s of loading is not paid again for every batch.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../paths";
import type { EngineJob, JobResult } from "./protocol";
import { programSdk } from "./sdk-tuning";
import type { TypeCheckResult } from "./typecheck";
import { bundleIsCurrent, holdWorker, spawnEngineWorker, startupEnv, takeEarlyWorker, workerArgs, workerEnv } from "./worker-spawn";

const REPO_NODE_MODULES = path.join(REPO_ROOT, "node_modules");
const BUNDLED_SDK = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
/** Running from the bundle (dist/cli) rather than from the TypeScript sources. */
const BUNDLED = __filename.endsWith(".js");
/** The worker (or type checker) from its bundle: always from the bundle, else while the bundle is current. */
const fromBundle = (entry: "child" | "typecheck") => BUNDLED || bundleIsCurrent(entry);

/**
 * Type-checks the program in its own process, beside the engine's worker (two cores: the wall time is the
 * longer of the two, not their sum). Resolves with the errors; rejects only if the checker itself crashed.
 */
export function typeCheckInBackground(programPath: string, displayRoot: string): Promise<TypeCheckResult> {
  const dir = mkdtempSync(path.join(tmpdir(), "bulkhead-tc-"));
  const resultFile = path.join(dir, "result.json");
  const child = spawn(process.execPath, [...workerArgs("typecheck", fromBundle("typecheck")), programPath, displayRoot, REPO_NODE_MODULES, resultFile], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => {
      try {
        if (code !== 0) throw new EngineCrash(`the type checker exited with code ${code}:\n${stderr.trim().slice(-2000)}`);
        resolve(JSON.parse(readFileSync(resultFile, "utf8")));
      } catch (e) {
        reject(e);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

export interface RunOptions {
  onProgress?: (message: string) => void;
  /**
   * Run the batch in a worker started for it alone and not kept: what one `bulkhead check` from the command line
   * pays (the benchmarks measure that; memory and time then belong to this batch only).
   */
  freshWorker?: boolean;
  /** Where the worker's own stdout/stderr (the program's console output) go; default: our stderr. */
  programOutput?: { write(chunk: Uint8Array | string): unknown };
}

export class EngineCrash extends Error {}

/** The batch a worker is running: where its output goes and who waits for its end. */
interface Batch {
  out: { write(chunk: Uint8Array | string): unknown };
  stderr: string;
  onProgress?: (message: string) => void;
  done: () => void;
}

const batchOf = new WeakMap<ChildProcess, Batch | null>();

/** Routes a worker's output and messages to whichever batch it is running (attached once per worker). */
function attach(child: ChildProcess): void {
  if (batchOf.has(child)) return;
  batchOf.set(child, null);
  child.stdout!.on("data", (d) => batchOf.get(child)?.out.write(d));
  child.stderr!.on("data", (d) => {
    const batch = batchOf.get(child);
    if (!batch) return;
    batch.stderr += d;
    batch.out.write(d);
  });
  child.on("message", (m: { progress?: string; done?: string }) => {
    const batch = batchOf.get(child);
    if (m?.progress) batch?.onProgress?.(m.progress);
    if (m?.done) batch?.done();
  });
}

/** Idle workers by SDK copy, loader and start-up environment: a worker serves only batches it was started for. */
const idle = new Map<string, Array<{ worker: ChildProcess; timer: NodeJS.Timeout; gone: () => void }>>();
/** The policy pack a worker has loaded in process: a process holds one pack, so it serves no batch of another. */
const packOf = new WeakMap<ChildProcess, string>();

const IDLE_PER_KEY = 2;
const IDLE_MS = 60_000;

/** The one pack a batch loads in process, if any (an isolated pack runs in a process of its own). */
function inProcessPack(jobs: EngineJob[]): string | undefined {
  return jobs.find((j) => j.check && !j.check.isolated)?.check?.packDir;
}

function poolKey(sdk: string | undefined): string {
  return JSON.stringify([sdk ?? "", fromBundle("child"), startupEnv(workerEnv(sdk))]);
}

function takeIdle(key: string, pack: string | undefined): ChildProcess | undefined {
  const list = idle.get(key) ?? [];
  for (let i = list.length - 1; i >= 0; i--) {
    const { worker, timer, gone } = list[i]!;
    const loaded = packOf.get(worker);
    if (pack !== undefined && loaded !== undefined && loaded !== pack) continue;
    list.splice(i, 1);
    clearTimeout(timer);
    worker.off("exit", gone);
    if (worker.exitCode === null && worker.signalCode === null && worker.connected) {
      holdWorker(worker, true);
      return worker;
    }
  }
  return undefined;
}

function keepIdle(key: string, worker: ChildProcess): void {
  const list = idle.get(key) ?? [];
  idle.set(key, list);
  if (list.length >= IDLE_PER_KEY || !worker.connected) {
    worker.kill();
    return;
  }
  holdWorker(worker, false);
  const timer = setTimeout(() => {
    const i = list.findIndex((e) => e.worker === worker);
    if (i >= 0) list.splice(i, 1);
    worker.kill();
  }, IDLE_MS);
  timer.unref();
  // An idle worker that dies leaves the list (the listener goes when the worker is taken: it may serve many batches).
  const gone = () => {
    const i = list.findIndex((e) => e.worker === worker);
    if (i >= 0) clearTimeout(list.splice(i, 1)[0]!.timer);
  };
  worker.once("exit", gone);
  list.push({ worker, timer, gone });
}

/**
 * Lets every idle worker go and waits until each has exited: a command calls it when it is done, so its workers
 * end with it (and their CPU time counts as the command's, as `time` and the fleet's accounting read it).
 */
export async function releaseIdleWorkers(): Promise<void> {
  const all = [...idle.values()].flatMap((list) => list.splice(0));
  await Promise.all(
    all.map(({ worker, timer }) => {
      clearTimeout(timer);
      if (worker.exitCode !== null || worker.signalCode !== null) return undefined;
      return new Promise<void>((resolve) => {
        // Held again, or this process would not wait for the exit.
        holdWorker(worker, true);
        worker.once("exit", () => resolve());
        // The worker exits when its parent disconnects (./child.ts nextBatch).
        if (worker.connected) worker.disconnect();
        else worker.kill();
      });
    }),
  );
}

function spawnWorker(jobs: EngineJob[], opts: RunOptions, sdk?: string): Promise<JobResult[]> {
  const dir = mkdtempSync(path.join(tmpdir(), "bulkhead-"));
  const jobFile = path.join(dir, "jobs.json");
  const resultFile = path.join(dir, "results.json");
  writeFileSync(jobFile, JSON.stringify(jobs));
  // A re-run for stack traces needs a worker started with them (./child.ts sets the limit before the SDK
  // loads): a one-off process, as is a batch that asks for a worker of its own. Every other batch goes to a
  // waiting worker: an idle one of this process, the one bin/bulkhead.js started early (bundled SDK only), or a
  // new one.
  const oneOff = opts.freshWorker === true || jobs.some((j) => j.fullStacks);
  const key = poolKey(sdk);
  const pack = inProcessPack(jobs);
  const child: ChildProcess = oneOff
    ? spawnEngineWorker([jobFile, resultFile], fromBundle("child"), sdk)
    : (takeIdle(key, pack) ?? (sdk ? undefined : takeEarlyWorker()) ?? spawnEngineWorker(["--await-jobs"], fromBundle("child"), sdk));
  if (pack !== undefined && !packOf.has(child)) packOf.set(child, pack);
  attach(child);
  return new Promise((resolve, reject) => {
    let ended = false;
    const end = (outcome: () => JobResult[]) => {
      if (ended) return;
      ended = true;
      batchOf.set(child, null);
      child.off("exit", onExit);
      child.off("error", onError);
      try {
        resolve(outcome());
      } catch (e) {
        reject(e);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };
    const results = () => JSON.parse(readFileSync(resultFile, "utf8")) as JobResult[];
    const batch: Batch = {
      out: opts.programOutput ?? process.stderr,
      stderr: "",
      onProgress: opts.onProgress,
      // Output the worker wrote before it said "done" may still be in its pipes: read it first.
      done: () =>
        setImmediate(() => {
          end(results);
          keepIdle(key, child);
        }),
    };
    const onExit = (code: number | null) =>
      end(() => {
        if (code !== 0) throw new EngineCrash(`the engine's worker exited with code ${code}:\n${batch.stderr.trim().slice(-4000)}`);
        return results();
      });
    const onError = (err: Error) => end(() => {
      throw err;
    });
    batchOf.set(child, batch);
    child.once("exit", onExit);
    child.once("error", onError);
    if (!oneOff) child.send({ jobFile, resultFile, env: workerEnv(sdk) });
  });
}

/**
 * Runs each job; a program that failed in the fast mode (no stack traces) is run once more with
 * stack traces so its error can be located in the user's file.
 */
export async function runJobs(jobs: EngineJob[], opts: RunOptions = {}): Promise<JobResult[]> {
  // One worker per copy of @pulumi/pulumi: a program that brings its own runs with it (./sdk-tuning.ts).
  const sdks = jobs.map((j) => programSdk(j.projectDir, BUNDLED_SDK));
  const groups = new Map<string, number[]>();
  sdks.forEach((sdk, i) => groups.set(sdk ?? "", [...(groups.get(sdk ?? "") ?? []), i]));
  const results: JobResult[] = new Array(jobs.length);
  await Promise.all(
    [...groups].map(async ([sdk, indices]) => {
      const out = await spawnWorker(indices.map((i) => jobs[i]), opts, sdk || undefined);
      indices.forEach((i, k) => (results[i] = out[k]));
    }),
  );
  for (let i = 0; i < results.length; i++) {
    const r = results[i];
    if (!r.ok && r.kind === "program" && r.needsStack && !r.location) {
      const [again] = await spawnWorker([{ ...jobs[i], fullStacks: true, check: undefined }], { programOutput: devNull() }, sdks[i]);
      if (!again.ok) results[i] = { ...r, location: again.location, ...(again.detail ? { detail: again.detail } : {}), needsStack: false };
    }
  }
  return results;
}

function devNull(): { write(chunk: Uint8Array | string): unknown } {
  const { Writable } = require("node:stream") as typeof import("node:stream");
  return new Writable({ write: (_c, _e, cb) => cb() });
}
