/**
 * Bundles the CLI and the engine's worker into dist/cli (JavaScript, dependencies left external), so a
 * run loads no TypeScript compiler or loader for bulkhead's own code. bin/bulkhead.js uses the bundle
 * when it is newer than every file under cli/, else runs the sources through tsx.
 */
import { buildSync } from "esbuild";
import * as path from "node:path";

const root = path.resolve(__dirname, "..");
buildSync({
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
});
