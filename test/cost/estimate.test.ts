/**
 * The cost estimator (issue 14): records → fixed monthly cost per resource, tenant attribution, the shared split,
 * what is not priced (never $0), the review comment's change against a baseline, the `cost` JSON section and
 * the README tables generated from the price table. Pure functions: no engine run here.
 * Prices: cli/cost/prices.ts, from https://aws.amazon.com/ec2/pricing/on-demand/, https://aws.amazon.com/rds/pricing/,
 * https://aws.amazon.com/vpc/pricing/, https://aws.amazon.com/kms/pricing/, https://aws.amazon.com/secrets-manager/pricing/.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { CheckResult, RegisteredResource } from "../../cli/engine/types";
import { estimateCost } from "../../cli/cost/estimate";
import { PRICES } from "../../cli/cost/prices";
import { costDelta, readCostBaseline, summariseCost } from "../../cli/cost/summary";
import { referenceStack } from "../../cli/cost/bom";
import { costSections } from "../../cli/reporters/cost";
import { checkJson } from "../../cli/reporters/json";
import { checkMarkdown } from "../../cli/reporters/markdown";
import { reviewMarkdown } from "../../cli/commands/review";
import { CliError } from "../../cli/errors";
import { costTables, END_MARKER, pooledShare, README, readmeWithCostTables, START_MARKER } from "../../scripts/cost-table";
import { parse as parseYaml } from "yaml";

const S = "urn:pulumi:t::p::";
function rec(type: string, name: string, inputs: Record<string, unknown> = {}, deps: Record<string, string[]> = {}, tenant?: string, extra: Partial<RegisteredResource> = {}): RegisteredResource {
  return {
    urn: `${S}${type}::${name}`,
    type,
    name,
    custom: true,
    inputs: tenant ? { ...inputs, tags: { "bulkhead:tenant": tenant } } : inputs,
    dependencies: Object.values(deps).flat(),
    propertyDependencies: deps,
    source: null,
    id: `${name}-id`,
    ...extra,
  };
}
const H = 730;
const near = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(1e-9);
/** Equal to the cent: summaries round each figure to cents, so a difference of two carries up to a cent. */
const cents = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(0.0100001);

