/**
 * Platform and tenant stacks: a tenant stack (stacks/tenants/) checks offline on the platform stack's outputs,
 * answered to its StackReference by the engine; a reference nothing answers fails the run (exit 2) at the
 * program's line; the fleet's slots are validated across every stack before anything runs.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { stringify } from "yaml";
import { jobFor, runJobs, runWithStackReferences, type EngineJob, type JobResult } from "../../cli/engine";
import { answerFromRun, referencedOutputs, parseReferenceName, readOutputsFile, STACK_REFERENCE_TYPE, type StackOutputs } from "../../cli/engine/stack-references";
import { PlaceholderIndex, placeholderToken } from "../../policies/model/placeholders";
import { checkFleet, fleetExit, fleetProblems, fleetText, tenantStackTargets, type FleetResult } from "../../cli/commands/fleet";
import { resolveTarget } from "../../cli/engine/project";
import { CliError } from "../../cli/errors";
import { main } from "../../cli/main";
import { proposeRouting, type TenantSettings } from "../../components/validation";
import { tenantStackProblems } from "../../stacks/tenants/tenants";
import type { TenantStackSettings } from "../../stacks/tenants/settings";

const repo = path.resolve(__dirname, "..", "..");
const TENANTS_DIR = path.join(repo, "stacks", "tenants");
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };

type Ok = Extract<JobResult, { ok: true }>;
let platform: Ok;
let platformAnswer: StackOutputs;
let tenant: Ok;
/** test/e2e/fixtures/tenant-admin-groups.ts: SSH from the platform's bastion group and from its endpoint group. */
const adminGroups: { facts?: Ok; isolated?: Ok; file?: Ok } = {};
const ADMIN_GROUPS = path.join(__dirname, "fixtures", "tenant-admin-groups.ts");

beforeAll(async () => {
  const [p] = await runJobs([jobFor(repo, { stack: "dev", displayRoot: repo, policyPack: false }).job]);
  if (!p.ok) throw new Error(`platform dev did not run: ${p.message}`);
  platform = p;
  platformAnswer = answerFromRun("bulkhead-platform", "dev", p.run, "the offline run of . (stack dev)");
  // What a --stack-outputs file gives: the same values, nothing known about them.
  const { securityGroups: _facts, ...valuesOnly } = platformAnswer;
  const { job } = jobFor(TENANTS_DIR, { stack: "dev-group-a", displayRoot: repo });
  const fixture = (o: { isolated?: boolean } = {}) => jobFor(ADMIN_GROUPS, { displayRoot: repo, ...o }).job;
  const results = await runJobs([
    { ...job, stackReferences: [platformAnswer] },
    { ...fixture(), stackReferences: [platformAnswer] },
    { ...fixture({ isolated: true }), stackReferences: [platformAnswer] },
    { ...fixture(), stackReferences: [{ ...valuesOnly, from: "file platform-outputs.json" }] },
  ]);
  for (const r of results) if (!r.ok) throw new Error(`a tenant run failed: ${r.message} ${r.location}`);
  [tenant, adminGroups.facts, adminGroups.isolated, adminGroups.file] = results as Ok[];
}, 120_000);

