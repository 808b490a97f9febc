/**
 * `npm run bench`: the engine at 500 and 5,000 resources. For each size, in one run: bare
 * registration (program only), then `bulkhead check` (program + the full pack in process); wall
 * time, time per resource, peak memory of the worker, and the ratios the issues set targets for:
 *   check ≤ 15 s and ≤ 1.5× bare registration at 5,000 resources, ≤ 1.2 GB peak (engine);
 *   pack evaluation ≤ 30 % on top of bare registration (pack).
 * Pass sizes as arguments to override, e.g. `npm run bench -- 1000`.
 */
import * as path from "node:path";
import { jobFor, runJobs } from "../cli/engine";
import type { EngineJob } from "../cli/engine/protocol";

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const SIZES = sizes.length ? sizes : [500, 5000];

function job(resources: number, check: boolean): EngineJob {
  const { job } = jobFor(path.join(__dirname, "synthetic", "index.ts"), check ? {} : { policyPack: false });
  return { ...job, projectName: "bench", config: { "bench:resources": { value: String(resources), secret: false, encrypted: false } } };
}

async function measure(resources: number, check: boolean) {
  const t0 = performance.now();
  const [r] = await runJobs([job(resources, check)]);
  const wallMs = performance.now() - t0;
  if (!r.ok) throw new Error(r.message);
  return { wallMs, count: r.run.resources.length, stats: r.stats, violations: r.check?.violations.length ?? 0 };
}

(async () => {
  const rows: string[] = [];
  let failed = false;
  for (const n of SIZES) {
    const bare = await measure(n, false);
    const checked = await measure(n, true);
    const ratio = checked.wallMs / bare.wallMs;
    // The measure: evaluating the pack (model + all rules, through the SDK's Analyze and
    // AnalyzeStack) over the registered stack; loading the pack is a fixed cost, reported apart.
    const evaluateMs = checked.stats.policyMs - checked.stats.packLoadMs;
    const packShare = evaluateMs / bare.stats.programMs;
    const peakMiB = Math.max(bare.stats.maxRssMiB, checked.stats.maxRssMiB);
    rows.push(
      [
        `${checked.count} resources`,
        `bare ${(bare.wallMs / 1000).toFixed(1)} s (${(bare.stats.programMs / bare.count).toFixed(2)} ms/resource)`,
        `check ${(checked.wallMs / 1000).toFixed(1)} s (${(checked.wallMs / checked.count).toFixed(2)} ms/resource; program ${(checked.stats.programMs / 1000).toFixed(1)} s + release ${(checked.stats.releaseMs / 1000).toFixed(1)} s + pack load ${(checked.stats.packLoadMs / 1000).toFixed(1)} s + evaluation ${(evaluateMs / 1000).toFixed(1)} s)`,
        `check/bare ${ratio.toFixed(2)}×`,
        `pack evaluation/registration +${(packShare * 100).toFixed(0)} % (with loading +${((checked.stats.policyMs / bare.stats.programMs) * 100).toFixed(0)} %)`,
        `peak ${peakMiB.toFixed(0)} MiB`,
        `violations ${checked.violations}`,
      ].join(" | "),
    );
    if (n >= 5000) {
      const misses = [
        checked.wallMs > 15_000 && `check took ${(checked.wallMs / 1000).toFixed(1)} s (> 15 s)`,
        ratio > 1.5 && `check/bare ${ratio.toFixed(2)}× (> 1.5×)`,
        packShare > 0.3 && `pack evaluation adds ${(packShare * 100).toFixed(0)} % (> 30 %)`,
        peakMiB > 1200 && `peak ${peakMiB.toFixed(0)} MiB (> 1.2 GB)`,
      ].filter(Boolean);
      if (misses.length) {
        failed = true;
        rows.push(`  targets missed: ${misses.join("; ")}`);
      } else rows.push("  targets met: ≤ 15 s, ≤ 1.5× bare, pack evaluation ≤ +30 %, ≤ 1.2 GB");
    }
  }
  console.log(rows.join("\n"));
  process.exitCode = failed ? 1 : 0;
})();
