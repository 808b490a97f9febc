/**
 * A program that brings its own @pulumi/pulumi (older 3.228 with @pulumi/aws 6, newer 3.276 with bulkhead's
 * @pulumi/aws 7) runs with the same records, verdicts and clean failures as with the bundled copy
 * (issue 10: an older copy crashed the worker; resources built with an unmocked copy were lost). The fixture
 * projects are installed from their lockfiles by ./own-sdk-fixtures.ts, which this file calls in beforeAll (once:
 * later runs reuse the install), so the install overlaps with the other test files.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { jobFor, runJobs, type JobResult } from "../../cli/engine";
import type { RegisteredResource } from "../../cli/engine/types";
import { installOwnSdkFixtures, OWN_SDK_DIR } from "./own-sdk-fixtures";

const repo = path.resolve(__dirname, "..", "..");
const COPIES = ["bundled", "pulumi-3.228-aws-6", "pulumi-3.276"] as const;
const results: Record<string, { project: JobResult; failing: JobResult }> = {};

beforeAll(async () => {
  await installOwnSdkFixtures();
  const jobs = COPIES.flatMap((c) => [
    jobFor(path.join(OWN_SDK_DIR, c), { displayRoot: repo }).job,
    jobFor(path.join(OWN_SDK_DIR, c, "failing.ts"), { policyPack: false, displayRoot: repo }).job,
  ]);
  // runJobs starts one worker per SDK copy: three workers here.
  const out = await runJobs(jobs);
  COPIES.forEach((c, i) => (results[c] = { project: out[2 * i], failing: out[2 * i + 1] }));
}, 240_000);

function ok(r: JobResult) {
  if (!r.ok) throw new Error(`run failed: ${r.message}`);
  return r;
}

/** A record with what legitimately differs between copies taken out: the fixture directory and the aws provider's version. */
function comparable(r: RegisteredResource, copy: string) {
  // A default provider's URN names the @pulumi/aws version, and its id is derived from that URN.
  const norm = (s: string | undefined) =>
    s
      ?.replace(/default_\d+_\d+_\d+/g, "default_V")
      .replace(/(pulumi:providers:aws::default_V::)[0-9a-f-]{36}/g, "$1ID")
      .split(`own-sdk/${copy}/`)
      .join("own-sdk/COPY/");
  const inputs = r.type === "pulumi:providers:aws" ? { ...r.inputs, version: "V" } : r.inputs;
  return { urn: norm(r.urn), type: r.type, name: norm(r.name), parent: norm(r.parent), provider: norm(r.provider), inputs, dependencies: r.dependencies.map(norm), propertyDependencies: r.propertyDependencies, source: norm(r.source ?? undefined) };
}

describe("a program's own @pulumi/pulumi", () => {
  it("the fixtures run the same program text", () => {
    const text = (c: string, f: string) => readFileSync(path.join(OWN_SDK_DIR, c, f), "utf8");
    for (const c of COPIES) for (const f of ["index.ts", "failing.ts"]) expect(text(c, f)).toBe(text("bundled", f));
  });

  it("loads the program's own copies (not the bundled ones)", () => {
    const version = (c: string, pkg: string) => require(require.resolve(`${pkg}/package.json`, { paths: [path.join(OWN_SDK_DIR, c)] })).version;
    expect(version("pulumi-3.228-aws-6", "@pulumi/pulumi")).toBe("3.228.0");
    expect(version("pulumi-3.228-aws-6", "@pulumi/aws")).toMatch(/^6\./);
    expect(version("pulumi-3.276", "@pulumi/pulumi")).toBe("3.276.0");
    expect(ok(results["pulumi-3.228-aws-6"].project).run.resources.some((r) => r.name === "default_6_83_4")).toBe(true);
    // The worker ran each program with that program's copy.
    expect(COPIES.map((c) => ok(results[c].project).stats.pulumiSdk)).toEqual([require("@pulumi/pulumi/package.json").version, "3.228.0", "3.276.0"]);
  });

  it.each(COPIES.slice(1))("%s: identical records (types, names, parents, inputs, sources) and stack outputs", (copy) => {
    const mine = ok(results[copy].project).run;
    const bundled = ok(results.bundled.project).run;
    expect(mine.resources.map((r) => comparable(r, copy))).toEqual(bundled.resources.map((r) => comparable(r, "bundled")));
    expect(mine.resources.map((r) => r.type)).toEqual([
      "pulumi:pulumi:Stack",
      "acme:web:Web",
      "pulumi:providers:aws",
      "aws:secretsmanager/secret:Secret",
      "aws:secretsmanager/secretVersion:SecretVersion",
      "aws:ec2/securityGroup:SecurityGroup",
      "aws:ec2/instance:Instance",
    ]);
    expect(mine.outputs).toEqual(bundled.outputs);
  });

  it.each(COPIES.slice(1))("%s: the same verdicts from the pack", (copy) => {
    const key = (r: JobResult) => ok(r).check!.violations.map((v) => `${v.policy} ${v.resource.name} ${v.enforcement}`).sort();
    const mine = key(results[copy].project);
    expect(mine).toEqual(key(results.bundled.project));
    // https://docs.aws.amazon.com/vpc/latest/userguide/default-vpc.html: the world-open SSH group is a door.
    expect(mine).toContain("no-world-open-sensitive-port shop-sg mandatory");
  });

  it.each(COPIES)("%s: an unanswered …Output invoke and a rejected output fail the run cleanly, naming both resources", (copy) => {
    const r = results[copy].failing;
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.kind).toBe("program");
    expect(r.message).toContain("invoke aws:ec2/getInstance:getInstance has no offline answer");
    expect(r.message).toContain(`called at test/engine/fixtures/own-sdk/${copy}/failing.ts:5`);
    expect(r.message).toMatch(/aws:s3\/bucket:Bucket "from-instance" \(test\/engine\/fixtures\/own-sdk\/[^/]+\/failing\.ts:6\)/);
    expect(r.message).toMatch(/aws:s3\/bucket:Bucket "rejected" \(test\/engine\/fixtures\/own-sdk\/[^/]+\/failing\.ts:8\)/);
    expect(r.message).toContain("the name could not be computed");
    expect(r.message).not.toMatch(/promises were still active|at Object\.|node_modules/);
    expect(r.location).toBe(`test/engine/fixtures/own-sdk/${copy}/failing.ts:5`);
  });
});
