/**
 * Turns the CLI's PATH/--stack into what the Pulumi CLI would run: the project's name, its program
 * entry, the stack name and the stack's config (Pulumi.yaml `name`/`main`/`stackConfigDir`,
 * `Pulumi.<stack>.yaml`), or a single program file.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";

/**
 * A problem with what the user gave the command (a path, a flag, a stack or option file), before any program
 * runs. `kind` is the error contract's kind (docs/contract.md; default `project`), `source` the user's
 * `file:line` when the problem sits in one of their files.
 */
export class UsageError extends Error {
  readonly kind: "usage" | "project" | "policy-config";
  readonly source: string | null;
  readonly hint: string | null;
  constructor(message: string, opts: { kind?: "usage" | "project" | "policy-config"; source?: string | null; hint?: string | null } = {}) {
    super(message);
    this.kind = opts.kind ?? "project";
    this.source = opts.source ?? null;
    this.hint = opts.hint ?? null;
  }
}

/** `file:line[:column]` of a parse error, relative to the cwd (the form every error's `source` takes). */
export function fileLine(file: string, line?: number, column?: number): string {
  const rel = path.relative(process.cwd(), file) || file;
  return line ? `${rel}:${line}${column ? `:${column}` : ""}` : rel;
}

/** The 1-based line of the first occurrence of `needle` in a file, when it is there. */
export function lineOf(file: string, needle: string): number | undefined {
  try {
    const text = readFileSync(file, "utf8");
    const i = text.indexOf(needle);
    return i < 0 ? undefined : text.slice(0, i).split("\n").length;
  } catch {
    return undefined;
  }
}

export interface ConfigValue {
  value: string;
  secret: boolean;
  /** True for `secure:` values: encrypted for a secrets provider the offline engine cannot reach. */
  encrypted: boolean;
}

export interface Target {
  kind: "project" | "file";
  projectName: string;
  projectDir: string;
  programPath: string;
  stack: string;
  stackFile?: string;
  config: Record<string, ConfigValue>;
}

const PROJECT_FILES = ["Pulumi.yaml", "Pulumi.yml"];
const PROGRAM_EXTENSIONS = [".ts", ".js", ".mts", ".cts", ".mjs", ".cjs"];

function readYaml(file: string): any {
  try {
    return parseYaml(readFileSync(file, "utf8")) ?? {};
  } catch (e) {
    // The yaml library's message ends with a code excerpt; the first line is the cause, linePos the place.
    const pos = (e as { linePos?: Array<{ line: number; col: number }> }).linePos?.[0];
    const why = (e as Error).message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
    throw new UsageError(`${path.relative(process.cwd(), file) || file} is not valid YAML: ${why}`, {
      source: fileLine(file, pos?.line, pos?.col),
      hint: "fix the YAML at that line (indentation, a missing colon or an unclosed quote or bracket)",
    });
  }
}

function resolveEntry(candidate: string, projectFile: string): string {
  if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  if (existsSync(candidate) && statSync(candidate).isDirectory()) {
    const pkg = path.join(candidate, "package.json");
    if (existsSync(pkg)) {
      const main = JSON.parse(readFileSync(pkg, "utf8")).main;
      if (main) {
        const m = path.resolve(candidate, main);
        for (const f of [m, ...PROGRAM_EXTENSIONS.map((e) => m.replace(/\.js$/, "") + e)]) if (existsSync(f) && statSync(f).isFile()) return f;
      }
    }
    for (const f of ["index.ts", "index.js"]) if (existsSync(path.join(candidate, f))) return path.join(candidate, f);
  }
  throw new UsageError(`${projectFile}: main "${path.relative(process.cwd(), candidate) || "."}" has no program (index.ts, index.js or a package.json main).`);
}

function stackName(file: string): string | undefined {
  return /^Pulumi\.(.+)\.ya?ml$/.exec(path.basename(file))?.[1];
}

