/**
 * Symbolic unknowns (the engine's default) and the pack's two phases under the Pulumi CLI.
 *
 * Programs under fixtures/unknowns are run through the offline engine as `bulkhead check` runs them; each fixture's
 * header cites the AWS documentation that makes its doors doors. The last block talks to the pack the way the Pulumi
 * CLI does (`run-policy-pack` over gRPC, `--isolated`): Analyze with unknown own inputs (a preview of a resource built
 * over new outputs) and with known inputs (the update, just before the resource's step).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as path from "node:path";
import { DEFAULT_POLICY_PACK, jobFor, runJobs, UsageError, type EngineJob, type JobResult } from "../../cli/engine";
import { startPackIsolated, type PolicyPackConnection } from "../../cli/engine/analyzer";
import { classifyOutput } from "../../cli/engine/symbolic";
import type { RegisteredResource, Violation } from "../../cli/engine/types";
import { displayWire, UNKNOWN_SENTINELS } from "../../cli/engine/wire";
import { buildModel, type StackResource } from "../../policies/model";
import { PlaceholderIndex, placeholderToken } from "../../policies/model/placeholders";
import { bulkhead, bulkheadInProcess } from "./bulkhead-cli";

const fixtures = path.join(__dirname, "fixtures", "unknowns");
const repo = path.resolve(__dirname, "..", "..");
const UNKNOWN = [...UNKNOWN_SENTINELS][0];

const job = (file: string, opts: Parameters<typeof jobFor>[1] = {}) => jobFor(path.join(fixtures, file), { displayRoot: repo, ...opts }).job;
const cases: Record<string, () => EngineJob> = {
  twoGroups: () => job("two-group-sg.ts"),
  twoGroupsIsolated: () => job("two-group-sg.ts", { isolated: true }),
  scoped: () => job("scoped-policies.ts"),
  scopedAgain: () => job("scoped-policies.ts", { policyPack: false }),
  admin: () => job("admin-policy.ts"),
  cidr: () => job("cidr-provenance.ts"),
  cidrIsolated: () => job("cidr-provenance.ts", { isolated: true }),
  scopedPreview: () => job("scoped-policies.ts", { unknowns: "preview", policyPack: false }),
};
const results: Record<string, JobResult> = {};

beforeAll(async () => {
  const names = Object.keys(cases);
  const out = await runJobs(names.map((n) => cases[n]()));
  names.forEach((n, i) => (results[n] = out[i]));
}, 180_000);

function ok(name: string) {
  const r = results[name];
  if (!r.ok) throw new Error(`${name} failed: ${r.message}`);
  return r;
}
const violations = (name: string): Violation[] => ok(name).check!.violations;
const mandatory = (name: string) =>
  violations(name)
    .filter((v) => v.enforcement === "mandatory")
    .map((v) => [v.policy, v.resource.name])
    .sort();
const find = (rs: RegisteredResource[], name: string, type?: string) => {
  const r = rs.find((x) => x.name === name && (!type || x.type === type));
  if (!r) throw new Error(`no resource ${name}`);
  return r;
};

describe("symbolic placeholders", () => {
  it("answers ids and reference outputs with deterministic, AWS-shaped values that name their resource", () => {
    const { run } = ok("scoped");
    expect(run.unknowns).toBe("symbolic");
    const role = find(run.resources, "app-task", "aws:iam/role:Role");
    const token = placeholderToken(role.urn);
    expect(token).toMatch(/^b1d[0-9a-f]{14}$/);
    expect(role.id).toBe(`app-task-${token}`);
    const doc = JSON.parse(find(run.resources, "app-read-assets").inputs.policy as string);
    const bucket = find(run.resources, "assets", "aws:s3/bucket:Bucket");
    const bucketArn = `arn:aws:s3:::assets-${placeholderToken(bucket.urn)}`;
    expect(doc.Statement[0].Resource).toEqual([bucketArn, `${bucketArn}/*`]);
    const bp = JSON.parse(find(run.resources, "assets-policy").inputs.policy as string);
    expect(bp.Statement[0].Principal).toEqual({ AWS: `arn:aws:iam::123456789012:role/app-task-${token}` });
    const repoUrl = `123456789012.dkr.ecr.us-east-1.amazonaws.com/app-${placeholderToken(find(run.resources, "app", "aws:ecr/repository:Repository").urn)}`;
    expect(JSON.parse(find(run.resources, "app", "aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions as string)[0].image).toBe(`${repoUrl}:latest`);
    // AWS gives a secret's ARN as its id (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html).
    const secret = find(run.resources, "db-password");
    expect(secret.id).toBe(`arn:aws:secretsmanager:us-east-1:123456789012:secret:db-password-${placeholderToken(secret.urn)}`);
    // Same program, same placeholders: the values are a function of the URN alone.
    const again = ok("scopedAgain").run;
    expect(again.resources.map((r) => [r.urn, r.id, r.inputs])).toEqual(run.resources.map((r) => [r.urn, r.id, r.inputs]));
  });

  it("keeps exact preview semantics under --unknowns preview", () => {
    const { run } = ok("scopedPreview");
    expect(run.unknowns).toBe("preview");
    expect(find(run.resources, "app-task", "aws:iam/role:Role").id).toBeUndefined();
    expect(find(run.resources, "app-read-assets").inputs.policy).toBe(UNKNOWN);
  });

  it("never guesses an address: an IP output is an opaque unknown that names its output and resource", () => {
    const { run } = ok("cidr");
    const eip = find(run.resources, "office-ip");
    const rule = find(run.resources, "rdp-in");
    expect(rule.inputs.cidrIpv4).toBe(`bulkhead-unknown:publicIp:${placeholderToken(eip.urn)}/32`);
    expect(new PlaceholderIndex(run.resources.map((r) => r.urn)).provenance(rule.inputs.cidrIpv4)).toEqual([{ output: "publicIp", urn: eip.urn }]);
    expect(displayWire(rule.inputs.cidrIpv4)).toBe("[unknown publicIp]/32");
  });

  it("resolves a placeholder to the one resource it names; one of another type stays unknown, never an outside literal", () => {
    const res = (type: string, name: string, props: Record<string, any> = {}, propertyDependencies: Record<string, string[]> = {}): StackResource => ({
      urn: `urn:pulumi:dev::p::${type}::${name}`,
      type,
      name,
      props,
      dependencies: Object.values(propertyDependencies).flat(),
      propertyDependencies,
    });
    const sg = "aws:ec2/securityGroup:SecurityGroup";
    const a = res(sg, "a");
    const b = res(sg, "b");
    const vpc = res("aws:ec2/vpc:Vpc", "v");
    const user = res(sg, "user");
    const model = buildModel([a, b, vpc, user]);
    const ph = (r: StackResource) => `sg-${placeholderToken(r.urn)}`;
    // Both groups are dependencies of the property: only the placeholder tells which one this value is.
    const withDeps = { ...user, propertyDependencies: { ingress: [a.urn, b.urn] } };
    expect(model.resolve(withDeps, "ingress", ph(b), [sg])).toEqual({ urns: [b.urn] });
    expect(model.resolveList(withDeps, "ingress", [ph(a)], [sg]).urns).toEqual([a.urn]);
    expect(model.resolve(user, "ingress", `sg-${placeholderToken(vpc.urn)}`, [sg])).toEqual({ urns: [], unknown: true });
    // A real id that merely contains the mark is a literal outside the stack.
    expect(model.resolve(user, "ingress", "sg-0b1d0123456789abcdef", [sg])).toEqual({ urns: [], external: "sg-0b1d0123456789abcdef" });
  });

  it("classifies outputs by what their value decides", () => {
    const table: Array<[string, string]> = [
      ["arn", "reference"], ["id", "reference"], ["name", "reference"], ["dnsName", "reference"], ["endpoint", "reference"],
      ["repositoryUrl", "reference"], ["kmsKeyId", "reference"], ["defaultSecurityGroupId", "reference"],
      ["publicIp", "address"], ["privateIp", "address"], ["cidrBlock", "address"], ["ipv6CidrBlock", "address"],
      ["ownerId", "unknown"], ["uniqueId", "unknown"], ["registryId", "unknown"], ["accountId", "unknown"], ["principalId", "unknown"],
      ["secret", "unknown"], ["result", "unknown"], ["password", "unknown"], ["privateKeyPem", "unknown"], ["sesSmtpPasswordV4", "unknown"],
      ["policy", "unknown"], ["status", "unknown"], ["keyFingerprint", "unknown"],
    ];
    expect(table.map(([p]) => [p, classifyOutput(p)])).toEqual(table);
    expect(classifyOutput("bucket", "bucket")).toBe("reference");
  });

  it("refuses --assume-known together with another --unknowns mode, and an unknown mode, naming the flag (exit 2)", async () => {
    expect(() => jobFor(path.join(fixtures, "two-group-sg.ts"), { assumeKnown: true, unknowns: "preview" })).toThrow(UsageError);
    const program = path.join(fixtures, "two-group-sg.ts");
    const both = await bulkheadInProcess(["check", program, "--assume-known", "--unknowns", "preview"]);
    expect([both.code, both.stderr]).toEqual([2, expect.stringContaining("--assume-known and --unknowns preview contradict each other")]);
    // A real process (`preview`'s end-to-end run through bin/bulkhead.js): commander's usage error exits 2 at
    // once, though bin/bulkhead.js started the engine's worker for it.
    const bogus = await bulkhead("preview", program, "--unknowns", "maybe");
    expect([bogus.code, bogus.stderr]).toEqual([2, expect.stringContaining("--unknowns <mode>' argument 'maybe' is invalid")]);
  });
});

describe("the pack reads a placeholder as the one resource it names", () => {
  // https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html — a rule whose source is a group
  // admits that group only.
  it("passes the inline two-group security group: each entry admits exactly its own group (in-process and --isolated)", () => {
    for (const name of ["twoGroups", "twoGroupsIsolated"]) {
      expect(mandatory(name)).toEqual([]);
      expect(violations(name).filter((v) => v.policy === "bastion-only-admin")).toEqual([]);
    }
  });

  it("passes plainly scoped IAM, bucket and task-definition documents built with jsonStringify over in-stack ARNs", () => {
    expect(mandatory("scoped")).toEqual([]);
    for (const rule of ["no-admin-workloads", "no-public-resource-policy", "no-typed-in-credentials"]) expect(violations("scoped").filter((v) => v.policy === rule)).toEqual([]);
  });

  it('still blocks Action "*", Principal "*" writes and a typed-in password built the same way', () => {
    expect(mandatory("admin")).toEqual([
      ["no-admin-workloads", "app-everything"],
      ["no-public-resource-policy", "assets-policy"],
      ["no-typed-in-credentials", "app"],
    ]);
    expect(violations("admin").find((v) => v.policy === "no-admin-workloads")!.message).toContain('grants administrator access (Action "*" on Resource "*"');
    expect(violations("admin").find((v) => v.policy === "no-typed-in-credentials")!.message).toContain("its name DB_PASSWORD says it holds a credential");
  });

  it("fails closed on a CIDR or a port that arrives through an output, naming where it comes from (in-process and --isolated)", () => {
    for (const name of ["cidr", "cidrIsolated"]) {
      const world = violations(name).filter((v) => v.policy === "no-world-open-sensitive-port");
      expect(world.map((v) => [v.enforcement, v.resource.name]).sort()).toEqual([
        ["mandatory", "admin-sg"],
        ["mandatory", "db-in"],
        ["mandatory", "rdp-in"],
      ]);
      const of = (n: string) => world.find((v) => v.resource.name === n)!.message;
      expect(of("admin-sg")).toContain("ingress.cidrBlocks comes from output publicIp of aws:ec2/eip:Eip office-ip");
      expect(of("rdp-in")).toContain("cidrIpv4 comes from output publicIp of aws:ec2/eip:Eip office-ip");
      // A port is a number: never guessed; the resource it comes from is named.
      expect(of("db-in")).toContain("port range (from an output of aws:rds/instance:Instance db) is unknown at preview");
    }
  });
});

/**
 * Under `pulumi preview` a document built over new ARNs is unknown; under `pulumi up` the program runs with real
 * outputs, Analyze runs on each resource with known inputs before its step, and a mandatory violation halts the
 * update before the resource is created (AnalyzeStack only runs after the steps). The pack is started exactly as the
 * CLI starts it: `run-policy-pack` in its own process, spoken to over gRPC.
 */
