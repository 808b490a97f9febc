/** The engine's public surface: resolve a target, run it offline, evaluate the pack. */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../paths";
import { resolveTarget, UsageError, type Target } from "./project";
import type { CheckOptions, EngineJob } from "./protocol";

export { resolveTarget, UsageError } from "./project";
export { runJobs, typeCheckInBackground } from "./run";
export type { EngineJob, JobResult } from "./protocol";

/** The repository's own pack: the default for `bulkhead check`. */
export const DEFAULT_POLICY_PACK = path.join(REPO_ROOT, "policies");

export interface JobOptions {
  stack?: string;
  assumeKnown?: boolean;
  policyPack?: string | false;
  policyConfigFile?: string;
  isolated?: boolean;
  displayRoot?: string;
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
  let check: CheckOptions | undefined;
  if (opts.policyPack !== false) {
    const packDir = path.resolve(opts.policyPack ?? DEFAULT_POLICY_PACK);
    if (!existsSync(packDir)) throw new UsageError(`policy pack ${opts.policyPack ?? packDir} does not exist.`);
    check = {
      packDir,
      isolated: opts.isolated ?? false,
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
    preview: !opts.assumeKnown,
    displayRoot: opts.displayRoot ?? process.cwd(),
    ...(check ? { check } : {}),
  };
  return { target, job };
}