function configValue(key: string, raw: unknown, file: string): ConfigValue {
  if (raw !== null && typeof raw === "object" && !Array.isArray(raw) && "secure" in (raw as object)) {
    return { value: `[offline placeholder for encrypted config ${key}]`, secret: true, encrypted: true };
  }
  if (raw === undefined) throw new UsageError(`${file}: config ${key} has no value.`);
  // Structured config reaches programs as JSON text, like the Pulumi CLI passes it.
  return { value: typeof raw === "string" ? raw : JSON.stringify(raw), secret: false, encrypted: false };
}

function namespaced(projectName: string, key: string): string {
  return key.includes(":") ? key : `${projectName}:${key}`;
}

export function resolveTarget(target: string, stackOption?: string): Target {
  const abs = path.resolve(target);
  if (!existsSync(abs)) throw new UsageError(`${target} does not exist: give a Pulumi project directory (with Pulumi.yaml) or a .ts/.js program file.`);
  if (statSync(abs).isFile()) {
    if (!PROGRAM_EXTENSIONS.includes(path.extname(abs))) {
      throw new UsageError(`${target} is not a program: a single program must be a .ts or .js file.`);
    }
    return {
      kind: "file",
      projectName: path.basename(abs, path.extname(abs)).replace(/[^A-Za-z0-9_.-]/g, "-"),
      projectDir: path.dirname(abs),
      programPath: abs,
      stack: stackOption ?? "dev",
      config: {},
    };
  }
  const projectFile = PROJECT_FILES.map((f) => path.join(abs, f)).find((f) => existsSync(f));
  if (!projectFile) throw new UsageError(`${target} has no Pulumi.yaml: give a Pulumi project directory or a single program file.`);
  const project = readYaml(projectFile);
  if (typeof project.name !== "string" || !project.name) throw new UsageError(`${projectFile}: "name" is required.`);
  const runtime = typeof project.runtime === "string" ? project.runtime : project.runtime?.name;
  if (runtime !== "nodejs") throw new UsageError(`${projectFile}: runtime "${runtime}" is not supported offline; only nodejs programs run here.`);
  const programPath = resolveEntry(path.resolve(abs, project.main ?? "."), projectFile);
  const stackDir = path.resolve(abs, project.stackConfigDir ?? ".");
  const stackFiles = existsSync(stackDir)
    ? readdirSync(stackDir).filter((f) => stackName(f)).sort().map((f) => path.join(stackDir, f))
    : [];
  let stack = stackOption;
  let stackFile: string | undefined;
  if (stack) {
    stackFile = stackFiles.find((f) => stackName(f) === stack);
    // Without any stack file a named stack runs on the project's config alone, exactly like the default
    // ("dev"); with stack files, a name that matches none is a typo worth stopping for.
    if (!stackFile && stackFiles.length) {
      const wanted = path.relative(process.cwd(), path.join(stackDir, `Pulumi.${stack}.yaml`)) || `Pulumi.${stack}.yaml`;
      throw new UsageError(`stack "${stack}" has no config file ${wanted}; stacks here: ${stackFiles.map(stackName).join(", ")}`, {
        hint: `pass --stack ${stackName(stackFiles[0])} (or another stack listed), or create ${wanted} with a config: section for the new stack`,
      });
    }
  } else {
    stackFile = stackFiles[0];
    stack = stackFile ? stackName(stackFile)! : "dev";
  }
  const config: Record<string, ConfigValue> = {};
  // Project-level config: defaults first, then the stack's values win.
  for (const [k, v] of Object.entries<any>(project.config ?? {})) {
    const raw = v !== null && typeof v === "object" && !Array.isArray(v) && ("default" in v || "type" in v || "value" in v) ? (v.value ?? v.default) : v;
    if (raw !== undefined) config[namespaced(project.name, k)] = configValue(k, raw, projectFile);
  }
  if (stackFile) {
    const doc = readYaml(stackFile);
    for (const [k, v] of Object.entries(doc.config ?? {})) config[namespaced(project.name, k)] = configValue(k, v, stackFile);
  }
  return { kind: "project", projectName: project.name, projectDir: abs, programPath, stack, stackFile, config };
}
