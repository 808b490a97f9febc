/**
 * The offline engine end to end: one worker process runs a batch of fixture programs, the way the
 * CLI runs one, and the assertions read what it recorded.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as path from "node:path";
import { jobFor, runJobs, type EngineJob, type JobResult } from "../../cli/engine";
import type { RegisteredResource } from "../../cli/engine/types";
import { SECRET_SIG, SPECIAL_SIG_KEY, UNKNOWN_SENTINELS } from "../../cli/engine/wire";
import { toAnalyzerWire } from "../../cli/engine/analyzer";
import { previewJson, checkJson } from "../../cli/reporters/json";
import { expectContract } from "../docs/contract-schemas";

const fixtures = path.join(__dirname, "fixtures");
const repo = path.resolve(__dirname, "..", "..");
const UNKNOWN = [...UNKNOWN_SENTINELS][0];

const cases: Record<string, () => EngineJob> = {
  // Exactly `pulumi preview`'s unknowns; symbolic placeholders (the default) are tested in unknowns.test.ts.
  shapes: () => jobFor(path.join(fixtures, "shapes.ts"), { policyPack: false, unknowns: "preview", displayRoot: repo }).job,
  shapesKnown: () => jobFor(path.join(fixtures, "shapes.ts"), { policyPack: false, assumeKnown: true, displayRoot: repo }).job,
  alpha: () => jobFor(path.join(fixtures, "project"), { stack: "alpha", policyPack: false, displayRoot: repo }).job,
  beta: () => jobFor(path.join(fixtures, "project"), { stack: "beta", policyPack: false, displayRoot: repo }).job,
  sshInProcess: () => jobFor(path.join(fixtures, "open-ssh.ts"), { displayRoot: repo }).job,
  sshIsolated: () => jobFor(path.join(fixtures, "open-ssh.ts"), { isolated: true, displayRoot: repo }).job,
  explicitProvider: () => jobFor(path.join(fixtures, "explicit-provider.ts"), { policyPack: false, unknowns: "preview", displayRoot: repo }).job,
  unknownInvoke: () => jobFor(path.join(fixtures, "unknown-invoke.ts"), { policyPack: false, displayRoot: repo }).job,
  configUnknownPolicy: () => ({ ...cases.sshInProcess(), check: { ...cases.sshInProcess().check!, policyConfig: { "no-such-policy": "mandatory" } } }),
  configBadValue: () => ({
    ...cases.sshInProcess(),
    check: { ...cases.sshInProcess().check!, policyConfig: { "bastion-only-admin": { adminPorts: "twenty-two" }, all: "loud" } },
  }),
  configRaisesLevel: () => ({ ...cases.sshInProcess(), check: { ...cases.sshInProcess().check!, policyConfig: { "vpc-flow-logs": "mandatory" } } }),
};

/** A second pack needs its own worker: a process holds one policy pack. */
const echoCases: Record<string, () => EngineJob> = {
  echoInProcess: () => jobFor(path.join(fixtures, "open-ssh.ts"), { policyPack: path.join(fixtures, "echo-pack"), displayRoot: repo }).job,
  echoIsolated: () => jobFor(path.join(fixtures, "open-ssh.ts"), { policyPack: path.join(fixtures, "echo-pack"), isolated: true, displayRoot: repo }).job,
};

const results: Record<string, JobResult> = {};

beforeAll(async () => {
  await Promise.all(
    [cases, echoCases].map(async (batch) => {
      const names = Object.keys(batch);
      const out = await runJobs(names.map((n) => batch[n]()));
      names.forEach((n, i) => (results[n] = out[i]));
    }),
  );
}, 120_000);

function ok(name: string) {
  const r = results[name];
  if (!r.ok) throw new Error(`${name} failed: ${r.message}`);
  return r;
}

