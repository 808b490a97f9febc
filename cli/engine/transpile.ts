/**
 * TypeScript for the user's program, the way the Pulumi language host runs it (CommonJS), without a
 * loader that hooks every module: esbuild strips the types of each program file on require, with an
 * inline source map so stack traces and recorded source positions point at the user's `.ts` lines.
 * Libraries under node_modules load untouched (tsx's hooks cost ~0.5 s of every cold run here).
 */
import { readFileSync } from "node:fs";
import Module from "node:module";
import * as path from "node:path";

const TS_EXTENSIONS = [".ts", ".cts", ".mts", ".tsx"];
const NODE_MODULES = `${path.sep}node_modules${path.sep}`;

type Compile = (module: NodeJS.Module & { _compile(code: string, filename: string): void }, filename: string) => void;

/** Thrown for a program file esbuild cannot parse: the user's file:line:column and esbuild's own words. */
export class ProgramSyntaxError extends Error {
  constructor(
    message: string,
    public readonly location: string,
  ) {
    super(message);
  }
}

function transform(filename: string, source: string, loader: "ts" | "tsx" | "js"): string {
  // Enabled at the first program file, not before: Node then reads the source map of every module it
  // loads, and the SDK's own (~70 ms of maps) are loaded by then.
  process.setSourceMapsEnabled(true);
  const esbuild: typeof import("esbuild") = require("esbuild");
  try {
    return esbuild.transformSync(source, {
      loader,
      format: "cjs",
      target: `node${process.versions.node.split(".")[0]}`,
      sourcefile: filename,
      sourcemap: "inline",
      // Decorators and `export =` behave as TypeScript's own CommonJS output does.
      tsconfigRaw: { compilerOptions: { experimentalDecorators: true, useDefineForClassFields: false } },
    }).code;
  } catch (e) {
    const first = (e as { errors?: Array<{ text: string; location?: { file: string; line: number; column: number } }> }).errors?.[0];
    if (!first) throw e;
    const loc = first.location ? `${first.location.file}:${first.location.line}:${first.location.column + 1}` : filename;
    throw new ProgramSyntaxError(first.text, loc);
  }
}

/**
 * A worker that runs several jobs (`bulkhead fleet check` runs a batch of tenant stacks per process) re-requires
 * the program's files for each; the same source is transformed once.
 */
const transformed = new Map<string, { source: string; code: string }>();

function transformOnce(filename: string, source: string, loader: "ts" | "tsx" | "js"): string {
  const hit = transformed.get(filename);
  if (hit && hit.source === source) return hit.code;
  const code = transform(filename, source, loader);
  transformed.set(filename, { source, code });
  return code;
}

let registered = false;

/** Installs the hooks once per process. */
export function registerProgramTranspiler(): void {
  if (registered) return;
  registered = true;
  const extensions = (Module as unknown as { _extensions: Record<string, Compile> })._extensions;
  for (const ext of TS_EXTENSIONS) {
    extensions[ext] = (module, filename) => module._compile(transformOnce(filename, readFileSync(filename, "utf8"), ext === ".tsx" ? "tsx" : "ts"), filename);
  }
  // A program written as ES modules in .js (`import`/`export`, or "type": "module"): compiled to CommonJS
  // like its .ts siblings. Libraries keep Node's own loader.
  const plainJs = extensions[".js"];
  extensions[".js"] = (module, filename) => {
    if (filename.includes(NODE_MODULES)) return plainJs(module, filename);
    const source = readFileSync(filename, "utf8");
    if (!/^\s*(import|export)\b/m.test(source)) return plainJs(module, filename);
    module._compile(transformOnce(filename, source, "js"), filename);
  };
}