describe("pricing one resource (units × price)", () => {
  const cases: Array<[string, RegisteredResource[], string, number]> = [
    ["KMS key: $1/month (https://aws.amazon.com/kms/pricing/)", [rec("aws:kms/key:Key", "k")], "k", 1],
    ["secret: $0.40/month, replicas count as secrets", [rec("aws:secretsmanager/secret:Secret", "s", { replicas: [{ region: "eu-west-1" }] })], "s", 0.8],
    ["NAT gateway hours", [rec("aws:ec2/natGateway:NatGateway", "n")], "n", H * 0.045],
    ["Elastic IP: public IPv4 hours", [rec("aws:ec2/eip:Eip", "e")], "e", H * 0.005],
    ["interface endpoint: per AZ (subnet)", [rec("aws:ec2/vpcEndpoint:VpcEndpoint", "i", { vpcEndpointType: "Interface", subnetIds: ["a", "b", "c"] })], "i", 3 * H * 0.01],
    ["internet-facing ALB: hours + one public IPv4 per AZ", [rec("aws:lb/loadBalancer:LoadBalancer", "a", { subnets: ["a", "b"] })], "a", H * 0.0225 + 2 * H * 0.005],
    ["internal NLB: hours only", [rec("aws:lb/loadBalancer:LoadBalancer", "n", { loadBalancerType: "network", internal: true, subnets: ["a", "b"] })], "n", H * 0.0225],
    ["instance: type hours + root gp3 + public IPv4", [rec("aws:ec2/instance:Instance", "i", { instanceType: "t3.small", rootBlockDevice: { volumeSize: 10, volumeType: "gp3" }, associatePublicIpAddress: true })], "i", H * 0.0208 + 10 * 0.08 + H * 0.005],
    [
      "RDS Multi-AZ pays instance and storage twice, plus the managed master secret",
      [rec("aws:rds/instance:Instance", "db", { engine: "postgres", instanceClass: "db.t4g.small", allocatedStorage: 50, storageType: "gp3", multiAz: true, manageMasterUserPassword: true })],
      "db",
      2 * H * 0.032 + 2 * 50 * 0.115 + 0.4,
    ],
  ];
  it.each(cases)("%s", (_name, records, name, expected) => {
    const e = estimateCost(records, { owners: new Map(records.map((r) => [r.urn, undefined])) });
    const r = e.resources.find((x) => x.name === name)!;
    near(r.monthly, expected);
    expect(e.unpriced).toEqual([]);
  });

  it("an ASG is desired × the launch template's instance + its EBS; the template itself costs nothing", () => {
    const lt = rec("aws:ec2/launchTemplate:LaunchTemplate", "lt", { instanceType: "m6i.large", blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 30, volumeType: "gp3" } }] });
    const asg = rec("aws:autoscaling/group:Group", "asg", { desiredCapacity: 3, minSize: 1, launchTemplate: { id: lt.id } }, { launchTemplate: [lt.urn] });
    const e = estimateCost([lt, asg], { owners: new Map() });
    expect(e.resources.map((r) => r.name)).toEqual(["asg"]);
    near(e.resources[0].monthly, 3 * H * 0.096 + 3 * 30 * 0.08);
    // Found by id as well when the dependency is not recorded.
    const byId = estimateCost([lt, { ...asg, propertyDependencies: {}, dependencies: [] }], { owners: new Map() });
    near(byId.resources[0].monthly, e.resources[0].monthly);
  });

  it("Aurora Serverless v2: min ACU × ACU-hour price (I/O-Optimized dearer); scale-to-zero is $0 fixed", () => {
    const mk = (min: number, storageType?: string) => {
      const c = rec("aws:rds/cluster:Cluster", "c", { engine: "aurora-postgresql", serverlessv2ScalingConfiguration: { minCapacity: min }, ...(storageType ? { storageType } : {}) });
      const i = rec("aws:rds/clusterInstance:ClusterInstance", "i", { instanceClass: "db.serverless", clusterIdentifier: c.id }, { clusterIdentifier: [c.urn] });
      return estimateCost([c, i], { owners: new Map() });
    };
    near(mk(0.5).total, 0.5 * H * 0.12);
    near(mk(1, "aurora-iopt1").total, H * 0.156);
    expect(mk(0).total).toBe(0);
    expect(mk(0).unpriced).toEqual([]);
  });

  it("gateway endpoints, IAM, security groups and rules are $0 on purpose; log groups are named as usage-only", () => {
    const records = [
      rec("aws:ec2/vpcEndpoint:VpcEndpoint", "s3", { vpcEndpointType: "Gateway" }),
      rec("aws:iam/role:Role", "r"),
      rec("aws:ec2/securityGroup:SecurityGroup", "sg"),
      rec("aws:cloudwatch/logGroup:LogGroup", "lg"),
      rec("aws:cloudwatch/logGroup:LogGroup", "lg2"),
    ];
    const e = estimateCost(records, { owners: new Map() });
    expect(e.total).toBe(0);
    expect(e.unpriced).toEqual([]);
    expect(e.usageOnly).toEqual([{ type: "aws:cloudwatch/logGroup:LogGroup", count: 2, billedBy: "log ingestion and storage" }]);
  });
});

