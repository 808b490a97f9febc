/** The engine's public surface: resolve a target, run it offline, evaluate the pack. */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { REPO_ROOT } from "../paths";
import { fileLine, lineOf, resolveTarget, UsageError, type Target } from "./project";
import { InvokesFileError, parseUserInvokes, type UserInvokeAnswer } from "./invokes";
import type { CheckOptions, EngineJob } from "./protocol";
import type { UnknownsMode } from "./symbolic";
import { parseStackOutputsFlag, type StackOutputs } from "./stack-references";

export { resolveTarget, UsageError } from "./project";
export { releaseIdleWorkers, runJobs, typeCheckInBackground } from "./run";
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
  if (!existsSync(file)) throw new UsageError(`--invokes ${file} does not exist.`, { kind: "usage", hint: "give the path of a YAML or JSON file of invoke answers (README: Invokes answered offline)" });
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, "utf8"));
  } catch (e) {
    const pos = (e as { linePos?: Array<{ line: number; col: number }> }).linePos?.[0];
    const why = (e as Error).message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
    throw new UsageError(`--invokes ${file} is not valid YAML/JSON: ${why}`, { kind: "usage", source: fileLine(file, pos?.line, pos?.col), hint: "fix the YAML at that line" });
  }
  try {
    return parseUserInvokes(doc, file);
  } catch (e) {
    // The entry at fault is named first in each problem (`<token>[i].field: …` or `"<token>": …`): point at its line.
    const first = e instanceof InvokesFileError ? /^"?([^"[\s]+?)"?(?:\[\d+\])?(?:[.:]|$)/.exec(e.problems[0])?.[1] : undefined;
    throw new UsageError((e as Error).message, { kind: "usage", source: fileLine(file, first ? lineOf(file, first) : undefined), hint: InvokesFileError.example });
  }
}

/** Every --stack-outputs NAME=FILE, read; a bad one is a UsageError. */
export function readStackOutputs(specs: string[]): StackOutputs[] {
  try {
    return specs.map((s) => parseStackOutputsFlag(s, process.cwd()));
  } catch (e) {
    throw new UsageError((e as Error).message, { kind: "usage" });
  }
}

export function readPolicyConfig(file: string): unknown {
  if (!existsSync(file)) throw new UsageError(`--policy-config ${file} does not exist.`, { kind: "policy-config", hint: "give the path of a JSON file, e.g. {\"no-world-open-sensitive-port\": \"mandatory\"}" });
  const text = readFileSync(file, "utf8");
  try {
    return JSON.parse(text);
  } catch (e) {
    // V8 says "… at position N" (and newer V8 "(line L column C)"): point at the line.
    const m = /position (\d+)/.exec((e as Error).message);
    const at = m ? text.slice(0, Number(m[1])).split("\n") : undefined;
    throw new UsageError(`--policy-config ${file} is not valid JSON: ${(e as Error).message.replace(/ in JSON at position \d+.*$/, "")}`, {
      kind: "policy-config",
      source: fileLine(file, at?.length, at ? at[at.length - 1].length + 1 : undefined),
      hint: "fix the JSON at that line (policy config is JSON, not YAML: quoted keys, no trailing commas)",
    });
  }
}

export function jobFor(targetPath: string, opts: JobOptions = {}): { target: Target; job: EngineJob } {
  const target = resolveTarget(targetPath, opts.stack);
  if (opts.assumeKnown && opts.unknowns && opts.unknowns !== "known") throw new UsageError(`--assume-known and --unknowns ${opts.unknowns} contradict each other: --assume-known is --unknowns known`, { kind: "usage", hint: "give one of them" });
  const unknowns: UnknownsMode = opts.assumeKnown ? "known" : opts.unknowns ?? "symbolic";
  let check: CheckOptions | undefined;
  if (opts.policyPack !== false) {
    const packDir = path.resolve(opts.policyPack ?? DEFAULT_POLICY_PACK);
    if (!existsSync(packDir)) throw new UsageError(`policy pack ${opts.policyPack ?? packDir} does not exist.`, { kind: "usage", hint: "give --policy-pack a policy pack directory (with PulumiPolicy.yaml), or leave it out for this repository's policies/" });
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
