/**
 * Findings identity across a change to the engine or the pack that must not change what is found (e.g. speed work):
 * `bulkhead check --format json` of the dev stack and of the engine benchmark's synthetic program, saved once before
 * the change and compared after it, byte for byte.
 *
 *   npx tsx scripts/compare-findings.ts save DIR [--resources 5000]     (before: build, then save)
 *   npx tsx scripts/compare-findings.ts compare DIR [--resources 5000]  (after: build, then compare; exits 1 on a difference)
 *
 * Runs the built CLI (bin/bulkhead.js), so build first (npm run build).
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";

const ROOT = path.join(__dirname, "..");
const { values, positionals } = parseArgs({ options: { resources: { type: "string", default: "5000" } }, allowPositionals: true });
const [mode, dir] = positionals;
if ((mode !== "save" && mode !== "compare") || !dir) {
  console.error("usage: compare-findings.ts save|compare DIR [--resources N]");
  process.exit(2);
}

/**
 * The synthetic program as a project of its own, so its stack config can set the size. A fixed directory: findings
 * name their source file by path, so the same program must be at the same place before and after.
 */
function syntheticProject(resources: string): string {
  const p = path.join(os.tmpdir(), `bulkhead-compare-synthetic-${resources}`);
  rmSync(p, { recursive: true, force: true });
  mkdirSync(p);
  copyFileSync(path.join(ROOT, "bench", "synthetic", "index.ts"), path.join(p, "index.ts"));
  writeFileSync(path.join(p, "Pulumi.yaml"), "name: bench\nruntime: nodejs\n");
  writeFileSync(path.join(p, "Pulumi.dev.yaml"), `config:\n  bench:resources: "${resources}"\n`);
  return p;
}

function check(target: string): string {
  const r = spawnSync(process.execPath, [path.join(ROOT, "bin", "bulkhead.js"), "check", target, "--stack", "dev", "--format", "json", "--transpile-only"], {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  // check exits 1 when it finds mandatory findings; anything else is a failure of the run.
  if (r.status !== 0 && r.status !== 1) throw new Error(`bulkhead check ${target} exited ${r.status}:\n${r.stderr}`);
  return r.stdout;
}

const synthetic = syntheticProject(values.resources!);
const outputs: Record<string, string> = {};
try {
  outputs["dev.json"] = check(ROOT);
  outputs[`synthetic-${values.resources}.json`] = check(synthetic);
} finally {
  rmSync(synthetic, { recursive: true, force: true });
}

let differ = false;
mkdirSync(dir, { recursive: true });
for (const [name, text] of Object.entries(outputs)) {
  const file = path.join(dir, name);
  const findings = (JSON.parse(text) as { violations: unknown[] }).violations.length;
  if (mode === "save") {
    writeFileSync(file, text);
    console.log(`saved ${file} (${findings} findings)`);
  } else if (readFileSync(file, "utf8") === text) {
    console.log(`identical: ${name} (${findings} findings)`);
  } else {
    differ = true;
    writeFileSync(`${file}.after`, text);
    console.log(`DIFFERENT: ${name} (after: ${file}.after)`);
  }
}
process.exit(differ ? 1 : 0);
