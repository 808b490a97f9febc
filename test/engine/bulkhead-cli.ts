/**
 * The `bulkhead` command line, from the repository root as a pipeline runs it, two ways:
 *
 * - `bulkhead(...)` spawns `node bin/bulkhead.js …`: for what only a process shows — the exit status, stdout
 *   flushed before the process exits, the early engine worker bin/bulkhead.js starts, what Node itself prints.
 *   Each costs ~0.15 s of CPU for Node and the CLI bundle, and a check, preview, review or diagram that
 *   fails before its run ~0.4 s more: the early worker it started imports the SDK before it can notice the exit.
 * - `bulkheadInProcess(...)` runs the same `main(argv)` bin/bulkhead.js runs — argument parsing, target
 *   resolution, the engine run, error mapping, reporters, exit code — in this process, with its own stdout,
 *   stderr (not terminals) and environment (cli/io.ts). Runs may overlap: nothing process-global is changed.
 *   Like bin/bulkhead.js it loads the bundle (dist/cli/main.js) while that is built from the files as they are
 *   (npm test's pre-step builds it), else the TypeScript sources: the bundle loads in ~0.1 s of CPU, the sources
 *   through vitest's transform in ~1 s.
 */
import { execFile } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import type { CliStream } from "../../cli/io";

export const repo = path.resolve(__dirname, "..", "..");

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Environment overrides; undefined removes the variable. */
export type Env = Record<string, string | undefined>;

/** The test process's environment as a spawned CLI gets it: FORCE_COLOR removed, then `env` applied. */
function cliEnv(env: Env): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: undefined, ...env };
  // As child_process does: an undefined value is no variable at all.
  for (const k of Object.keys(merged)) if (merged[k] === undefined) delete merged[k];
  return merged;
}

export function bulkhead(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(repo, "bin", "bulkhead.js"), ...args], { cwd: repo, env: cliEnv({}) }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 99) : 0, stdout, stderr }),
    );
  });
}

/** A pipe, as a spawned CLI's stdout and stderr are: bytes kept as written, decoded once at the end. */
function pipe(): CliStream & { text(): string } {
  const chunks: Buffer[] = [];
  return {
    write: (chunk) => chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk)),
    text: () => Buffer.concat(chunks).toString("utf8"),
  };
}

type Main = typeof import("../../cli/main").main;

/** dist/cli/main.js is current: none of the inputs its build recorded beside it is newer (scripts/build-cli.ts). */
function bundleIsCurrent(bundle: string): boolean {
  try {
    const built = statSync(bundle).mtimeMs;
    const inputs: string[] = JSON.parse(readFileSync(bundle.replace(/\.js$/, ".inputs.json"), "utf8"));
    return inputs.length > 0 && inputs.every((f) => statSync(path.join(repo, f)).mtimeMs <= built);
  } catch {
    return false;
  }
}

let loaded: Promise<Main> | undefined;
function loadMain(): Promise<Main> {
  const bundle = path.join(repo, "dist", "cli", "main.js");
  loaded ??= bundleIsCurrent(bundle) ? Promise.resolve((require(bundle) as { main: Main }).main) : import("../../cli/main.js").then((m) => m.main);
  return loaded;
}

export async function bulkheadInProcess(args: string[], env: Env = {}): Promise<Run> {
  // Paths resolve and print relative to the working directory, which a spawned CLI gets as `cwd: repo`; vitest
  // runs each file in its own process from the repository root, so this only guards against being run elsewhere.
  if (process.cwd() !== repo) process.chdir(repo);
  const stdout = pipe();
  const stderr = pipe();
  const main = await loadMain();
  const code = await main([process.execPath, path.join(repo, "bin", "bulkhead.js"), ...args], { stdout, stderr, env: cliEnv(env) });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
