/**
 * Bundles the CLI and the engine's worker into dist/cli (JavaScript, dependencies left external), so a
 * run loads no TypeScript compiler or loader for bulkhead's own code. bin/bulkhead.js uses the bundle
 * when it is newer than every file under cli/, else runs the sources through tsx.
 */
import { buildSync } from "esbuild";
import { writeFileSync } from "node:fs";
import * as path from "node:path";

const root = path.resolve(__dirname, "..");
const { metafile } = buildSync({
  absWorkingDir: root,
  entryPoints: ["cli/main.ts", "cli/engine/child.ts", "cli/engine/typecheck.ts", "cli/engine/worker-spawn.ts"],
  outbase: ".",
  outdir: "dist",
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  packages: "external",
  sourcemap: "linked",
  logLevel: "warning",
  metafile: true,
});
// What went into each entry's bundle, beside it: the engine's worker is taken from its bundle by callers running
// from the sources (tests) only while none of these changed since (cli/engine/worker-spawn.ts).
for (const [out, { entryPoint, inputs }] of Object.entries(metafile!.outputs)) {
  if (!entryPoint) continue;
  writeFileSync(path.join(root, out.replace(/\.js$/, ".inputs.json")), JSON.stringify(Object.keys(inputs).filter((f) => !f.startsWith("node_modules/"))));
}