describe("a tenant stack, offline on the platform's outputs", () => {
  it("exports what tenant stacks need from the platform: network, bastion group, each shard's listener and group, settings", () => {
    const o = platform.run.outputs as any;
    expect(Object.keys(o.network).sort()).toEqual(["appSubnetIds", "dataSubnetIds", "endpointSecurityGroupId", "s3PrefixListId", "vpcId"]);
    expect(o.bastionSecurityGroupId).toMatch(/^sg-b1d/);
    expect(o.shards["0"].listenerArn).toMatch(/^arn:aws:elasticloadbalancing:us-east-1:123456789012:listener\//);
    expect(o.shards["0"].securityGroupId).toMatch(/^sg-b1d/);
    expect(o.tenantStackSettings.shards).toEqual([0]);
    expect(o.tenantStackSettings.platformTenants.map((t: TenantSettings) => [t.tenantId, t.routing])).toEqual([["acme", { shard: 0, priority: 2615 }], ["globex", { shard: 0, priority: 28822 }]]);
  });

  it("builds its tenants on the platform's listener, load-balancer group, bastion group and subnets", () => {
    const o = platform.run.outputs as any;
    const r = tenant.run.resources;
    const ref = r.find((x) => x.type === STACK_REFERENCE_TYPE)!;
    expect(ref).toMatchObject({ name: "platform", id: "organization/bulkhead-platform/dev", source: "stacks/tenants/index.ts:11" });
    expect(ref.inputs.answeredBy).toBe("the offline run of . (stack dev)");
    const rule = r.find((x) => x.name === "initech-rule")!;
    expect(rule.inputs.listenerArn).toBe(o.shards["0"].listenerArn);
    expect(rule.inputs.priority).toBe(20345);
    const admin = r.find((x) => x.name === "initech-admin-from-bastion")!;
    expect(admin.inputs.referencedSecurityGroupId).toBe(o.bastionSecurityGroupId);
    const asg = r.find((x) => x.type === "aws:autoscaling/group:Group" && x.name.startsWith("initech"))!;
    expect(asg.inputs.vpcZoneIdentifiers).toEqual(o.network.appSubnetIds);
    expect(r.filter((x) => x.type === "bulkhead:tenant:Tenant").map((x) => x.name)).toEqual(["initech", "umbrella"]);
  });

  it("is judged by the pack with what the engine knows of the platform's groups: no open finding (the admin rules admit the platform bastion's group)", () => {
    expect(tenant.check!.violations.filter((v) => !v.exemption)).toEqual([]);
  });
});

describe("the platform's security groups, known to the tenant stack's pack because the engine ran the platform (policies/model/offline-facts.ts)", () => {
  const bastionOnly = (r: Ok | undefined) => r!.check!.violations.filter((v) => v.policy === "bastion-only-admin");

  it("the answer names every platform group whose id the outputs carry, with the platform model's bastion verdict", () => {
    const o = platform.run.outputs as any;
    const facts = platformAnswer.securityGroups!;
    const byId = new Map(facts.map((f) => [f.id, f]));
    expect(byId.get(o.bastionSecurityGroupId)).toMatchObject({ stack: "bulkhead-platform/dev", bastion: true });
    expect(byId.get(o.network.endpointSecurityGroupId)).toMatchObject({ stack: "bulkhead-platform/dev", bastion: false });
    expect(byId.get(o.shards["0"].securityGroupId)).toMatchObject({ bastion: false });
    expect(facts.filter((f) => f.bastion).map((f) => f.id)).toEqual([o.bastionSecurityGroupId]);
    const bastionSg = platform.run.resources.find((r) => r.id === o.bastionSecurityGroupId)!;
    expect(byId.get(o.bastionSecurityGroupId)!.urn).toBe(bastionSg.urn);
  });

  // SSH from a group is the same door whatever holds the group: only the bastion's is the audited way in
  // (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html#security-group-referencing).
  it("SSH from the platform's endpoint group (insecure) is blocked on that rule, naming the group's stack and name; SSH from the bastion's group (hardened) passes", () => {
    const found = bastionOnly(adminGroups.facts);
    expect(found.map((v) => [v.resource.name, v.kind, v.enforcement])).toEqual([["admin-from-endpoints", "admin-port-not-from-bastion", "mandatory"]]);
    const endpointSg = (platform.run.outputs as any).network.endpointSecurityGroupId;
    expect(found[0].message).toMatch(new RegExp(`admits group ${endpointSg} \\(sg [a-z-]+ of stack bulkhead-platform/dev, not the bastion's\\), which is not the bastion's security group`));
  });

  it("--isolated gives the same (the pack in its own process inherits the facts)", () => {
    expect(bastionOnly(adminGroups.isolated).map((v) => [v.resource.name, v.kind, v.message])).toEqual(bastionOnly(adminGroups.facts).map((v) => [v.resource.name, v.kind, v.message]));
  });

  it("outputs from a --stack-outputs file tell nothing beyond values: both groups stay unverifiable (fail closed)", () => {
    const found = bastionOnly(adminGroups.file);
    expect(found.map((v) => [v.resource.name, v.kind])).toEqual([
      ["admin-from-bastion", "admin-port-external-source"],
      ["admin-from-endpoints", "admin-port-external-source"],
    ]);
    expect(found[0].message).toContain(`admits group ${(platform.run.outputs as any).bastionSecurityGroupId} (outside this stack), which cannot be verified to be the bastion`);
  });
});

describe("a tenant stack's own validation (before any resource)", () => {
  const settings: TenantStackSettings = {
    region: "us-east-1",
    vpcCidr: "10.0.0.0/16",
    availabilityZones: ["us-east-1a", "us-east-1b"],
    certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-4000-8000-000000000001",
    deployerRoleArns: ["arn:aws:iam::123456789012:role/deployer"],
    shards: [0],
    platformTenants: [{ tenantId: "acme", app: { hostname: "acme.example.com" }, routing: { shard: 0, priority: 2615 } }],
  };

  it("refuses the platform's slot, a shard the platform does not run and a certificate for the shared listener, by bulkhead-tenants: key", () => {
    const p = tenantStackProblems({ platformStack: "organization/bulkhead-platform/dev", tenants: [
      { tenantId: "ok", app: { hostname: "ok.example.com" }, routing: { shard: 0, priority: 3 } },
      { tenantId: "copy", app: { hostname: "copy.example.com" }, routing: { shard: 0, priority: 2615 } },
      { tenantId: "far", app: { hostname: "far.example.com" }, routing: { shard: 3, priority: 1 } },
      { tenantId: "cert", app: { hostname: "cert.example.com", certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/other" }, routing: { shard: 0, priority: 4 } },
    ] }, settings);
    expect(p.map((x) => [x.field, x.problem])).toEqual([
      ["bulkhead-tenants:tenants[1].routing", `shard 0 priority 2615 is already tenant "acme"'s`],
      ["bulkhead-tenants:tenants[2].routing.shard", "the platform stack has no load balancer for shard 3 (its shards: 0)"],
      ["bulkhead-tenants:tenants[3].app.certificateArn", "a tenant stack cannot add certificates to the platform's shared listener (the platform stack owns them)"],
    ]);
    expect(p[1].fix).toBe("add 3 to bulkhead-platform:shards in the platform stack's config and deploy it first, or use one of its shards");
  });
});

describe("StackReference answers", () => {
  const urn = "urn:pulumi:dev-group-a::bulkhead-tenants::pulumi:pulumi:StackReference::platform";

  it("keep what the referenced run did not know unknown, with the reference and the output as provenance; never a made-up value", () => {
    const platformToken = placeholderToken("urn:pulumi:dev::bulkhead-platform::aws:ec2/eip:Eip::nat");
    const out = referencedOutputs({
      vpcId: "vpc-b1d0123456789abcd",
      natIp: `bulkhead-unknown:publicIp:${platformToken}/32`,
      port: UNKNOWN,
      nested: { list: [UNKNOWN, "x"] },
      password: { ...SECRET, value: UNKNOWN },
    }, urn);
    const token = placeholderToken(urn);
    expect(out).toEqual({
      vpcId: "vpc-b1d0123456789abcd",
      natIp: `bulkhead-unknown:natIp:${token}/32`,
      port: `bulkhead-unknown:port:${token}`,
      nested: { list: [`bulkhead-unknown:nested:${token}`, "x"] },
      password: { ...SECRET, value: `bulkhead-unknown:password:${token}` },
    });
    expect(new PlaceholderIndex([urn]).provenance(out.natIp)).toEqual([{ output: "natIp", urn }]);
  });

  it("resolve the organization/project/stack, project/stack and stack forms", () => {
    expect(parseReferenceName("organization/bulkhead-platform/dev", "bulkhead-tenants")).toEqual({ project: "bulkhead-platform", stack: "dev" });
    expect(parseReferenceName("bulkhead-platform/dev", "bulkhead-tenants")).toEqual({ project: "bulkhead-platform", stack: "dev" });
    expect(parseReferenceName("dev", "bulkhead-tenants")).toEqual({ project: "bulkhead-tenants", stack: "dev" });
    expect(parseReferenceName("a//b", "x")).toBeUndefined();
  });

  it("read a --stack-outputs file: pulumi stack output --json, or bulkhead preview --format json with [unknown] kept unknown", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "bulkhead-outputs-"));
    writeFileSync(path.join(dir, "plain.json"), JSON.stringify({ vpcId: "vpc-0abc" }));
    writeFileSync(path.join(dir, "preview.json"), JSON.stringify({ resources: [], outputs: { vpcId: "[unknown]", n: { a: "[secret]" } } }));
    expect(readOutputsFile(path.join(dir, "plain.json"))).toEqual({ vpcId: "vpc-0abc" });
    expect(readOutputsFile(path.join(dir, "preview.json"))).toEqual({ vpcId: UNKNOWN, n: { a: UNKNOWN } });
  });

  it("are found automatically: the referenced project next to the referencing one runs first, then the program again", async () => {
    const { job } = jobFor(TENANTS_DIR, { stack: "dev-group-a", displayRoot: repo, policyPack: false });
    const seen: EngineJob[][] = [];
    const fake = async (jobs: EngineJob[]): Promise<JobResult[]> => {
      seen.push(jobs);
      return jobs.map((j) =>
        j.projectName === "bulkhead-tenants" && !j.stackReferences
          ? { ok: false, kind: "program", errorKind: "unanswered-stack-reference", message: "x", location: "stacks/tenants/index.ts:11", stackReferences: [{ name: "organization/bulkhead-platform/dev", source: "stacks/tenants/index.ts:11" }] }
          : { ok: true, run: { project: j.projectName, stack: j.stack, preview: true, resources: [], outputs: { from: j.projectName } }, stats: {} as any },
      );
    };
    const [r] = await runWithStackReferences([job], fake);
    expect(r.ok).toBe(true);
    expect(seen.map((b) => b.map((j) => `${j.projectName}/${j.stack}`))).toEqual([["bulkhead-tenants/dev-group-a"], ["bulkhead-platform/dev"], ["bulkhead-tenants/dev-group-a"]]);
    expect(seen[1][0].projectDir).toBe(repo);
    expect(seen[2][0].stackReferences).toEqual([{ project: "bulkhead-platform", stack: "dev", outputs: { from: "bulkhead-platform" }, from: "the offline run of . (stack dev)" }]);
  });

  it("that cannot be answered fail the run with exit 2 at the program's line, naming the reference and why", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "bulkhead-tenants-"));
    writeFileSync(path.join(dir, "Pulumi.yaml"), stringify({ name: "bulkhead-tenants", runtime: "nodejs", main: path.join(TENANTS_DIR, "index.ts") }));
    writeFileSync(path.join(dir, "Pulumi.lost.yaml"), stringify({ config: { "bulkhead-tenants:platformStack": "organization/no-such-platform/dev", "bulkhead-tenants:tenants": [] } }));
    const out: string[] = [];
    const o = vi.spyOn(process.stdout, "write").mockImplementation((c: any) => (out.push(String(c)), true));
    const e = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const cwd = process.cwd();
    process.chdir(repo);
    try {
      expect(await main(["node", "bulkhead", "check", dir, "--format", "json"])).toBe(2);
    } finally {
      process.chdir(cwd);
      o.mockRestore();
      e.mockRestore();
    }
    const doc = JSON.parse(out.join(""));
    expect(doc.error.kind).toBe("unanswered-stack-reference");
    expect(doc.error.source).toBe("stacks/tenants/index.ts:11");
    expect(doc.error.message).toMatch(/^StackReference "organization\/no-such-platform\/dev" cannot be answered offline: no --stack-outputs entry names it, and no Pulumi project named no-such-platform is next to /);
    expect(doc.error.hint).toContain("--stack-outputs organization/no-such-platform/dev=FILE");
  }, 60_000);
});

