/** Messages between the CLI process and the engine's worker process (./child.ts). */
import type { ConfigValue } from "./project";
import type { UserInvokeAnswer } from "./invokes";
import type { ProgramRun, CheckResult } from "./types";
import type { UnknownsMode } from "./symbolic";

export interface CheckOptions {
  packDir: string;
  /** Parsed --policy-config file contents. */
  policyConfig?: unknown;
  isolated: boolean;
  /** --strict: a remote component the engine could not expand is a mandatory finding (advisory otherwise). */
  strict?: boolean;
}

export interface EngineJob {
  projectName: string;
  projectDir: string;
  programPath: string;
  stack: string;
  config: Record<string, ConfigValue>;
  /** The SDK runs as in a dry run (`pulumi.runtime.isDryRun()`); false only for --unknowns known. */
  preview: boolean;
  /** How outputs a preview leaves unknown are answered (default: preview ? "preview" : "known"). */
  unknowns?: UnknownsMode;
  /** Paths in results are relative to this directory (the CLI's cwd). */
  displayRoot: string;
  check?: CheckOptions;
  /** Answers from --invokes FILE, tried before the built-in ones. */
  invokes?: UserInvokeAnswer[];
  /** The stack's config file (for locating config errors at their YAML line). */
  stackFile?: string;
  /** Outputs of the stacks the program may reference (`new pulumi.StackReference(name)`), see ./stack-references.ts. */
  stackReferences?: import("./stack-references").StackOutputs[];
  /** Keep full stack traces: slower, used to locate a program error after a fast run failed. */
  fullStacks?: boolean;
}

export type JobResult =
  | { ok: true; run: ProgramRun; check?: Omit<CheckResult, "run">; stats: JobStats; /** One-line notes for stderr (defaults the run assumed). */ notes?: string[] }
  | {
      ok: false;
      kind: "program" | "policy-pack" | "policy-config";
      message: string;
      location: string | null;
      needsStack?: boolean;
      /** The error contract's kind (cli/errors.ts) for program failures: syntax, stack-config, component-args… */
      errorKind?: import("../errors").ErrorKind;
      hint?: string;
      /** The error's stack, shown with --verbose. */
      detail?: string;
      /** errorKind "unanswered-stack-reference": each reference without an answer, where the program made it. */
      stackReferences?: import("./stack-references").UnansweredReference[];
    };

/** Where a job's time went, measured inside the worker. */
export interface JobStats {
  /** Running the program until every registration settled. */
  programMs: number;
  /** Releasing the program's SDK objects (a full GC) before the pack runs; 0 without a check. */
  releaseMs: number;
  /** Loading the pack, Analyze per resource and AnalyzeStack. */
  policyMs: number;
  /** The part of policyMs spent loading and configuring the pack (independent of the stack's size). */
  packLoadMs: number;
  /**
   * CPU time (user + system, every thread of the worker) of evaluating the pack (Analyze and AnalyzeStack, after the
   * release); absent without a check. Unlike wall time it does not grow when other processes take the cores. With
   * --isolated the pack runs in its own process, whose time this does not include.
   */
  evaluationCpuMs?: number;
  /**
   * The worker process that ran the job. A process's later batches reuse its idle worker while they agree on the
   * SDK copy, the start-up environment and the pack loaded in process (./run.ts).
   */
  workerPid: number;
  /** The worker's peak resident memory so far, in MiB. */
  maxRssMiB: number;
  /** The version of the @pulumi/pulumi copy the program ran with (its own, or bulkhead's). */
  pulumiSdk?: string;
}