describe("not priced is reported, never $0", () => {
  const cases: Array<[string, RegisteredResource[], string, RegExp]> = [
    ["an instance type missing from the table", [rec("aws:ec2/instance:Instance", "big", { instanceType: "p5.48xlarge", rootBlockDevice: { volumeSize: 8 } })], "big", /EC2 instance type p5\.48xlarge is not in the price table/],
    ["an RDS class missing from the table", [rec("aws:rds/instance:Instance", "db", { engine: "mysql", instanceClass: "db.x2g.16xlarge", allocatedStorage: 20 })], "db", /RDS mysql class db\.x2g\.16xlarge/],
    ["a type missing from the table", [rec("aws:elasticache/cluster:Cluster", "cache", { nodeType: "cache.t4g.micro" })], "cache", /type not in the price table/],
    ["an instance type unknown until deployment", [rec("aws:ec2/instance:Instance", "u", { instanceType: "04da6b54-80e4-46f7-96ec-b56ff0331ba9", rootBlockDevice: { volumeSize: 8 } })], "u", /instanceType unknown until deployment/],
    ["a root volume the AMI sizes", [rec("aws:ec2/instance:Instance", "ami", { instanceType: "t3.micro" })], "ami", /root volume size comes from the AMI/],
    ["an ASG whose launch template is elsewhere", [rec("aws:autoscaling/group:Group", "asg", { desiredCapacity: 1, launchTemplate: { id: "lt-elsewhere" } })], "asg", /launch template is not in this stack/],
    ["an Oracle database", [rec("aws:rds/instance:Instance", "ora", { engine: "oracle-ee", instanceClass: "db.m5.large", allocatedStorage: 20 })], "ora", /engine oracle-ee is not in the price table/],
  ];
  it.each(cases)("%s", (_name, records, name, reason) => {
    const e = estimateCost(records, { owners: new Map() });
    expect(e.resources).toEqual([]);
    expect(e.unpriced).toHaveLength(1);
    expect(e.unpriced[0].name).toBe(name);
    expect(e.unpriced[0].reason).toMatch(reason);
  });

  it("the comment lists them with the reason", () => {
    const records = [rec("aws:elasticache/cluster:Cluster", "cache"), rec("aws:kms/key:Key", "k")];
    const text = costSections({ project: "p", stack: "t", resources: records }, undefined, "####").map((s) => [...s.head, ...s.rows, ...s.tail].join("\n")).join("\n");
    expect(text).toContain("⚠️ **Not priced** (1, not counted as $0): 1 × `elasticache.Cluster`: type not in the price table.");
    expect(text).toContain("Estimated fixed monthly cost: $1.00");
  });
});

describe("who pays: tenant attribution and the shared split", () => {
  // Two pooled tenants on shard 0, one on shard 1, a silo tenant with its own VPC and NAT, and the platform.
  const platformNat = rec("aws:ec2/natGateway:NatGateway", "nat");
  const platformKey = rec("aws:kms/key:Key", "platform-key");
  const albs = [0, 1].map((i) => rec("aws:lb/loadBalancer:LoadBalancer", `alb${i}`, { internal: true }));
  const listeners = albs.map((a, i) => rec("aws:lb/listener:Listener", `l${i}`, {}, { loadBalancerArn: [a.urn] }));
  const tenant = (t: string, shard: number) => [
    rec("aws:kms/key:Key", `${t}-key`, {}, {}, t),
    rec("aws:lb/listenerRule:ListenerRule", `${t}-rule`, {}, { listenerArn: [listeners[shard].urn] }, t),
  ];
  const silo = [rec("aws:ec2/vpc:Vpc", "s-vpc", {}, {}, "s"), rec("aws:ec2/natGateway:NatGateway", "s-nat", {}, {}, "s")];
  const records = [platformNat, platformKey, ...albs, ...listeners, ...tenant("a", 0), ...tenant("b", 0), ...tenant("c", 1), ...silo];
  const e = estimateCost(records);
  const t = (id: string) => e.tenants.find((x) => x.tenant === id)!;
  const alb = H * 0.0225;
  const platform = H * 0.045 + 1;

  it("owners come from the bulkhead:tenant tag; a tenant owning a VPC is silo", () => {
    expect(e.tenants.map((x) => [x.tenant, x.kind])).toEqual([["a", "pooled"], ["b", "pooled"], ["c", "pooled"], ["s", "silo"]]);
    near(t("a").own, 1);
    near(t("s").own, H * 0.045);
  });

  it("a shard's ALB is split among the tenants with a rule on it; the platform among tenants on the shared network", () => {
    const shard0 = e.pools.find((p) => p.id === albs[0].urn)!;
    expect(shard0).toMatchObject({ tenants: ["a", "b"], rule: "uses" });
    near(shard0.perTenant, alb / 2);
    expect(e.pools.find((p) => p.id === albs[1].urn)!.tenants).toEqual(["c"]);
    const p = e.pools.find((x) => x.id === "platform")!;
    expect(p.tenants).toEqual(["a", "b", "c"]);
    near(p.monthly, platform);
    near(t("a").shared, alb / 2 + platform / 3);
    near(t("c").shared, alb + platform / 3);
    expect(t("s").shared).toBe(0);
  });

  it("every dollar is paid once: tenants' totals add up to the stack total", () => {
    near(e.tenants.reduce((a, x) => a + x.total, 0) + e.unallocated, e.total);
    expect(e.unallocated).toBe(0);
  });

  it("a tenant component's untagged children count toward the tenant (ownersOf)", () => {
    const comp: RegisteredResource = { ...rec("bulkhead:tenant:Tenant", "z"), custom: false, inputs: {} };
    const tagged = { ...rec("aws:iam/role:Role", "z-role", {}, {}, "z"), parent: comp.urn };
    const untagged = { ...rec("aws:secretsmanager/secret:Secret", "z-secret"), parent: comp.urn };
    const est = estimateCost([comp, tagged, untagged]);
    expect(est.resources[0].owner).toBe("z");
    near(est.tenants[0].own, 0.4);
  });

  it("with no tenant on the shared network the platform is unallocated, and said so", () => {
    const est = estimateCost([platformNat]);
    near(est.unallocated, H * 0.045);
    const text = costSections({ project: "p", stack: "t", resources: [platformNat] }, undefined, "####").map((s) => s.tail.join("\n")).join("\n");
    expect(text).toContain("No tenant (`bulkhead:tenant`) in this stack: $32.85 is shared.");
  });

  it("a shared database server (and its key) is split among the pooled tenants whose database is on it", () => {
    const ref = referenceStack(3, "pooled");
    const est = estimateCost(ref.resources, { owners: ref.owners });
    const server = est.pools.find((p) => p.id.includes("pooled-postgres-db"))!;
    // Tenants alternate engines: t001 and t003 on PostgreSQL, t002 on MySQL.
    expect(server.tenants).toEqual(["t001", "t003"]);
    near(server.perTenant, (H * 0.016 + 20 * 0.115 + 0.4) / 2);
    near(est.pools.find((p) => p.id.includes("pooled-postgres-key"))!.perTenant, 1 / 2);
    expect(est.pools.find((p) => p.id.includes("pooled-mysql-db"))!.tenants).toEqual(["t002"]);
  });

  it("a 17th tenant of one engine starts a second shared server (16 per server)", () => {
    const ref = referenceStack(34, "pooled");
    const names = ref.clusters.map((g) => g.records[1].name);
    expect(names).toEqual(["pooled-postgres-db", "pooled-mysql-db", "pooled-postgres-1-db", "pooled-mysql-1-db"]);
    const est = estimateCost(ref.resources, { owners: ref.owners });
    expect(est.pools.find((p) => p.id.endsWith("::pooled-postgres-db"))!.tenants.length).toBe(16);
    expect(est.pools.find((p) => p.id.endsWith("::pooled-postgres-1-db"))!.tenants.length).toBe(1);
  });
});

