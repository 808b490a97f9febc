// Routing at platform scale: explicit (shard, priority) slots on sharded internet-facing ALBs.
// The quotas come from AWS's "Quotas for your Application Load Balancers"
// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html):
// 100 target groups per load balancer (not adjustable), 100 rules (adjustable), 25 certificates excluding
// the default one (adjustable). Listener-rule priorities are 1–50000 and unique per listener
// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-rules.html#rule-priority).
// Each tenant also adds one egress rule to its shard's security group, and Amazon VPC allows 60 inbound or
// outbound rules per security group unless raised
// (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups),
// so with default quotas a shard holds 60 tenants.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { run } from "./harness";
import {
  InputPropertiesError,
  PlatformSettings,
  TenantSettings,
  legacyListenerPriority,
  platformProblems,
  proposeRouting,
} from "../../components/validation";
import { buildPlatform, PlatformConfig, TenantConfig } from "../../stacks/platform";
import { allocate, writeProposals } from "../../cli/commands/tenants";
import { main } from "../../cli/main";
import { boundCallsiteDepth, lightenPromiseTracking } from "../../cli/engine/sdk-tuning";

// The builds below register ~4,500 resources: with the SDK tuned as the engine's worker tunes it (bounded
// call-site stacks, which vitest would otherwise source-map frame by frame; leak tracking without debug
// stamps), the file costs about a quarter less CPU. What the components register is the same.
boundCallsiteDepth();
lightenPromiseTracking();

const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0000-1111";
const certN = (n: number) => `arn:aws:acm:us-east-1:123456789012:certificate/extra-${n}`;

const platform = (tenants: TenantSettings[], extra: Partial<PlatformSettings> = {}): PlatformSettings => ({
  network: { cidrBlock: "10.0.0.0/16", availabilityZones: ["us-east-1a", "us-east-1b"], natStrategy: "single" },
  admin: { mode: "ssm" },
  tenants,
  certificateArn: CERT,
  deployerRoleArns: ["arn:aws:iam::123456789012:role/deployer"],
  ...extra,
});

const pooled = (tenantId: string): TenantSettings => ({ tenantId, app: { hostname: `${tenantId}.example.com` } });
const sequential = (n: number) => Array.from({ length: n }, (_, i) => pooled(`t${String(i).padStart(3, "0")}`));

/** Deterministic pseudo-random tenant ids (mulberry32), valid and distinct: names a customer might pick. */
function randomIds(n: number, seed: number): string[] {
  let a = seed;
  const rnd = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const letters = "abcdefghijklmnopqrstuvwxyz", tail = letters + "0123456789";
  const out = new Set<string>();
  while (out.size < n) {
    const len = 2 + Math.floor(rnd() * 19);
    let id = letters[Math.floor(rnd() * 26)]!;
    while (id.length < len) id += tail[Math.floor(rnd() * tail.length)]!;
    if (!["platform", "admin", "web", "shared"].includes(id)) out.add(id);
  }
  return [...out];
}

/** Writes every proposal into the entries, as `bulkhead tenants allocate --write` does. */
function allocated(tenants: TenantSettings[], extra: Partial<PlatformSettings> = {}): TenantSettings[] {
  const next = tenants.map((t) => ({ ...t }));
  for (const p of proposeRouting(next, { quotas: extra.loadBalancerQuotas, defaultCertificateArn: CERT })) next[p.index]!.routing = p.routing;
  return next;
}

/**
 * 500 pooled tenants put 501+ rules on the platform's endpoint and bastion groups, so a platform that size
 * needs Amazon VPC's rules-per-security-group quota raised (to at most 1,000); shards then hold 100 each.
 */
const BIG: Partial<PlatformSettings> = { loadBalancerQuotas: { securityGroupRules: 1000 } };

const slots = (tenants: TenantSettings[]) => new Map(tenants.map((t) => [t.tenantId, t.routing]));

function expectCollisionFree(tenants: TenantSettings[], perShardMax = 100): void {
  const keys = tenants.map((t) => `${t.routing!.shard}/${t.routing!.priority}`);
  expect(new Set(keys).size).toBe(tenants.length);
  const perShard = new Map<number, number>();
  for (const t of tenants) perShard.set(t.routing!.shard, (perShard.get(t.routing!.shard) ?? 0) + 1);
  for (const n of perShard.values()) expect(n).toBeLessThanOrEqual(perShardMax);
  for (const t of tenants) {
    expect(t.routing!.priority).toBeGreaterThanOrEqual(1);
    expect(t.routing!.priority).toBeLessThanOrEqual(50000);
  }
}

