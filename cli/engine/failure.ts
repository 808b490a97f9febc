/**
 * What went wrong in a program, said the way the error contract (cli/errors.ts) wants it: the root cause,
 * at the user's own file:line — the line that built a component whose arguments were rejected, the
 * `Pulumi.<stack>.yaml` line of a rejected config key, the import that cannot be resolved — never a
 * frame of bulkhead's engine or of a library.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { LineCounter, parseDocument } from "yaml";
import { REPO_ROOT } from "../paths";
import type { ErrorKind } from "../errors";
import { ProgramSyntaxError } from "./transpile";

export interface ProgramFailure {
  errorKind: ErrorKind;
  message: string;
  location: string | null;
  hint?: string;
  /** The error's own stack, for --verbose. */
  detail?: string;
}

export interface FailureContext {
  displayRoot: string;
  /** The stack's config file, when the target is a project with one. */
  stackFile?: string;
  stack: string;
  /** The project file, where project-level config lives. */
  projectDir: string;
}

const ENGINE_DIRS = [path.join(REPO_ROOT, "cli"), path.join(REPO_ROOT, "dist")];
const COMPONENTS_DIR = path.join(REPO_ROOT, "components") + path.sep;
const NODE_MODULES = `${path.sep}node_modules${path.sep}`;

function rel(displayRoot: string, file: string): string {
  return path.relative(displayRoot, file) || file;
}

/** Stack frames of a stack trace's text as absolute file + line, in order. */
function framesOf(stack: string): Array<{ file: string; line: number }> {
  const out: Array<{ file: string; line: number }> = [];
  for (const line of stack.split("\n")) {
    const m = /\(?((?:file:\/\/)?\/[^():]+):(\d+):\d+\)?$/.exec(line.trim());
    if (m) out.push({ file: m[1].startsWith("file:") ? fileURLToPath(m[1]) : m[1], line: Number(m[2]) });
  }
  return out;
}

function frames(err: unknown): Array<{ file: string; line: number }> {
  return framesOf(err instanceof Error ? (err.stack ?? "") : "");
}

function isOwnCode(file: string): boolean {
  return !file.includes(NODE_MODULES) && !file.startsWith("node:") && !ENGINE_DIRS.some((d) => file.startsWith(d + path.sep));
}

/** The first frame of a stack trace's text in the user's own code (not bulkhead's engine, a library or Node). */
export function userFrameOf(stack: string, displayRoot: string): string | null {
  const f = framesOf(stack).find((fr) => isOwnCode(fr.file));
  return f ? `${rel(displayRoot, f.file)}:${f.line}` : null;
}

/** The first stack frame in the user's own code. */
export function userFrame(err: unknown, displayRoot: string): string | null {
  return userFrameOf(err instanceof Error ? (err.stack ?? "") : "", displayRoot);
}

/**
 * Where a component was built: the first own frame outside bulkhead's components/ and outside the file
 * that threw (a user's own component validating its args throws from its own file too).
 */
function builderFrame(err: unknown, displayRoot: string): string | null {
  const own = frames(err).filter((fr) => isOwnCode(fr.file));
  const thrower = own[0]?.file;
  const f = own.find((fr) => !fr.file.startsWith(COMPONENTS_DIR) && fr.file !== thrower) ?? own.find((fr) => !fr.file.startsWith(COMPONENTS_DIR));
  return f ? `${rel(displayRoot, f.file)}:${f.line}` : userFrame(err, displayRoot);
}