describe("the review comment's change against the base branch", () => {
  const shared = rec("aws:ec2/natGateway:NatGateway", "nat");
  const tenant = (t: string, type = "t3.micro") => {
    const lt = rec("aws:ec2/launchTemplate:LaunchTemplate", `${t}-lt`, { instanceType: type, blockDeviceMappings: [{ ebs: { volumeSize: 20, volumeType: "gp3" } }] }, {}, t);
    return [rec("aws:kms/key:Key", `${t}-key`, {}, {}, t), lt, rec("aws:autoscaling/group:Group", `${t}-asg`, { desiredCapacity: 1, launchTemplate: { id: lt.id } }, { launchTemplate: [lt.urn] }, t)];
  };
  const run = (resources: RegisteredResource[]) => ({ project: "p", stack: "dev", resources });
  const base = summariseCost(run([shared, ...tenant("a"), ...tenant("b")]));
  const own = 1 + H * 0.0104 + 20 * 0.08; // $10.19

  it("tenant added: +its own cost for it, the others' shares fall, the total rises by exactly its own cost", () => {
    const now = summariseCost(run([shared, ...tenant("a"), ...tenant("b"), ...tenant("c")]));
    const d = costDelta(base, now);
    const c = d.tenants.find((x) => x.tenant === "c")!;
    expect(c.status).toBe("added");
    cents(c.delta, own + (H * 0.045) / 3);
    cents(d.tenants.find((x) => x.tenant === "a")!.delta, (H * 0.045) / 3 - (H * 0.045) / 2);
    cents(d.delta, own);
    const text = costSections(run([shared, ...tenant("a"), ...tenant("b"), ...tenant("c")]), undefined, "####", base)
      .map((s) => [...s.head, ...s.rows, ...s.tail].join("\n"))
      .join("\n");
    expect(text).toContain("#### Estimated fixed monthly cost: $63.43 (+$10.20)");
    expect(text).toContain("| c | pooled | $10.19 | $10.95 | $21.14 | +$21.14 (new) |");
    expect(text).toContain("| `c-asg` (new) | c |");
    expect(text).toContain("| **Total** | | | | **$63.43** | **+$10.20** |");
    expect(text).not.toContain("`a-asg`"); // unchanged resources are not listed against a baseline
  });

  it("tenant removed: −its total, struck through; the total falls by its own cost", () => {
    const now = summariseCost(run([shared, ...tenant("a")]));
    const d = costDelta(base, now);
    expect(d.tenants.find((x) => x.tenant === "b")).toMatchObject({ status: "removed", after: 0 });
    cents(d.delta, -own);
    const text = costSections(run([shared, ...tenant("a")]), undefined, "####", base).map((s) => [...s.head, ...s.rows, ...s.tail].join("\n")).join("\n");
    expect(text).toContain("| ~~b~~ | pooled | | | $0.00 | −$26.62 (removed) |");
    expect(text).toContain("| ~~`b-asg`~~ (removed) | b |");
  });

  it("a resized instance is a change of that tenant only", () => {
    const now = summariseCost(run([shared, ...tenant("a", "t3.small"), ...tenant("b")]));
    const d = costDelta(base, now);
    cents(d.tenants.find((x) => x.tenant === "a")!.delta, H * (0.0208 - 0.0104));
    expect(d.tenants.find((x) => x.tenant === "b")!.status).toBe("unchanged");
  });

  it("no baseline for a stack the change adds: everything is new", () => {
    const text = costSections(run([shared, ...tenant("a")]), undefined, "####", null).map((s) => s.head.join("\n")).join("\n");
    expect(text).toContain("No `--cost-baseline` is for the `dev` stack (the base branch has no such stack): everything here counts as new.");
  });
});