function find(rs: RegisteredResource[], name: string): RegisteredResource {
  const r = rs.find((x) => x.name === name);
  if (!r) throw new Error(`no resource ${name} in ${rs.map((x) => x.name).join(", ")}`);
  return r;
}

describe("preview semantics (--unknowns preview)", () => {
  it("leaves ids and references to them unknown but keeps input-echoing outputs known", () => {
    const { run } = ok("shapes");
    const vpc = find(run.resources, "shapes-vpc");
    const subnet = find(run.resources, "shapes-subnet");
    expect(vpc.id).toBeUndefined();
    expect(subnet.inputs.vpcId).toBe(UNKNOWN);
    expect(subnet.propertyDependencies.vpcId).toEqual([vpc.urn]);
    expect(run.outputs.vpcId).toBe(UNKNOWN);
    expect(run.outputs.subnetCidr).toBe("10.9.1.0/24");
  });

  it("--assume-known gives deterministic, AWS-shaped ids", () => {
    const { run } = ok("shapesKnown");
    const vpc = find(run.resources, "shapes-vpc");
    expect(vpc.id).toMatch(/^vpc-[0-9a-f]{17}$/);
    expect(find(run.resources, "shapes-subnet").inputs.vpcId).toBe(vpc.id);
    expect(run.outputs.vpcId).toBe(vpc.id);
  });

  it("answers invokes from the offline table and names an unknown invoke", () => {
    const { run } = ok("shapes");
    expect(run.outputs.account).toBe("123456789012");
    expect(run.outputs.zone).toBe("us-east-1a");
    const r = results.unknownInvoke;
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain("aws:ec2/getVpc:getVpc has no offline answer");
  });
});

describe("registrations as the engine sees them", () => {
  it("builds engine URNs with the parent type chain and never the root stack type", () => {
    const { run } = ok("shapes");
    const stack = run.resources[0];
    expect(stack.urn).toBe("urn:pulumi:dev::shapes::pulumi:pulumi:Stack::shapes-dev");
    expect(find(run.resources, "outer").urn).toBe("urn:pulumi:dev::shapes::test:shapes:Outer::outer");
    expect(find(run.resources, "outer-inner").urn).toBe("urn:pulumi:dev::shapes::test:shapes:Outer$test:shapes:Inner::outer-inner");
    const bucket = find(run.resources, "outer-inner-bucket");
    expect(bucket.urn).toBe("urn:pulumi:dev::shapes::test:shapes:Outer$test:shapes:Inner$aws:s3/bucket:Bucket::outer-inner-bucket");
    expect(bucket.parent).toBe(find(run.resources, "outer-inner").urn);
    expect(find(run.resources, "shapes-vpc").parent).toBe(stack.urn);
  });

  it("synthesises the default provider and points custom resources at it", () => {
    const { run } = ok("shapes");
    const provider = find(run.resources, "default_7_48_0");
    expect(provider.urn).toBe("urn:pulumi:dev::shapes::pulumi:providers:aws::default_7_48_0");
    expect(find(run.resources, "shapes-vpc").provider).toBe(`${provider.urn}::${UNKNOWN}`);
    expect(find(run.resources, "outer").provider).toBeUndefined();
  });

  it("runs an `export =` program function and keeps an explicit provider instead of the default one", () => {
    const { run } = ok("explicitProvider");
    const provider = find(run.resources, "eu");
    expect(provider.urn).toBe("urn:pulumi:dev::explicit-provider::pulumi:providers:aws::eu");
    expect(find(run.resources, "logs").provider).toBe(`${provider.urn}::${UNKNOWN}`);
    expect(run.resources.some((r) => r.name.startsWith("default_"))).toBe(false);
    expect(Object.keys(run.outputs).sort()).toEqual(["bucket", "sgName"]);
  });

  it("records where the user's file declared each resource", () => {
    const { run } = ok("shapes");
    expect(find(run.resources, "shapes-vpc").source).toBe("test/engine/fixtures/shapes.ts:26");
    expect(find(run.resources, "outer").source).toBe("test/engine/fixtures/shapes.ts:33");
    expect(find(run.resources, "outer-inner-bucket").source).toBe("test/engine/fixtures/shapes.ts:9");
  });

  it("keeps secrets secret in the wire form and never prints them", () => {
    const { run } = ok("shapes");
    const version = find(run.resources, "shapes-secret-value");
    expect(version.inputs.secretString).toEqual({ [SPECIAL_SIG_KEY]: SECRET_SIG, value: "plaintext-that-must-not-leak" });
    const printed = previewJson(run);
    expect(printed).not.toContain("must-not-leak");
    const doc = JSON.parse(printed);
    expect(doc.resources.find((r: any) => r.name === "shapes-secret-value").inputs.secretString).toBe("[secret]");
    expect(doc.outputs.token).toBe("[secret]");
    expectContract("preview", doc);
  });
});

