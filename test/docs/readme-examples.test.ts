/**
 * The README's TypeScript examples run as the README tells a reader to run them: each ```ts block becomes the
 * index.ts of a project directory inside the repository (Pulumi.yaml, Pulumi.dev.yaml with aws:region, the
 * "./components" import as "../components"), is type-checked the way Pulumi's language host would, then runs
 * offline with the pack and must register its resources cleanly.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { jobFor, runJobs } from "../../cli/engine";
import { typeCheck } from "../../cli/engine/typecheck";

const repo = path.resolve(__dirname, "..", "..");
const readme = readFileSync(path.join(repo, "README.md"), "utf8");
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
// In a directory of the repository, as the README's "Examples" section says (its name has a space: paths with
// spaces must work too).
const dirs = blocks.map((code, i) => {
  const dir = path.join(repo, `.readme example ${i + 1}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "Pulumi.yaml"), "name: my-app\nruntime: nodejs\n");
  writeFileSync(path.join(dir, "Pulumi.dev.yaml"), "config:\n  aws:region: eu-west-1\n");
  writeFileSync(path.join(dir, "index.ts"), code.replace(/from "\.\/components"/g, 'from "../components"'));
  return dir;
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("README examples", () => {
  it("has TypeScript examples to check, and tells the reader how to run them in a directory of their own", () => {
    expect(blocks.length).toBeGreaterThan(0);
    expect(blocks.some((b) => b.includes('from "./components"'))).toBe(true);
    expect(readme).toContain('my-app/index.ts          the example below, importing "../components" where it says "./components"');
    expect(readme).toContain("`npx bulkhead check my-app`");
  });

  it.each(dirs.map((d, i) => [i + 1, d] as const))("example %i type-checks", (_i, dir) => {
    const r = typeCheck(path.join(dir, "index.ts"), repo, path.join(repo, "node_modules"), { cache: false });
    expect(r.cached).toBe(false);
    expect(r.errors).toEqual([]);
  }, 180_000);

  it.each(dirs.map((d, i) => [i + 1, d] as const))("example %i runs offline as project my-app, stack dev, and passes the pack", async (_i, dir) => {
    const { job } = jobFor(dir, { displayRoot: repo });
    expect([job.projectName, job.stack, job.config["aws:region"]?.value]).toEqual(["my-app", "dev", "eu-west-1"]);
    const [r] = await runJobs([job]);
    if (!r.ok) throw new Error(`${r.message} at ${r.location}`);
    expect(r.run.resources.length).toBeGreaterThan(10);
    expect(r.check!.violations.filter((v) => v.enforcement === "mandatory")).toEqual([]);
    // The region comes from the stack file, so the run needs no "aws:region is not set" note.
    expect(r.notes ?? []).not.toContainEqual(expect.stringContaining("aws:region is not set"));
  }, 120_000);
});
