/**
 * Every rule over hand-built stacks (no Pulumi runtime): the hardened fixture passes everything, each failing case
 * changes one thing and asserts the exact set of {rule: [resource]} mandatory violations it causes.
 */
import { namesCredential } from "../../policies/rules/no-typed-in-credentials";
import { describe, expect, it } from "vitest";
import { evaluate, type Diagnostic } from "../../policies/pack";
import { todayUtc } from "../../policies/model/exemptions";
import { hardened, Stack, TYPES as T, UNKNOWN, urnOf } from "./fixtures";

const nameOf = (urn?: string) => (urn ? urn.slice(urn.lastIndexOf("::") + 2) : "<stack>");

/** Mandatory (non-exempted) violations as {rule: sorted resource names}. */
function mandatory(s: Stack, configs: Record<string, Record<string, any>> = {}): Record<string, string[]> {
  return group(evaluate(s.resources, configs).filter((d) => d.enforcement === "mandatory"));
}
function advisory(s: Stack): Record<string, string[]> {
  return group(evaluate(s.resources).filter((d) => d.enforcement === "advisory"));
}
function group(ds: Diagnostic[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const d of ds) (out[d.policy] ??= []).push(nameOf(d.urn));
  for (const k of Object.keys(out)) out[k] = [...new Set(out[k])].sort();
  return out;
}
function messages(s: Stack, rule: string, configs: Record<string, Record<string, any>> = {}): string[] {
  return evaluate(s.resources, configs).filter((d) => d.policy === rule).map((d) => d.message);
}
const sshRuleSource = (s: Stack, props: Record<string, any>, deps: Record<string, string[]> = {}) =>
  s.set("acme-app-ssh", { sourceSecurityGroupId: undefined, ...props }, { sourceSecurityGroupId: [], ...deps });

describe("hardened fixture", () => {
  it("has no violations at all, mandatory or advisory", () => {
    expect(evaluate(hardened().resources)).toEqual([]);
  });
});

describe("no-world-open-sensitive-port", () => {
  it("flags 0.0.0.0/0 on 22 even on the bastion's group", () => {
    const s = hardened().set("bastion-sg", { ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }] });
    expect(mandatory(s)).toEqual({ "no-world-open-sensitive-port": ["bastion-sg"], "only-lbs-face-world": ["bastion-sg"] });
    expect(messages(s, "no-world-open-sensitive-port")[0]).toContain("internet → igw main-igw → subnet public-a → sg bastion-sg:22/tcp");
  });
  it("flags 0.0.0.0/1 + 128.0.0.0/1 split across one rule on the bastion", () => {
    const s = hardened().set("bastion-sg", { ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/1", "128.0.0.0/1"] }] });
    expect(mandatory(s)).toEqual({ "no-world-open-sensitive-port": ["bastion-sg"], "only-lbs-face-world": ["bastion-sg"] });
  });
  it("unites CIDRs across the rules of one group: halves in two inline rules", () => {
    const half = (c: string) => ({ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: [c] });
    const s = hardened().set("bastion-sg", { ingress: [half("0.0.0.0/1"), half("128.0.0.0/1")] });
    expect(mandatory(s)).toEqual({ "no-world-open-sensitive-port": ["bastion-sg"], "only-lbs-face-world": ["bastion-sg"] });
    expect(messages(s, "no-world-open-sensitive-port")[0]).toContain("internet → igw main-igw → subnet public-a → sg bastion-sg:22/tcp");
  });
  it("unites halves declared as separate rule resources of both kinds, blaming both and not the office /32", () => {
    const s = hardened();
    s.add(T.sgRule, "ssh-low", { type: "ingress", securityGroupId: UNKNOWN, cidrBlocks: ["0.0.0.0/1"], protocol: "tcp", fromPort: 22, toPort: 22 }, { securityGroupId: ["bastion-sg"] });
    s.add(T.sgIngress, "ssh-high", { securityGroupId: UNKNOWN, cidrIpv4: "128.0.0.0/1", ipProtocol: "tcp", fromPort: 0, toPort: 1024 }, { securityGroupId: ["bastion-sg"] });
    expect(mandatory(s)).toEqual({ "no-world-open-sensitive-port": ["ssh-high", "ssh-low"], "only-lbs-face-world": ["ssh-high", "ssh-low"] });
    expect(messages(s, "no-world-open-sensitive-port").find((m) => m.startsWith("ec2.SecurityGroupRule ssh-low"))).toContain("together with vpc.SecurityGroupIngressRule ssh-high");
  });
  it("flags ::/0 alone (IPv6 world) on 3389", () => {
    const s = hardened().set("bastion-sg", { ingress: [{ protocol: "tcp", fromPort: 3389, toPort: 3389, ipv6CidrBlocks: ["::/0"] }] });
    expect(mandatory(s)).toEqual({ "no-world-open-sensitive-port": ["bastion-sg"], "only-lbs-face-world": ["bastion-sg"] });
  });
  it("flags a port range covering 22 declared as aws.vpc.SecurityGroupIngressRule", () => {
    const s = hardened();
    s.add(T.sgIngress, "bastion-wide", { securityGroupId: UNKNOWN, cidrIpv4: "0.0.0.0/0", ipProtocol: "tcp", fromPort: 0, toPort: 1024 }, { securityGroupId: ["bastion-sg"] });
    expect(mandatory(s)).toEqual({ "no-world-open-sensitive-port": ["bastion-wide"], "only-lbs-face-world": ["bastion-wide"] });
  });
  it('flags protocol "-1" and "all" (every port) declared as aws.ec2.SecurityGroupRule', () => {
    for (const protocol of ["-1", "all", -1]) {
      const s = hardened();
      s.add(T.sgRule, "bastion-all", { type: "ingress", securityGroupId: UNKNOWN, cidrBlocks: ["0.0.0.0/0"], protocol, fromPort: 0, toPort: 0 }, { securityGroupId: ["bastion-sg"] });
      // Every port includes the data ports: the bastion's (platform) group may not expose them either.
      expect(mandatory(s)).toEqual({ "no-world-open-sensitive-port": ["bastion-all"], "data-ports-tenant-only": ["bastion-all"], "only-lbs-face-world": ["bastion-all"] });
    }
  });
  it("flags protocol number 6 (tcp) on a data port of an unattached group (attached wherever)", () => {
    const s = hardened();
    s.add(T.sg, "spare-sg", { vpcId: UNKNOWN, ingress: [{ protocol: "6", fromPort: 5432, toPort: 5432, cidrBlocks: ["0.0.0.0/0"] }] }, { vpcId: ["main-vpc"] });
    expect(mandatory(s)).toEqual({ "no-world-open-sensitive-port": ["spare-sg"], "data-ports-tenant-only": ["spare-sg"], "only-lbs-face-world": ["spare-sg"] });
    expect(messages(s, "no-world-open-sensitive-port")[0]).toContain("latent");
  });
  it("does not count ICMP as opening TCP ports", () => {
    const s = hardened().set("bastion-sg", { ingress: [{ protocol: "icmp", fromPort: -1, toPort: -1, cidrBlocks: ["0.0.0.0/0"] }] });
    expect(mandatory(s)).toEqual({ "only-lbs-face-world": ["bastion-sg"] });
  });
  it("ignores egress to the world", () => {
    const s = hardened();
    s.add(T.sgRule, "bastion-egress", { type: "egress", securityGroupId: UNKNOWN, cidrBlocks: ["0.0.0.0/0"], protocol: "-1", fromPort: 0, toPort: 0 }, { securityGroupId: ["bastion-sg"] });
    expect(mandatory(s)).toEqual({});
  });
  it("flags the engine port of a database in the stack and config-added admin ports", () => {
    const s = hardened().set("acme-db", { port: 15432 });
    s.add(T.sgIngress, "db-world", { securityGroupId: UNKNOWN, cidrIpv4: "0.0.0.0/0", ipProtocol: "tcp", fromPort: 15432, toPort: 15432 }, { securityGroupId: ["alb-sg"] });
    expect(mandatory(s)["no-world-open-sensitive-port"]).toEqual(["db-world"]);
    const t = hardened();
    t.add(T.sgIngress, "alb-8443", { securityGroupId: UNKNOWN, cidrIpv4: "0.0.0.0/0", ipProtocol: "tcp", fromPort: 8443, toPort: 8443 }, { securityGroupId: ["alb-sg"] });
    const cfg = { "no-world-open-sensitive-port": { adminPorts: [8443] }, "only-lbs-face-world": { allowedWorldPorts: [80, 443, 8443] } };
    expect(mandatory(t, cfg)).toEqual({ "no-world-open-sensitive-port": ["alb-8443"] });
    expect(mandatory(t, { "only-lbs-face-world": cfg["only-lbs-face-world"] })).toEqual({});
  });
  it("fails closed when the source CIDR is unknown at preview", () => {
    const s = hardened().set("bastion-sg", { ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: [UNKNOWN] }] });
    expect(mandatory(s)).toEqual({ "no-world-open-sensitive-port": ["bastion-sg"], "only-lbs-face-world": ["bastion-sg"] });
    expect(messages(s, "no-world-open-sensitive-port")[0]).toContain("cannot be verified before deploy");
  });
  it("resolves an unknown CIDR to the VPC it came from (private: no world finding)", () => {
    const s = hardened().set("bastion-sg", { ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: [UNKNOWN] }] }, { ingress: ["main-vpc"] });
    expect(mandatory(s)).toEqual({});
  });
  it("fails closed when the port range is unknown", () => {
    const s = hardened();
    s.add(T.sgIngress, "alb-unknown-port", { securityGroupId: UNKNOWN, cidrIpv4: "0.0.0.0/0", ipProtocol: "tcp", fromPort: UNKNOWN, toPort: UNKNOWN }, { securityGroupId: ["alb-sg"] });
    // Unknown ports are assumed to be all ports: every port-based rule fails closed.
    expect(mandatory(s)).toEqual({
      "no-world-open-sensitive-port": ["alb-unknown-port"],
      "bastion-only-admin": ["alb-unknown-port"],
      "data-ports-tenant-only": ["alb-unknown-port"],
      "only-lbs-face-world": ["alb-unknown-port"],
    });
    expect(messages(s, "no-world-open-sensitive-port")[0]).toMatch(/port range is unknown at preview, so this cannot be verified before deploy/);
  });
});

