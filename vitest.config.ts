import { homedir } from "node:os";
import * as path from "node:path";
import { configDefaults, defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

// scripts/test-prereqs.ts may have installed moto_server with pip --user, whose bin is often not on PATH.
const userBin = path.join(process.env.PYTHONUSERBASE ?? path.join(homedir(), ".local"), "bin");
process.env.PATH = [process.env.PATH, userBin].filter(Boolean).join(path.delimiter);
// CLI runs in tests skip the TypeScript check (10 s+ per program with @pulumi/aws's typings); the tests of
// the check itself clear this.
process.env.PULUMI_NODEJS_TRANSPILE_ONLY = "true";

/**
 * Files that take longest, longest first (measured; README "Speed"). Two workers take files in this order,
 * so the long ones start at once and the many short ones fill in beside them; the rest follow in vitest's
 * own order (on a fresh clone: largest file first). own-sdk installs its fixture projects first (npm ci,
 * mostly waiting on the disk) and the rotation drills mostly wait on their servers: both overlap well with
 * CPU-bound files.
 */
const SLOW_FIRST = [
  "test/engine/own-sdk.test.ts",
  "test/rotation/breach.test.ts",
  "test/rotation/rotation.test.ts",
  "test/engine/errors.test.ts",
  "test/docs/readme-examples.test.ts",
  "test/components/routing.test.ts",
  "test/rotation/pooled.test.ts",
  "test/e2e/corpus.test.ts",
  "test/policies/robustness.test.ts",
  "test/engine/cli.test.ts",
  "test/components/components.test.ts",
  "test/engine/unknowns.test.ts",
  "test/e2e/tenant-stacks.test.ts",
  "test/engine/typecheck.test.ts",
  "test/engine/remote/remote.test.ts",
  "test/e2e/stacks.test.ts",
  "test/engine/engine.test.ts",
  "test/review/review.test.ts",
  "test/e2e/realworld.test.ts",
  "test/engine/tripwire.test.ts",
];

class SlowFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = SLOW_FIRST.indexOf(path.relative(__dirname, f.moduleId).split(path.sep).join("/"));
      return i < 0 ? SLOW_FIRST.length : i;
    };
    const rest = await super.sort(files);
    return [...rest].sort((a, b) => rank(a) - rank(b));
  }
}

/**
 * Pure tests over the policy model and rules: no engine run, no Pulumi runtime, no process-global state. They
 * share their workers' module cache (`isolate: false`) instead of loading the pack and its libraries once per
 * file: about half of their CPU time.
 */
const SHARED = ["test/policies/**/*.test.ts"];

export default defineConfig({
  test: {
    projects: [
      { extends: true, test: { name: "isolated", include: ["test/**/*.test.ts"], exclude: [...configDefaults.exclude, ...SHARED] } },
      { extends: true, test: { name: "shared", include: SHARED, isolate: false } },
    ],
    // The engine's worker defers @pulumi/pulumi's function serialisation (TypeScript, npm's Arborist) until a
    // program uses it; test files that load the SDK themselves do the same, at half the import cost.
    setupFiles: ["cli/engine/lazy-closure.ts"],
    // Engine runs spawn child processes and Pulumi's runtime state is process-global: forks keep files apart.
    pool: "forks",
    // Two cores: vitest would otherwise use one worker here. Slow files start first (sequence below).
    maxWorkers: 2,
    sequence: { sequencer: SlowFirst },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