describe("routing slots at 500 tenants (validation)", () => {
  it.each([
    ["sequential ids t000…t499", sequential(500)],
    ["500 random names", randomIds(500, 14).map(pooled)],
  ])("%s validate with no collision, on 5 shards of 100 (9 of ≤ 60 under default quotas)", (_, tenants) => {
    const t = allocated(tenants, BIG);
    expect(platformProblems(platform(t, BIG))).toEqual([]);
    expectCollisionFree(t);
    expect(new Set(t.map((x) => x.routing!.shard))).toEqual(new Set([0, 1, 2, 3, 4]));
    // Default quotas: 60 per shard, and the one problem left is the platform-wide groups' quota.
    const d = allocated(tenants);
    expectCollisionFree(d, 60);
    expect(new Set(d.map((x) => x.routing!.shard))).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8]));
    expect(platformProblems(platform(d)).map((x) => x.field)).toEqual(["loadBalancerQuotas.securityGroupRules"]);
  });

  it("the issue's 60 tenants t000…t059 (hash priorities of t043 and t058 collided) validate", () => {
    expect(legacyListenerPriority("t043")).toBe(legacyListenerPriority("t058"));
    const t = allocated(sequential(60), BIG);
    expect(platformProblems(platform(t, BIG))).toEqual([]);
    // A deployed tenant keeps the number its rule already had; the later one gets the lowest free one.
    expect(t[43]!.routing).toEqual({ shard: 0, priority: legacyListenerPriority("t043") });
    const p58 = t[58]!.routing!.priority;
    expect(p58).toBeLessThan(1000); // legacy priorities are 1000-49999: t058 took a free low one
    const taken = new Set(t.slice(0, 58).map((x) => x.routing!.priority));
    for (let n = 1; n < p58; n++) expect(taken.has(n), `priority ${n}`).toBe(true);
  });

  it("adding a tenant in the middle, removing one or reordering changes no other tenant's priority or shard", () => {
    const before = allocated(sequential(500), BIG);
    const grown = allocated([...before.slice(0, 250), pooled("newcomer"), ...before.slice(250)], BIG);
    expect(platformProblems(platform(grown, BIG))).toEqual([]);
    const was = slots(before), now = slots(grown);
    for (const [id, r] of was) expect(now.get(id), id).toEqual(r);
    expect(now.get("newcomer")).toBeDefined();
    expectCollisionFree(grown);

    const shrunk = [...before.slice(0, 123), ...before.slice(124)];
    expect(platformProblems(platform(shrunk, BIG))).toEqual([]);
    expect(proposeRouting(shrunk, { quotas: BIG.loadBalancerQuotas })).toEqual([]); // nothing to re-allocate: nobody moves
    // The freed slot goes to the next new tenant, on the shard that has room.
    const refill = allocated([...shrunk, pooled("late")], BIG);
    expect(before[123]!.routing!.shard).toBe(1);
    expect(refill[refill.length - 1]!.routing!.shard).toBe(1);
    for (const [id, r] of slots(shrunk)) expect(slots(refill).get(id), id).toEqual(r);

    const reversed = [...before].reverse();
    expect(platformProblems(platform(reversed, BIG))).toEqual([]);
    expect(slots(reversed)).toEqual(was);
  });

  it("a tenant without a slot is refused with the next free slot as the fix, never a rename", () => {
    const t = allocated(sequential(3));
    t.push(pooled("t003"));
    const p = platformProblems(platform(t));
    expect(p).toEqual([{
      field: "tenants[3].routing",
      value: undefined,
      problem: "a pooled tenant with an app tier needs an explicit load-balancer slot, so adding or removing other tenants never moves it",
      fix: `add routing: {shard: 0, priority: ${legacyListenerPriority("t003")}} (the next free slot; \`bulkhead tenants allocate . --stack <stack>\` prints every missing one)`,
    }]);
  });

  it("two tenants on one slot: the second is refused, naming the holder and a free slot", () => {
    const t = allocated(sequential(3));
    t[2]!.routing = { ...t[0]!.routing! };
    const p = platformProblems(platform(t));
    expect(p).toHaveLength(1);
    expect(p[0]).toMatchObject({ field: "tenants[2].routing", value: t[0]!.routing, problem: `shard 0 priority ${t[0]!.routing!.priority} is already tenant "t000"'s` });
    expect(p[0]!.fix).toMatch(/^give this tenant the free slot \{shard: 0, priority: \d+\}/);
  });

  it("refuses malformed slots, slots on tenants that have no rule, and two tenants on one host name", () => {
    const t = allocated(sequential(2));
    t[0]!.routing = { shard: -1, priority: 50001 };
    t.push({ tenantId: "hooli", isolation: "silo", cidrBlock: "10.64.0.0/20", app: {}, routing: { shard: 0, priority: 7 } });
    t.push({ tenantId: "dbonly", database: { engine: "postgres" }, routing: { shard: 0, priority: 8 } });
    t.push({ tenantId: "copycat", app: { hostname: "t001.example.com" }, routing: { shard: 0, priority: 9 } });
    expect(platformProblems(platform(t)).map((x) => [x.field, x.problem])).toEqual([
      ["tenants[0].routing", "must be {shard: 0-99, priority: 1-50000} with whole numbers"],
      ["tenants[2].routing", "a silo tenant routes through its own load balancer"],
      ["tenants[3].routing", "a tenant without an app tier has no listener rule"],
      ["tenants[4].app.hostname", 'tenant "t001" is already routed for this host name'],
    ]);
  });
});