// ------------------------------------------------------------------------------------------------
// The fleet: every stack's slots together, before anything runs.

const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-4000-8000-000000000001";

function fleetDirs(tenants: TenantSettings[], perStack: number): { platformDir: string; tenantsDir: string } {
  const root = mkdtempSync(path.join(tmpdir(), "bulkhead-fleet-"));
  const platformDir = path.join(root, "platform"), tenantsDir = path.join(root, "tenants");
  mkdirSync(platformDir);
  mkdirSync(tenantsDir);
  writeFileSync(path.join(platformDir, "Pulumi.yaml"), stringify({ name: "bulkhead-platform", runtime: "nodejs", main: path.join(repo, "stacks", "index.ts") }));
  writeFileSync(path.join(platformDir, "Pulumi.prod.yaml"), stringify({ config: {
    "aws:region": "us-east-1",
    "bulkhead-platform:vpcCidr": "10.0.0.0/16",
    "bulkhead-platform:availabilityZones": ["us-east-1a", "us-east-1b"],
    "bulkhead-platform:certificateArn": CERT,
    "bulkhead-platform:deployerRoleArns": ["arn:aws:iam::123456789012:role/deployer"],
    "bulkhead-platform:loadBalancerQuotas": { securityGroupRules: 1000 },
    "bulkhead-platform:tenants": [{ tenantId: "inline", app: { hostname: "inline.example.com" }, routing: { shard: 0, priority: 1 } }],
  } }));
  writeFileSync(path.join(tenantsDir, "Pulumi.yaml"), stringify({ name: "bulkhead-tenants", runtime: "nodejs", main: path.join(TENANTS_DIR, "index.ts") }));
  for (let s = 0; s * perStack < tenants.length; s++) {
    writeFileSync(path.join(tenantsDir, `Pulumi.g${String(s).padStart(2, "0")}.yaml`), stringify({ config: {
      "bulkhead-tenants:platformStack": "organization/bulkhead-platform/prod",
      "bulkhead-tenants:tenants": tenants.slice(s * perStack, (s + 1) * perStack),
    } }));
  }
  return { platformDir, tenantsDir };
}

