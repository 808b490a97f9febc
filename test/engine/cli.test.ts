/**
 * The `bulkhead` command as a pipeline runs it, from the repository root: exit codes and stdout documents per
 * docs/contract.md. Two runs are real processes (`node bin/bulkhead.js …`): a violation's exit 1 with the whole
 * JSON document flushed before the process exits (the run served by the early worker bin/bulkhead.js starts), and
 * an exit 2 before any run (the early worker must not keep the process alive). The rest runs the same main()
 * in process (./bulkhead-cli.ts).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import AjvDraft04 from "ajv-draft-04";
import { bulkhead, bulkheadInProcess, repo, type Run } from "./bulkhead-cli";
import { expectContract } from "../docs/contract-schemas";

const fixture = (f: string) => path.relative(repo, path.join(__dirname, "fixtures", f));

const out = mkdtempSync(path.join(tmpdir(), "bulkhead-cli-"));
const runs: Record<string, Run> = {};

beforeAll(async () => {
  const spawned: Record<string, string[]> = {
    sshJson: ["check", fixture("open-ssh.ts"), "--format", "json"],
    missing: ["check", "no/such/project", "--format", "json"],
    // bin/bulkhead.js's early worker waits for its job on its IPC channel: that must not keep it alive once the
    // job runs, or a program that can never finish hangs the command instead of failing it (it did).
    stalled: ["check", path.relative(repo, path.join(__dirname, "fixtures", "invokes", "tripwire-awaits-forever.ts")), "--unknowns", "preview", "--format", "json"],
  };
  const inProcess: Record<string, string[]> = {
    cleanJson: ["check", fixture("clean.ts"), "--format", "json"],
    throws: ["check", fixture("throws.ts"), "--format", "json"],
    sarif: ["check", fixture("open-ssh.ts"), "--format", "sarif", "--output", path.join(out, "ssh.sarif")],
    text: ["check", fixture("open-ssh.ts")],
    badFormat: ["check", fixture("clean.ts"), "--format", "yaml"],
    missingPack: ["check", fixture("clean.ts"), "--policy-pack", "no/such/pack"],
  };
  const jobs = [
    ...Object.entries(spawned).map(([n, args]) => async () => void (runs[n] = await bulkhead(...args))),
    ...Object.entries(inProcess).map(([n, args]) => async () => void (runs[n] = await bulkheadInProcess(args))),
  ];
  // Two at a time: the machine has two cores and each run that gets to the program starts the engine's worker.
  for (let i = 0; i < jobs.length; i += 2) await Promise.all(jobs.slice(i, i + 2).map((j) => j()));
}, 180_000);

describe("bulkhead check", () => {
  it("prints the documents docs/contract.md describes: check --format json, and the error document of an exit-2 run", () => {
    for (const r of [runs.sshJson, runs.cleanJson]) expectContract("check", JSON.parse(r.stdout));
    for (const r of [runs.throws, runs.missing]) expectContract("error", JSON.parse(r.stdout));
    // The counts every format shares agree with the document's own lists.
    const doc = JSON.parse(runs.sshJson.stdout);
    expect(doc.counts.findings).toBe(doc.violations.length);
    expect(doc.counts.doors).toBe(new Set(doc.violations.map((v: { door: string }) => v.door)).size);
    expect(doc.counts.resources).toBe(doc.resources);
  });

  it("exits 1 with a mandatory violation naming the resource that opens SSH to the world", () => {
    const r = runs.sshJson;
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.resources).toBeGreaterThan(0);
    expect(doc.violations).toContainEqual(
      expect.objectContaining({
        policy: "no-world-open-sensitive-port",
        enforcement: "mandatory",
        resource: expect.objectContaining({ name: "ssh-open", type: "aws:ec2/securityGroup:SecurityGroup", source: "test/engine/fixtures/open-ssh.ts:5" }),
      }),
    );
  });

  it("exits 0 on a clean program with an empty violation list and only JSON on stdout", () => {
    expect(runs.cleanJson.code).toBe(0);
    expect(JSON.parse(runs.cleanJson.stdout)).toEqual({
      resources: 6,
      doors: 0,
      counts: { resources: 6, toCreate: 4, doors: 0, findings: 0, mandatory: 0, advisory: 0, exempted: 0 },
      violations: [],
      unexpanded: [],
      cost: expect.objectContaining({ stack: "dev", currency: "USD", total: 1, unpriced: [] }),
    });
  });

  it("exits 2 when the program throws, with its own message and line and no engine internals", () => {
    const r = runs.throws;
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error).toMatchObject({ kind: "program", source: "test/engine/fixtures/throws.ts:6" });
    expect(r.stderr).toContain("no tenants configured: set bulkhead-platform:tenants");
    expect(r.stderr).toContain("at test/engine/fixtures/throws.ts:6");
    expect(r.stderr).not.toMatch(/node_modules|cli\/engine/);
  });

  it("exits 2 when the program waits on a promise nothing can settle, with the error document, instead of hanging", () => {
    expect(runs.stalled.code).toBe(2);
    expect(JSON.parse(runs.stalled.stdout).error.message).toMatch(/^the program never finished: it waits on a promise that nothing can settle offline/);
  });

  it("exits 2 for a missing project, an unknown format or a missing pack", () => {
    expect(runs.missing.code).toBe(2);
    expect(runs.missing.stderr).toContain("no/such/project does not exist");
    expect(runs.badFormat.code).toBe(2);
    expect(runs.badFormat.stderr).toContain("Allowed choices are text, json, sarif, markdown");
    expect(runs.missingPack.code).toBe(2);
    expect(runs.missingPack.stderr).toContain("PulumiPolicy.yaml is missing");
  });

  it("groups text output by resource with file:line and no colour off a terminal", () => {
    const r = runs.text;
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("ssh-open aws:ec2/securityGroup:SecurityGroup  test/engine/fixtures/open-ssh.ts:5");
    expect(r.stdout).toMatch(/^BLOCKED .* \d+ mandatory/m);
    expect(r.stdout).not.toContain("\x1b[");
  });

  it("writes SARIF 2.1.0 that validates against the official schema, located at the declaring line", () => {
    expect(runs.sarif.code).toBe(1);
    expect(runs.sarif.stdout).toBe("");
    const log = JSON.parse(readFileSync(path.join(out, "ssh.sarif"), "utf8"));
    const schema = require("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
    // The SARIF 2.1.0 schema is JSON-schema draft-04.
    const ajv = new AjvDraft04({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false });
    // (the schema's `language` pattern is not a valid regular expression under the `u` flag)
    const validate = ajv.compile(schema);
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    // The world-open SSH entry is one door: one result listing its three rules, under the rule whose fix it shows.
    const result = log.runs[0].results.find((r: any) => r.properties.policies.includes("no-world-open-sensitive-port"));
    expect(result.properties.policies).toEqual(["no-world-open-sensitive-port", "bastion-only-admin", "only-lbs-face-world"]);
    expect(result.ruleId).toBe("bastion-only-admin");
    expect(result.level).toBe("error");
    expect(result.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: "test/engine/fixtures/open-ssh.ts", uriBaseId: "%SRCROOT%" },
      region: { startLine: 5 },
    });
    const rule = log.runs[0].tool.driver.rules[result.ruleIndex];
    expect(rule.id).toBe("bastion-only-admin");
    expect(rule.fullDescription.text.length).toBeGreaterThan(20);
  });
});