describe("preview and update phases through the CLI's launcher (--isolated)", () => {
  let conn: PolicyPackConnection;
  beforeAll(async () => {
    conn = await startPackIsolated(DEFAULT_POLICY_PACK);
    await conn.configure({});
  }, 60_000);
  afterAll(async () => conn?.close());

  const urn = (type: string, name: string) => `urn:pulumi:dev::phases::${type}::${name}`;
  const resource = (type: string, name: string, inputs: Record<string, unknown>, propertyDependencies: Record<string, string[]> = {}): RegisteredResource => ({
    urn: urn(type, name),
    type,
    name,
    custom: true,
    inputs,
    dependencies: Object.values(propertyDependencies).flat(),
    propertyDependencies,
    source: null,
  });
  const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }] });
  const adminDoc = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }, { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::assets-7f3a/*" }] });
  const scopedDoc = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::assets-7f3a/*" }] });
  const role = (doc: string) => resource("aws:iam/role:Role", "app-task", { assumeRolePolicy: trust, inlinePolicies: [{ name: "app", policy: doc }] });
  const levels = (ds: Array<{ policyName: string; enforcementLevel: string; message: string }>, policy: string) =>
    ds.filter((d) => d.policyName === policy).map((d) => [d.enforcementLevel, d.message.startsWith("deferred to deploy") ? "deferred" : "violation"]);

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_job-functions.html#jf_administrator
  it("an inline admin policy over new ARNs: deferred at preview, blocked by Analyze at update, a scoped one passes", async () => {
    expect(levels(await conn.analyze(role(UNKNOWN), undefined), "no-admin-workloads")).toEqual([["advisory", "deferred"]]);
    expect(levels(await conn.analyze(role(adminDoc), undefined), "no-admin-workloads")).toEqual([["mandatory", "violation"]]);
    expect(levels(await conn.analyze(role(scopedDoc), undefined), "no-admin-workloads")).toEqual([]);
  });

  // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-new-instances.html — httpTokens "optional"
  // (the default) allows IMDSv1.
  it("an instance's IMDS setting from an output: deferred at preview, blocked by Analyze at update", async () => {
    const instance = (httpTokens: unknown) => resource("aws:ec2/instance:Instance", "web", { ami: "ami-1", instanceType: "t3.micro", metadataOptions: { httpTokens } });
    const preview = await conn.analyze(instance(UNKNOWN), undefined);
    expect(levels(preview, "imdsv2-required")).toEqual([["advisory", "deferred"]]);
    expect(preview.find((d) => d.policyName === "imdsv2-required")!.message).toContain("metadataOptions.httpTokens of instance web is unknown at preview");
    expect(levels(await conn.analyze(instance("optional"), undefined), "imdsv2-required")).toEqual([["mandatory", "violation"]]);
    expect(levels(await conn.analyze(instance("required"), undefined), "imdsv2-required")).toEqual([]);
  });

  it("stack-level judgements stay fail-closed at preview: an unknown RolePolicy document on a workload role is mandatory", async () => {
    const r = role(scopedDoc);
    const rp = resource("aws:iam/rolePolicy:RolePolicy", "app-extra", { role: UNKNOWN, policy: UNKNOWN }, { role: [r.urn] });
    const ds = await conn.analyzeStack([r, rp], () => undefined);
    expect(ds.filter((d) => d.policyName === "no-admin-workloads").map((d) => [d.enforcementLevel, d.urn])).toEqual([["mandatory", rp.urn]]);
  });
});