describe("bastion-only-admin", () => {
  it("a bastion-tagged group also attached to a non-bastion instance is not the bastion's: its admin CIDR is flagged", () => {
    const s = hardened().set("acme-worker", { vpcSecurityGroupIds: [UNKNOWN, UNKNOWN] }, { vpcSecurityGroupIds: ["acme-app-sg", "bastion-sg"] });
    // Its own SSH from the office is no longer the bastion's door, and groups admitting it admit acme-worker too.
    expect(mandatory(s)).toEqual({ "bastion-only-admin": ["acme-app-ssh", "bastion-sg"] });
    const msgs = messages(s, "bastion-only-admin");
    expect(msgs.find((m) => m.startsWith("sg bastion-sg"))).toContain("sg bastion-sg is tagged bastion but also attached to instance acme-worker");
    expect(msgs.find((m) => m.includes("acme-app-ssh"))).toContain("(it is tagged bastion but also attached to instance acme-worker)");
  });
  it("treats a group used only by the bastion-tagged instance as the bastion's group, and only then", () => {
    const s = hardened().set("bastion-sg", { tags: {} });
    expect(mandatory(s)).toEqual({});
    s.add(T.instance, "ops-box", { ami: "ami-1", instanceType: "t3.micro", subnetId: UNKNOWN, vpcSecurityGroupIds: [UNKNOWN], metadataOptions: { httpTokens: "required" }, rootBlockDevice: { encrypted: true } }, { subnetId: ["acme-app-a"], vpcSecurityGroupIds: ["bastion-sg"] });
    expect(Object.keys(mandatory(s))).toContain("bastion-only-admin");
  });
  it("flags a private CIDR (the VPC CIDR) on 22", () => {
    const s = sshRuleSource(hardened(), { cidrBlocks: ["10.0.0.0/16"] });
    expect(mandatory(s)).toEqual({ "bastion-only-admin": ["acme-app-ssh"] });
  });
  it("flags another group (the ALB's) on 22", () => {
    const s = sshRuleSource(hardened(), { sourceSecurityGroupId: UNKNOWN }, { sourceSecurityGroupId: ["alb-sg"] });
    expect(mandatory(s)).toEqual({ "bastion-only-admin": ["acme-app-ssh"] });
  });
  it("flags a port range that covers 3389 even from the bastion's subnet", () => {
    const s = sshRuleSource(hardened(), { cidrBlocks: ["10.0.0.0/24"], fromPort: 3380, toPort: 3390 });
    expect(mandatory(s)).toEqual({ "bastion-only-admin": ["acme-app-ssh"] });
  });
  it("flags self references and external group ids", () => {
    expect(mandatory(sshRuleSource(hardened(), { self: true }))).toEqual({ "bastion-only-admin": ["acme-app-ssh"] });
    const ext = sshRuleSource(hardened(), { sourceSecurityGroupId: "sg-0123456789abcdef0" });
    expect(mandatory(ext)).toEqual({ "bastion-only-admin": ["acme-app-ssh"] });
    expect(messages(ext, "bastion-only-admin")[0]).toContain("cannot be verified to be the bastion");
  });
  it("fails closed on an unknown source group with no dependency to resolve it", () => {
    const s = sshRuleSource(hardened(), { sourceSecurityGroupId: UNKNOWN });
    expect(mandatory(s)).toEqual({ "bastion-only-admin": ["acme-app-ssh"], "no-world-open-sensitive-port": ["acme-app-ssh"], "only-lbs-face-world": ["acme-app-ssh"] });
    expect(messages(s, "bastion-only-admin")[0]).toContain("cannot be verified before deploy");
  });
  it("when several candidate groups could be the source, passes only if all are bastions", () => {
    const s = sshRuleSource(hardened(), { sourceSecurityGroupId: UNKNOWN }, { sourceSecurityGroupId: ["bastion-sg", "alb-sg"] });
    expect(mandatory(s)).toEqual({ "bastion-only-admin": ["acme-app-ssh"] });
    expect(messages(s, "bastion-only-admin")[0]).toContain("sg alb-sg");
  });
  it("flags admin ports opened by protocol -1 from a CIDR on a launch template's group (inline)", () => {
    const s = hardened().set("acme-app-sg", { ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["10.0.0.0/24"] }] });
    // 10.0.0.0/24 is the platform's public subnet, so the data ports it opens are a tenant breach too.
    expect(mandatory(s)).toEqual({ "bastion-only-admin": ["acme-app-sg"], "data-ports-tenant-only": ["acme-app-sg"] });
  });
});

describe("data-ports-tenant-only", () => {
  const dbSource = (s: Stack, props: Record<string, any>, deps: Record<string, string[]> = {}) =>
    s.set("acme-db-from-app", { sourceSecurityGroupId: undefined, ...props }, { sourceSecurityGroupId: [], ...deps });
  it("flags a platform group (the bastion's) reaching a tenant database", () => {
    const s = dbSource(hardened(), { sourceSecurityGroupId: UNKNOWN }, { sourceSecurityGroupId: ["bastion-sg"] });
    expect(mandatory(s)).toEqual({ "data-ports-tenant-only": ["acme-db-from-app"] });
  });
  it("flags another tenant's group (also a tenant-isolation breach)", () => {
    const s = hardened();
    s.add(T.sg, "globex-app-sg", { vpcId: UNKNOWN, tags: { "bulkhead:tenant": "globex" } }, { vpcId: ["main-vpc"] });
    dbSource(s, { sourceSecurityGroupId: UNKNOWN }, { sourceSecurityGroupId: ["globex-app-sg"] });
    expect(mandatory(s)).toEqual({ "data-ports-tenant-only": ["acme-db-from-app"], "tenant-isolation": ["acme-db-from-app"] });
  });
  it("flags a private CIDR that covers a platform subnet, passes one covering only the tenant's", () => {
    expect(mandatory(dbSource(hardened(), { cidrBlocks: ["10.0.0.0/16"] }))).toEqual({ "data-ports-tenant-only": ["acme-db-from-app"] });
    expect(mandatory(dbSource(hardened(), { cidrBlocks: ["10.0.10.0/24", "10.0.20.0/24"] }))).toEqual({});
  });
  it("fails closed on a source CIDR that is unknown at preview", () => {
    const s = dbSource(hardened(), { cidrBlocks: [UNKNOWN] });
    // Could be public, could be world-wide: every rule that depends on the source fails closed.
    expect(mandatory(s)).toEqual({ "data-ports-tenant-only": ["acme-db-from-app"], "no-world-open-sensitive-port": ["acme-db-from-app"], "only-lbs-face-world": ["acme-db-from-app"] });
    expect(messages(s, "data-ports-tenant-only")[0]).toContain("cannot be verified before deploy");
  });
  it("flags public CIDRs", () => {
    expect(mandatory(dbSource(hardened(), { cidrBlocks: ["52.94.0.0/16"] }))).toEqual({ "data-ports-tenant-only": ["acme-db-from-app"] });
  });
  it("flags a prefix list (contents unverifiable) and counts memcached via protocol -1", () => {
    expect(mandatory(dbSource(hardened(), { prefixListIds: ["pl-123"] }))).toEqual({ "data-ports-tenant-only": ["acme-db-from-app"] });
    const s = hardened().set("acme-db-from-app", { protocol: "-1", fromPort: 0, toPort: 0 }, { sourceSecurityGroupId: ["alb-sg"] });
    expect(mandatory(s)).toEqual({ "data-ports-tenant-only": ["acme-db-from-app"], "bastion-only-admin": ["acme-db-from-app"] });
    expect(messages(s, "data-ports-tenant-only")[0]).toContain("11211");
  });
});

