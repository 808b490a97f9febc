/**
 * The one path every command that runs a program takes (check, preview, review, diagram): the shared
 * flags, target and stack resolution, pack validation, the engine run, and the mapping of every failure
 * onto the error contract (cli/errors.ts). Exit codes: 0 no mandatory violation, 1 at least one, 2 error.
 */
import { Option, type Command } from "commander";
import { ASSUME_KNOWN_HELP, UNKNOWNS_HELP, UNKNOWNS_MODES, type UnknownsMode } from "../engine/symbolic";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { CliError, EXIT, outputError } from "../errors";
import { processIo, type CliIo, type CliStream } from "../io";
import { jobFor, runJobs, runWithStackReferences, typeCheckInBackground, UsageError, type JobOptions, type JobResult } from "../engine";
import { PolicyPackError, validatePackDir } from "../engine/analyzer";
import { fileLine, lineOf } from "../engine/project";
import type { CheckResult, ProgramRun, Violation } from "../engine/types";

/** Flags shared by the commands that run a program. */
export interface TargetFlags {
  policyPack?: string;
  policyConfig?: string;
  assumeKnown?: boolean;
  unknowns?: UnknownsMode;
  invokes?: string;
  stackOutputs?: string[];
  strict?: boolean;
  isolated?: boolean;
  /** commander's negation of --transpile-only is not used: true skips the type check. */
  transpileOnly?: boolean;
}

export function addEngineOptions(cmd: Command): Command {
  return cmd
    .option("--policy-pack <dir>", "policy pack directory (default: this repository's policies/)")
    .option("--policy-config <file>", "JSON policy config, same shape as pulumi preview --policy-config")
    .addOption(new Option("--unknowns <mode>", UNKNOWNS_HELP).choices([...UNKNOWNS_MODES]))
    .option("--assume-known", ASSUME_KNOWN_HELP)
    .option("--invokes <file>", "YAML/JSON answers for invokes the engine does not answer itself (README: Invokes answered offline)")
    .option("--stack-outputs <name=file>", "outputs of a stack the program references (StackReference), as NAME=FILE (pulumi stack output --json); repeatable. Default: the referenced project next to this one runs offline first", (v: string, prev: string[] = []) => [...prev, v])
    .option("--strict", "a multi-language component the engine cannot expand offline is a mandatory finding (default: advisory)")
    .option("--transpile-only", "skip type-checking a TypeScript program (as PULUMI_NODEJS_TRANSPILE_ONLY=true does for Pulumi)");
}

const TS_PROGRAM = /\.(ts|mts|cts|tsx)$/;

/** Pulumi's language host skips the type check when PULUMI_NODEJS_TRANSPILE_ONLY is true. */
function transpileOnly(flags: TargetFlags, env: NodeJS.ProcessEnv): boolean {
  return !!flags.transpileOnly || /^(1|true)$/i.test(env.PULUMI_NODEJS_TRANSPILE_ONLY ?? "");
}

export type RunOptions = Omit<JobOptions, "stack"> & { typeCheck?: boolean };

/** The engine's options from a command's flags and the environment it runs in. */
export function jobOptions(o: TargetFlags & { policy?: boolean }, env: NodeJS.ProcessEnv = process.env): RunOptions {
  return {
    typeCheck: !transpileOnly(o, env),
    policyPack: o.policy === false ? false : o.policyPack,
    ...(o.policyConfig ? { policyConfigFile: o.policyConfig } : {}),
    assumeKnown: !!o.assumeKnown,
    ...(o.unknowns ? { unknowns: o.unknowns } : {}),
    ...(o.invokes ? { invokesFile: o.invokes } : {}),
    ...(o.stackOutputs?.length ? { stackOutputs: o.stackOutputs } : {}),
    strict: !!o.strict,
    isolated: !!o.isolated,
  };
}

function progressReporter(stderr: CliStream): { onProgress: (m: string) => void; done: () => void } {
  const tty = stderr.isTTY === true;
  const started = Date.now();
  let shown = false;
  return {
    onProgress: (m) => {
      // Short runs stay quiet; long ones say what they are doing (one rewritten line on a terminal).
      if (Date.now() - started < 3000 && !tty) return;
      if (tty) stderr.write(`\r\x1b[2K${m}`);
      else stderr.write(`bulkhead: ${m}\n`);
      shown = true;
    },
    done: () => {
      if (tty && shown) stderr.write("\r\x1b[2K");
    },
  };
}

/** A failed job as the error contract's CliError. */
export function jobError(r: Extract<JobResult, { ok: false }>, label: string, policyConfigFile?: string): CliError {
  if (r.kind === "policy-config") return new CliError("policy-config", r.message, policyConfigFile ? policyConfigSource(policyConfigFile, r.message) : null, "fix --policy-config (see docs/rules.md for each policy's properties)");
  if (r.kind === "policy-pack") return new CliError("policy-pack", r.message, null, "check --policy-pack: it needs PulumiPolicy.yaml, a package.json with a version and a built entry (npm run build)");
  const kind = r.errorKind ?? "program";
  const message = kind === "program" ? `${label} threw: ${r.message}` : r.message;
  return new CliError(kind, message, r.location, r.hint ?? null, r.detail ?? null);
}

/**
 * Where in the --policy-config file the first problem sits: the line of the key it names (`policy.property: …`
 * or `"policy" is not a policy …`), else the file itself.
 */
