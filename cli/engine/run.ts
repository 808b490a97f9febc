/**
 * Starts the engine's worker process (./child.ts) for a batch of jobs and collects the results.
 * A fresh process per batch: Pulumi's mocks, config and module caches are process-global.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { REPO_ROOT } from "../paths";
import type { EngineJob, JobResult } from "./protocol";
import type { TypeCheckResult } from "./typecheck";

const REPO_NODE_MODULES = path.join(REPO_ROOT, "node_modules");

/**
 * The worker as plain JavaScript when the CLI itself runs from the bundle `npm run build` writes (no
 * TypeScript loader in the worker: it cost ~0.5 s of every cold run); from source under tsx otherwise.
 */
function workerArgs(entry: "child" | "typecheck" = "child"): string[] {
  if (__filename.endsWith(".js")) return [path.join(REPO_ROOT, "dist", "cli", "engine", `${entry}.js`)];
  return ["--import", pathToFileURL(require.resolve("tsx")).href, path.join(REPO_ROOT, "cli", "engine", `${entry}.ts`)];
}

/**
 * Type-checks the program in its own process, beside the engine's worker (two cores: the wall time is the
 * longer of the two, not their sum). Resolves with the errors; rejects only if the checker itself crashed.
 */
export function typeCheckInBackground(programPath: string, displayRoot: string): Promise<TypeCheckResult> {
  const dir = mkdtempSync(path.join(tmpdir(), "bulkhead-tc-"));
  const resultFile = path.join(dir, "result.json");
  const child = spawn(process.execPath, [...workerArgs("typecheck"), programPath, displayRoot, REPO_NODE_MODULES, resultFile], { stdio: ["ignore", "ignore", "pipe"] });
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
  programOutput?: NodeJS.WritableStream;
}

export class EngineCrash extends Error {}

function spawnWorker(jobs: EngineJob[], opts: RunOptions): Promise<JobResult[]> {
  const dir = mkdtempSync(path.join(tmpdir(), "bulkhead-"));
  const jobFile = path.join(dir, "jobs.json");
  const resultFile = path.join(dir, "results.json");
  writeFileSync(jobFile, JSON.stringify(jobs));
  const env = { ...process.env };
  // Single-file programs outside this repository still resolve @pulumi/* from bulkhead's install.
  env.NODE_PATH = [REPO_NODE_MODULES, env.NODE_PATH].filter(Boolean).join(path.delimiter);
  // A larger young generation: registration allocates many short-lived objects, and the default
  // semi-space made garbage collection a quarter of the run at thousands of resources. The policy SDK
  // decodes the whole stack once per stack policy, and each copy is still alive when a scavenge
  // comes: at 32 MiB a scavenge came every policy and promoted most of it (5,000 resources: 48 MiB
  // cut the pack's evaluation by ~15 % for ~+35 MiB peak).
  const child = spawn(process.execPath, ["--max-semi-space-size=48", "--expose-gc", ...workerArgs(), jobFile, resultFile], {
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    env,
  });
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
  const results = await spawnWorker(jobs, opts);
  for (let i = 0; i < results.length; i++) {
    const r = results[i];
    if (!r.ok && r.kind === "program" && r.needsStack && !r.location) {
      const [again] = await spawnWorker([{ ...jobs[i], fullStacks: true, check: undefined }], { programOutput: devNull() });
      if (!again.ok) results[i] = { ...r, location: again.location, ...(again.detail ? { detail: again.detail } : {}), needsStack: false };
    }
  }
  return results;
}

function devNull(): NodeJS.WritableStream {
  const { Writable } = require("node:stream") as typeof import("node:stream");
  return new Writable({ write: (_c, _e, cb) => cb() });
}