describe("prefix lists defined in the stack are their entries", () => {
  const withOfficeList = (cidrs: string[], extraEntry?: string) => {
    const s = hardened();
    s.add(T.prefixList, "office-ips", { name: "office", addressFamily: "IPv4", maxEntries: 5, entries: cidrs.map((cidr) => ({ cidr })) });
    if (extraEntry) s.add(T.prefixListEntry, "office-extra", { prefixListId: UNKNOWN, cidr: extraEntry }, { prefixListId: ["office-ips"] });
    s.add(T.sgIngress, "bastion-ssh-from-office", { securityGroupId: UNKNOWN, prefixListId: UNKNOWN, ipProtocol: "tcp", fromPort: 22, toPort: 22 }, { securityGroupId: ["bastion-sg"], prefixListId: ["office-ips"] });
    return s;
  };
  it("passes the bastion's SSH from an office prefix list", () => {
    expect(mandatory(withOfficeList(["52.94.10.0/24", "198.51.100.0/24"]))).toEqual({});
  });
  it("sees the whole internet split across a list's entries, inline or as ManagedPrefixListEntry", () => {
    const split = withOfficeList(["0.0.0.0/1", "128.0.0.0/1"]);
    expect(mandatory(split)).toEqual({ "no-world-open-sensitive-port": ["bastion-ssh-from-office"], "only-lbs-face-world": ["bastion-ssh-from-office"] });
    expect(messages(split, "no-world-open-sensitive-port")[0]).toContain("from ec2.ManagedPrefixList office-ips (CIDR 0.0.0.0/1, 128.0.0.0/1)");
    expect(mandatory(withOfficeList(["52.94.10.0/24"], "0.0.0.0/0"))).toEqual({ "no-world-open-sensitive-port": ["bastion-ssh-from-office"], "only-lbs-face-world": ["bastion-ssh-from-office"] });
  });
  it("fails closed when the list's entries are unknown", () => {
    const s = withOfficeList([]);
    s.set("office-ips", { entries: UNKNOWN });
    expect(Object.keys(mandatory(s))).toContain("no-world-open-sensitive-port");
  });
});

describe("only-lbs-face-world", () => {
  it("flags the load balancer's group when it is also attached to an instance, which then faces the world", () => {
    const s = hardened().set("acme-worker", {}, { vpcSecurityGroupIds: ["acme-app-sg", "alb-sg"] });
    s.set("acme-worker", { vpcSecurityGroupIds: [UNKNOWN, UNKNOWN] });
    expect(mandatory(s)).toEqual({ "only-lbs-face-world": ["alb-sg"] });
    expect(messages(s, "only-lbs-face-world")[0]).toContain("is also attached to instance acme-worker");
  });
  it("flags world 443 on a group that is not a load balancer's", () => {
    const s = hardened().set("acme-app-sg", { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }] });
    expect(mandatory(s)).toEqual({ "only-lbs-face-world": ["acme-app-sg"] });
  });
  it("flags world 8080 on the load balancer's group", () => {
    const s = hardened();
    s.add(T.sgRule, "alb-8080", { type: "ingress", securityGroupId: UNKNOWN, cidrBlocks: ["0.0.0.0/0"], protocol: "tcp", fromPort: 8080, toPort: 8080 }, { securityGroupId: ["alb-sg"] });
    expect(mandatory(s)).toEqual({ "only-lbs-face-world": ["alb-8080"] });
  });
  it("flags world 443 on an internal load balancer's group", () => {
    const s = hardened().set("web-alb", { internal: true });
    expect(mandatory(s)).toEqual({ "only-lbs-face-world": ["alb-sg"] });
  });
});

describe("no-public-databases", () => {
  it("flags a publicly accessible Redshift Serverless workgroup", () => {
    const s = hardened();
    s.add("aws:redshiftserverless/workgroup:Workgroup", "analytics-wg", { namespaceName: "analytics", workgroupName: "analytics", publiclyAccessible: true });
    expect(mandatory(s)).toEqual({ "no-public-databases": ["analytics-wg"] });
    s.set("analytics-wg", { publiclyAccessible: false });
    expect(mandatory(s)).toEqual({});
  });
  it("flags publiclyAccessible on RDS, Redshift and fails closed when unknown", () => {
    expect(mandatory(hardened().set("acme-db", { publiclyAccessible: true }))).toEqual({ "no-public-databases": ["acme-db"] });
    const s = hardened().set("acme-db", { publiclyAccessible: UNKNOWN });
    expect(mandatory(s)).toEqual({ "no-public-databases": ["acme-db"] });
    expect(messages(s, "no-public-databases")[0]).toContain("cannot be verified before deploy");
    const r = hardened();
    r.add(T.redshift, "warehouse", { clusterIdentifier: "w", nodeType: "ra3.xlplus", manageMasterPassword: true, publiclyAccessible: true });
    expect(mandatory(r)).toEqual({ "no-public-databases": ["warehouse"] });
  });
  it("flags an OpenSearch domain outside a VPC with a Principal * policy, passes one in a VPC", () => {
    const policy = JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "es:*", Resource: "*" }] });
    const s = hardened();
    s.add(T.opensearch, "search", { domainName: "search", accessPolicies: policy });
    expect(mandatory(s)).toEqual({ "no-public-databases": ["search"] });
    s.set("search", { vpcOptions: { subnetIds: [UNKNOWN], securityGroupIds: [UNKNOWN] } }, { vpcOptions: ["acme-db-a", "acme-db-sg"] });
    expect(mandatory(s)).toEqual({});
  });
});

