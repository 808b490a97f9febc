/** `bulkhead check`: run a program offline and evaluate the policy pack. */
import { Command, Option } from "commander";
import { VERSION } from "../paths";
import type { CliIo } from "../io";
import type { CheckResult } from "../engine/types";
import { addEngineOptions, checkTarget, emit, exitFor, jobOptions } from "./target";

export const CHECK_FORMATS = ["text", "json", "sarif", "markdown", "mermaid"] as const;

function render(check: CheckResult, format: string, o: { sourceUrl?: string; output?: string }, io: CliIo): string {
  // Reporters load on demand: a text check never pays for the SARIF or Mermaid code.
  switch (format) {
    case "json":
      return (require("../reporters/json") as typeof import("../reporters/json")).checkJson(check);
    case "sarif":
      return (require("../reporters/sarif") as typeof import("../reporters/sarif")).checkSarif(check, VERSION);
    case "markdown":
      return (require("../reporters/markdown") as typeof import("../reporters/markdown")).checkMarkdown(check, { sourceUrl: o.sourceUrl });
    case "mermaid":
      return (require("../reporters/mermaid") as typeof import("../reporters/mermaid")).mermaidMap(check) + "\n";
    default:
      return (require("../reporters/text") as typeof import("../reporters/text")).checkText(check, { color: !o.output && io.stdout.isTTY === true });
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
