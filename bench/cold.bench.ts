/**
 * The newcomer's cold check: `node bin/bulkhead.js check <two-resource program> --transpile-only` (text
 * output, a fresh process each time, as a person or a CI step runs it), beside the floor every run pays —
 * a fresh Node process importing @pulumi/pulumi, @pulumi/aws and @pulumi/policy. Runs alternate so both see
 * the same machine; each is the median of 5.
 * Targets (issue 13): median ≤ 2.0 s, and ≤ 1.6× the import floor. `npm run bench` (and so CI) exits 1 when
 * either is missed. `--report-only` prints the same lines without failing, for a look on a machine known to be
 * busy (the absolute time follows the machine's load of the moment; the ratio much less so).
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const RUNS = 5;
const MAX_MS = 2000;
const MAX_RATIO = 1.6;

function timed(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, PULUMI_NODEJS_TRANSPILE_ONLY: undefined } });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// The CLI must run from its bundle, as after `npm ci`; build it if this checkout has none yet.
execFileSync(process.execPath, ["--import", "tsx", "scripts/build-cli.ts"], { cwd: ROOT, stdio: "inherit" });
const check = ["bin/bulkhead.js", "check", "bench/cold/two-resources.ts", "--transpile-only"];
const floor = ["-e", 'require("@pulumi/pulumi"); require("@pulumi/aws"); require("@pulumi/policy");'];
timed(check); // warm the file-system cache once, as any second run of a person's would be
const checks: number[] = [];
const floors: number[] = [];
for (let i = 0; i < RUNS; i++) {
  floors.push(timed(floor));
  checks.push(timed(check));
}
const c = median(checks);
const f = median(floors);
const ratio = c / f;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log(`cold check (2 resources, text, --transpile-only): median ${s(c)} of ${checks.map(s).join(", ")}`);
console.log(`import floor (@pulumi/pulumi + @pulumi/aws + @pulumi/policy): median ${s(f)} of ${floors.map(s).join(", ")}`);
const gated = !process.argv.includes("--report-only");
console.log(
  `check / floor ${ratio.toFixed(2)}× (target ≤ ${MAX_RATIO}×) ${ratio <= MAX_RATIO ? "✔" : "✘"}; check ${s(c)} (target ≤ ${s(MAX_MS)}) ${c <= MAX_MS ? "✔" : "✘"}` +
    (gated ? "" : " (--report-only: not gated)"),
);
if (gated && (ratio > MAX_RATIO || c > MAX_MS)) {
  console.log(`cold check: target missed (${c > MAX_MS ? `median ${s(c)} > ${s(MAX_MS)}` : ""}${c > MAX_MS && ratio > MAX_RATIO ? "; " : ""}${ratio > MAX_RATIO ? `${ratio.toFixed(2)}× > ${MAX_RATIO}× the floor` : ""})`);
  process.exitCode = 1;
}