describe("public-ip-only-bastion-lb", () => {
  /** acme-worker moved into a dual-stack subnet whose IPv6 default route goes to `gateway`. */
  const dualStack = (gateway: "igw" | "eigw", subnet: Record<string, unknown> = {}) => {
    const s = hardened();
    if (gateway === "eigw") s.add(T.eigw, "main-eigw", { vpcId: UNKNOWN }, { vpcId: ["main-vpc"] });
    s.add(T.subnet, "v6-a", { vpcId: UNKNOWN, cidrBlock: "10.0.40.0/24", ipv6CidrBlock: "2600:1f18:abcd:ef00::/64", ...subnet }, { vpcId: ["main-vpc"] });
    const route = gateway === "igw" ? { ipv6CidrBlock: "::/0", gatewayId: UNKNOWN } : { ipv6CidrBlock: "::/0", egressOnlyGatewayId: UNKNOWN };
    s.add(T.rt, "v6-rt", { vpcId: UNKNOWN, routes: [route] }, { vpcId: ["main-vpc"], routes: [gateway === "igw" ? "main-igw" : "main-eigw"] });
    s.add(T.rta, "v6-a-rta", { subnetId: UNKNOWN, routeTableId: UNKNOWN }, { subnetId: ["v6-a"], routeTableId: ["v6-rt"] });
    s.set("acme-worker", {}, { subnetId: ["v6-a"] });
    return s;
  };
  it("flags an IPv6 address behind an internet gateway (explicit or assigned by the subnet); egress-only or opted out passes", () => {
    const explicit = dualStack("igw").set("acme-worker", { ipv6AddressCount: 1 });
    expect(mandatory(explicit)).toEqual({ "public-ip-only-bastion-lb": ["acme-worker"] });
    expect(messages(explicit, "public-ip-only-bastion-lb")[0]).toContain("gets a public IPv6 address: subnet v6-a routes IPv6 to internet gateway main-igw");
    expect(mandatory(dualStack("eigw").set("acme-worker", { ipv6AddressCount: 1 }))).toEqual({});
    expect(mandatory(dualStack("igw", { assignIpv6AddressOnCreation: true }))).toEqual({ "public-ip-only-bastion-lb": ["acme-worker"] });
    expect(mandatory(dualStack("igw", { assignIpv6AddressOnCreation: true }).set("acme-worker", { ipv6AddressCount: 0 }))).toEqual({});
    expect(mandatory(dualStack("igw"))).toEqual({});
  });
  it("flags an ECS service that assigns public IPs to its tasks; false passes, unknown fails closed", () => {
    const svc = (nc: unknown) => {
      const s = hardened();
      s.add(T.ecsService, "acme-web-svc", { launchType: "FARGATE", networkConfiguration: nc, tags: { "bulkhead:tenant": "acme" } });
      return s;
    };
    expect(mandatory(svc({ subnets: [UNKNOWN], securityGroups: [UNKNOWN], assignPublicIp: true }))).toEqual({ "public-ip-only-bastion-lb": ["acme-web-svc"] });
    expect(mandatory(svc({ subnets: [UNKNOWN], securityGroups: [UNKNOWN], assignPublicIp: false }))).toEqual({});
    expect(mandatory(svc({ subnets: [UNKNOWN], securityGroups: [UNKNOWN] }))).toEqual({});
    expect(mandatory(svc({ subnets: [UNKNOWN], assignPublicIp: UNKNOWN }))).toEqual({ "public-ip-only-bastion-lb": ["acme-web-svc"] });
  });
  it("flags an EKS node group launching into a mapPublicIpOnLaunch subnet unless its launch template opts out", () => {
    const ng = (subnet: string, lt?: Record<string, unknown>) => {
      const s = hardened();
      s.add(T.subnet, "nodes-a", { vpcId: UNKNOWN, cidrBlock: "10.0.30.0/24", mapPublicIpOnLaunch: subnet === "public" }, { vpcId: ["main-vpc"] });
      if (lt) s.add(T.lt, "nodes-lt", { metadataOptions: { httpTokens: "required" }, ...lt, blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true" } }] });
      s.add(T.eksNodeGroup, "platform-nodes", { clusterName: "platform", subnetIds: [UNKNOWN], ...(lt ? { launchTemplate: { id: UNKNOWN, version: "1" } } : {}) }, { subnetIds: ["nodes-a"], ...(lt ? { launchTemplate: ["nodes-lt"] } : {}) });
      return s;
    };
    expect(mandatory(ng("public"))).toEqual({ "public-ip-only-bastion-lb": ["platform-nodes"] });
    expect(messages(ng("public"), "public-ip-only-bastion-lb")[0]).toContain("launches nodes into subnet nodes-a with mapPublicIpOnLaunch: true");
    expect(mandatory(ng("private"))).toEqual({});
    expect(mandatory(ng("public", { networkInterfaces: [{ associatePublicIpAddress: "false" }] }))).toEqual({});
  });
  it("flags associatePublicIpAddress on a non-bastion instance, and unknown fails closed", () => {
    expect(mandatory(hardened().set("acme-worker", { associatePublicIpAddress: true }))).toEqual({ "public-ip-only-bastion-lb": ["acme-worker"] });
    const s = hardened().set("acme-worker", { associatePublicIpAddress: UNKNOWN });
    expect(mandatory(s)).toEqual({ "public-ip-only-bastion-lb": ["acme-worker"] });
    expect(messages(s, "public-ip-only-bastion-lb")[0]).toContain("cannot be verified before deploy");
  });
  it("flags an instance landing in a mapPublicIpOnLaunch subnet without opting out", () => {
    const s = hardened().set("public-a", { mapPublicIpOnLaunch: true }).set("acme-worker", {}, { subnetId: ["public-a"] });
    expect(mandatory(s)).toEqual({ "public-ip-only-bastion-lb": ["acme-worker"] });
    expect(mandatory(s.set("acme-worker", { associatePublicIpAddress: false }))).toEqual({});
  });
  it("flags an instance with no subnet (default VPC assigns public IPs)", () => {
    const s = hardened().set("acme-worker", { subnetId: undefined }, { subnetId: [] });
    expect(mandatory(s)).toEqual({ "public-ip-only-bastion-lb": ["acme-worker"] });
  });
  it('flags a launch template whose interface sets associatePublicIpAddress "true" (not its ASG)', () => {
    const s = hardened().set("acme-app-lt", { networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "true", securityGroups: [UNKNOWN] }] });
    expect(mandatory(s)).toEqual({ "public-ip-only-bastion-lb": ["acme-app-lt"] });
  });
  it("flags an auto-scaling group placed in a mapPublicIpOnLaunch subnet by a launch template that doesn't opt out", () => {
    const s = hardened().set("public-a", { mapPublicIpOnLaunch: true }).set("acme-app-asg", {}, { vpcZoneIdentifiers: ["public-a"] });
    expect(mandatory(s)).toEqual({ "public-ip-only-bastion-lb": ["acme-app-asg"] });
    s.set("acme-app-lt", { networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "false" }] });
    expect(mandatory(s)).toEqual({});
  });
  it("flags an EIP on a non-bastion instance, passes one on the bastion", () => {
    const s = hardened();
    s.add(T.eip, "worker-eip", { domain: "vpc", instance: UNKNOWN }, { instance: ["acme-worker"] });
    expect(mandatory(s)).toEqual({ "public-ip-only-bastion-lb": ["worker-eip"] });
    s.set("worker-eip", {}, { instance: ["bastion"] });
    expect(mandatory(s)).toEqual({});
  });
  it("flags an EIP on an ENI not attached to the bastion", () => {
    const s = hardened();
    s.add(T.eni, "worker-eni", { subnetId: UNKNOWN, securityGroups: [UNKNOWN] }, { subnetId: ["acme-app-a"], securityGroups: ["acme-app-sg"] });
    s.add(T.eip, "eni-eip", { domain: "vpc", networkInterface: UNKNOWN }, { networkInterface: ["worker-eni"] });
    expect(mandatory(s)).toEqual({ "public-ip-only-bastion-lb": ["eni-eip"] });
  });
});

describe("imdsv2-required", () => {
  it("passes an instance whose metadata endpoint is switched off (no IMDS at all)", () => {
    expect(mandatory(hardened().set("acme-worker", { metadataOptions: { httpEndpoint: "disabled" } }))).toEqual({});
    expect(mandatory(hardened().set("acme-worker", { metadataOptions: { httpEndpoint: "enabled" } }))).toEqual({ "imdsv2-required": ["acme-worker"] });
  });
  it("flags optional and missing httpTokens on instances and launch templates; defers an unknown one to deploy", () => {
    expect(mandatory(hardened().set("acme-worker", { metadataOptions: { httpTokens: "optional" } }))).toEqual({ "imdsv2-required": ["acme-worker"] });
    expect(mandatory(hardened().set("acme-app-lt", { metadataOptions: undefined }))).toEqual({ "imdsv2-required": ["acme-app-lt"] });
    // The instance's own setting: the resource policy judges it with known inputs before `pulumi up` creates it.
    const s = hardened().set("bastion", { metadataOptions: { httpTokens: UNKNOWN } });
    expect(mandatory(s)).toEqual({});
    const d = evaluate(s.resources).filter((x) => x.policy === "imdsv2-required");
    expect(d.map((x) => [nameOf(x.urn!), x.enforcement, x.kind])).toEqual([["bastion", "advisory", "deferred"]]);
    expect(d[0].message).toContain("deferred to deploy: metadataOptions.httpTokens of instance bastion is unknown at preview");
  });
});

