/**
 * A newcomer's first mistakes (issue 13), in process: each one is an error whose first line is the root cause
 * (which field, which value, the fix), at the user's own file:line where there is one, with the contract's kind
 * (docs/contract.md, *Errors*) — never a headline that leaves the cause for the next line.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { main } from "../../cli/main";
import { jobError } from "../../cli/commands/target";
import { runRotate } from "../../cli/commands/rotate";
import { jobFor, readInvokesFile, readPolicyConfig, UsageError } from "../../cli/engine";
import { resolvePolicyConfig, closest } from "../../cli/engine/policy-config";
import type { AnalyzerInfo } from "../../cli/engine/analyzer";
import { validatePlatformNetworkArgs } from "../../components/PlatformNetwork";

const tmp = mkdtempSync(path.join(tmpdir(), "bulkhead newcomer "));
const write = (rel: string, text: string) => {
  const file = path.join(tmp, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
};
/** What the CLI prints as `source`: relative to the cwd. */
const at = (file: string, line: number, col?: number) => `${path.relative(process.cwd(), file)}:${line}${col ? `:${col}` : ""}`;

function usageError(f: () => unknown): UsageError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return e as UsageError;
  }
  throw new Error("expected a UsageError");
}

describe("a newcomer's mistakes are one-line errors at their own file", () => {
  const project = path.join(tmp, "my app");
  write("my app/Pulumi.yaml", "name: my-app\nruntime: nodejs\n");
  write("my app/index.ts", 'export const x = 1;\n');
  write("my app/Pulumi.dev.yaml", "config:\n  aws:region: eu-west-1\n");

  it("--stack prod where only Pulumi.dev.yaml exists: names the file it looked for, the stacks there, and what to do", () => {
    const e = usageError(() => jobFor(project, { stack: "prod", policyPack: false }));
    expect(e.message).toBe(`stack "prod" has no config file ${path.relative(process.cwd(), path.join(project, "Pulumi.prod.yaml"))}; stacks here: dev`);
    expect(e.kind).toBe("project");
    expect(e.hint).toMatch(/^pass --stack dev .*or create .*Pulumi\.prod\.yaml with a config: section/);
  });

  it("a stack file that is not YAML: the parser's cause on the first line, at its line and column", () => {
    const bad = path.join(tmp, "bad-yaml");
    write("bad-yaml/Pulumi.yaml", "name: bad\nruntime: nodejs\n");
    write("bad-yaml/index.ts", "export {};\n");
    const file = write("bad-yaml/Pulumi.dev.yaml", "config:\n  aws:region: [eu-west-1\n  bulkhead-platform:vpcCidr: 10.0.0.0/16\n");
    const e = usageError(() => jobFor(bad, { policyPack: false }));
    expect(e.message.split("\n")).toHaveLength(1);
    expect(e.message).toMatch(/Pulumi\.dev\.yaml is not valid YAML: /);
    expect(e.source).toBe(at(file, 3, 3));
  });

  it("a path with spaces runs like any other (the project above is in 'my app')", () => {
    const { job } = jobFor(project, { policyPack: false });
    expect(job.programPath).toBe(path.join(project, "index.ts"));
    expect(job.stack).toBe("dev");
  });

  it("--assume-known with --unknowns preview is a usage error, not a project one", () => {
    const e = usageError(() => jobFor(project, { assumeKnown: true, unknowns: "preview", policyPack: false }));
    expect(e.kind).toBe("usage");
    expect(e.hint).toBe("give one of them");
  });

  it("an --invokes file with one bad answer: that answer on the first line, at the line of its token", () => {
    const file = write("invokes.yaml", "# answers\naws:ec2/getVpc:getVpc:\n  - match: { tags: { Name: prod } }\n    result: 5\n");
    const e = usageError(() => readInvokesFile(file));
    expect(e.message).toBe(`--invokes ${file}: aws:ec2/getVpc:getVpc[0].result: must be an object of the invoke's outputs, got 5`);
    expect(e.kind).toBe("usage");
    expect(e.source).toBe(at(file, 2));
    expect(e.hint).toMatch(/^an answer is {2}<token>: \[\{ match: .*result: /);
  });

  it("a --policy-config that is not JSON (a trailing comma): at its line and column", () => {
    const file = write("policy-config.json", '{\n  "no-world-open-sensitive-port": "mandatory",\n}\n');
    const e = usageError(() => readPolicyConfig(file));
    expect(e.kind).toBe("policy-config");
    expect(e.message).toMatch(/^--policy-config .*policy-config\.json is not valid JSON: /);
    expect(e.source).toMatch(new RegExp(`^${at(file, 3).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+$`));
    expect(e.hint).toMatch(/quoted keys, no trailing commas/);
  });

  describe("an unknown --policy-config key", () => {
    const info = {
      name: "bulkhead",
      policies: [{ name: "no-world-open-sensitive-port", enforcementLevel: "mandatory" }, { name: "bastion-only-admin", enforcementLevel: "mandatory" }],
      schemas: { "no-world-open-sensitive-port": { properties: { adminPorts: { type: "array" }, dataPorts: { type: "array" } } } },
      initialConfig: {},
    } as unknown as AnalyzerInfo;

    it("a misspelt property: one line that names it, suggests the property and lists the others; located at its key", () => {
      let message = "";
      try {
        resolvePolicyConfig(info, { "no-world-open-sensitive-port": { adminPorrts: [2222] } });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toBe("invalid policy config: no-world-open-sensitive-port.adminPorrts: not a property of this policy (did you mean adminPorts?); it takes adminPorts, dataPorts besides enforcementLevel");
      const file = write("typo.json", '{\n  "no-world-open-sensitive-port": {\n    "adminPorrts": [2222]\n  }\n}\n');
      const err = jobError({ ok: false, kind: "policy-config", message, location: null } as never, "the program", file);
      expect(err.kind).toBe("policy-config");
      expect(err.source).toBe(at(file, 3));
    });

    it("a misspelt policy name: suggested, and located at its key", () => {
      let message = "";
      try {
        resolvePolicyConfig(info, { "bastion-only-admn": "advisory" });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(/^invalid policy config: "bastion-only-admn" is not a policy of pack bulkhead \(did you mean "bastion-only-admin"\?\); known policies: /);
      const file = write("name.json", '{\n\n  "bastion-only-admn": "advisory"\n}\n');
      expect(jobError({ ok: false, kind: "policy-config", message, location: null } as never, "the program", file).source).toBe(at(file, 3));
    });

    it("several problems: counted on the first line, each listed below", () => {
      expect(() => resolvePolicyConfig(info, { "no-world-open-sensitive-port": { adminPorrts: [1], dataPorrts: [2] } })).toThrow(/^invalid policy config: 2 problems\n {2}- no-world-open-sensitive-port\.adminPorrts: .*\n {2}- no-world-open-sensitive-port\.dataPorrts: /);
    });

    it("suggests only close names", () => {
      expect(closest("adminPorrts", ["adminPorts", "dataPorts"])).toBe("adminPorts");
      expect(closest("exemptions", ["adminPorts", "dataPorts"])).toBeUndefined();
    });
  });

  it("a component argument with one bad value: field, value, problem and fix on the first line", () => {
    expect(() => validatePlatformNetworkArgs("platform", { cidrBlock: "10.0.0.0/16", availabilityZones: ["us-east-1a"], natStrategy: "singel" as never })).toThrow(
      /^PlatformNetwork "platform": natStrategy = "singel": unknown NAT strategy\. Fix: use one of none, single, perAz$/,
    );
  });
});

describe("bulkhead rotate's exit-2 errors follow the contract", () => {
  const capture = () => {
    const out = { stdout: "", stderr: "" };
    return { out, io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t), cwd: tmp } };
  };

  it("an invalid option under --format json: one line on stderr with a hint, and one error document on stdout", async () => {
    const { out, io } = capture();
    expect(await runRotate({ all: true, concurrency: "0", format: "json" }, io)).toBe(2);
    expect(out.stderr.split("\n")[0]).toMatch(/^bulkhead: invalid option: --concurrency/);
    expect(out.stderr).toContain("  hint: see bulkhead rotate --help");
    const doc = JSON.parse(out.stdout);
    expect(Object.keys(doc)).toEqual(["error"]);
    expect(doc.error).toMatchObject({ kind: "usage", source: null, hint: "see bulkhead rotate --help" });
  });

  it("--resume with no journal: says where it looked and what to do; text output has no JSON", async () => {
    const { out, io } = capture();
    expect(await runRotate({ resume: true }, io)).toBe(2);
    expect(out.stderr).toMatch(/^bulkhead: --resume found no journal in .*\/\.bulkhead\/\n {2}hint: run --resume from the directory/);
    expect(out.stdout).toBe("");
  });
});

describe("usage mistakes on the command line are one line and a hint, before anything runs", () => {
  async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const out = vi.spyOn(process.stdout, "write").mockImplementation((t) => ((stdout += String(t)), true));
    const err = vi.spyOn(process.stderr, "write").mockImplementation((t) => ((stderr += String(t)), true));
    try {
      return { code: await main(["node", "bulkhead", ...args]), stdout, stderr };
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  }

  it("a missing required option: the cause in the contract's form and a hint, not the whole help text", async () => {
    const r = await cli("fleet", "check", ".");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("bulkhead: required option '--tenant-stacks <dir>' not specified\n  hint: see bulkhead --help, or bulkhead <command> --help\n");
  });

  it("-o into a directory that does not exist fails before the program runs (one line; the JSON error document too)", async () => {
    const started = Date.now();
    const r = await cli("check", ".", "-o", path.join(tmp, "no", "such", "dir", "review.md"), "--format", "json");
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toMatch(/^bulkhead: cannot write .*review\.md: its directory does not exist$/);
    expect(r.stderr).not.toContain("running");
    expect(JSON.parse(r.stdout).error.kind).toBe("output");
    expect(Date.now() - started).toBeLessThan(5000);
    const dir = await cli("review", ".", "-o", tmp);
    expect(dir.stderr.split("\n")[0]).toMatch(/: it is a directory$/);
  });
});