describe("shard quotas", () => {
  it("61 tenants on shard 0 with default quotas: rejected at the first one past the 60 security-group rules", () => {
    const t = sequential(61).map((x, i) => ({ ...x, routing: { shard: 0, priority: i + 1 } }));
    expect(platformProblems(platform(t))).toEqual([{
      field: "loadBalancerQuotas.securityGroupRules",
      value: 60,
      problem: "61 pooled tenants put 62 ingress rules on the platform's interface-endpoint security group and 63 egress rules on the bastion's (one per tenant, one more per tenant database's rotation function); Amazon VPC allows 60 rules per direction per security group",
      fix: 'ask AWS (Service Quotas, "Inbound or outbound rules per security group") for at least 63 and set loadBalancerQuotas.securityGroupRules to the granted value, or make some tenants silo',
    }, {
      field: "tenants[60].routing.shard",
      value: 0,
      problem: "load balancer shard 0 would carry 61 egress rules on its security group (quota 60 rules per security group, loadBalancerQuotas.securityGroupRules); 1 tenant(s) past the quota: tenants[60]",
      fix: "set routing.shard of tenants[60] to a shard with room, e.g. 1 (each gets a new listener rule there; nobody else moves), or raise loadBalancerQuotas.securityGroupRules once AWS has raised your rules-per-security-group quota",
    }]);
  });

  it("101 tenants on shard 0 with raised rule quotas: rejected at the first one past the 100 target groups, naming the shard and the fix", () => {
    const t = sequential(101).map((x, i) => ({ ...x, routing: { shard: 0, priority: i + 1 } }));
    expect(platformProblems(platform(t, { loadBalancerQuotas: { rules: 150, securityGroupRules: 150 } }))).toEqual([{
      field: "tenants[100].routing.shard",
      value: 0,
      problem: "load balancer shard 0 would carry 101 target groups (AWS allows 100 per load balancer, not adjustable); 1 tenant(s) past the quota: tenants[100]",
      fix: "set routing.shard of tenants[100] to a shard with room, e.g. 1 (each gets a new listener rule there; nobody else moves)",
    }]);
  });

  it("the rules quota is configurable and proposals honour it; raising it above 100 cannot lift the target-group limit", () => {
    const quotas = { rules: 40, securityGroupRules: 200 };
    const t = allocated(sequential(90), { loadBalancerQuotas: quotas });
    expect(platformProblems(platform(t, { loadBalancerQuotas: quotas }))).toEqual([]);
    expect(t.filter((x) => x.routing!.shard === 0)).toHaveLength(40);
    expect(t.filter((x) => x.routing!.shard === 2)).toHaveLength(10);
    const p = platformProblems(platform(t, { loadBalancerQuotas: { rules: 30, securityGroupRules: 200 } }));
    expect(p.map((x) => [x.field, x.value])).toEqual([["tenants[30].routing.shard", 0], ["tenants[70].routing.shard", 1]]);
    expect(p[0]!.fix).toContain("or raise loadBalancerQuotas.rules once AWS has raised your rules quota");

    const many = sequential(150).map((x, i) => ({ ...x, routing: { shard: 0, priority: i + 1 } }));
    const q = platformProblems(platform(many, { loadBalancerQuotas: { rules: 200, targetGroups: 200, securityGroupRules: 500 } }));
    expect(q.map((x) => x.field)).toEqual(["loadBalancerQuotas.targetGroups", "tenants[100].routing.shard"]);
    expect(q[1]!.problem).toMatch(/^load balancer shard 0 would carry 150 target groups \(AWS allows 100 per load balancer, not adjustable\); 50 tenant\(s\) past the quota/);
  });

  it("counts certificates besides the listener default against the certificates quota", () => {
    const quotas = { certificates: 2 };
    const withCerts = sequential(5).map((x, i) => ({ ...x, app: { ...x.app, certificateArn: i === 4 ? CERT : certN(i % 3) } }));
    const t = allocated(withCerts, { loadBalancerQuotas: quotas });
    expect(platformProblems(platform(t, { loadBalancerQuotas: quotas }))).toEqual([]);
    // certN(0) and certN(1) fill shard 0; certN(2) goes to shard 1; the default certificate never counts.
    expect(t.map((x) => x.routing!.shard)).toEqual([0, 0, 1, 0, 0]);
    const crowded = t.map((x) => ({ ...x, routing: { ...x.routing!, shard: 0 } }));
    crowded[2]!.routing!.priority = 999;
    const p = platformProblems(platform(crowded, { loadBalancerQuotas: quotas }));
    expect(p).toHaveLength(1);
    expect(p[0]!.problem).toContain("load balancer shard 0 would carry 3 certificates besides the default (quota 2, loadBalancerQuotas.certificates)");
    expect(p[0]!.fix).toContain("raise loadBalancerQuotas.certificates");
  });
});

