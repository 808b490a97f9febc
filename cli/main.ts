/**
 * The `bulkhead` command line: check, preview, review, diagram and rotate. Exit codes (docs/contract.md):
 * 0 no mandatory violation, 1 at least one mandatory violation, 2 an error — reported by the one error
 * contract of cli/errors.ts (root cause first at the user's file:line; a JSON document under --format json).
 */
import { Command, CommanderError } from "commander";
import { asCliError, CliError, errorDocument, errorText, EXIT } from "./errors";
import { processIo, type CliIo } from "./io";
import { VERSION } from "./paths";
import { registerCheckCommand } from "./commands/check";
import { releaseIdleWorkers } from "./engine/run";
import { checkOutputPath } from "./commands/target";
import { registerPreviewCommand } from "./commands/preview";
import { registerReviewCommands } from "./commands/review";
import { registerTenantsCommand } from "./commands/tenants";
import { registerFleetCommand } from "./commands/fleet";

export { EXIT };
export type { CliIo, CliStream } from "./io";

export function buildProgram(setExit: (code: number) => void, argv: readonly string[] = process.argv, io: CliIo = processIo()): Command {
  const program = new Command("bulkhead")
    .description("Offline preview and policy check of Pulumi programs for multi-tenant AWS hosting")
    .version(VERSION)
    .option("--verbose", "on errors, also print internal detail (stack traces)")
    // A usage error is one line in the error contract's form (`bulkhead: <cause>` then a hint), not the cause
    // followed by the whole help text; subcommands inherit both settings.
    .showHelpAfterError("  hint: see bulkhead --help, or bulkhead <command> --help")
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(text.replace(/^error: /, "bulkhead: ")),
    })
    .exitOverride();
  // -o FILE of any command: a path that cannot be written fails before the program runs, not after.
  program.hook("preAction", (_program, action) => {
    const output = action.opts().output;
    if (typeof output === "string") checkOutputPath(output);
  });
  registerCheckCommand(program, setExit, io);
  registerPreviewCommand(program, setExit, io);
  registerReviewCommands(program, setExit, io);
  registerRotate(program, argv);
  registerTenantsCommand(program, io);
  registerFleetCommand(program, setExit, io);
  return program;
}

/**
 * `rotate` loads the AWS SDK clients and both database drivers (~0.15 s): only a run of `rotate` itself pays
 * for them. Any other command line lists it by name and summary, which is all `bulkhead --help` shows.
 */
function registerRotate(program: Command, argv: readonly string[]): void {
  if (argv.includes("rotate")) {
    (require("./commands/rotate") as typeof import("./commands/rotate")).registerRotateCommand(program);
    return;
  }
  program.command("rotate").description("rotate bulkhead-managed credentials (alternating users; --breach on the day of a breach)").allowUnknownOption();
}

/** `--format json` / `-f json` / `--format=json` anywhere on the command line. */
function wantsJson(argv: string[]): boolean {
  return argv.some((a, i) => a === "--format=json" || a === "-fjson" || ((a === "--format" || a === "-f") && argv[i + 1] === "json"));
}

function report(e: CliError, argv: string[], io: CliIo): number {
  io.stderr.write(errorText(e, argv.includes("--verbose")));
  if (wantsJson(argv)) io.stdout.write(errorDocument(e));
  return e.exitCode;
}

/**
 * Runs one command line (`argv` as process.argv: node, script, then the arguments) and resolves with its exit code;
 * output goes to `io` (default: the process's own streams and environment, as bin/bulkhead.js runs it).
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let code: number | undefined;
  const program = buildProgram((c) => (code = c), argv, io);
  try {
    await program.parseAsync(argv);
    // `rotate` sets process.exitCode itself.
    return code ?? (typeof process.exitCode === "number" ? process.exitCode : EXIT.ok);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0 || e.code === "commander.helpDisplayed" || e.code === "commander.version") return EXIT.ok;
      // Commander has printed its own message; a JSON consumer still gets a document.
      if (wantsJson(argv)) io.stdout.write(errorDocument(new CliError("usage", e.message.replace(/^error: /, ""), null, "see bulkhead --help")));
      return EXIT.usage;
    }
    return report(asCliError(e), argv, io);
  }
}

if (require.main === module || process.argv[1]?.endsWith("bulkhead.js") || process.argv[1]?.endsWith("bulkhead")) {
  main(process.argv).then(async (c) => {
    process.exitCode = c;
    await releaseIdleWorkers();
  });
}
