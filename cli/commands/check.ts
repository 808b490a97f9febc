/**
 * `bulkhead check`: run a program offline and evaluate the policy pack.
 *
 * The reporters are plain imports: preview and review import the same ones, so every command line loads them all
 * anyway (an on-demand require() saved nothing and tied this file to a loader that serves require()).
 */
import { Command, Option } from "commander";
import { VERSION } from "../paths";
import type { CliIo } from "../io";
import type { CheckResult } from "../engine/types";
import { checkJson } from "../reporters/json";
import { checkMarkdown } from "../reporters/markdown";
import { mermaidMap } from "../reporters/mermaid";
import { checkSarif } from "../reporters/sarif";
import { checkText } from "../reporters/text";
import { addEngineOptions, checkTarget, emit, exitFor, jobOptions } from "./target";

export const CHECK_FORMATS = ["text", "json", "sarif", "markdown", "mermaid"] as const;

function render(check: CheckResult, format: string, o: { sourceUrl?: string; output?: string }, io: CliIo): string {
  switch (format) {
    case "json":
      return checkJson(check);
    case "sarif":
      return checkSarif(check, VERSION);
    case "markdown":
      return checkMarkdown(check, { sourceUrl: o.sourceUrl });
    case "mermaid":
      return mermaidMap(check) + "\n";
    default:
      return checkText(check, { color: !o.output && io.stdout.isTTY === true });
  }
}

export function registerCheckCommand(program: Command, setExit: (code: number) => void, io: CliIo): void {
  addEngineOptions(
    program
      .command("check")
      .description("run a Pulumi program offline and evaluate the policy pack")
      .argument("<path>", "Pulumi project directory (with Pulumi.yaml) or a single .ts/.js program")
      .option("-s, --stack <name>", "stack whose Pulumi.<stack>.yaml config to use (default: the first stack file, else dev)"),
  )
    .addOption(new Option("-f, --format <format>", "output format").choices([...CHECK_FORMATS]).default("text"))
    .option("-o, --output <file>", "write the report to a file instead of stdout")
    .option("--source-url <base>", "markdown: link file:line to BASE/file#Lline (e.g. a GitHub blob URL at the commit)")
    .option("--isolated", "run the pack in its own process over gRPC, exactly as the Pulumi CLI does")
    .action(async (path: string, o) => {
      const [check] = await checkTarget(path, [o.stack], jobOptions(o, io.env), io);
      emit(render(check, o.format, o, io), o.output, io);
      setExit(exitFor(check.violations));
    });
}