function policyConfigSource(file: string, message: string): string {
  const first = message.replace(/^invalid policy config: (\d+ problems\n {2}- )?/, "");
  const named = /^"([^"]+)" is not a policy/.exec(first)?.[1];
  const [policy, property] = (/^([\w-]+)(?:\.([\w-]+))?:/.exec(first) ?? []).slice(1);
  const line = named ? lineOf(file, `"${named}"`) : property ? lineOf(file, `"${property}"`) ?? lineOf(file, `"${policy}"`) : policy ? lineOf(file, `"${policy}"`) : undefined;
  return fileLine(file, line);
}

/**
 * Runs the target once per stack (one engine worker for all), failing with a CliError for the first stack
 * that cannot run. Stack names undefined = the default stack. Notes, progress and the program's own console
 * output go to io.stderr.
 */
export async function runTarget(target: string, stacks: Array<string | undefined>, opts: RunOptions, io: CliIo = processIo()): Promise<Array<{ run: ProgramRun; check?: Omit<CheckResult, "run"> }>> {
  const prepared = stacks.map((stack) => {
    try {
      if (opts.policyPack) validatePackDir(opts.policyPack);
      return jobFor(target, { ...opts, ...(stack ? { stack } : {}) });
    } catch (e) {
      if (e instanceof UsageError) throw new CliError(e.kind, e.message, e.source, e.hint);
      if (e instanceof PolicyPackError) throw new CliError("policy-pack", e.message);
      throw e;
    }
  });
  for (const { target: t } of prepared) {
    for (const [k, v] of Object.entries(t.config)) {
      if (v.encrypted) io.stderr.write(`bulkhead: config ${k} is encrypted; the offline run uses a placeholder secret value.\n`);
    }
  }
  const progress = progressReporter(io.stderr);
  const programPath = prepared[0]?.job.programPath;
  const typeCheck = opts.typeCheck && programPath && TS_PROGRAM.test(programPath) ? typeCheckInBackground(programPath, process.cwd()) : undefined;
  // Both finish before anything is reported: a program that does not type-check never runs under Pulumi.
  let typesDone = false;
  typeCheck?.finally(() => (typesDone = true)).catch(() => undefined);
  // A program's StackReferences are answered by running the referenced stacks first (cli/engine/stack-resolve.ts).
  const runs = runWithStackReferences(prepared.map((p) => p.job), (jobs) => runJobs(jobs, { onProgress: progress.onProgress, programOutput: io.stderr })).then((r) => {
    // The first check of a program waits for TypeScript to read @pulumi/aws's typings: say why it waits.
    if (typeCheck && !typesDone) progress.onProgress(`type-checking ${path.relative(process.cwd(), programPath!) || programPath} (remembered until its files change; --transpile-only skips it)`);
    return r;
  });
  const [results, types] = await Promise.all([runs, typeCheck]);
  progress.done();
  if (types?.errors.length) {
    const [first, ...more] = types.errors;
    const rest = more.length ? `\n${more.slice(0, 19).map((e) => `    ${e.location}: ${e.message}`).join("\n")}${more.length > 19 ? `\n    … and ${more.length - 19} more` : ""}` : "";
    if (first.syntax) throw new CliError("syntax", `syntax error: ${first.message}${rest}`, first.location, "fix the syntax at that line");
    throw new CliError("type", `type error: ${first.message}${rest}`, first.location, "fix the type error, or pass --transpile-only to skip the check as PULUMI_NODEJS_TRANSPILE_ONLY does");
  }
  for (const r of results) if (r.ok) for (const note of r.notes ?? []) io.stderr.write(`bulkhead: ${note}\n`);
  return results.map((r, i) => {
    if (!r.ok) {
      const stackNote = stacks.length > 1 ? ` (stack ${prepared[i].job.stack})` : "";
      throw jobError(r, `the program ${target}${stackNote}`, opts.policyConfigFile);
    }
    return { run: r.run, ...(r.check ? { check: r.check } : {}) };
  });
}

/** Runs the target with the pack for each stack. */
export async function checkTarget(target: string, stacks: Array<string | undefined>, opts: RunOptions, io: CliIo = processIo()): Promise<CheckResult[]> {
  const results = await runTarget(target, stacks, opts, io);
  return results.map((r) => {
    if (!r.check) throw new CliError("policy-pack", "the policy pack did not run");
    return { run: r.run, ...r.check };
  });
}

/**
 * Refuses a report path that cannot be written before anything runs (a review of every stack can take a minute),
 * with the same one line `emit` gives when the write itself fails.
 */
export function checkOutputPath(output: string): void {
  const { accessSync, constants, statSync } = require("node:fs") as typeof import("node:fs");
  const dir = path.dirname(path.resolve(output));
  const code = (() => {
    try {
      if (!statSync(dir).isDirectory()) return "ENOTDIR";
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === "ENOTDIR" ? "ENOTDIR" : "ENOENT";
    }
    try {
      if (statSync(output).isDirectory()) return "EISDIR";
    } catch {
      // Not there yet: it will be created.
    }
    try {
      accessSync(dir, constants.W_OK);
    } catch {
      return "EACCES";
    }
    return undefined;
  })();
  if (code) throw outputError(output, Object.assign(new Error(code), { code }));
}

/** Writes a report to stdout or a file; a file-system failure is one line, never a stack trace. */
export function emit(text: string, output?: string, io: CliIo = processIo()): void {
  if (!output) {
    io.stdout.write(text);
    return;
  }
  try {
    writeFileSync(output, text);
  } catch (e) {
    throw outputError(output, e);
  }
}

export function exitFor(violations: Violation[]): number {
  return violations.some((v) => v.enforcement === "mandatory" && !v.exemption) ? EXIT.violations : EXIT.ok;
}

export function positiveInt(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new CliError("usage", `${flag} must be a positive integer, got "${v}"`, null, `give ${flag} a whole number ≥ 1`);
    return n;
  };
}
