/**
 * The README's TypeScript examples run as written: each ```ts block is type-checked the way Pulumi's
 * language host would, then run offline with the pack, and must register its resources cleanly.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { jobFor, runJobs } from "../../cli/engine";
import { typeCheck } from "../../cli/engine/typecheck";

const repo = path.resolve(__dirname, "..", "..");
const blocks = [...readFileSync(path.join(repo, "README.md"), "utf8").matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
// Beside the README, so the examples' own imports ("./components") resolve as a reader's would.
const files = blocks.map((code, i) => {
  const file = path.join(repo, `.readme-example-${i + 1}.ts`);
  writeFileSync(file, code);
  return file;
});
afterAll(() => files.forEach((f) => rmSync(f, { force: true })));

describe("README examples", () => {
  it("has TypeScript examples to check", () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  it.each(files.map((f, i) => [i + 1, f] as const))("example %i type-checks", (_i, file) => {
    const r = typeCheck(file, repo, path.join(repo, "node_modules"), { cache: false });
    expect(r.cached).toBe(false);
    expect(r.errors).toEqual([]);
  }, 180_000);

  it.each(files.map((f, i) => [i + 1, f] as const))("example %i runs offline and passes the pack", async (_i, file) => {
    const { job } = jobFor(file, { displayRoot: repo });
    const [r] = await runJobs([job]);
    if (!r.ok) throw new Error(`${r.message} at ${r.location}`);
    expect(r.run.resources.length).toBeGreaterThan(10);
    expect(r.check!.violations.filter((v) => v.enforcement === "mandatory")).toEqual([]);
  }, 120_000);
});
