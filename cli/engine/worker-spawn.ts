/**
 * How the engine's worker process is started: one place for run.ts and for bin/bulkhead.js, which starts the
 * worker before it even loads the CLI (`--await-jobs`) so the SDK's ~0.7 s of imports overlap with the CLI
 * parsing its arguments; the job then comes over IPC.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { REPO_ROOT } from "../paths";

const REPO_NODE_MODULES = path.join(REPO_ROOT, "node_modules");

/** The worker as JavaScript from the bundle when the CLI runs from it; from source under tsx otherwise. */
export function workerArgs(entry: "child" | "typecheck", bundled: boolean): string[] {
  if (bundled) return [path.join(REPO_ROOT, "dist", "cli", "engine", `${entry}.js`)];
  return ["--import", pathToFileURL(require.resolve("tsx")).href, path.join(REPO_ROOT, "cli", "engine", `${entry}.ts`)];
}

const current = new Map<string, boolean>();

/**
 * True when dist/cli/engine/<entry>.js was built from the files as they are now: none of the inputs its build
 * recorded beside it (scripts/build-cli.ts) is newer. Callers running from the TypeScript sources (the tests)
 * then start the worker from the bundle, without a TypeScript loader in it (~0.6 s of CPU less per worker);
 * after an edit that was not built yet, from the sources. Decided once per process.
 */
export function bundleIsCurrent(entry: "child" | "typecheck"): boolean {
  let ok = current.get(entry);
  if (ok !== undefined) return ok;
  try {
    const bundle = path.join(REPO_ROOT, "dist", "cli", "engine", `${entry}.js`);
    const built = statSync(bundle).mtimeMs;
    const inputs: string[] = JSON.parse(readFileSync(bundle.replace(/\.js$/, ".inputs.json"), "utf8"));
    ok = inputs.length > 0 && inputs.every((f) => statSync(path.join(REPO_ROOT, f)).mtimeMs <= built);
  } catch {
    ok = false;
  }
  current.set(entry, ok);
  return ok;
}

/** The environment a worker runs its batch in: ours, plus where programs resolve @pulumi/* and which SDK copy. */
export function workerEnv(sdk?: string): NodeJS.ProcessEnv {
  const env = { ...process.env };
  // Single-file programs outside this repository still resolve @pulumi/* from bulkhead's install.
  env.NODE_PATH = [REPO_NODE_MODULES, env.NODE_PATH].filter(Boolean).join(path.delimiter);
  if (sdk) env.BULKHEAD_PULUMI_SDK = sdk;
  else delete env.BULKHEAD_PULUMI_SDK;
  return env;
}

/**
 * The part of a worker's environment that takes effect when the process starts, so that a worker serves only
 * batches that agree on it: Node's own variables (module paths, options) and those the SDKs and the worker read
 * as they load. The rest is handed to the worker with each batch (./child.ts).
 */
export function startupEnv(env: NodeJS.ProcessEnv): string {
  return JSON.stringify(Object.keys(env).filter((k) => /^(NODE|PULUMI|BULKHEAD)_/.test(k)).sort().map((k) => [k, env[k]]));
}

/** `sdk`: the root of the program's own @pulumi/pulumi when it brings one (./sdk-tuning.ts programSdk). */
export function spawnEngineWorker(args: string[], bundled: boolean, sdk?: string): ChildProcess {
  const env = workerEnv(sdk);
  // A larger young generation: registration allocates many short-lived objects, and the default
  // semi-space made garbage collection a quarter of the run at thousands of resources. The policy SDK
  // decodes the whole stack once per stack policy, and each copy is still alive when a scavenge
  // comes: at 32 MiB a scavenge came every policy and promoted most of it (5,000 resources: 48 MiB
  // cut the pack's evaluation by ~15 % for ~+35 MiB peak).
  return spawn(process.execPath, ["--max-semi-space-size=48", "--expose-gc", ...workerArgs("child", bundled), ...args], {
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    env,
  });
}

/** Shared through the global object: bin/bulkhead.js loads this file apart from the CLI's bundle. */
const EARLY = Symbol.for("bulkhead.earlyWorker");
const slot = globalThis as unknown as { [EARLY]?: ChildProcess };

/** Whether a worker keeps this process alive: not while it waits unused (early, or idle between batches). */
export function holdWorker(w: ChildProcess, hold: boolean): void {
  const targets = [w, w.channel, w.stdout, w.stderr] as Array<{ ref?: () => void; unref?: () => void } | null | undefined>;
  for (const t of targets) (hold ? t?.ref : t?.unref)?.call(t);
}

/**
 * Starts a worker that waits for its job; it does not keep the CLI alive, and exits by itself when the CLI
 * does (an error before any run).
 */
export function startEarlyWorker(): void {
  const early = spawnEngineWorker(["--await-jobs"], true);
  slot[EARLY] = early;
  holdWorker(early, false);
}

/** The early worker, once: later runs start their own. */
export function takeEarlyWorker(): ChildProcess | undefined {
  const w = slot[EARLY];
  slot[EARLY] = undefined;
  if (!w || w.exitCode !== null) return undefined;
  holdWorker(w, true);
  return w;
}
