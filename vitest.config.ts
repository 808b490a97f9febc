import { defineConfig } from "vitest/config";

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
