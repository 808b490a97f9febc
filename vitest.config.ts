import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Engine runs spawn child processes and Pulumi's runtime state is process-global: forks keep files apart.
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
