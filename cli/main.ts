/**
 * The `bulkhead` command line. Exit codes (../shared/contracts.md): 0 no mandatory violation,
 * 1 at least one mandatory violation, 2 usage error, missing project/stack/pack, or the program threw.
 */
import { Command, CommanderError, Option } from "commander";
import { writeFileSync } from "node:fs";
import { jobFor, runJobs, UsageError, type JobOptions } from "./engine";
import { validatePackDir, PolicyPackError } from "./engine/analyzer";
import type { CheckResult, Violation } from "./engine/types";
import { checkJson, previewJson } from "./reporters/json";
import { checkMarkdown } from "./reporters/markdown";
import { checkSarif } from "./reporters/sarif";
import { checkText, previewText } from "./reporters/text";
import { registerRotateCommand } from "./commands/rotate";
import { registerReviewCommands } from "./commands/review";
import { mermaidMap } from "./reporters/mermaid";
import { VERSION } from "./paths";


export const EXIT = { ok: 0, violations: 1, usage: 2 } as const;

class ExitError extends Error {
  constructor(public readonly code: number, message: string) {
    super(message);
  }
}

function progressReporter(): { onProgress: (m: string) => void; done: () => void } {
  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  let shown = false;
  return {
    onProgress: (m) => {
      // Short runs stay quiet; long ones say what they are doing (one rewritten line on a terminal).
      if (Date.now() - started < 3000 && !tty) return;
      if (tty) process.stderr.write(`\r\x1b[2K${m}`);
      else process.stderr.write(`bulkhead: ${m}\n`);
      shown = true;
    },
    done: () => {
      if (tty && shown) process.stderr.write("\r\x1b[2K");
    },
  };
}

async function execute(path: string, opts: JobOptions) {
  if (opts.policyPack !== false) {
    try {
      if (opts.policyPack) validatePackDir(opts.policyPack);
    } catch (e) {
      throw new ExitError(EXIT.usage, (e as Error).message);
    }
  }
  let prepared;
  try {
    prepared = jobFor(path, opts);
  } catch (e) {
    if (e instanceof UsageError || e instanceof PolicyPackError) throw new ExitError(EXIT.usage, e.message);
    throw e;
  }
  for (const [k, v] of Object.entries(prepared.target.config)) {
    if (v.encrypted) process.stderr.write(`bulkhead: config ${k} is encrypted; the offline run uses a placeholder secret value.\n`);
  }
  const progress = progressReporter();
  const [result] = await runJobs([prepared.job], { onProgress: progress.onProgress });
  progress.done();
  if (!result.ok) {
    const where = result.location ? `\n    at ${result.location}` : "";
    const what = result.kind === "program" ? `the program ${path} threw` : result.kind === "policy-config" ? "policy config rejected" : "policy pack failed";
    throw new ExitError(EXIT.usage, `${what}: ${result.message}${where}`);
  }
  return result;
}

function emit(text: string, output?: string): void {
  if (output) writeFileSync(output, text);
  else process.stdout.write(text);
}

function exitFor(violations: Violation[]): number {
  return violations.some((v) => v.enforcement === "mandatory" && !v.exemption) ? EXIT.violations : EXIT.ok;
}

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command("bulkhead")
    .description("Offline preview and policy check of Pulumi programs for multi-tenant AWS hosting")
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride();

  program
    .command("check")
    .description("run a Pulumi program offline and evaluate the policy pack")
    .argument("<path>", "Pulumi project directory (with Pulumi.yaml) or a single .ts/.js program")
    .option("-s, --stack <name>", "stack whose Pulumi.<stack>.yaml config to use (default: the first stack file, else dev)")
    .option("--policy-pack <dir>", "policy pack directory (default: this repository's policies/)")
    .option("--policy-config <file>", "JSON policy config, same shape as pulumi preview --policy-config")
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json", "sarif", "markdown", "mermaid"]).default("text"))
    .option("-o, --output <file>", "write the report to a file instead of stdout")
    .option("--source-url <base>", "markdown: link file:line to BASE/file#Lline (e.g. a GitHub blob URL at the commit)")
    .option("--isolated", "run the pack in its own process over gRPC, exactly as the Pulumi CLI does")
    .option("--assume-known", "give new resources deterministic fake ids instead of preview unknowns")
    .action(async (path: string, o) => {
      const result = await execute(path, {
        stack: o.stack,
        policyPack: o.policyPack,
        policyConfigFile: o.policyConfig,
        isolated: !!o.isolated,
        assumeKnown: !!o.assumeKnown,
      });
      const check: CheckResult = { run: result.run, ...result.check! };
      const format: string = o.format;
      const text =
        format === "json"
          ? checkJson(check)
          : format === "sarif"
            ? checkSarif(check, VERSION)
            : format === "markdown"
              ? checkMarkdown(check, { sourceUrl: o.sourceUrl })
              : format === "mermaid"
                ? mermaidMap(check) + "\n"
              : checkText(check, { color: !o.output && process.stdout.isTTY === true });
      emit(text, o.output);
      setExit(exitFor(check.violations));
    });

  program
    .command("preview")
    .description("show what the program would create (offline, preview semantics) and check it with the pack")
    .argument("<path>", "Pulumi project directory (with Pulumi.yaml) or a single .ts/.js program")
    .option("-s, --stack <name>", "stack whose Pulumi.<stack>.yaml config to use (default: the first stack file, else dev)")
    .option("--policy-pack <dir>", "policy pack directory (default: this repository's policies/)")
    .option("--policy-config <file>", "JSON policy config, same shape as pulumi preview --policy-config")
    .option("--no-policy", "skip the policy check")
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"))
    .option("-o, --output <file>", "write the preview to a file instead of stdout")
    .option("--details", "text format: show every input")
    .option("--assume-known", "give new resources deterministic fake ids instead of preview unknowns")
    .action(async (path: string, o) => {
      const result = await execute(path, {
        stack: o.stack,
        policyPack: o.policy === false ? false : o.policyPack,
        policyConfigFile: o.policyConfig,
        assumeKnown: !!o.assumeKnown,
      });
      const violations = result.check?.violations;
      const color = !o.output && process.stdout.isTTY === true;
      let text: string;
      if (o.format === "json") text = previewJson(result.run, violations);
      else {
        text = previewText(result.run, { color, details: !!o.details });
        if (result.check) text += "\n" + checkText({ run: result.run, ...result.check }, { color });
      }
      emit(text, o.output);
      setExit(violations ? exitFor(violations) : EXIT.ok);
    });

  registerReviewCommands(program, setExit);
  registerRotateCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  let code: number | undefined;
  const program = buildProgram((c) => (code = c));
  try {
    await program.parseAsync(argv);
    // `rotate` sets process.exitCode itself.
    return code ?? (typeof process.exitCode === "number" ? process.exitCode : EXIT.ok);
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 || e.code === "commander.helpDisplayed" || e.code === "commander.version" ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof ExitError) {
      process.stderr.write(`bulkhead: ${e.message}\n`);
      return e.code;
    }
    process.stderr.write(`bulkhead: ${(e as Error).stack ?? e}\n`);
    return EXIT.usage;
  }
}

if (require.main === module || process.argv[1]?.endsWith("bulkhead.js") || process.argv[1]?.endsWith("bulkhead")) {
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
