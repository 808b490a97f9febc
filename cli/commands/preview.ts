/** `bulkhead preview`: what the program would create (offline, preview semantics), and the check. */
import { Command, Option } from "commander";
import { previewJson } from "../reporters/json";
import { checkText, previewText } from "../reporters/text";
import { addEngineOptions, emit, exitFor, jobOptions, runTarget } from "./target";
import { EXIT } from "../errors";
import type { CliIo } from "../io";

export function registerPreviewCommand(program: Command, setExit: (code: number) => void, io: CliIo): void {
  addEngineOptions(
    program
      .command("preview")
      .description("show what the program would create (offline, preview semantics) and check it with the pack")
      .argument("<path>", "Pulumi project directory (with Pulumi.yaml) or a single .ts/.js program")
      .option("-s, --stack <name>", "stack whose Pulumi.<stack>.yaml config to use (default: the first stack file, else dev)"),
  )
    .option("--no-policy", "skip the policy check")
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"))
    .option("-o, --output <file>", "write the preview to a file instead of stdout")
    .option("--details", "text format: show every input")
    .action(async (path: string, o) => {
      const [result] = await runTarget(path, [o.stack], jobOptions(o, io.env), io);
      const violations = result.check?.violations;
      const color = !o.output && io.stdout.isTTY === true;
      let text: string;
      if (o.format === "json") text = previewJson(result.run, violations);
      else {
        text = previewText(result.run, { color, details: !!o.details });
        if (result.check) text += "\n" + checkText({ run: result.run, ...result.check }, { color });
      }
      emit(text, o.output, io);
      setExit(violations ? exitFor(violations) : EXIT.ok);
    });
}
