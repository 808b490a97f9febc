/** The engine's public surface: resolve a target, run it offline, evaluate the pack. */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { REPO_ROOT } from "../paths";
import { resolveTarget, UsageError, type Target } from "./project";
import { parseUserInvokes, type UserInvokeAnswer } from "./invokes";
import type { CheckOptions, EngineJob } from "./protocol";
import type { UnknownsMode } from "./symbolic";
import { parseStackOutputsFlag, type StackOutputs } from "./stack-references";

export { resolveTarget, UsageError } from "./project";
export { runJobs, typeCheckInBackground } from "./run";
export { runWithStackReferences } from "./stack-resolve";
export type { EngineJob, JobResult } from "./protocol";

/** The repository's own pack: the default for `bulkhead check`. */
export const DEFAULT_POLICY_PACK = path.join(REPO_ROOT, "policies");

export interface JobOptions {
  stack?: string;
  /** Same as unknowns: "known" (kept for the --assume-known flag). */
  assumeKnown?: boolean;
  /** How outputs a preview leaves unknown are answered; default "symbolic". */
  unknowns?: UnknownsMode;
  policyPack?: string | false;
  policyConfigFile?: string;
  isolated?: boolean;
  strict?: boolean;
  displayRoot?: string;
  /** --invokes FILE: answers for invokes the engine does not answer itself (YAML or JSON). */
  invokesFile?: string;
  /** --stack-outputs NAME=FILE: outputs of stacks the program references (./stack-references.ts). */
  stackOutputs?: string[];
}

/** Reads and validates an --invokes file (YAML, of which JSON is a subset); every problem in one UsageError. */
export function readInvokesFile(file: string): UserInvokeAnswer[] {
  if (!existsSync(file)) throw new UsageError(`--invokes ${file} does not exist.`);
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, "utf8"));
  } catch (e) {
    throw new UsageError(`--invokes ${file} is not valid YAML/JSON: ${(e as Error).message}`);
  }
  try {
    return parseUserInvokes(doc, file);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Every --stack-outputs NAME=FILE, read; a bad one is a UsageError. */
export function readStackOutputs(specs: string[]): StackOutputs[] {
  try {
    return specs.map((s) => parseStackOutputsFlag(s, process.cwd()));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export function readPolicyConfig(file: string): unknown {
  if (!existsSync(file)) throw new UsageError(`--policy-config ${file} does not exist.`);
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new UsageError(`--policy-config ${file} is not valid JSON: ${(e as Error).message}`);
  }
}

export function jobFor(targetPath: string, opts: JobOptions = {}): { target: Target; job: EngineJob } {
  const target = resolveTarget(targetPath, opts.stack);
  if (opts.assumeKnown && opts.unknowns && opts.unknowns !== "known") throw new UsageError(`--assume-known and --unknowns ${opts.unknowns} contradict each other: --assume-known is --unknowns known; give one of them.`);
  const unknowns: UnknownsMode = opts.assumeKnown ? "known" : opts.unknowns ?? "symbolic";
  let check: CheckOptions | undefined;
  if (opts.policyPack !== false) {
    const packDir = path.resolve(opts.policyPack ?? DEFAULT_POLICY_PACK);
    if (!existsSync(packDir)) throw new UsageError(`policy pack ${opts.policyPack ?? packDir} does not exist.`);
    check = {
      packDir,
      isolated: opts.isolated ?? false,
      ...(opts.strict ? { strict: true } : {}),
      ...(opts.policyConfigFile ? { policyConfig: readPolicyConfig(opts.policyConfigFile) } : {}),
    };
  }
  const job: EngineJob = {
    projectName: target.projectName,
    projectDir: target.projectDir,
    programPath: target.programPath,
    stack: target.stack,
    ...(target.stackFile ? { stackFile: target.stackFile } : {}),
    config: target.config,
    preview: unknowns !== "known",
    unknowns,
    displayRoot: opts.displayRoot ?? process.cwd(),
    ...(opts.invokesFile ? { invokes: readInvokesFile(opts.invokesFile) } : {}),
    ...(opts.stackOutputs?.length ? { stackReferences: readStackOutputs(opts.stackOutputs) } : {}),
    ...(check ? { check } : {}),
  };
  return { target, job };
}
