/**
 * The error contract (cli/errors.ts, docs/contract.md): every failure class exits 2 with its root cause
 * first, on one line, at the user's own file:line (the stack file's line for stack config), no engine or
 * library frames, and under --format json one error document on stdout.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { expectContract } from "../docs/contract-schemas";
import { bulkheadInProcess, repo, type Env, type Run } from "./bulkhead-cli";

const fx = (f: string) => path.relative(repo, path.join(__dirname, "fixtures", f));
const tmp = mkdtempSync(path.join(tmpdir(), "bulkhead-errors-"));

/**
 * The whole command line in process (./bulkhead-cli.ts): the contract is main()'s error mapping, the same in a
 * spawned CLI; what only a process shows (the exit status, stdout flushed before exit) is ./cli.test.ts's.
 */
const bulkhead = (args: string[], env: Env = {}): Promise<Run> => bulkheadInProcess(args, env);

interface Case {
  name: string;
  args: string[];
  env?: Env;
  kind: string;
  /** The first line of stderr, after "bulkhead: ". */
  first: RegExp;
  source: string | null;
  hint: RegExp | null;
}

const policyConfig = path.join(tmp, "typo-config.json");
writeFileSync(policyConfig, JSON.stringify({ "no-world-open-sensitive-port": { adminPorrts: [2222] } }));

const CASES: Case[] = [
  { name: "syntax error", args: ["check", fx("errors/syntax.ts")], kind: "syntax", first: /^syntax error: Expected "}" but found ";"$/, source: `${fx("errors/syntax.ts")}:3:58`, hint: /fix the syntax/ },
  { name: "missing module", args: ["check", fx("errors/missing-module.ts")], kind: "module-not-found", first: /^cannot find module 'bulkhead-no-such-helpers'$/, source: `${fx("errors/missing-module.ts")}:2`, hint: /npm install bulkhead-no-such-helpers/ },
  { name: "program throws", args: ["check", fx("throws.ts")], kind: "program", first: /threw: no tenants configured: set bulkhead-platform:tenants$/, source: `${fx("throws.ts")}:6`, hint: null },
  {
    name: "component arguments, at the line that built the component",
    args: ["check", fx("errors/component-args.ts")],
    kind: "component-args",
    first: /^PlatformNetwork "net": cidrBlock = "8\.8\.0\.0\/16": not a private \(RFC 1918 \/ RFC 6598\) range\. Fix: use a block inside 10\.0\.0\.0\/8/,
    source: `${fx("errors/component-args.ts")}:5`,
    hint: /fix that argument where the component is built/,
  },
  {
    name: "stack config value, at its Pulumi.<stack>.yaml line",
    args: ["check", fx("errors/project"), "--stack", "public-cidr"],
    kind: "stack-config",
    first: /^stack config: bulkhead-platform:vpcCidr = "8\.8\.0\.0\/16": not a private \(RFC 1918 \/ RFC 6598\) range\. Fix: /,
    source: `${fx("errors/project")}/Pulumi.public-cidr.yaml:4`,
    hint: /Pulumi\.public-cidr\.yaml/,
  },
  {
    name: "missing stack config key, naming the key to add to the stack file",
    args: ["check", fx("errors/project"), "--stack", "no-cidr"],
    kind: "stack-config",
    first: /^stack config bulkhead-platform:vpcCidr is required but not set$/,
    source: `${fx("errors/project")}/Pulumi.no-cidr.yaml:2`,
    hint: /^add "bulkhead-platform:vpcCidr: <value>" under config: in .*Pulumi\.no-cidr\.yaml$/,
  },
  {
    name: "type error (type-checked by default, like Pulumi's language host)",
    args: ["check", fx("errors/type-error.ts")],
    env: { PULUMI_NODEJS_TRANSPILE_ONLY: undefined },
    kind: "type",
    first: /^type error: TS2561: Object literal may only specify known properties, but 'protectt' does not exist in type 'ComponentResourceOptions'\. Did you mean to write 'protect'\?$/,
    source: `${fx("errors/type-error.ts")}:4:86`,
    hint: /--transpile-only/,
  },
  {
    name: "unknown property in the policy config",
    args: ["check", fx("clean.ts"), "--policy-config", policyConfig],
    kind: "policy-config",
    first: /^invalid policy config: no-world-open-sensitive-port\.adminPorrts: not a property of this policy \(did you mean adminPorts\?\)/,
    source: `${path.relative(repo, policyConfig)}:1`,
    hint: /fix --policy-config/,
  },
  { name: "report path in a missing directory", args: ["check", fx("clean.ts"), "-o", path.join(tmp, "no", "dir", "out.txt")], kind: "output", first: /^cannot write .*out\.txt: its directory does not exist$/, source: null, hint: /existing, writable directory/ },
  { name: "missing project", args: ["check", "no/such/project"], kind: "project", first: /^no\/such\/project does not exist/, source: null, hint: null },
];

/**
 * One run per case, with --format json: stderr carries the same text a plain run prints (the JSON document is
 * stdout's alone), so one run shows both halves of the contract.
 */
const runs: Record<string, Run> = {};
const text = runs;
const json = runs;

beforeAll(async () => {
  // Two at a time: two cores, and each run starts the engine's worker (and the type check its own process).
  const jobs = CASES.map((c) => async () => void (runs[c.name] = await bulkhead([...c.args, "--format", "json"], c.env)));
  for (let i = 0; i < jobs.length; i += 2) await Promise.all(jobs.slice(i, i + 2).map((j) => j()));
}, 300_000);

describe("the error contract", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s: exit 2, root cause first at the user's line", (_n, c) => {
    const r = text[c.name];
    expect(r.code, r.stderr).toBe(2);
    const lines = r.stderr.split("\n").filter((l) => !/^bulkhead: (running|registered|analyz|type-checking|aws:region is not set)/.test(l));
    expect(lines[0].replace(/^bulkhead: /, "")).toMatch(c.first);
    if (c.source) expect(r.stderr).toContain(`    at ${c.source}`);
    expect(r.stderr).not.toMatch(/node_modules|cli\/engine|dist\/cli|readable:\d+/);
  });

  it.each(CASES.map((c) => [c.name, c] as const))("%s: --format json prints one error document", (_n, c) => {
    const r = json[c.name];
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout);
    expectContract("error", doc);
    expect(Object.keys(doc)).toEqual(["error"]);
    expect(doc.error.kind).toBe(c.kind);
    expect(doc.error.message.split("\n")[0]).toMatch(c.first);
    expect(doc.error.source).toBe(c.source);
    if (c.hint) expect(doc.error.hint).toMatch(c.hint);
    else expect(doc.error.hint).toBeNull();
  });

  it("--transpile-only skips the type check, as PULUMI_NODEJS_TRANSPILE_ONLY does", async () => {
    const [flag, env] = await Promise.all([
      bulkhead(["check", fx("errors/type-error.ts"), "--transpile-only", "--format", "json"], { PULUMI_NODEJS_TRANSPILE_ONLY: undefined }),
      bulkhead(["check", fx("errors/type-error.ts"), "--format", "json"], { PULUMI_NODEJS_TRANSPILE_ONLY: "true" }),
    ]);
    for (const r of [flag, env]) {
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).resources).toBeGreaterThan(0);
    }
  });

  it("a usage error under --format json is a usage document", async () => {
    const r = await bulkhead(["check", fx("clean.ts"), "--format", "json", "--no-such-flag"]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error).toMatchObject({ kind: "usage", message: expect.stringContaining("--no-such-flag") });
  });
});