describe("projects and stacks", () => {
  it("reads Pulumi.yaml main/stackConfigDir, project defaults and the stack's config", () => {
    const { run } = ok("alpha");
    expect(run.project).toBe("engine-fixture");
    expect(run.stack).toBe("alpha");
    const buckets = run.resources.filter((r) => r.type === "aws:s3/bucket:Bucket");
    expect(buckets.map((b) => b.name)).toEqual(["bucket-0", "bucket-1"]);
    expect(buckets[0].inputs.tags).toEqual({ team: "platform" });
    expect(run.outputs.greeting).toBe("hello");
    expect(run.outputs.region).toBe("eu-west-1");
    expect(find(run.resources, "default_7_48_0").inputs.region).toBe("eu-west-1");
  });

  it("runs the same program again for another stack in the same worker", () => {
    const { run } = ok("beta");
    expect(run.resources.filter((r) => r.type === "aws:s3/bucket:Bucket")).toHaveLength(1);
    expect(run.outputs.stack).toBe("beta");
  });

  it("defaults to the first stack file and refuses a stack without one", () => {
    expect(jobFor(path.join(fixtures, "project"), { policyPack: false }).job.stack).toBe("alpha");
    expect(() => jobFor(path.join(fixtures, "project"), { stack: "prod" })).toThrow(/stack "prod" has no config file.*stacks here: alpha, beta/);
  });
});

