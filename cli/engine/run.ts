/**
 * Starts the engine's worker process (./child.ts) for a batch of jobs and collects the results.
 * A fresh process per batch: Pulumi's mocks, config and module caches are process-global.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../paths";
import type { EngineJob, JobResult } from "./protocol";
import { programSdk } from "./sdk-tuning";
import type { TypeCheckResult } from "./typecheck";
import { bundleIsCurrent, spawnEngineWorker, takeEarlyWorker, workerArgs } from "./worker-spawn";

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
  /** Where the worker's own stdout/stderr (the program's console output) go; default: our stderr. */
  programOutput?: { write(chunk: Uint8Array | string): unknown };
}

export class EngineCrash extends Error {}

function spawnWorker(jobs: EngineJob[], opts: RunOptions, sdk?: string): Promise<JobResult[]> {
  const dir = mkdtempSync(path.join(tmpdir(), "bulkhead-"));
  const jobFile = path.join(dir, "jobs.json");
  const resultFile = path.join(dir, "results.json");
  writeFileSync(jobFile, JSON.stringify(jobs));
  // The worker bin/bulkhead.js started early runs the bundled SDK: it serves only programs that use that one.
  const early = jobs.some((j) => j.fullStacks) || sdk ? undefined : takeEarlyWorker();
  const child: ChildProcess = early ?? spawnEngineWorker([jobFile, resultFile], fromBundle("child"), sdk);
  if (early) early.send({ jobFile, resultFile });
  const out = opts.programOutput ?? process.stderr;
  let stderr = "";
  child.stdout!.on("data", (d) => out.write(d));
  child.stderr!.on("data", (d) => {
    stderr += d;
    out.write(d);
  });
  child.on("message", (m: any) => m?.progress && opts.onProgress?.(m.progress));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => {
      try {
        if (code !== 0) throw new EngineCrash(`the engine's worker exited with code ${code}:\n${stderr.trim().slice(-4000)}`);
        resolve(JSON.parse(readFileSync(resultFile, "utf8")));
      } catch (e) {
        reject(e);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
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