// ------------------------------------------------------------------------------------------------
// Built under Pulumi's mock runtime: what the ALB actually receives.

const RULE = "aws:lb/listenerRule:ListenerRule";
const LB = "aws:lb/loadBalancer:LoadBalancer";
const LISTENER = "aws:lb/listener:Listener";
const TG = "aws:lb/targetGroup:TargetGroup";

const config = (tenants: TenantConfig[], extra: Partial<PlatformConfig> = {}): PlatformConfig => ({
  region: "us-east-1",
  vpcCidr: "10.0.0.0/16",
  availabilityZones: ["us-east-1a", "us-east-1b"],
  certificateArn: CERT,
  deployerRoleArns: ["arn:aws:iam::123456789012:role/deployer"],
  tenants,
  ...extra,
});

/** Tenant id → (load balancer, priority) as registered: the rule's listener traced back to its ALB. */
async function records(cfg: PlatformConfig) {
  const s = await run(() => buildPlatform(cfg));
  const arnOfListener = new Map(s.byType(LISTENER).map((l) => [`arn:aws:lb:us-east-1:123456789012:listener/${l.name}`, l.name.replace(/-https$/, "")]));
  const out = new Map<string, { lb: string; priority: number }>();
  for (const r of s.byType(RULE)) {
    out.set(r.name.replace(/-rule$/, ""), { lb: arnOfListener.get(r.inputs.listenerArn) ?? r.inputs.listenerArn, priority: r.inputs.priority });
  }
  return { s, out };
}

