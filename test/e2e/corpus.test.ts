/**
 * The corpus (test/corpus/): realistic insecure programs must each be blocked on the resource their
 * header names, and hardened programs must produce no finding at all — through the same engine and
 * pack `bulkhead check` uses.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { jobFor, runJobs, type JobResult } from "../../cli/engine";

const corpus = path.resolve(__dirname, "..", "corpus");
const repo = path.resolve(__dirname, "..", "..");

interface Program {
  file: string;
  kind: "insecure" | "hardened";
  expects: Array<{ rule: string; resource: string }>;
  clean: boolean;
}

function load(kind: Program["kind"]): Program[] {
  return readdirSync(path.join(corpus, kind))
    .filter((f) => f.endsWith(".ts"))
    .sort()
    .map((f) => {
      const file = path.join(corpus, kind, f);
      const header = readFileSync(file, "utf8").split("\n").filter((l) => l.startsWith("// expect:"));
      const expects = header
        .map((l) => l.replace("// expect:", "").trim())
        .filter((l) => l !== "clean")
        .map((l) => {
          const [rule, resource] = l.split(/\s+/);
          return { rule, resource };
        });
      return { file, kind, expects, clean: header.some((l) => l.trim() === "// expect: clean") };
    });
}

const insecure = load("insecure");
const hardened = load("hardened");
const results = new Map<string, JobResult>();

beforeAll(async () => {
  const all = [...insecure, ...hardened];
  const jobs = all.map((p) => jobFor(p.file, { displayRoot: repo }).job);
  // Two workers, one per core.
  const half = Math.ceil(jobs.length / 2);
  const [a, b] = await Promise.all([runJobs(jobs.slice(0, half)), runJobs(jobs.slice(half))]);
  [...a, ...b].forEach((r, i) => results.set(all[i].file, r));
}, 240_000);

function violationsOf(file: string) {
  const r = results.get(file)!;
  if (!r.ok) throw new Error(`${path.relative(repo, file)} did not run: ${r.message} ${r.location ?? ""}`);
  return r.check!.violations;
}

describe("corpus size", () => {
  it("has at least 40 insecure and 15 hardened programs, each with a stated expectation", () => {
    expect(insecure.length).toBeGreaterThanOrEqual(40);
    expect(hardened.length).toBeGreaterThanOrEqual(15);
    for (const p of insecure) expect(p.expects.length, p.file).toBeGreaterThan(0);
    for (const p of hardened) expect(p.clean, p.file).toBe(true);
  });
});

describe("insecure programs are blocked on the right resource", () => {
  it.each(insecure.map((p) => [path.basename(p.file), p] as const))("%s", (_name, p) => {
    const vs = violationsOf(p.file);
    for (const e of p.expects) {
      const hit = vs.find((v) => v.policy === e.rule && v.resource.name === e.resource);
      expect(hit, `${e.rule} on ${e.resource}; got ${vs.map((v) => `${v.policy}@${v.resource.name}`).join(", ")}`).toBeDefined();
      expect(hit!.enforcement).toBe("mandatory");
      expect(hit!.exemption).toBeUndefined();
    }
  });
});

describe("hardened programs have no finding at all", () => {
  it.each(hardened.map((p) => [path.basename(p.file), p] as const))("%s", (_name, p) => {
    const open = violationsOf(p.file).filter((v) => !v.exemption);
    expect(open.map((v) => `${v.policy}@${v.resource.name}: ${v.message}`)).toEqual([]);
  });
});