describe("policy evaluation", () => {
  it("reports the open SSH door as a mandatory violation on the security group", () => {
    const { check } = ok("sshInProcess");
    const v = check!.violations.find((x) => x.policy === "no-world-open-sensitive-port");
    expect(v).toMatchObject({
      enforcement: "mandatory",
      resource: { name: "ssh-open", type: "aws:ec2/securityGroup:SecurityGroup", source: "test/engine/fixtures/open-ssh.ts:5" },
    });
  });

  it("gives identical results in process and over gRPC like the Pulumi CLI", () => {
    const a = ok("sshInProcess");
    const b = ok("sshIsolated");
    expect(b.check!.violations.length).toBeGreaterThan(0);
    expect(JSON.parse(checkJson({ run: b.run, ...b.check! }))).toEqual(JSON.parse(checkJson({ run: a.run, ...a.check! })));
    expectContract("check", JSON.parse(checkJson({ run: a.run, ...a.check! })));
    expectContract("preview", JSON.parse(previewJson(a.run, a.check!.violations)));
    expect(b.check!.policyPack).toEqual(a.check!.policyPack);
  });

  it("carries every finding as data through the side channel, identically in process and --isolated", () => {
    const structured = (name: string) => ok(name).check!.violations.map((v) => ({ policy: v.policy, urn: v.resource.urn, kind: v.kind, data: v.data, path: v.path, door: v.door, exemption: v.exemption }));
    const inProcess = structured("sshInProcess");
    expect(structured("sshIsolated")).toEqual(inProcess);
    // Every finding of the bulkhead pack has its kind and data: none is text only.
    for (const v of inProcess) expect(v.kind, `${v.policy} on ${v.urn}`).toEqual(expect.any(String));
    // The world-open SSH entry (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html): three
    // rules, one door at ingress[0], one JSON entry per rule.
    const ssh = inProcess.filter((v) => v.urn.endsWith("::ssh-open"));
    expect(ssh.map((v) => [v.policy, v.kind, v.path])).toEqual([
      ["no-world-open-sensitive-port", "world-open-port", "ingress[0]"],
      ["bastion-only-admin", "admin-port-not-from-bastion", "ingress[0]"],
      ["only-lbs-face-world", "world-facing-non-lb", "ingress[0]"],
    ]);
    expect(new Set(ssh.map((v) => v.door)).size).toBe(1);
    expect(ssh[0].data).toMatchObject({ openPorts: [22], cidrs: ["0.0.0.0/0"] });
  });

  it("reads another team's pack (no side channel) as text: findings without kind, each its own door", () => {
    const vs = ok("echoIsolated").check!.violations;
    expect(vs.length).toBeGreaterThan(0);
    for (const v of vs) expect(v.kind).toBeUndefined();
    expect(new Set(vs.map((v) => v.door)).size).toBe(vs.length);
    expect(ok("echoInProcess").check!.violations.map((v) => v.door)).toEqual(vs.map((v) => v.door));
  });

  it("marshals AnalyzeStack property dependencies as the Pulumi CLI does: only properties that have some", () => {
    const echoed = (name: string) =>
      Object.fromEntries(ok(name).check!.violations.map((v) => [v.resource.name, JSON.parse(v.message.split("\n").pop()!)]));
    const registered = find(ok("echoInProcess").run.resources, "ssh-open");
    // The program's registration lists every input (most with no dependency); the analyzer request keeps only vpcId.
    expect(Object.keys(registered.propertyDependencies)).toEqual(expect.arrayContaining(["vpcId", "description", "ingress"]));
    expect(echoed("echoInProcess")["ssh-open"]).toEqual(["vpcId"]);
    expect(echoed("echoInProcess")["app-vpc"]).toEqual([]);
    expect(echoed("echoIsolated")).toEqual(echoed("echoInProcess"));
  });

  it("hands the SDK in process exactly what a Struct round trip of the analyzer wire form gives", () => {
    const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
    const recorded = ["shapes", "shapesKnown", "alpha", "sshInProcess", "explicitProvider"].flatMap((n) => ok(n).run.resources);
    expect(recorded.length).toBeGreaterThan(10);
    for (const r of recorded) {
      const wire = toAnalyzerWire(r.inputs);
      expect(Struct.fromJavaScript(wire).toJavaScript(), r.urn).toStrictEqual(wire);
    }
  });

  it("validates --policy-config against the pack: unknown policies, schema and enforcement levels", () => {
    const unknown = results.configUnknownPolicy;
    expect(unknown).toMatchObject({ ok: false, kind: "policy-config" });
    if (!unknown.ok) expect(unknown.message).toContain('"no-such-policy" is not a policy of pack bulkhead');
    const bad = results.configBadValue;
    expect(bad).toMatchObject({ ok: false, kind: "policy-config" });
    if (!bad.ok) {
      expect(bad.message).toContain("bastion-only-admin.adminPorts: must be array");
      expect(bad.message).toContain('enforcementLevel: "loud" is not one of advisory, mandatory, remediate, disabled');
    }
  });

  it("applies configured enforcement levels as the SDK does", () => {
    const before = ok("sshInProcess").check!.violations.find((v) => v.policy === "vpc-flow-logs");
    const after = ok("configRaisesLevel").check!.violations.find((v) => v.policy === "vpc-flow-logs");
    expect(before?.enforcement).toBe("advisory");
    expect(after?.enforcement).toBe("mandatory");
  });
});
