/**
 * `npm run bench [-- ARGS]`. Without arguments (what CI runs): the cold one-file check, the engine at 500 and 5,000
 * resources, then the 500-tenant fleet, one after another, each judged by its own targets; exits 1 when any
 * missed one. With arguments, they are the engine benchmark's (`npm run bench -- 20000` is its scaling gate;
 * `npm run bench -- 1000 --repeat 2`), and only it runs. The others take theirs when run directly
 * (`npx tsx bench/cold.bench.ts --report-only`, `npx tsx bench/tenants.bench.ts --stacks 4`).
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const args = process.argv.slice(2);
const benches: Array<[string, string[]]> = args.length
  ? [["engine.bench.ts", args]]
  : [["cold.bench.ts", []], ["engine.bench.ts", []], ["tenants.bench.ts", []]];
let failed = false;
for (const [file, argv] of benches) {
  // One process per benchmark, as before: each measures its own children from a clean parent.
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(__dirname, file), ...argv], { stdio: "inherit" });
  if (r.status !== 0) {
    failed = true;
    console.error(`bench: ${file} ${r.signal ? `was killed by ${r.signal}` : `exited ${r.status}`}`);
  }
}
process.exit(failed ? 1 : 0);
