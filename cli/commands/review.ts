/**
 * `bulkhead review` (one pull-request comment for every stack, optionally with SARIF per stack) and
 * `bulkhead diagram` (just the reachability map). Exit codes as `check`: 0 no mandatory violation,
 * 1 at least one, 2 usage error, missing project/stack/pack, or the program threw.
 */
import { VERSION } from "../paths";
import { Command, Option } from "commander";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import type { JobOptions } from "../engine";
import { CliError, EXIT, outputError } from "../errors";
import { processIo, type CliIo } from "../io";
import { addEngineOptions, checkTarget, emit, exitFor, jobOptions, positiveInt, type RunOptions } from "./target";
import type { CheckResult } from "../engine/types";
import { checkMarkdown, GITHUB_COMMENT_LIMIT } from "../reporters/markdown";
import { mermaidMap } from "../reporters/mermaid";
import { checkSarif } from "../reporters/sarif";
import { readCostBaseline, type CostSummary } from "../cost/summary";

/** Hidden first line of the review comment: the workflow finds and updates the comment by it. */
export const REVIEW_MARKER = "<!-- bulkhead-review -->";


/** Stack names of a project directory (its `Pulumi.<stack>.yaml` files); empty for a single program file. */
export function projectStacks(target: string): string[] {
  const abs = path.resolve(target);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) return [];
  const file = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(abs, f)).find((f) => existsSync(f));
  if (!file) return [];
  let dir = abs;
  try {
    const doc = parseYaml(readFileSync(file, "utf8")) ?? {};
    if (typeof doc.stackConfigDir === "string") dir = path.resolve(abs, doc.stackConfigDir);
  } catch {
    // resolveTarget reports the invalid YAML with its location.
  }
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
    .filter((s): s is string => !!s)
    .sort();
}

/** Runs the target once per stack in one engine worker (the shared path of cli/commands/target.ts). */
export function checkStacks(target: string, stacks: Array<string | undefined>, opts: RunOptions, io: CliIo = processIo()): Promise<CheckResult[]> {
  return checkTarget(target, stacks, opts, io);
}

export interface ReviewOptions {
  sourceUrl?: string;
  /** Budget for the whole comment (default GitHub's 65,536), shared equally by the stacks. */
  maxLength?: number;
  collapseAbove?: number;
  /** The base branch's cost per stack (`--cost-baseline`): the comment shows what the change adds or removes. */
  costBaselines?: CostSummary[];
}

/** One comment for several stacks: the marker, then each stack's report within its share of the budget. */
export function reviewMarkdown(results: CheckResult[], opts: ReviewOptions = {}): string {
  const max = opts.maxLength ?? GITHUB_COMMENT_LIMIT;
  const blocked = results.filter((r) => r.violations.some((v) => v.enforcement === "mandatory" && !v.exemption));
  const head = [
    REVIEW_MARKER,
    `## bulkhead review: ${blocked.length ? `❌ ${blocked.length} of ${results.length} stack${results.length === 1 ? "" : "s"} blocked` : `✅ ${results.length} stack${results.length === 1 ? "" : "s"} pass`}`,
    "",
  ].join("\n");
  const share = Math.floor((max - head.length) / Math.max(1, results.length)) - 2;
  const parts = results.map((r) =>
    checkMarkdown(r, {
      maxLength: share,
      headingLevel: 3,
      ...(opts.sourceUrl ? { sourceUrl: opts.sourceUrl } : {}),
      ...(opts.collapseAbove !== undefined ? { collapseAbove: opts.collapseAbove } : {}),
      ...(opts.costBaselines ? { costBaseline: opts.costBaselines.find((b) => b.stack === r.run.stack && b.project === r.run.project) ?? null } : {}),
    }),
  );
  return head + "\n" + parts.join("\n---\n\n");
}

function exitForAll(results: CheckResult[]): number {
  return results.some((r) => exitFor(r.violations) === EXIT.violations) ? EXIT.violations : EXIT.ok;
}

function collect(v: string, prev: string[] = []): string[] {
  return [...prev, v];
}