describe("the `cost` JSON section and --cost-baseline files (docs/contract.md)", () => {
  const records = [rec("aws:kms/key:Key", "k", {}, {}, "acme"), rec("aws:ec2/natGateway:NatGateway", "nat"), rec("aws:elasticache/cluster:Cluster", "cache")];
  const check: CheckResult = {
    run: { project: "p", stack: "dev", preview: true, resources: records, outputs: {} },
    policyPack: { name: "bulkhead", version: "0", policies: [] },
    violations: [],
  };
  const doc = JSON.parse(checkJson(check));

  it("check --format json gains `cost` beside the existing keys", () => {
    expect(Object.keys(doc)).toEqual(["resources", "doors", "counts", "violations", "unexpanded", "cost"]);
    expect(Object.keys(doc.cost)).toEqual(["project", "stack", "currency", "priceTable", "region", "total", "unallocated", "tenants", "shared", "resources", "unpriced", "usageOnly"]);
    expect(doc.cost).toMatchObject({ project: "p", stack: "dev", currency: "USD", priceTable: { asOf: PRICES.asOf, region: "us-east-1", hoursPerMonth: 730 }, region: null, total: 33.85 });
    expect(doc.cost.tenants).toEqual([{ tenant: "acme", kind: "pooled", own: 1, shared: 32.85, total: 33.85 }]);
    expect(doc.cost.unpriced).toEqual([{ urn: records[2].urn, type: "aws:elasticache/cluster:Cluster", name: "cache", owner: null, reason: "type not in the price table" }]);
    expect(doc.cost.resources[0]).toEqual({ urn: records[0].urn, type: "aws:kms/key:Key", name: "k", owner: "acme", monthly: 1, items: [{ what: "KMS key", quantity: 1, unit: "month", price: 1, monthly: 1 }] });
  });

  it("the JSON document is a --cost-baseline, and review matches it to its stack", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "bulkhead-cost-"));
    const file = path.join(dir, "dev.json");
    writeFileSync(file, checkJson(check));
    const base = readCostBaseline(file);
    expect(base.total).toBe(33.85);
    const grown: CheckResult = { ...check, run: { ...check.run, resources: [...records, rec("aws:kms/key:Key", "k2", {}, {}, "globex")] } };
    const md = reviewMarkdown([grown], { costBaselines: [base] });
    expect(md).toContain("Estimated fixed monthly cost: $34.85 (+$1.00)");
    expect(md).toContain("| globex | pooled | $1.00 | $16.43 | $17.43 | +$17.43 (new) |");
    // Without baselines: absolute figures, no change column.
    expect(checkMarkdown(grown)).toContain("| Tenant | Kind | Own | Share of shared | Total |\n");
  });

  it.each([
    ["missing", (d: string) => path.join(d, "nope.json"), /no such file/],
    ["not JSON", (d: string) => (writeFileSync(path.join(d, "x.json"), "{"), path.join(d, "x.json")), /not JSON/],
    ["no cost section", (d: string) => (writeFileSync(path.join(d, "y.json"), '{"resources": 1}'), path.join(d, "y.json")), /no `cost` section/],
  ])("a baseline file that is %s is a usage error naming the file", (_n, make, message) => {
    const dir = mkdtempSync(path.join(tmpdir(), "bulkhead-cost-"));
    const file = make(dir);
    let err: unknown;
    try {
      readCostBaseline(file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).kind).toBe("usage");
    expect((err as CliError).message).toContain(file);
    expect((err as CliError).message).toMatch(message);
  });

  it("the cost sections shed tenant rows to fit the comment limit, keeping the total in the title", () => {
    const many: RegisteredResource[] = [rec("aws:ec2/natGateway:NatGateway", "nat")];
    for (let i = 0; i < 400; i++) many.push(rec("aws:kms/key:Key", `tenant-with-a-long-name-${i}-key`, {}, {}, `tenant-with-a-long-name-${i}`));
    const md = checkMarkdown({ ...check, run: { ...check.run, resources: many } }, { maxLength: 12000 });
    expect(md.length).toBeLessThanOrEqual(12000);
    expect(md).toContain("Estimated fixed monthly cost: $432.85");
    expect(md).toMatch(/more rows? not shown to stay within GitHub's comment limit; `bulkhead check --format json` has every (tenant|resource)'s cost/);
  });
});

