/**
 * `npm run build`: the policy pack (tsc → policies/dist) and the CLI bundle (./build-cli.ts → dist/cli).
 *
 * `--if-changed` (npm test's pre-step) skips the pack's compile when its inputs are byte for byte those of
 * the last successful compile, recorded in policies/dist/.build-inputs: `npm ci` has just built it
 * (`prepare`), and a second tsc run of the same sources costs ~6 s of CPU for the same files. The record
 * covers every file under policies/ (outside dist), both tsconfig files and the installed tree
 * (package-lock.json: the compiler and every typing), and is written only after tsc succeeded; a missing
 * output file means a rebuild. The bundle is always rebuilt (esbuild
 * takes a fraction of a second).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const PACK = path.join(ROOT, "policies");
const STAMP = path.join(PACK, "dist", ".build-inputs");

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === "dist" || e.name === "node_modules") continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

function packInputs(): { digest: string; sources: string[] } {
  const files = [...walk(PACK), path.join(ROOT, "tsconfig.json"), path.join(ROOT, "package-lock.json")].sort();
  const h = createHash("sha256");
  for (const f of files) h.update(path.relative(ROOT, f)).update("\0").update(readFileSync(f)).update("\0");
  // What policies/tsconfig.json compiles (its "include"): each has its .js in dist.
  const compiled = /^(index|pack)\.ts$|^(rules|model)\/.*\.ts$/;
  return { digest: h.digest("hex"), sources: files.filter((f) => compiled.test(path.relative(PACK, f).split(path.sep).join("/")) && !f.endsWith(".d.ts")) };
}

/** Compiles the pack unless `ifChanged` and nothing it reads changed; returns tsc's exit status. */
export function buildPack(ifChanged: boolean): number {
  const { digest, sources } = packInputs();
  const outputsThere = sources.every((s) => existsSync(path.join(PACK, "dist", path.relative(PACK, s).replace(/\.ts$/, ".js"))));
  if (ifChanged && outputsThere && existsSync(STAMP) && readFileSync(STAMP, "utf8") === digest) return 0;
  const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(PACK, "tsconfig.json")], { cwd: ROOT, stdio: "inherit" });
  if (tsc.status !== 0) return tsc.status ?? 1;
  writeFileSync(STAMP, digest);
  return 0;
}

export function buildCli(): void {
  require("./build-cli");
}

if (require.main === module) {
  const status = buildPack(process.argv.includes("--if-changed"));
  if (status !== 0) process.exit(status);
  buildCli();
}
