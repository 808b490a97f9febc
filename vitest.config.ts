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
 * The order two workers take files in (measured; README "Speed"). The three database drills (rotation, breach,
 * pooled) spend much of their time waiting on their servers and on the rotation function's log: each runs beside
 * CPU-bound files, never beside another drill, so that the second core is not left idle. The long CPU-bound files
 * come next, and the many short ones fill in at the end in vitest's own order.
 */
const ORDER = [
  "test/rotation/rotation.test.ts",
  "test/docs/readme-examples.test.ts",
  "test/components/routing.test.ts",
  "test/engine/errors.test.ts",
  "test/engine/own-sdk.test.ts",
  "test/rotation/breach.test.ts",
  "test/e2e/corpus.test.ts",
  "test/policies/robustness.test.ts",
  "test/review/review.test.ts",
  "test/e2e/tenant-stacks.test.ts",
  "test/e2e/realworld.test.ts",
  "test/rotation/pooled.test.ts",
  "test/e2e/stacks.test.ts",
  "test/engine/unknowns.test.ts",
  "test/components/components.test.ts",
  "test/engine/cli.test.ts",
  "test/engine/typecheck.test.ts",
  "test/engine/remote/remote.test.ts",
  "test/engine/engine.test.ts",
  "test/engine/invokes.test.ts",
  "test/engine/tripwire.test.ts",
];

class Ordered extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = ORDER.indexOf(path.relative(__dirname, f.moduleId).split(path.sep).join("/"));
      return i < 0 ? ORDER.length : i;
    };
    const rest = await super.sort(files);
    return [...rest].sort((a, b) => rank(a) - rank(b));
  }
}

/**
 * Test files share their worker's module cache (`isolate: false`) instead of loading the SDKs, the pack and the
 * engine once per file (about a tenth of the suite's CPU). That is safe for files that leave no process-global
 * state behind that another file could trip on: programs run in the engine's own worker processes, the component
 * tests set Pulumi's mocks per run, the rotation drills start and stop their servers per file, and a test that
 * changes the environment, the working directory or console restores it. These files change the loaded
 * @pulumi/pulumi itself (the engine worker's SDK tuning, cli/engine/sdk-tuning.ts), or test it on an untouched
 * SDK, so each runs in a process of its own.
 */
const OWN_PROCESS = ["test/components/routing.test.ts", "test/engine/sdk-tuning.test.ts"];

export default defineConfig({
  test: {
    projects: [
      { extends: true, test: { name: "shared", include: ["test/**/*.test.ts"], exclude: [...configDefaults.exclude, ...OWN_PROCESS], isolate: false } },
      { extends: true, test: { name: "own-process", include: OWN_PROCESS, isolate: true } },
    ],
    // The engine's worker defers @pulumi/pulumi's function serialisation (TypeScript, npm's Arborist) until a
    // program uses it; test files that load the SDK themselves do the same, at half the import cost.
    setupFiles: ["cli/engine/lazy-closure.ts"],
    // Engine runs spawn child processes: forks rather than threads.
    pool: "forks",
    // Two cores: vitest would otherwise use one worker here. Files start in the order above.
    maxWorkers: 2,
    sequence: { sequencer: Ordered },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