/** --sarif-dir: created if missing; a path that is a file or cannot be created is one line. */
function writeSarifDir(dir: string, results: CheckResult[], version: string): void {
  // One level at a time: Node's recursive mkdir retries forever on some paths (e.g. under /proc).
  const missing: string[] = [];
  let existing = path.resolve(dir);
  while (!existsSync(existing)) {
    missing.unshift(existing);
    existing = path.dirname(existing);
  }
  if (!statSync(existing).isDirectory()) throw new CliError("output", `--sarif-dir ${dir}: ${existing} is a file, not a directory`, null, "give a directory path");
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (e) {
      throw outputError(dir, e);
    }
  }
  for (const r of results) emit(checkSarif(r, version), path.join(dir, `${r.run.project}-${r.run.stack}.sarif`));
}

export function registerReviewCommands(program: Command, setExit: (code: number) => void, io: CliIo): void {
  const version = VERSION;

  addEngineOptions(
    program
      .command("review")
      .description("one pull-request comment (markdown) for every stack: verdict, findings, reachability map, resources")
      .argument("<path>", "Pulumi project directory (with Pulumi.yaml) or a single .ts/.js program")
      .option("-s, --stack <name>", "stack to review; repeat for several (default: every Pulumi.<stack>.yaml of the project)", collect),
  )
    .option("--source-url <base>", "link file:line to BASE/file#Lline, e.g. https://github.com/OWNER/REPO/blob/SHA")
    .option("--max-length <chars>", `character budget of the whole comment (default ${GITHUB_COMMENT_LIMIT}, GitHub's limit)`)
    .option("--collapse-above <tenants>", "draw tenants with identical patterns once when there are more tenants than this (default 6)")
    .option("--sarif-dir <dir>", "also write one SARIF file per stack (<project>-<stack>.sarif) for code scanning")
    .option("--cost-baseline <file>", "the base branch's `check --format json` of a stack; repeat per stack: the comment shows the cost the change adds or removes", collect)
    .option("-o, --output <file>", "write the comment to a file instead of stdout")
    .action(async (target: string, o) => {
        // Read before the engine runs: a wrong path fails in milliseconds, not after every stack was checked.
        const costBaselines = o.costBaseline?.length ? (o.costBaseline as string[]).map(readCostBaseline) : undefined;
        const maxLength = o.maxLength !== undefined ? positiveInt("--max-length")(o.maxLength) : undefined;
        const collapseAbove = o.collapseAbove !== undefined ? positiveInt("--collapse-above")(o.collapseAbove) : undefined;
        const stacks: Array<string | undefined> = o.stack?.length ? o.stack : projectStacks(target);
        const results = await checkStacks(target, stacks.length ? stacks : [undefined], jobOptions(o, io.env), io);
        if (o.sarifDir) writeSarifDir(o.sarifDir, results, version);
        emit(reviewMarkdown(results, { sourceUrl: o.sourceUrl, maxLength, collapseAbove, ...(costBaselines ? { costBaselines } : {}) }), o.output, io);
        setExit(exitForAll(results));
    });

  addEngineOptions(
    program
      .command("diagram")
      .description("print the stack's reachability map (Mermaid flowchart) as the policy pack sees it")
      .argument("<path>", "Pulumi project directory (with Pulumi.yaml) or a single .ts/.js program")
      .option("-s, --stack <name>", "stack whose Pulumi.<stack>.yaml config to use (default: the first stack file, else dev)"),
  )
    .option("--collapse-above <tenants>", "draw tenants with identical patterns once when there are more tenants than this (default 6)")
    .addOption(new Option("--fence", "wrap the map in a ```mermaid code fence (for markdown files)"))
    .option("-o, --output <file>", "write the map to a file instead of stdout")
    .action(async (target: string, o) => {
        const collapseAbove = o.collapseAbove !== undefined ? positiveInt("--collapse-above")(o.collapseAbove) : undefined;
        const [result] = await checkStacks(target, [o.stack], jobOptions(o, io.env), io);
        const map = mermaidMap(result, collapseAbove !== undefined ? { collapseAbove } : {});
        emit(o.fence ? "```mermaid\n" + map + "```\n" : map, o.output, io);
        setExit(exitForAll([result]));
    });
}
