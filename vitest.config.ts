import { homedir } from "node:os";
import * as path from "node:path";
import { defineConfig } from "vitest/config";

// scripts/test-prereqs.ts may have installed moto_server with pip --user, whose bin is often not on PATH.
const userBin = path.join(process.env.PYTHONUSERBASE ?? path.join(homedir(), ".local"), "bin");
process.env.PATH = [process.env.PATH, userBin].filter(Boolean).join(path.delimiter);
// CLI runs in tests skip the TypeScript check (10 s+ per program with @pulumi/aws's typings); the tests of
// the check itself clear this.
process.env.PULUMI_NODEJS_TRANSPILE_ONLY = "true";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Engine runs spawn child processes and Pulumi's runtime state is process-global: forks keep files apart.
    pool: "forks",
    // Two cores: vitest would otherwise use one worker here. Slow files start first (sequence below).
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