describe("sharded load balancers, built", () => {
  // 500 tenants register 8,607 resources (40 s and 1.8 GiB under these mocks, measured): validation covers 500 above, the build
  // covers 130 (6-15 s on this shared machine), enough to fill two shards and start a third.
  const N = 130;
  it(`${N} pooled tenants (sequential ids) build on 3 ALBs with unique (listener, priority) and ≤ 60 rules, target groups and SG rules each`, async () => {
    const quotas = { loadBalancerQuotas: { rules: 60, securityGroupRules: 250 } };
    const tenants = allocated(sequential(N), quotas) as TenantConfig[];
    const started = Date.now();
    const { s, out } = await records(config(tenants, quotas));
    const ms = Date.now() - started;
    expect(s.byType(LB).map((l) => l.name).sort()).toEqual(["web-1-alb", "web-2-alb", "web-alb"]);
    expect(s.byType(RULE)).toHaveLength(N);
    expect(s.byType(TG)).toHaveLength(N);
    const keys = [...out.values()].map((r) => `${r.lb}/${r.priority}`);
    expect(new Set(keys).size).toBe(N);
    const perLb = new Map<string, number>();
    for (const r of out.values()) perLb.set(r.lb, (perLb.get(r.lb) ?? 0) + 1);
    expect([...perLb].sort()).toEqual([["web", 60], ["web-1", 60], ["web-2", 10]]);
    // The shard's security group: 443 in from the world, one egress per tenant on that shard.
    const egress = s.byType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule");
    const perSg = new Map<string, number>();
    for (const e of egress.filter((x) => /^web(-\d+)?-sg-id$/.test(x.inputs.securityGroupId))) perSg.set(e.inputs.securityGroupId, (perSg.get(e.inputs.securityGroupId) ?? 0) + 1);
    expect([...perSg].sort()).toEqual([["web-1-sg-id", 60], ["web-2-sg-id", 10], ["web-sg-id", 60]]);
    for (const t of tenants) expect(out.get(t.tenantId)).toEqual({ lb: t.routing!.shard === 0 ? "web" : `web-${t.routing!.shard}`, priority: t.routing!.priority });
    // Reported, not asserted tightly: the machine is shared.
    console.log(`built ${N} pooled tenants (${s.resources.length} resources) in ${ms} ms`);
  }, 60_000);

  it("random names on 3 shards (rules quota 25): adding one tenant in the middle and removing another changes no other tenant's rule, ALB or names", async () => {
    const quotas = { loadBalancerQuotas: { rules: 25, securityGroupRules: 100 } };
    const ids = randomIds(60, 7);
    const before = allocated(ids.map(pooled), quotas) as TenantConfig[];
    const after = allocated([...before.slice(0, 30), pooled("middle"), ...before.slice(31)], quotas) as TenantConfig[];
    const [a, b] = [await records(config(before, quotas)), await records(config(after, quotas))];
    expect(a.s.byType(LB)).toHaveLength(3);
    for (const t of before) {
      if (t.tenantId === ids[30]) continue;
      expect(b.out.get(t.tenantId), t.tenantId).toEqual(a.out.get(t.tenantId));
    }
    expect(b.out.get("middle")).toBeDefined();
    expect(b.out.has(ids[30]!)).toBe(false);
    const names = (r: typeof a) => new Set(r.s.resources.filter((x) => !x.name.startsWith(ids[30]!) && !x.name.startsWith("middle")).map((x) => `${x.type}::${x.name}`));
    expect(names(b)).toEqual(names(a));
  }, 60_000);

  it("the platform-wide group counts validation uses are the rules the build registers", async () => {
    const t = allocated([pooled("aa"), { ...pooled("bb"), database: { engine: "postgres" } }, { tenantId: "cc", database: { engine: "mysql" } }]) as TenantConfig[];
    const p = platformProblems(platform(t, { loadBalancerQuotas: { securityGroupRules: 1 } })).find((x) => x.field === "loadBalancerQuotas.securityGroupRules")!;
    const [, ingress, egress] = /put (\d+) ingress rules .* and (\d+) egress rules/.exec(p.problem)!.map(Number);
    const { s } = await records(config(t));
    const on = (type: string, sg: string) => s.byType(type).filter((r) => r.inputs.securityGroupId === sg).length;
    expect(on("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "platform-endpoints-sg-id")).toBe(ingress);
    expect(on("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "admin-sg-id")).toBe(egress);
    expect([ingress, egress]).toEqual([6, 5]);
  });

  it("a single-shard stack keeps today's child names (web-alb, web-https, web-sg): nothing is replaced", async () => {
    const { s } = await records(config(allocated(sequential(2)) as TenantConfig[]));
    expect(s.byType(LB).map((l) => l.name)).toEqual(["web-alb"]);
    expect(s.byType(LISTENER).map((l) => l.name)).toEqual(["web-https"]);
  });

  it("a tenant certificate becomes a listener certificate on its shard only", async () => {
    const t = allocated(sequential(3)) as TenantConfig[];
    t[1] = { ...t[1]!, app: { ...t[1]!.app, certificateArn: certN(1) } };
    const { s } = await records(config(t));
    const certs = s.byType("aws:lb/listenerCertificate:ListenerCertificate");
    expect(certs.map((c) => c.inputs.certificateArn)).toEqual([certN(1)]);
    expect(certs[0]!.name).toMatch(/^web-cert-[0-9a-f]{8}$/);
  });

  it("a shard over quota is rejected before any resource exists, by the stack config key", async () => {
    const quotas = { loadBalancerQuotas: { rules: 150, securityGroupRules: 150 } };
    const t = sequential(101).map((x, i) => ({ ...x, routing: { shard: 0, priority: i + 1 } })) as TenantConfig[];
    let registered = -1;
    let err: unknown;
    try {
      const s = await run(() => {
        try {
          return buildPlatform(config(t, quotas));
        } catch (e) {
          err = e;
          return undefined;
        }
      });
      registered = s.resources.filter((r) => r.type !== "pulumi:pulumi:Stack").length;
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputPropertiesError);
    expect(registered).toBe(0);
    const p = (err as InputPropertiesError).problems;
    expect(p.map((x) => [x.field, x.value])).toEqual([["bulkhead-platform:tenants[100].routing.shard", 0]]);
    expect((err as Error).message).toContain("load balancer shard 0 would carry 101 target groups");
    expect((err as Error).message).toContain("Fix: set routing.shard of tenants[100] to a shard with room, e.g. 1");
  });
});

describe("bulkhead tenants allocate", () => {
  function project(stackYaml: string): string {
    const dir = mkdtempSync(path.join(tmpdir(), "bulkhead-allocate-"));
    writeFileSync(path.join(dir, "Pulumi.yaml"), "name: bulkhead-platform\nruntime: nodejs\nmain: index.ts\n");
    writeFileSync(path.join(dir, "index.ts"), "export {};\n");
    writeFileSync(path.join(dir, "Pulumi.dev.yaml"), stackYaml);
    return dir;
  }

  it("proposes slots only for tenants without one, writes them keeping comments, and is idempotent", () => {
    const dir = project([
      "config:",
      "  bulkhead-platform:certificateArn: " + CERT,
      "  # the customers",
      "  bulkhead-platform:tenants:",
      "    - tenantId: acme # first customer",
      "      app: { hostname: acme.example.com }",
      "      routing: { shard: 0, priority: 2615 }",
      "    - tenantId: globex",
      "      app: { hostname: globex.example.com }",
      "    - tenantId: hooli",
      "      isolation: silo",
      "      app: {}",
      "",
    ].join("\n"));
    const r = allocate(dir, "dev");
    expect(r.proposals).toEqual([{ index: 1, tenantId: "globex", routing: { shard: 0, priority: legacyListenerPriority("globex") } }]);
    expect(r.shards).toEqual([{ shard: 0, tenants: 2, certificates: 0 }]);
    writeProposals(r.stackFile, "bulkhead-platform:tenants", r.proposals);
    const text = readFileSync(r.stackFile, "utf8");
    expect(text).toContain("# the customers");
    expect(text).toContain("- tenantId: acme # first customer");
    expect(text).toContain(`      routing: { shard: 0, priority: ${legacyListenerPriority("globex")} }`);
    expect(allocate(dir, "dev").proposals).toEqual([]);
  });

  it("runs as `bulkhead tenants allocate PATH --stack dev [--write]`, exit 0; an unknown stack is a usage error (exit 2)", async () => {
    const dir = project("config:\n  bulkhead-platform:tenants:\n    - tenantId: acme\n      app: {}\n");
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((c: any) => (out.push(String(c)), true));
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      expect(await main(["node", "bulkhead", "tenants", "allocate", dir, "--stack", "dev"])).toBe(0);
      expect(out.join("")).toContain(`    routing: { shard: 0, priority: ${legacyListenerPriority("acme")} }`);
      expect(out.join("")).toContain("# shard 0: 1/60 tenants");
      expect(await main(["node", "bulkhead", "tenants", "allocate", dir, "--stack", "dev", "--write"])).toBe(0);
      expect(readFileSync(path.join(dir, "Pulumi.dev.yaml"), "utf8")).toContain("routing: { shard: 0, priority:");
      expect(await main(["node", "bulkhead", "tenants", "allocate", dir, "--stack", "nope"])).toBe(2);
    } finally {
      spy.mockRestore();
      err.mockRestore();
    }
  });
});