describe("no-typed-in-credentials", () => {
  it("flags a literal (or stack-config) RDS password and passes a generated or AWS-managed one", () => {
    expect(mandatory(hardened().set("acme-db", { password: "hunter2hunter2" }, { password: [] }))).toEqual({ "no-typed-in-credentials": ["acme-db"] });
    expect(mandatory(hardened().set("acme-db", { password: undefined, manageMasterUserPassword: true }, { password: [] }))).toEqual({});
  });
  it("fails closed on an unknown password that no generator or secret explains", () => {
    const s = hardened().set("acme-db", { password: UNKNOWN }, { password: ["acme-key"] });
    expect(mandatory(s)).toEqual({ "no-typed-in-credentials": ["acme-db"] });
    expect(messages(s, "no-typed-in-credentials")[0]).toContain("cannot be verified before deploy");
  });
  it("flags a literal SecretVersion.secretString and an Aurora masterPassword", () => {
    expect(mandatory(hardened().set("acme-db-secret-v", { secretString: '{"password":"p@ss"}' }, { secretString: [] }))).toEqual({ "no-typed-in-credentials": ["acme-db-secret-v"] });
    const s = hardened();
    s.add(T.rdsCluster, "aurora", { engine: "aurora-postgresql", masterUsername: "app", masterPassword: "Sup3rSecret!", storageEncrypted: true, deletionProtection: true, kmsKeyId: "arn:aws:kms:eu-west-1:1:key/x" });
    expect(mandatory(s)).toEqual({ "no-typed-in-credentials": ["aurora"] });
  });
  it("flags secret-looking Lambda and ECS environment variables with literal values", () => {
    const s = hardened().set("acme-fn", { environment: { variables: { STRIPE_API_KEY: "sk_live_123", LOG_LEVEL: "info" } } }, { environment: [] });
    expect(mandatory(s)).toEqual({ "no-typed-in-credentials": ["acme-fn"] });
    const t = hardened().set("acme-task", { containerDefinitions: JSON.stringify([{ name: "web", image: "nginx", environment: [{ name: "DB_PASSWORD", value: "hunter2" }] }]) });
    expect(mandatory(t)).toEqual({ "no-typed-in-credentials": ["acme-task"] });
  });
});

describe("no-typed-in-credentials: every place AWS takes a credential", () => {
  const withResource = (type: string, name: string, props: Record<string, unknown>, deps: Record<string, string[]> = {}) => {
    const s = hardened();
    s.add(type, name, props, deps);
    return s;
  };
  it("flags literal passwords in nested and write-only fields; passes generated ones", () => {
    const os = (pw: unknown, deps: Record<string, string[]> = {}) =>
      withResource(T.opensearch, "search", { vpcOptions: { subnetIds: [UNKNOWN] }, advancedSecurityOptions: { enabled: true, masterUserOptions: { masterUserName: "admin", masterUserPassword: pw } } }, deps);
    expect(mandatory(os("Adm1n!pass"))).toEqual({ "no-typed-in-credentials": ["search"] });
    expect(messages(os("Adm1n!pass"), "no-typed-in-credentials")[0]).toContain("advancedSecurityOptions.masterUserOptions.masterUserPassword");
    expect(mandatory(os(UNKNOWN, { advancedSecurityOptions: ["acme-db-password"] }))).toEqual({});
    expect(mandatory(hardened().set("acme-db", { password: undefined, passwordWo: "hunter2hunter2" }, { password: [] }))).toEqual({ "no-typed-in-credentials": ["acme-db"] });
    expect(mandatory(withResource(T.secretVersion, "wo-v", { secretId: UNKNOWN, secretStringWo: "p@ss", secretStringWoVersion: 1 }, { secretId: ["acme-db-secret"] }))).toEqual({ "no-typed-in-credentials": ["wo-v"] });
  });
  it("flags one typed-in broker user next to a generated one, and a literal SSM SecureString (not a plain String)", () => {
    const mq = withResource("aws:mq/broker:Broker", "events-mq", { engineType: "RabbitMQ", users: [{ username: "app", password: UNKNOWN }, { username: "ops", password: "rabbit-ops-2024" }] }, { users: ["acme-db-password"] });
    expect(mandatory(mq)).toEqual({ "no-typed-in-credentials": ["events-mq"] });
    expect(messages(mq, "no-typed-in-credentials")[0]).toContain("users[].password");
    const ssm = (type: string) => withResource("aws:ssm/parameter:Parameter", "db-password-param", { name: "/acme/db/password", type, value: "hunter2hunter2" });
    expect(mandatory(ssm("SecureString"))).toEqual({ "no-typed-in-credentials": ["db-password-param"] });
    expect(mandatory(ssm("String"))).toEqual({});
  });
  it("flags a PLAINTEXT CodeBuild credential; SECRETS_MANAGER references pass", () => {
    const cb = (vars: unknown[]) => withResource("aws:codebuild/project:Project", "deploy-build", { environment: { computeType: "BUILD_GENERAL1_SMALL", image: "aws/codebuild/standard:7.0", type: "LINUX_CONTAINER", environmentVariables: vars } });
    expect(mandatory(cb([{ name: "NPM_TOKEN", value: "npm_9f8e7d6c5b4a" }]))).toEqual({ "no-typed-in-credentials": ["deploy-build"] });
    expect(mandatory(cb([{ name: "NPM_TOKEN", value: "ci/npm-token", type: "SECRETS_MANAGER" }, { name: "STAGE", value: "prod" }]))).toEqual({});
  });
});