describe("README cost tables (scripts/cost-table.ts)", () => {
  it("are current: generated from the price table and the reference bill of materials", () => {
    const readme = readFileSync(README, "utf8");
    const block = readme.slice(readme.indexOf(START_MARKER), readme.indexOf(END_MARKER) + END_MARKER.length);
    expect(block, "run `npx tsx scripts/cost-table.ts` and commit README.md").toBe(costTables());
  });

  it("a pooled tenant adds ≤ $3 of fixed cost plus its app compute; fully loaded it gets there at scale", () => {
    const s = pooledShare(2);
    expect(s.own).toBeLessThanOrEqual(3);
    near(s.own, PRICES.kmsKeyMonth + PRICES.secretMonth);
    near(s.compute, H * PRICES.ec2Hourly["t3.micro"] + 20 * PRICES.ebsGbMonth.gp3);
    expect(s.total).toBeGreaterThan(3);
    expect(pooledShare(500).total).toBeLessThanOrEqual(3);
  });
});

describe("wiring: the README markers and the pull-request workflow", () => {
  it("the table script refuses a README without its markers, naming them", () => {
    expect(() => readmeWithCostTables("# no markers here\n", "x")).toThrow(/cost-table:start .* cost-table:end/);
    const readme = `a\n${START_MARKER}\nold\n${END_MARKER}\nb\n`;
    expect(readmeWithCostTables(readme, `${START_MARKER}\nnew\n${END_MARKER}`)).toBe(`a\n${START_MARKER}\nnew\n${END_MARKER}\nb\n`);
  });

  it("the review job checks the base branch's stacks as JSON and passes each as --cost-baseline", () => {
    const wf = parseYaml(readFileSync(path.resolve(__dirname, "..", "..", ".github/workflows/pull-request.yml"), "utf8"));
    const steps: Array<Record<string, any>> = wf.jobs.review.steps;
    const checkout = steps.findIndex((s) => s.with?.path === ".bulkhead-base");
    expect(steps[checkout].with.ref).toBe("${{ github.event.pull_request.base.sha }}");
    const baseline = steps.findIndex((s) => String(s.run ?? "").includes("check .bulkhead-base --stack"));
    const review = steps.findIndex((s) => s.id === "review");
    expect(checkout).toBeGreaterThanOrEqual(0);
    expect(baseline).toBeGreaterThan(checkout);
    expect(review).toBeGreaterThan(baseline);
    expect(steps[baseline].run).toContain('--format json --output "bulkhead-baseline/$stack.json"');
    expect(steps[review].run).toContain('baselines+=(--cost-baseline "$file")');
    expect(steps[review].run).toContain('"${baselines[@]}"');
  });
});