/** `bulkhead-platform:tenants[2].app.port` → ["bulkhead-platform:tenants", 2, "app", "port"]. */
function keyPath(field: string): Array<string | number> {
  const [head, ...rest] = field.split(/(?=[.[])/);
  const out: Array<string | number> = [head];
  for (const part of rest) {
    const index = /^\[(\d+)\]$/.exec(part);
    if (index) out.push(Number(index[1]));
    else out.push(part.replace(/^\./, ""));
  }
  return out;
}

/** The `file:line` of a config key in the stack file: the deepest part of the path that exists. */
export function configLocation(stackFile: string, field: string, displayRoot: string): string {
  const text = readFileSync(stackFile, "utf8");
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const parts = keyPath(field);
  for (let n = parts.length; n > 0; n--) {
    const node = doc.getIn(["config", ...parts.slice(0, n)], true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return `${rel(displayRoot, stackFile)}:${lineCounter.linePos(node.range[0]).line}`;
  }
  const config = doc.get("config", true) as { range?: [number, number, number] } | undefined;
  return `${rel(displayRoot, stackFile)}:${config?.range ? Math.max(1, lineCounter.linePos(config.range[0]).line - 1) : 1}`;
}

function stackFileName(ctx: FailureContext): string {
  return ctx.stackFile ? rel(ctx.displayRoot, ctx.stackFile) : `Pulumi.${ctx.stack}.yaml`;
}

/** Where the line `import … "spec"` / `require("spec")` stands in the file that asked for it. */
function importLine(file: string, spec: string, displayRoot: string): string {
  if (!existsSync(file)) return rel(displayRoot, file);
  const lines = readFileSync(file, "utf8").split("\n");
  const i = lines.findIndex((l) => l.includes(`"${spec}"`) || l.includes(`'${spec}'`) || l.includes(`\`${spec}\``));
  return `${rel(displayRoot, file)}${i >= 0 ? `:${i + 1}` : ""}`;
}

export function classifyProgramError(e: unknown, ctx: FailureContext): ProgramFailure {
  const err = e instanceof Error ? e : new Error(String(e));
  const detail = err.stack;
  if (err instanceof ProgramSyntaxError) {
    const [file, ...pos] = err.location.split(":");
    return { errorKind: "syntax", message: `syntax error: ${err.message}`, location: [rel(ctx.displayRoot, file), ...pos].join(":"), hint: "fix the syntax at that line" };
  }
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "MODULE_NOT_FOUND" || code === "ERR_MODULE_NOT_FOUND") {
    const spec = /Cannot find (?:module|package) '([^']+)'/.exec(err.message)?.[1] ?? "?";
    const from = ((err as { requireStack?: string[] }).requireStack ?? []).find(isOwnCode);
    const bare = !spec.startsWith(".") && !spec.startsWith("/");
    return {
      errorKind: "module-not-found",
      message: `cannot find module '${spec}'`,
      location: from ? importLine(from, spec, ctx.displayRoot) : userFrame(err, ctx.displayRoot),
      hint: bare ? `install it in the project (npm install ${spec.split("/").slice(0, spec.startsWith("@") ? 2 : 1).join("/")}) or fix the import` : "fix the import path",
      ...(detail ? { detail } : {}),
    };
  }
  const missing = /Missing required configuration variable '([^']+)'/.exec(err.message);
  if (missing) {
    const key = missing[1];
    return {
      errorKind: "stack-config",
      message: `stack config ${key} is required but not set`,
      location: ctx.stackFile ? configLocation(ctx.stackFile, key, ctx.displayRoot) : null,
      hint: `add "${key}: <value>" under config: in ${stackFileName(ctx)}`,
      ...(detail ? { detail } : {}),
    };
  }
  const badValue = /Configuration '([^']+)' value '([^']*)' is not a valid (\w+)/.exec(err.message);
  if (badValue) {
    return {
      errorKind: "stack-config",
      message: `stack config ${badValue[1]} = ${JSON.stringify(badValue[2])} is not a valid ${badValue[3]}`,
      location: ctx.stackFile ? configLocation(ctx.stackFile, badValue[1], ctx.displayRoot) : null,
      hint: `set ${badValue[1]} to a ${badValue[3]} in ${stackFileName(ctx)}`,
      ...(detail ? { detail } : {}),
    };
  }
  const problems = (err as { problems?: Array<{ field: string }> }).problems;
  if (err.name === "InputPropertiesError" && Array.isArray(problems)) {
    const configField = problems.map((p) => p.field).find((f) => /^[\w-]+:/.test(f));
    if (configField && ctx.stackFile) {
      return {
        errorKind: "stack-config",
        message: err.message,
        location: configLocation(ctx.stackFile, configField, ctx.displayRoot),
        hint: problems.length === 1 ? `fix that value in ${stackFileName(ctx)}` : `fix the values listed above in ${stackFileName(ctx)}`,
        ...(detail ? { detail } : {}),
      };
    }
    return { errorKind: "component-args", message: err.message, location: builderFrame(err, ctx.displayRoot), hint: problems.length === 1 ? "fix that argument where the component is built" : "fix the arguments listed above", ...(detail ? { detail } : {}) };
  }
  return { errorKind: "program", message: err.message, location: userFrame(err, ctx.displayRoot), ...(detail ? { detail } : {}) };
}
