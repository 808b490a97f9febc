/**
 * Type-checks a TypeScript program the way the Pulumi Node.js language host does before it runs one (ts-node
 * with type-checking, unless PULUMI_NODEJS_TRANSPILE_ONLY): a program with a type error — a misspelt
 * property such as `publiclyAccesible` — never reaches the engine. Runs in its own process beside the mock
 * run (./run.ts starts both), and remembers its result per program until one of its own files changes.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

export interface TypeError {
  /** `file:line:column`, relative to the display root. */
  location: string;
  message: string;
  /** A parse error rather than a type error. */
  syntax: boolean;
}

export interface TypeCheckResult {
  errors: TypeError[];
  /** True when an unchanged program's earlier result was reused. */
  cached: boolean;
  ms: number;
}

const NODE_MODULES = `${path.sep}node_modules${path.sep}`;
const CACHE_DIR = path.join(tmpdir(), "bulkhead-typecheck");

interface CacheEntry {
  key: string;
  files: Record<string, string>;
  errors: TypeError[];
}

function sha(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function fileHash(file: string): string | undefined {
  try {
    return sha(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

function cacheFile(programPath: string): string {
  return path.join(CACHE_DIR, `${sha(programPath).slice(0, 24)}.json`);
}

/**
 * A result is reused while the options, the installed dependencies and every one of the program's own files are
 * unchanged: the check is a function of exactly those.
 */
function cachedResult(programPath: string, key: string): TypeError[] | undefined {
  try {
    const entry: CacheEntry = JSON.parse(readFileSync(cacheFile(programPath), "utf8"));
    return entry.key === key && Array.isArray(entry.errors) && Object.entries(entry.files).every(([f, h]) => fileHash(f) === h) ? entry.errors : undefined;
  } catch {
    return undefined;
  }
}

function remember(programPath: string, key: string, files: string[], errors: TypeError[]): void {
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    const entry: CacheEntry = { key, files: Object.fromEntries(files.map((f) => [f, fileHash(f) ?? ""])), errors };
    writeFileSync(cacheFile(programPath), JSON.stringify(entry));
  } catch {
    // A cache that cannot be written only costs the next run its speed.
  }
}

/**
 * The program's compiler options: its own tsconfig.json (found upward from the program, as ts-node does),
 * else TypeScript's defaults for a CommonJS program. Deprecation errors of a newer compiler are silenced,
 * and libraries are not checked: neither is the user's code.
 */
function compilerOptions(ts: typeof import("typescript"), programPath: string, repoNodeModules: string): { options: import("typescript").CompilerOptions; configFile?: string } {
  const configFile = ts.findConfigFile(path.dirname(programPath), ts.sys.fileExists);
  let options: import("typescript").CompilerOptions = { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, target: ts.ScriptTarget.ES2020, esModuleInterop: true };
  if (configFile && !configFile.includes(NODE_MODULES)) {
    const read = ts.readConfigFile(configFile, ts.sys.readFile);
    if (!read.error) options = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(configFile)).options;
  }
  // A single program outside any project resolves @pulumi/* from bulkhead's own install, as the engine does.
  const hasOwnModules = (() => {
    for (let d = path.dirname(programPath); ; d = path.dirname(d)) {
      if (existsSync(path.join(d, "node_modules", "@pulumi", "pulumi"))) return true;
      if (path.dirname(d) === d) return false;
    }
  })();
  return {
    options: {
      ...options,
      noEmit: true,
      skipLibCheck: true,
      ignoreDeprecations: "6.0",
      ...(hasOwnModules ? {} : { paths: { "*": [`${repoNodeModules}/*`, `${repoNodeModules}/@types/*`] } }),
    },
    ...(configFile ? { configFile } : {}),
  };
}

/** What the program's dependencies are: npm's record of the installed tree nearest to the program. */
function installedTree(programPath: string, repoNodeModules: string): string | undefined {
  for (let d = path.dirname(programPath); ; d = path.dirname(d)) {
    const lock = path.join(d, "node_modules", ".package-lock.json");
    if (existsSync(lock)) return fileHash(lock);
    if (path.dirname(d) === d) return fileHash(path.join(repoNodeModules, ".package-lock.json"));
  }
}

export function typeCheck(programPath: string, displayRoot: string, repoNodeModules: string, opts: { cache?: boolean } = {}): TypeCheckResult {
  const started = performance.now();
  const ts: typeof import("typescript") = require("typescript");
  const { options, configFile } = compilerOptions(ts, programPath, repoNodeModules);
  const key = sha(JSON.stringify([ts.version, options, configFile ? fileHash(configFile) : null, installedTree(programPath, repoNodeModules)]));
  const cached = opts.cache === false ? undefined : cachedResult(programPath, key);
  if (cached) return { errors: cached, cached: true, ms: performance.now() - started };
  const program = ts.createProgram([programPath], options);
  const own = program.getSourceFiles().filter((f) => !f.fileName.includes("/node_modules/") && !program.isSourceFileDefaultLibrary(f));
  const errors: TypeError[] = [];
  for (const sf of own) {
    const syntactic = program.getSyntacticDiagnostics(sf);
    for (const d of [...syntactic, ...(syntactic.length ? [] : program.getSemanticDiagnostics(sf))]) {
      if (d.category !== ts.DiagnosticCategory.Error) continue;
      const pos = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      const file = path.relative(displayRoot, d.file?.fileName ?? sf.fileName) || sf.fileName;
      errors.push({ location: pos ? `${file}:${pos.line + 1}:${pos.character + 1}` : file, message: `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`, syntax: syntactic.length > 0 });
    }
  }
  remember(programPath, key, own.map((f) => path.resolve(f.fileName)), errors);
  return { errors, cached: false, ms: performance.now() - started };
}

/** Entry of the type-check process: argv <program> <display root> <repo node_modules> <result file>. */
if (require.main === module) {
  const [, , programPath, displayRoot, repoNodeModules, resultFile] = process.argv;
  writeFileSync(resultFile, JSON.stringify(typeCheck(programPath, displayRoot, repoNodeModules)));
}