describe("no-typed-in-credentials: environment provenance is per variable", () => {
  it("flags a typed-in key next to a variable that comes from a secret (one source can't vouch for the map)", () => {
    const s = hardened().set("acme-fn", { environment: { variables: { DB_SECRET_ARN: UNKNOWN, STRIPE_API_KEY: "sk_live_51Habc" } } }, { environment: ["acme-db-secret"] });
    expect(mandatory(s)).toEqual({ "no-typed-in-credentials": ["acme-fn"] });
    expect(messages(s, "no-typed-in-credentials")[0]).toContain("environment variable STRIPE_API_KEY");
  });
  it("passes a credential-named variable whose value is the referenced secret's own (its name)", () => {
    const s = hardened().set("acme-db-secret", { name: "acme/db" });
    s.set("acme-fn", { environment: { variables: { DB_SECRET: "acme/db" } } }, { environment: ["acme-db-secret"] });
    expect(mandatory(s)).toEqual({});
  });
  it("passes an unknown credential from a generator, and fails closed on one nothing explains", () => {
    expect(mandatory(hardened().set("acme-fn", { environment: { variables: { DB_PASSWORD: UNKNOWN } } }, { environment: ["acme-db-password"] }))).toEqual({});
    const s = hardened().set("acme-fn", { environment: { variables: { DB_PASSWORD: UNKNOWN } } }, { environment: ["acme-db"] });
    expect(mandatory(s)).toEqual({ "no-typed-in-credentials": ["acme-fn"] });
    expect(messages(s, "no-typed-in-credentials")[0]).toContain("environment variable DB_PASSWORD is unknown at preview");
  });
  it("fails closed when the variables map is unknown as a whole (names can't be read)", () => {
    const s = hardened().set("acme-fn", { environment: { variables: UNKNOWN } }, { environment: ["acme-db-secret"] });
    expect(mandatory(s)).toEqual({ "no-typed-in-credentials": ["acme-fn"] });
    expect(messages(s, "no-typed-in-credentials")[0]).toContain("environment.variables is unknown at preview");
  });
  it("ECS: an unknown containerDefinitions passes only when it draws on a generator or secret", () => {
    expect(mandatory(hardened().set("acme-task", { containerDefinitions: UNKNOWN }, { containerDefinitions: ["acme-db-secret"] }))).toEqual({});
    const s = hardened().set("acme-task", { containerDefinitions: UNKNOWN }, { containerDefinitions: ["acme-key"] });
    expect(mandatory(s)).toEqual({ "no-typed-in-credentials": ["acme-task"] });
    expect(messages(s, "no-typed-in-credentials")[0]).toContain("containerDefinitions is unknown at preview");
  });
  it("ECS: a typed-in token is flagged even when another container variable references a secret", () => {
    const defs = JSON.stringify([{ name: "web", image: "nginx", environment: [{ name: "DB_SECRET_ARN", value: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:acme" }, { name: "API_TOKEN", value: "tok_live_9f8e7d" }] }]);
    expect(mandatory(hardened().set("acme-task", { containerDefinitions: defs }, { containerDefinitions: ["acme-db-secret"] }))).toEqual({ "no-typed-in-credentials": ["acme-task"] });
  });
});

describe("no-typed-in-credentials: what names and values count as credentials", () => {
  it("reads the last word of a variable name, in any case style", () => {
    for (const n of ["DB_PASSWORD", "stripeApiKey", "GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY", "client-secret", "PASSWORD"]) expect(namesCredential(n), n).toBe(true);
    for (const n of ["SECRETS_MANAGER_ENDPOINT", "PASSWORD_LENGTH", "TOKEN_TTL_SECONDS", "DB_PASSWORD_FILE", "LOG_LEVEL"]) expect(namesCredential(n), n).toBe(false);
  });
  it("passes settings that only mention a credential word, and plain URLs, numbers and booleans", () => {
    const s = hardened().set("acme-fn", {
      environment: { variables: { SECRETS_MANAGER_ENDPOINT: "https://secretsmanager.eu-west-1.amazonaws.com", PASSWORD_LENGTH: "32", TOKEN_TTL_SECONDS: "3600", API_TOKEN: "true" } },
    }, { environment: [] });
    expect(mandatory(s)).toEqual({});
  });
  it("flags a URL with a password in it whatever the variable is called", () => {
    const s = hardened().set("acme-fn", { environment: { variables: { DATABASE_URL: "postgres://app:hunter2@db.internal:5432/app" } } }, { environment: [] });
    expect(mandatory(s)).toEqual({ "no-typed-in-credentials": ["acme-fn"] });
  });
});

describe("no-admin-workloads", () => {
  it("flags AdministratorAccess attached through RolePolicyAttachmentsExclusive (role by name)", () => {
    const s = hardened();
    s.set("acme-app-role", { name: "acme-app" });
    s.add("aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", "acme-app-attachments", { roleName: "acme-app", policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/AdministratorAccess"] });
    expect(mandatory(s)).toEqual({ "no-admin-workloads": ["acme-app-attachments"] });
    s.set("acme-app-attachments", { policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] });
    expect(mandatory(s)).toEqual({});
  });
  const admin = (statement: unknown) => JSON.stringify({ Version: "2012-10-17", Statement: statement });
  it('flags Action "*" on Resource "*" in a RolePolicy (Statement as object or list, "*:*")', () => {
    expect(mandatory(hardened().set("acme-app-policy", { policy: admin({ Effect: "Allow", Action: "*", Resource: "*" }) }))).toEqual({ "no-admin-workloads": ["acme-app-policy"] });
    expect(mandatory(hardened().set("acme-app-policy", { policy: { Statement: [{ Effect: "Allow", Action: ["*:*"], Resource: ["*"] }] } }))).toEqual({ "no-admin-workloads": ["acme-app-policy"] });
  });
  it("flags AdministratorAccess attached by RolePolicyAttachment and by managedPolicyArns", () => {
    const s = hardened();
    s.add(T.rpa, "acme-admin", { role: UNKNOWN, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }, { role: ["acme-app-role"] });
    expect(mandatory(s)).toEqual({ "no-admin-workloads": ["acme-admin"] });
    expect(mandatory(hardened().set("acme-app-role", { managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] }))).toEqual({ "no-admin-workloads": ["acme-app-role"] });
  });
  it("flags an admin iam.Policy attached to a lambda role and inline admin policies", () => {
    const s = hardened();
    s.add(T.role, "fn-role", { assumeRolePolicy: { Statement: [{ Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com"] }, Action: "sts:AssumeRole" }] }, inlinePolicies: [{ name: "all", policy: admin([{ Effect: "Allow", Action: "*", Resource: "*" }]) }] });
    s.add(T.policy, "god", { policy: admin([{ Effect: "Allow", Action: "*", Resource: "*" }]) });
    s.add(T.rpa, "fn-god", { role: UNKNOWN, policyArn: UNKNOWN }, { role: ["fn-role"], policyArn: ["god"] });
    expect(mandatory(s)).toEqual({ "no-admin-workloads": ["fn-god", "fn-role"] });
  });
  it("passes admin on a role no workload can assume, fails closed on an unknown document", () => {
    const s = hardened();
    s.add(T.role, "ops-role", { assumeRolePolicy: { Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "sts:AssumeRole" }] }, managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] });
    expect(mandatory(s)).toEqual({});
    const u = hardened().set("acme-app-policy", { policy: UNKNOWN });
    expect(mandatory(u)).toEqual({ "no-admin-workloads": ["acme-app-policy"] });
    expect(messages(u, "no-admin-workloads")[0]).toContain("cannot be verified before deploy");
  });
});

describe("no-public-s3-write", () => {
  it("flags public-read-write ACLs on a bucket and a BucketAclV2", () => {
    expect(mandatory(hardened().set("acme-assets", { acl: "public-read-write" }))).toEqual({ "no-public-s3-write": ["acme-assets"] });
    const s = hardened();
    s.add(T.bucketAcl, "assets-acl", { bucket: UNKNOWN, acl: "public-read-write" }, { bucket: ["acme-assets"] });
    expect(mandatory(s)).toEqual({ "no-public-s3-write": ["assets-acl"] });
  });
  it('flags Principal {AWS:"*"} with s3:Put* or "*" in a bucket policy, and an unknown policy fails closed', () => {
    const pol = (stmt: unknown) => JSON.stringify({ Statement: [stmt] });
    expect(mandatory(hardened().set("acme-assets-policy", { policy: pol({ Effect: "Allow", Principal: { AWS: "*" }, Action: "s3:Put*", Resource: "*" }) }))).toEqual({ "no-public-s3-write": ["acme-assets-policy"] });
    expect(mandatory(hardened().set("acme-assets-policy", { policy: pol({ Effect: "Allow", Principal: "*", Action: ["s3:GetObject", "*"], Resource: "*" }) }))).toEqual({ "no-public-s3-write": ["acme-assets-policy"] });
    expect(mandatory(hardened().set("acme-assets-policy", { policy: pol({ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*" }) }))).toEqual({});
    expect(mandatory(hardened().set("acme-assets-policy", { policy: UNKNOWN }))).toEqual({ "no-public-s3-write": ["acme-assets-policy"] });
  });
});

describe("tenant-isolation", () => {
  const withGlobex = () => {
    const s = hardened();
    s.add(T.vpc, "globex-vpc", { cidrBlock: "10.1.0.0/16", tags: { "bulkhead:tenant": "globex" } });
    s.add(T.subnet, "globex-app-a", { vpcId: UNKNOWN, cidrBlock: "10.1.10.0/24", tags: { "bulkhead:tenant": "globex" } }, { vpcId: ["globex-vpc"] });
    s.add(T.sg, "globex-app-sg", { vpcId: UNKNOWN, tags: { "bulkhead:tenant": "globex" } }, { vpcId: ["globex-vpc"] });
    s.add(T.flowLog, "globex-flow", { vpcId: UNKNOWN }, { vpcId: ["globex-vpc"] });
    s.add(T.defaultSg, "globex-default-sg", { vpcId: UNKNOWN }, { vpcId: ["globex-vpc"] });
    s.add(T.defaultNacl, "globex-default-nacl", { defaultNetworkAclId: UNKNOWN }, { defaultNetworkAclId: ["globex-vpc"] });
    return s;
  };
  it("passes a second tenant that stays apart", () => {
    expect(evaluate(withGlobex().resources)).toEqual([]);
  });
  it("flags a group reference from one tenant into another on a non-data port", () => {
    const s = withGlobex();
    s.add(T.sgIngress, "acme-from-globex", { securityGroupId: UNKNOWN, referencedSecurityGroupId: UNKNOWN, ipProtocol: "tcp", fromPort: 8080, toPort: 8080 }, { securityGroupId: ["acme-app-sg"], referencedSecurityGroupId: ["globex-app-sg"] });
    expect(mandatory(s)).toEqual({ "tenant-isolation": ["acme-from-globex"] });
  });
  it("flags a CIDR rule covering another tenant's subnet", () => {
    const s = withGlobex();
    s.add(T.sgIngress, "acme-from-10", { securityGroupId: UNKNOWN, cidrIpv4: "10.1.0.0/16", ipProtocol: "tcp", fromPort: 8080, toPort: 8080 }, { securityGroupId: ["acme-app-sg"] });
    expect(mandatory(s)).toEqual({ "tenant-isolation": ["acme-from-10"] });
  });
  it("flags peering between two tenants; passes a tenant peered with the platform, and platform-platform", () => {
    const s = withGlobex();
    s.add(T.vpc, "initech-vpc", { cidrBlock: "10.2.0.0/16", tags: { "bulkhead:tenant": "initech" } });
    s.add(T.peering, "initech-globex", { vpcId: UNKNOWN, peerVpcId: UNKNOWN, autoAccept: true }, { vpcId: ["initech-vpc"], peerVpcId: ["globex-vpc"] });
    expect(mandatory(s)).toEqual({ "tenant-isolation": ["initech-globex"] });
    // Peering is not transitive: the platform's VPC (bastion, shared services) peered with a tenant joins no tenants.
    const hub = withGlobex();
    hub.add(T.peering, "platform-globex", { vpcId: UNKNOWN, peerVpcId: UNKNOWN, autoAccept: true }, { vpcId: ["main-vpc"], peerVpcId: ["globex-vpc"] });
    expect(mandatory(hub)).toEqual({});
    const p = hardened();
    p.add(T.vpc, "shared-vpc", { cidrBlock: "10.9.0.0/16" });
    p.add(T.peering, "platform-peer", { vpcId: UNKNOWN, peerVpcId: UNKNOWN }, { vpcId: ["main-vpc"], peerVpcId: ["shared-vpc"] });
    expect(mandatory(p)).toEqual({});
  });
  it("fails closed on a tenant VPC peered with a VPC outside the stack", () => {
    const s = withGlobex();
    s.add(T.peering, "globex-ext", { vpcId: UNKNOWN, peerVpcId: "vpc-0abc", peerOwnerId: "123456789012" }, { vpcId: ["globex-vpc"] });
    expect(mandatory(s)).toEqual({ "tenant-isolation": ["globex-ext"] });
    expect(messages(s, "tenant-isolation")[0]).toContain("cannot be verified before deploy");
  });
  /** globex and initech silos and the platform's VPC on one transit gateway; `segmented` gives each its own route table. */
  const onHub = (opts: { segmented?: boolean } = {}) => {
    const s = withGlobex();
    s.add(T.vpc, "initech-vpc", { cidrBlock: "10.2.0.0/16", tags: { "bulkhead:tenant": "initech" } });
    s.add(T.tgw, "hub", opts.segmented ? { defaultRouteTableAssociation: "disable", defaultRouteTablePropagation: "disable" } : {});
    for (const [att, vpc] of [["globex-att", "globex-vpc"], ["initech-att", "initech-vpc"], ["platform-att", "main-vpc"]])
      s.add(T.tgwAtt, att, { transitGatewayId: UNKNOWN, vpcId: UNKNOWN, subnetIds: [UNKNOWN] }, { transitGatewayId: ["hub"], vpcId: [vpc] });
    if (opts.segmented) {
      // Each tenant's table reaches only the platform; the platform's table reaches every tenant.
      for (const owner of ["globex", "initech", "platform"]) {
        s.add(T.tgwRt, `${owner}-rt`, { transitGatewayId: UNKNOWN }, { transitGatewayId: ["hub"] });
        s.add(T.tgwAssoc, `${owner}-assoc`, { transitGatewayAttachmentId: UNKNOWN, transitGatewayRouteTableId: UNKNOWN }, { transitGatewayAttachmentId: [`${owner}-att`], transitGatewayRouteTableId: [`${owner}-rt`] });
      }
      for (const [att, rt] of [["platform-att", "globex-rt"], ["platform-att", "initech-rt"], ["globex-att", "platform-rt"], ["initech-att", "platform-rt"]])
        s.add(T.tgwProp, `${att}-into-${rt}`, { transitGatewayAttachmentId: UNKNOWN, transitGatewayRouteTableId: UNKNOWN }, { transitGatewayAttachmentId: [att], transitGatewayRouteTableId: [rt] });
    }
    return s;
  };
  it("flags tenant attachments that share the gateway's default route table", () => {
    const s = onHub();
    expect(mandatory(s)).toEqual({ "tenant-isolation": ["globex-att", "initech-att"] });
    expect(messages(s, "tenant-isolation")[0]).toContain("through the default route table of transit gateway hub (propagation by default)");
  });
  it("passes one tenant and the platform on the default route table", () => {
    expect(mandatory(onHub().remove("initech-att"))).toEqual({});
  });
  it("passes segmented route tables (each tenant reaches only the platform), and an attachment kept off the default table", () => {
    expect(mandatory(onHub({ segmented: true }))).toEqual({});
    const s = onHub();
    s.set("initech-att", { transitGatewayDefaultRouteTableAssociation: false, transitGatewayDefaultRouteTablePropagation: false });
    expect(mandatory(s)).toEqual({});
  });
  it("flags a propagation or static route that lets one tenant's table reach another tenant; a blackhole route is fine", () => {
    const p = onHub({ segmented: true });
    p.add(T.tgwProp, "globex-into-initech", { transitGatewayAttachmentId: UNKNOWN, transitGatewayRouteTableId: UNKNOWN }, { transitGatewayAttachmentId: ["globex-att"], transitGatewayRouteTableId: ["initech-rt"] });
    expect(mandatory(p)).toEqual({ "tenant-isolation": ["initech-att"] });
    expect(messages(p, "tenant-isolation")[0]).toContain("route table initech-rt (propagation globex-into-initech)");
    const r = onHub({ segmented: true });
    r.add(T.tgwRoute, "initech-to-globex", { destinationCidrBlock: "10.1.0.0/16", transitGatewayAttachmentId: UNKNOWN, transitGatewayRouteTableId: UNKNOWN }, { transitGatewayAttachmentId: ["globex-att"], transitGatewayRouteTableId: ["initech-rt"] });
    expect(mandatory(r)).toEqual({ "tenant-isolation": ["initech-att"] });
    const b = onHub({ segmented: true });
    b.add(T.tgwRoute, "initech-drop-globex", { destinationCidrBlock: "10.1.0.0/16", blackhole: true, transitGatewayRouteTableId: UNKNOWN }, { transitGatewayRouteTableId: ["initech-rt"] });
    expect(mandatory(b)).toEqual({});
  });
  it("fails closed on a tenant attached to a gateway outside the stack, or associated with a table it can't resolve", () => {
    const s = withGlobex();
    s.add(T.tgwAtt, "globex-att", { transitGatewayId: "tgw-0123456789abcdef0", vpcId: UNKNOWN, subnetIds: [UNKNOWN] }, { vpcId: ["globex-vpc"] });
    expect(mandatory(s)).toEqual({ "tenant-isolation": ["globex-att"] });
    expect(messages(s, "tenant-isolation")[0]).toContain("cannot be verified before deploy");
    const t = onHub({ segmented: true });
    t.set("globex-assoc", { transitGatewayRouteTableId: UNKNOWN }, { transitGatewayRouteTableId: [] });
    expect(mandatory(t)).toEqual({ "tenant-isolation": ["globex-att"] });
  });
});

describe("private-eks-api", () => {
  it("flags the default public endpoint (no CIDRs) and 0.0.0.0/0, passes narrow CIDRs, defers an unknown setting to deploy", () => {
    const cfg = (vc: Record<string, any>) => hardened().set("platform-eks", { vpcConfig: { subnetIds: [UNKNOWN], ...vc } });
    expect(mandatory(cfg({}))).toEqual({ "private-eks-api": ["platform-eks"] });
    expect(mandatory(cfg({ endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] }))).toEqual({ "private-eks-api": ["platform-eks"] });
    expect(mandatory(cfg({ endpointPublicAccess: true, publicAccessCidrs: ["52.94.10.10/32"] }))).toEqual({});
    expect(mandatory(cfg({ endpointPublicAccess: UNKNOWN }))).toEqual({});
    expect(advisory(cfg({ endpointPublicAccess: UNKNOWN }))["private-eks-api"]).toEqual(["platform-eks"]);
    expect(messages(cfg({ endpointPublicAccess: UNKNOWN }), "private-eks-api")).toEqual([
      expect.stringContaining("deferred to deploy: vpcConfig.endpointPublicAccess of eks.Cluster platform-eks is unknown at preview"),
    ]);
  });
});

describe("Lightsail", () => {
  it("flags the default firewall (22 open to all) and the always-public IP", () => {
    const s = hardened();
    s.add(T.lightsail, "blog", { availabilityZone: "eu-west-1a", blueprintId: "wordpress", bundleId: "nano_3_0" });
    expect(mandatory(s)).toEqual({
      "bastion-only-admin": ["blog"],
      "no-world-open-sensitive-port": ["blog"],
      "only-lbs-face-world": ["blog"],
      "public-ip-only-bastion-lb": ["blog"],
    });
    s.add(T.lightsailPorts, "blog-ports", { instanceName: UNKNOWN, portInfos: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrs: ["52.94.10.10/32"] }] }, { instanceName: ["blog"] });
    expect(mandatory(s)).toEqual({ "bastion-only-admin": ["blog-ports"], "public-ip-only-bastion-lb": ["blog"] });
  });
});

describe("exemptions", () => {
  const publicDb = () => hardened().set("acme-db", { publiclyAccessible: true });
  const tag = (s: Stack, value: string, rule = "no-public-databases") =>
    s.set("acme-db", { tags: { "bulkhead:tenant": "acme", [`bulkhead:exempt:${rule}`]: value } });
  it("a valid tag exemption turns the violation advisory with the exemption line", () => {
    const s = tag(publicDb(), "2099-12-31 vendor migration INC-42");
    const ds = evaluate(s.resources).filter((d) => d.policy === "no-public-databases");
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ enforcement: "advisory", urn: urnOf(T.rds, "acme-db"), exemption: { expires: "2099-12-31", reason: "vendor migration INC-42" } });
    expect(ds[0].message.split("\n").pop()).toBe("exempted until 2099-12-31: vendor migration INC-42");
    expect(mandatory(s)).toEqual({});
  });
  it("an exemption expiring today is still valid", () => {
    expect(mandatory(tag(publicDb(), `${todayUtc()} until end of day`))).toEqual({});
  });
  it("expired, reason-less, malformed-date and unknown-rule exemptions are exemption-valid violations; the finding stays mandatory", () => {
    for (const v of ["2020-01-01 old vendor", "2099-12-31", "31-12-2099 wrong format", "2099-02-30 no such day"]) {
      expect(mandatory(tag(publicDb(), v))).toEqual({ "exemption-valid": ["acme-db"], "no-public-databases": ["acme-db"] });
    }
    expect(mandatory(tag(hardened(), "2099-12-31 x", "no-such-rule"))).toEqual({ "exemption-valid": ["acme-db"] });
  });
  it("config exemptions cover untagged rule resources by name or URN; broken ones are violations", () => {
    const s = hardened();
    s.add(T.sgRule, "partner-ssh", { type: "ingress", securityGroupId: UNKNOWN, cidrBlocks: ["52.94.20.0/24"], protocol: "tcp", fromPort: 22, toPort: 22 }, { securityGroupId: ["acme-app-sg"] });
    expect(mandatory(s)).toEqual({ "bastion-only-admin": ["partner-ssh"] });
    const ok = { "bastion-only-admin": { exemptions: [{ resource: "partner-ssh", reason: "partner VPN until cutover", expires: "2099-01-31" }] } };
    expect(mandatory(s, ok)).toEqual({});
    const ex = evaluate(s.resources, ok).find((d) => d.policy === "bastion-only-admin")!;
    expect(ex.exemption).toEqual({ reason: "partner VPN until cutover", expires: "2099-01-31" });
    const byUrn = { "bastion-only-admin": { exemptions: [{ resource: urnOf(T.sgRule, "partner-ssh"), reason: "r", expires: "2099-01-31" }] } };
    expect(mandatory(s, byUrn)).toEqual({});
    const expired = { "bastion-only-admin": { exemptions: [{ resource: "partner-ssh", reason: "partner VPN", expires: "2021-01-31" }] } };
    expect(mandatory(s, expired)).toEqual({ "bastion-only-admin": ["partner-ssh"], "exemption-valid": ["partner-ssh"] });
    const noReason = { "bastion-only-admin": { exemptions: [{ resource: "partner-ssh", expires: "2099-01-31" }] } };
    expect(mandatory(s, noReason)).toEqual({ "bastion-only-admin": ["partner-ssh"], "exemption-valid": ["partner-ssh"] });
  });
  it("reads exemption tags in the list form auto-scaling groups use", () => {
    const s = hardened().set("public-a", { mapPublicIpOnLaunch: true }).set("acme-app-asg", { tags: [{ key: "bulkhead:exempt:public-ip-only-bastion-lb", value: "2099-01-01 load test window", propagateAtLaunch: false }] }, { vpcZoneIdentifiers: ["public-a"] });
    expect(mandatory(s)).toEqual({});
    s.set("acme-app-asg", { tags: [{ key: "bulkhead:exempt:public-ip-only-bastion-lb", value: "2001-01-01 stale", propagateAtLaunch: false }] });
    expect(mandatory(s)).toEqual({ "exemption-valid": ["acme-app-asg"], "public-ip-only-bastion-lb": ["acme-app-asg"] });
  });
  it("an exemption for one rule does not exempt another", () => {
    const s = tag(publicDb(), "2099-12-31 reason", "rds-deletion-protection");
    expect(mandatory(s)).toEqual({ "no-public-databases": ["acme-db"] });
  });
});

describe("advisory rules", () => {
  it("each reports its resource at advisory level", () => {
    const s = hardened()
      .remove("main-flow")
      .remove("main-default-sg")
      .remove("main-default-nacl")
      .remove("acme-db-rotation")
      .remove("session-prefs")
      .set("acme-logs", { kmsKeyId: undefined }, { kmsKeyId: [] })
      .set("acme-db", { storageEncrypted: false, deletionProtection: false })
      .set("acme-worker", { rootBlockDevice: undefined });
    s.add(T.naclRule, "ssh-world", { networkAclId: UNKNOWN, ruleNumber: 100, egress: false, protocol: "tcp", ruleAction: "allow", cidrBlock: "0.0.0.0/0", fromPort: 22, toPort: 22 });
    expect(advisory(s)).toEqual({
      "vpc-flow-logs": ["main-vpc"],
      "default-sg-no-rules": ["main-vpc"],
      "default-nacl-no-rules": ["main-vpc"],
      "nacl-no-world-admin": ["ssh-world"],
      "secrets-rotation": ["acme-db-secret"],
      "customer-managed-kms": ["acme-logs"],
      "rds-storage-encrypted": ["acme-db"],
      "rds-deletion-protection": ["acme-db"],
      "ebs-encryption": ["acme-worker"],
      "session-manager-logging": ["bastion"],
    });
    expect(mandatory(s)).toEqual({});
  });
  it("flags default SG/NACL that keep rules and a session document without encryption", () => {
    const s = hardened()
      .set("main-default-sg", { ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, self: true }] })
      .set("main-default-nacl", { ingress: [{ protocol: "-1", ruleNo: 100, action: "allow", cidrBlock: "0.0.0.0/0", fromPort: 0, toPort: 0 }] })
      .set("session-prefs", { content: JSON.stringify({ inputs: { cloudWatchLogGroupName: "/ssm" } }) });
    expect(advisory(s)).toEqual({
      "default-sg-no-rules": ["main-default-sg"],
      "default-nacl-no-rules": ["main-default-nacl"],
      "nacl-no-world-admin": ["main-default-nacl"],
      "session-manager-logging": ["session-prefs"],
    });
  });
  it("enforcementLevel config can make an advisory rule mandatory or disable a rule", () => {
    const s = hardened().set("acme-db", { deletionProtection: false });
    expect(mandatory(s, { "rds-deletion-protection": { enforcementLevel: "mandatory" } })).toEqual({ "rds-deletion-protection": ["acme-db"] });
    expect(evaluate(s.resources, { "rds-deletion-protection": { enforcementLevel: "disabled" } })).toEqual([]);
  });
});
