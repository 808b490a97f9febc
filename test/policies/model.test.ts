/**
 * The network model's building blocks (CIDR sets, ports, protocols, reference resolution, reachability) and the
 * generated rules documentation.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildModel, isUnknown, UNKNOWN_SENTINELS } from "../../policies/model";
import { CidrIndex, CidrSet, PUBLIC_V4 } from "../../policies/model/cidr";
import { exemptionProblem, isIsoDate, parseTagValue } from "../../policies/model/exemptions";
import { normaliseProtocol, openedPorts, portRange } from "../../policies/model/ports";
import { rules, RULE_IDS } from "../../policies/rules";
import { renderRulesDoc, RULES_DOC_PATH } from "../../scripts/gen-rules-doc";
import { hardened, TYPES as T, UNKNOWN, urnOf } from "./fixtures";

describe("CidrSet", () => {
  const world = (...c: string[]) => CidrSet.of(c).coversPublicInternet();
  it("treats 0.0.0.0/0, ::/0 and split halves as world-wide", () => {
    expect(world("0.0.0.0/0")).toBe(true);
    expect(world("::/0")).toBe(true);
    expect(world("0.0.0.0/1", "128.0.0.0/1")).toBe(true);
    expect(world("2000::/3")).toBe(true);
    expect(world("2000::/4", "3000::/4")).toBe(true);
  });
  it("does not treat partial or private space as world-wide", () => {
    expect(world("0.0.0.0/1")).toBe(false);
    expect(world("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")).toBe(false);
    expect(world("fc00::/7")).toBe(false);
    expect(world("2000::/4")).toBe(false);
  });
  it("covers all public IPv4 by listing public space without the private ranges", () => {
    // Everything except RFC 1918 etc. is still world-wide: the definition is about public space only.
    const everythingPublic = CidrSet.of(["0.0.0.0/0"]).minus(CidrSet.of(["10.0.0.0/8"]));
    expect(everythingPublic.coversPublicInternet()).toBe(true);
    expect(PUBLIC_V4.minus(CidrSet.of(["8.8.8.8/32"])).coversPublicInternet()).toBe(false);
  });
  it("intersects, covers and tells public from private", () => {
    const vpc = CidrSet.of(["10.0.0.0/16"]);
    expect(vpc.covers(CidrSet.of(["10.0.20.0/24"]))).toBe(true);
    expect(vpc.covers(CidrSet.of(["10.1.0.0/24"]))).toBe(false);
    expect(vpc.intersects(CidrSet.of(["10.0.255.0/24", "192.168.0.0/16"]))).toBe(true);
    expect(vpc.intersectsPublic()).toBe(false);
    expect(CidrSet.of(["100.64.0.0/10", "fd00::/8"]).intersectsPublic()).toBe(false);
    expect(CidrSet.of(["52.94.0.0/16"]).intersectsPublic()).toBe(true);
    expect(CidrSet.of(["2600:1f18::/32"]).intersectsPublic()).toBe(true);
  });
  it("indexes overlapping and nested ranges for overlap queries", () => {
    const idx = new CidrIndex([
      { cidrs: CidrSet.of(["10.0.0.0/16"]), value: "vpc" },
      { cidrs: CidrSet.of(["10.0.1.0/24"]), value: "a" },
      { cidrs: CidrSet.of(["10.0.2.0/24", "2600::/64"]), value: "b" },
      { cidrs: CidrSet.of(["192.168.0.0/24"]), value: "c" },
    ]);
    expect(idx.overlapping(CidrSet.of(["10.0.2.128/25"])).sort()).toEqual(["b", "vpc"]);
    expect(idx.overlapping(CidrSet.of(["10.0.3.0/24"]))).toEqual(["vpc"]);
    expect(idx.overlapping(CidrSet.of(["2600::1/128", "172.16.0.0/12"]))).toEqual(["b"]);
    expect(idx.overlapping(CidrSet.of(["0.0.0.0/0"])).sort()).toEqual(["a", "b", "c", "vpc"]);
  });
  it("rejects invalid CIDRs with the offending text", () => {
    expect(() => CidrSet.of(["10.0.0.300/8"])).toThrow(/10\.0\.0\.300\/8/);
  });
});

describe("ports and protocols", () => {
  it("normalises names, numbers and -1", () => {
    expect([-1, "-1", "all", "ALL", undefined].map(normaliseProtocol)).toEqual(["all", "all", "all", "all", "all"]);
    expect([6, "6", "TCP", 17, "udp", 1, "icmp", 58].map(normaliseProtocol)).toEqual(["tcp", "tcp", "tcp", "udp", "udp", "icmp", "icmp", "icmpv6"]);
  });
  it("computes opened ports: ranges, all-protocol and never ICMP", () => {
    expect(openedPorts("tcp", portRange("tcp", 0, 1024), [22, 3389])).toEqual([22]);
    expect(openedPorts("all", portRange("all", 443, 443), [22])).toEqual([22]);
    expect(openedPorts("icmp", portRange("icmp", -1, -1), [22])).toEqual([]);
    expect(openedPorts("tcp", portRange("tcp", -1, -1), [5432])).toEqual([5432]);
    expect(openedPorts("udp", portRange("udp", 11211, 11211), [11211])).toEqual([11211]);
  });
});

describe("unknown sentinels", () => {
  it("knows all seven SDK sentinels", () => {
    const proxy: Record<string, unknown> = require("@pulumi/policy/proxy");
    const sdk = Object.entries(proxy).filter(([k]) => /^unknown.*Value$/.test(k)).map(([, v]) => v);
    expect(sdk).toHaveLength(7);
    expect(new Set(sdk)).toEqual(new Set(UNKNOWN_SENTINELS));
    expect(sdk.every(isUnknown)).toBe(true);
    expect(isUnknown("sg-123")).toBe(false);
  });
});

describe("buildModel", () => {
  const m = buildModel(hardened().resources);
  it("resolves groups, attachments, load balancers and tenants through propertyDependencies", () => {
    const alb = m.sgByUrn(urnOf(T.sg, "alb-sg"))!;
    expect(alb).toMatchObject({ isInternetFacingLb: true, isLoadBalancer: true, tenant: undefined, vpcUrn: urnOf(T.vpc, "main-vpc"), attachedTo: [urnOf(T.lb, "web-alb")] });
    const app = m.sgByUrn(urnOf(T.sg, "acme-app-sg"))!;
    expect(app.tenant).toBe("acme");
    expect(app.attachedTo.sort()).toEqual([urnOf(T.instance, "acme-worker"), urnOf(T.lt, "acme-app-lt")].sort());
    expect(m.sgByUrn(urnOf(T.sg, "bastion-sg"))!.isBastion).toBe(true);
    expect(m.isBastion(urnOf(T.instance, "bastion"))).toBe(true);
    expect(m.subnetsOf(urnOf(T.lt, "acme-app-lt")).urns).toEqual([urnOf(T.subnet, "acme-app-a")]);
  });
  it("lists every ingress grant form with its declaring resource", () => {
    const forms = m.ingress.map((g) => [g.grantUrn.split("::").pop(), g.targetSgUrn.split("::").pop(), g.source.kind, `${g.ports.from}-${g.ports.to}/${g.protocol}`]);
    expect(forms).toEqual([
      ["alb-sg", "alb-sg", "cidr", "443-443/tcp"],
      ["bastion-sg", "bastion-sg", "cidr", "22-22/tcp"],
      ["acme-app-ssh", "acme-app-sg", "sg", "22-22/tcp"],
      ["acme-db-from-app", "acme-db-sg", "sg", "5432-5432/tcp"],
      ["acme-app-from-alb", "acme-app-sg", "sg", "8080-8080/tcp"],
    ]);
  });
  it("computes reachability edges with the internet path", () => {
    const edges = m.reachability();
    expect(edges.find((e) => e.to === urnOf(T.sg, "alb-sg"))).toEqual({
      from: "internet",
      to: urnOf(T.sg, "alb-sg"),
      ports: { from: 443, to: 443 },
      protocol: "tcp",
      grantUrn: urnOf(T.sg, "alb-sg"),
      via: ["igw main-igw", "subnet public-a"],
    });
    expect(edges.find((e) => e.grantUrn === urnOf(T.sgRule, "acme-app-ssh"))!.from).toBe(urnOf(T.sg, "bastion-sg"));
    expect(edges.find((e) => e.grantUrn === urnOf(T.sg, "bastion-sg"))!.from).toBe("cidr:52.94.10.10/32");
  });
  it("unites CIDRs across a group's rules into world exposures and internet edges", () => {
    const s = hardened();
    s.add(T.sgRule, "low", { type: "ingress", securityGroupId: UNKNOWN, cidrBlocks: ["0.0.0.0/1"], protocol: "tcp", fromPort: 20, toPort: 30 }, { securityGroupId: ["bastion-sg"] });
    s.add(T.sgRule, "high", { type: "ingress", securityGroupId: UNKNOWN, cidrBlocks: ["128.0.0.0/1"], protocol: "-1", fromPort: 0, toPort: 0 }, { securityGroupId: ["bastion-sg"] });
    const model = buildModel(s.resources);
    const mine = model.worldExposures().filter((e) => e.targetSgUrn === urnOf(T.sg, "bastion-sg"));
    expect(mine.map((e) => [e.protocol, e.ports, e.grants.map((g) => g.grantUrn.split("::").pop()).sort()])).toEqual([["tcp", { from: 20, to: 30 }, ["high", "low"]]]);
    const edge = model.reachability().find((e) => e.grantUrn === urnOf(T.sgRule, "low"))!;
    expect([edge.from, edge.via]).toEqual(["internet", ["igw main-igw", "subnet public-a"]]);
  });
  it("adds the listener ports of databases in the stack to the data ports", () => {
    const s = hardened();
    s.add(T.redshift, "wh", { nodeType: "ra3.xlplus", manageMasterPassword: true });
    s.set("acme-db", { port: 6432 });
    expect(buildModel(s.resources).dataPorts).toEqual(expect.arrayContaining([5439, 6432, 5432, 3306]));
  });
  it("falls back to known ids and names when references are literal", () => {
    const s = hardened();
    s.set("acme-app-sg", { id: "sg-0aaa" });
    s.add(T.sgRule, "by-id", { type: "ingress", securityGroupId: "sg-0aaa", sourceSecurityGroupId: "sg-0zzz", protocol: "tcp", fromPort: 80, toPort: 80 });
    const g = buildModel(s.resources).ingress.find((x) => x.grantUrn === urnOf(T.sgRule, "by-id"))!;
    expect(g.targetSgUrn).toBe(urnOf(T.sg, "acme-app-sg"));
    expect(g.source).toEqual({ kind: "sg", external: "sg-0zzz" });
    s.add(T.sgRule, "by-unknown", { type: "ingress", securityGroupId: UNKNOWN, cidrBlocks: ["10.0.0.0/8"], protocol: "tcp", fromPort: 80, toPort: 80 });
    expect(buildModel(s.resources).ingress.find((x) => x.grantUrn === urnOf(T.sgRule, "by-unknown"))!.targetSgUrn).toBe(`unknown:${urnOf(T.sgRule, "by-unknown")}`);
  });
});

describe("exemption parsing", () => {
  it("validates dates, reasons and expiry", () => {
    expect(isIsoDate("2026-02-28")).toBe(true);
    expect(isIsoDate("2026-02-30")).toBe(false);
    expect(parseTagValue("2099-01-31 vendor access: INC-1")).toEqual({ expires: "2099-01-31", reason: "vendor access: INC-1" });
    expect(exemptionProblem({ expires: "2099-01-31", reason: "ok" }, "2026-01-01")).toBeUndefined();
    expect(exemptionProblem({ expires: "2026-01-01", reason: "ok" }, "2026-01-01")).toBeUndefined();
    expect(exemptionProblem({ expires: "2025-12-31", reason: "ok" }, "2026-01-01")).toMatch(/expired on 2025-12-31/);
    expect(exemptionProblem({ expires: "2099-01-31", reason: " " }, "2026-01-01")).toMatch(/no reason/);
  });
});

describe("rule metadata and docs/rules.md", () => {
  it("has one rule per fixed id with complete metadata", () => {
    expect(rules.map((r) => r.meta.id).sort()).toEqual([...RULE_IDS].sort());
    for (const r of rules) {
      expect(r.meta.why.length, r.meta.id).toBeGreaterThan(20);
      expect(r.meta.why, r.meta.id).not.toContain("\n");
      expect(r.meta.fix.length, r.meta.id).toBeGreaterThan(10);
      if (r.meta.id !== "exemption-valid") expect(r.meta.controls.length, r.meta.id).toBeGreaterThan(0);
    }
  });
  it("docs/rules.md is generated from the current metadata (run `npx tsx scripts/gen-rules-doc.ts` if stale)", () => {
    expect(readFileSync(RULES_DOC_PATH, "utf8")).toBe(renderRulesDoc());
  });
});