const pooled = (id: string): TenantSettings => ({ tenantId: id, app: { hostname: `${id}.example.com` } });

function allocated(ids: string[]): TenantSettings[] {
  const t: TenantSettings[] = [{ ...pooled("inline"), routing: { shard: 0, priority: 1 } }, ...ids.map(pooled)];
  for (const p of proposeRouting(t, { quotas: { securityGroupRules: 1000 }, defaultCertificateArn: CERT })) t[p.index].routing = p.routing;
  return t.slice(1);
}

describe("bulkhead fleet check: slots across stacks", () => {
  const ids = Array.from({ length: 500 }, (_, i) => `t${String(i).padStart(3, "0")}`);

  it("500 tenants in 10 tenant stacks of 50 (plus the platform's own) hold 500 distinct slots: no problem", () => {
    const { platformDir, tenantsDir } = fleetDirs(allocated(ids), 50);
    const stacks = tenantStackTargets(tenantsDir);
    expect(stacks.map((s) => s.stack)).toEqual(Array.from({ length: 10 }, (_, i) => `g${String(i).padStart(2, "0")}`));
    expect(fleetProblems(resolveTarget(platformDir, "prod"), stacks)).toEqual([]);
  });

  it("a slot or host name another stack holds is refused before anything runs, by stack file and key (exit 2)", async () => {
    const t = allocated(ids);
    t[75] = { ...t[75], routing: { ...t[3].routing! } }; // stack g01 takes g00's slot
    t[120] = { ...t[120], app: { hostname: "inline.example.com" } }; // g02 takes the platform tenant's host name
    const { platformDir, tenantsDir } = fleetDirs(t, 50);
    const p = fleetProblems(resolveTarget(platformDir, "prod"), tenantStackTargets(tenantsDir));
    expect(p.map((x) => [path.basename(x.stackFile), x.key])).toEqual([
      ["Pulumi.g01.yaml", "bulkhead-tenants:tenants[25].routing"],
      ["Pulumi.g02.yaml", "bulkhead-tenants:tenants[20].app.hostname"],
    ]);
    expect(p[0].problem).toBe(`shard ${t[3].routing!.shard} priority ${t[3].routing!.priority} is already tenant "t003"'s`);
    const err = await checkFleet(platformDir, { stack: "prod", tenantStacks: tenantsDir, concurrency: 2, policyPack: false, progress: () => undefined }).catch((e) => e);
    expect(err).toBeInstanceOf(CliError);
    expect(err.kind).toBe("stack-config");
    expect(err.exitCode).toBe(2);
    expect(err.source).toMatch(/Pulumi\.g01\.yaml:\d+$/);
    expect(err.message).toContain("nothing was run");
  });

  it("a shard over quota across stacks is refused, naming the shard and the fix", () => {
    const t = allocated(ids).map((x, i) => (i < 101 ? { ...x, routing: { shard: 0, priority: 100 + i } } : x));
    const { platformDir, tenantsDir } = fleetDirs(t, 50);
    const p = fleetProblems(resolveTarget(platformDir, "prod"), tenantStackTargets(tenantsDir));
    const over = p.find((x) => x.key.endsWith(".routing.shard"))!;
    expect(over.problem).toMatch(/^load balancer shard 0 would carry 10[12] /);
    // The tenants past the quota are named by the stack file and key to change.
    expect(over.problem).toMatch(/tenant\(s\) past the quota: .*Pulumi\.g0\d\.yaml bulkhead-tenants:tenants\[\d+\]/);
    expect(over.fix).toMatch(/^set routing\.shard of .* to a shard with room/);
  });

  it("exit codes and the summary: 0 clean, 1 open mandatory findings, 2 a stack not judged", () => {
    const stack = (over: object) => ({ project: "p", stack: "s", stackFile: null, role: "tenants" as const, status: "checked" as const, resources: 1, mandatory: 0, advisory: 0, exempted: 0, violations: [], ms: 1, maxRssMiB: 1, ...over });
    const result = (tenants: object[]): FleetResult => ({ platform: stack({ role: "platform" }), tenantStacks: tenants.map(stack) as any, summary: { stacks: 1 + tenants.length, checked: 0, failed: tenants.filter((t: any) => t.status === "failed").length, skipped: 0, resources: 0, mandatory: tenants.reduce((n: number, t: any) => n + (t.mandatory ?? 0), 0), advisory: 0, exempted: 0, concurrency: 2, ms: 0, cliMaxRssMiB: 0 } });
    expect(fleetExit(result([{}]))).toBe(0);
    expect(fleetExit(result([{ mandatory: 2 }]))).toBe(1);
    const failed = result([{ mandatory: 2 }, { status: "failed", error: { kind: "program", message: "boom", source: "x.ts:1", hint: "h" } }]);
    expect(fleetExit(failed)).toBe(2);
    expect(fleetText(failed)).toContain("FAILED  p/s (no stack file): FAILED (program) boom at x.ts:1");
  });
});
