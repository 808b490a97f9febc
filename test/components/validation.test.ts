// Pure validation: no Pulumi runtime is loaded here, so every message check costs microseconds.
import { describe, expect, it } from "vitest";
import {
  InputPropertiesError,
  PlatformSettings,
  TenantSettings,
  coversPublicInternet,
  platformProblems,
  resolveAvailabilityZones,
  subnetCidr,
  validatePlatform,
} from "../../components/validation";

const good = (): PlatformSettings => ({
  network: { cidrBlock: "10.0.0.0/16", availabilityZones: ["us-east-1a", "us-east-1b"], natStrategy: "single" },
  admin: { mode: "ssm" },
  tenants: [
    { tenantId: "acme", app: { hostname: "acme.example.com" }, routing: { shard: 0, priority: 1 }, database: { engine: "postgres" } },
    { tenantId: "globex", database: { engine: "mysql" } },
    { tenantId: "hooli", isolation: "silo", cidrBlock: "10.64.0.0/20" },
  ],
  certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0000-1111",
  deployerRoleArns: ["arn:aws:iam::123456789012:role/deployer"],
});

/** Problems of a config that differs from the good one by `change`. */
function problems(change: (c: PlatformSettings) => void) {
  const c = good();
  change(c);
  return platformProblems(c);
}
const tenant = (c: PlatformSettings, i: number): TenantSettings => c.tenants[i]!;

describe("platform validation", () => {
  it("accepts the happy config", () => {
    expect(platformProblems(good())).toEqual([]);
    expect(() => validatePlatform(good())).not.toThrow();
  });

  it("rejects tenant ids by pattern, length and reserved name", () => {
    const p = problems((c) => {
      tenant(c, 0).tenantId = "Acme_Corp";
      tenant(c, 1).tenantId = "a";
      tenant(c, 2).tenantId = "a-very-long-tenant-name-x";
      c.tenants.push({ tenantId: "trailing-" }, { tenantId: "double--hyphen" }, { tenantId: "platform" });
    });
    expect(p.map((x) => [x.field, x.value])).toEqual([
      ["tenants[0].tenantId", "Acme_Corp"],
      ["tenants[1].tenantId", "a"],
      ["tenants[2].tenantId", "a-very-long-tenant-name-x"],
      ["tenants[3].tenantId", "trailing-"],
      ["tenants[4].tenantId", "double--hyphen"],
      ["tenants[5].tenantId", "platform"],
    ]);
    expect(p[0]!.problem).toMatch(/2-20 characters of lower-case letters, digits and single hyphens/);
    expect(p[5]!.problem).toBe("reserved for the shared platform's own resources");
  });

  it("rejects duplicate tenant ids", () => {
    const p = problems((c) => c.tenants.push({ tenantId: "acme" }));
    expect(p).toEqual([{ field: "tenants[3].tenantId", value: "acme", problem: "duplicate tenant id", fix: "give every tenant a unique id" }]);
  });

  it("rejects a silo CIDR overlapping the platform VPC", () => {
    const p = problems((c) => (tenant(c, 2).cidrBlock = "10.0.128.0/20"));
    expect(p).toHaveLength(1);
    expect(p[0]).toMatchObject({ field: "tenants[2].cidrBlock", value: "10.0.128.0/20", problem: "overlaps the platform VPC 10.0.0.0/16" });
  });

  it("rejects silo CIDRs overlapping each other", () => {
    const p = problems((c) => c.tenants.push({ tenantId: "initech", isolation: "silo", cidrBlock: "10.64.8.0/21" }));
    expect(p).toHaveLength(1);
    expect(p[0]).toMatchObject({ field: "tenants[3].cidrBlock", problem: 'overlaps silo tenant "hooli" (10.64.0.0/20)', fix: "give every silo tenant a disjoint block" });
  });

  it("rejects a CIDR too small for tiers × AZ slots, too large, unaligned, public or malformed", () => {
    const p = problems((c) => {
      c.network.cidrBlock = "10.0.0.0/24";
      tenant(c, 2).cidrBlock = "10.64.0.0/12";
      c.tenants.push(
        { tenantId: "unaligned", isolation: "silo", cidrBlock: "10.80.1.0/20" },
        { tenantId: "public", isolation: "silo", cidrBlock: "8.8.0.0/16" },
        { tenantId: "garbage", isolation: "silo", cidrBlock: "10.90.0.0" },
      );
    });
    expect(p.map((x) => [x.field, x.problem])).toEqual([
      ["network.cidrBlock", "too small for the subnet plan: 4 tiers × 8 AZ slots need 32 subnets of at least /28"],
      ["tenants[2].cidrBlock", "AWS VPCs can be at most a /16"],
      ["tenants[3].cidrBlock", "the address is not the network address of its prefix"],
      ["tenants[4].cidrBlock", "not a private (RFC 1918 / RFC 6598) range"],
      ["tenants[5].cidrBlock", "not an IPv4 CIDR block"],
    ]);
    expect(p[0]!.fix).toBe("use a /23 or larger block (e.g. 10.0.0.0/23)");
    expect(p[2]!.fix).toBe("use 10.80.0.0/20");
  });

  it("rejects silo without CIDR and pooled with one", () => {
    const p = problems((c) => {
      delete tenant(c, 2).cidrBlock;
      tenant(c, 0).cidrBlock = "10.70.0.0/20";
    });
    expect(p.map((x) => [x.field, x.problem])).toEqual([
      ["tenants[0].cidrBlock", "a pooled tenant lives in the platform VPC and has no CIDR of its own"],
      ["tenants[2].cidrBlock", "a silo tenant gets its own VPC and needs its own CIDR"],
    ]);
  });

  it.each([
    [["0.0.0.0/0"]],
    [["::/0"]],
    [["0.0.0.0/1", "128.0.0.0/1"]],
    [["2000::/3"]],
    [["1.0.0.0/8", "2.0.0.0/7", "4.0.0.0/6", "8.0.0.0/5", "16.0.0.0/4", "32.0.0.0/3", "64.0.0.0/2", "128.0.0.0/1"]],
  ])("rejects world-wide admin CIDRs %j", (cidrs) => {
    const p = problems((c) => (c.admin = { mode: "ssh", adminCidrs: cidrs }));
    expect(p).toEqual([{
      field: "admin.adminCidrs",
      value: cidrs,
      problem: "together these CIDRs open the admin port to the whole internet",
      fix: "list only your admins' addresses (e.g. /32s) or use the SSM bastion",
    }]);
  });

  it("accepts a real admin allowlist and rejects malformed, missing or ignored ones", () => {
    expect(problems((c) => (c.admin = { mode: "ssh", adminCidrs: ["203.0.113.10/32", "2001:db8::/64", "198.51.100.0/24"] }))).toEqual([]);
    const p = problems((c) => (c.admin = { mode: "ssh", adminCidrs: ["203.0.113.10"] }));
    expect(p.map((x) => x.problem)).toEqual(["not CIDR blocks"]);
    expect(problems((c) => (c.admin = { mode: "ssh" }))[0]).toMatchObject({ field: "admin.adminCidrs", problem: "SSH mode needs an explicit allowlist" });
    expect(problems((c) => (c.admin = { adminCidrs: ["203.0.113.10/32"] }))[0]!.problem).toBe("the SSM bastion has no inbound rules, so an allowlist would be ignored");
    expect(problems((c) => (c.admin = { mode: "telnet" as any }))[0]).toMatchObject({ field: "admin.mode", problem: "unknown admin mode" });
  });

  it("rejects unknown engines and bad database settings", () => {
    const p = problems((c) => {
      tenant(c, 0).database = { engine: "oracle", instanceClass: "m5.large", allocatedStorage: 5, backupRetentionDays: 40, dbName: "1db", username: "postgres", rotationDays: 0 };
    });
    expect(p.map((x) => [x.field, x.problem])).toEqual([
      ["tenants[0].database.engine", "unknown engine"],
      ["tenants[0].database.instanceClass", "not an RDS instance class"],
      ["tenants[0].database.allocatedStorage", "must be a whole number from 20 to 65536"],
      ["tenants[0].database.backupRetentionDays", "must be a whole number from 0 to 35"],
      ["tenants[0].database.dbName", "not a valid database name"],
      ["tenants[0].database.username", "reserved by the engine or used by the master user"],
      ["tenants[0].database.rotationDays", "must be a whole number from 1 to 1000"],
    ]);
    expect(p[0]!.fix).toBe("use one of postgres, mysql");
  });

  it("rejects bad placements and pool settings, each by the field the user wrote", () => {
    const p = problems((c) => {
      tenant(c, 0).database = { engine: "postgres", placement: "Pooled" };
      tenant(c, 1).database = { engine: "mysql", placement: "pooled", pool: 100, connectionLimit: 1001, dbName: "shared", deletionProtection: false };
      tenant(c, 2).database = { engine: "postgres", placement: "pooled" };
      c.tenants.push({ tenantId: "initech", database: { engine: "postgres", pool: 0, connectionLimit: 5 } });
      c.tenants.push({ tenantId: "umbrella", database: { engine: "postgres", placement: "pooled", movingFrom: "pooled" } });
      c.tenants.push({ tenantId: "wayne", database: { engine: "postgres", placement: "pooled", movingFrom: "dedicated", instanceClass: "db.t4g.large" } });
      c.pooledDatabase = { instanceClass: "t4g.small", allocatedStorage: 100, maxAllocatedStorage: 50 };
    });
    expect(p.map((x) => [x.field, x.value, x.problem.slice(0, 40)])).toEqual([
      ["tenants[0].database.placement", "Pooled", "unknown database placement"],
      ["tenants[1].database.deletionProtection", false, "a pooled tenant has no instance of its o"],
      ["tenants[1].database.dbName", "shared", "a pooled tenant's database and user name"],
      ["tenants[1].database.pool", 100, "must be a whole number from 0 to 99"],
      ["tenants[1].database.connectionLimit", 1001, "must be a whole number from 1 to 1000"],
      ["tenants[2].database.placement", "pooled", "a silo tenant shares nothing with the pl"],
      ["tenants[3].database.pool", 0, "only a pooled database has a shared-serv"],
      ["tenants[3].database.connectionLimit", 5, "only a pooled database has a shared-serv"],
      ["tenants[4].database.movingFrom", "pooled", "must name the placement the tenant leave"],
      ["pooledDatabase.instanceClass", "t4g.small", "not an RDS instance class"],
      ["pooledDatabase.maxAllocatedStorage", 50, "below allocatedStorage, so storage could"],
    ]);
  });

  it("fills a shared server only up to tenantsPerServer and names the first tenant past it", () => {
    const pooled = (i: number) => ({ tenantId: `t${i}x`, database: { engine: "postgres", placement: "pooled" } });
    const six = problems((c) => {
      c.tenants = [...Array.from({ length: 6 }, (_, i) => pooled(i)), { ...pooled(9), database: { engine: "postgres", placement: "pooled", pool: 1 } }];
    });
    expect(six.map((x) => [x.field, x.value])).toEqual([["tenants[5].database.pool", undefined]]);
    expect(six[0]!.problem).toMatch(/^shared server pooled-postgres would hold 6 tenants; .* pooledDatabase.tenantsPerServer is 5 \(Amazon VPC: security groups per network interface, 5 unless raised, 16 at most\)$/);
    expect(six[0]!.fix).toBe("set database.pool of tenants[5] to another shared server (e.g. 1), or raise the quota and pooledDatabase.tenantsPerServer");
    // Raised quota, or the sixth on its own slot: accepted. Other engines and dedicated tenants do not count.
    expect(problems((c) => {
      c.tenants = [...Array.from({ length: 6 }, (_, i) => pooled(i)), { tenantId: "my", database: { engine: "mysql", placement: "pooled" } }, { tenantId: "ded", database: { engine: "postgres" } }];
      c.pooledDatabase = { tenantsPerServer: 6 };
    })).toEqual([]);
    expect(problems((c) => {
      c.tenants = Array.from({ length: 6 }, (_, i) => (i === 5 ? { ...pooled(i), database: { engine: "postgres", placement: "pooled", pool: 1 } } : pooled(i)));
    })).toEqual([]);
  });

  it("requires dated, written exemptions", () => {
    const p = problems((c) => {
      tenant(c, 0).database = { engine: "postgres", rotation: false };
      tenant(c, 1).database = {
        engine: "mysql", deletionProtection: false, rotation: false,
        rotationExemption: { expires: "next year", reason: "legacy app; can't re-read" },
        deletionProtectionExemption: { expires: "2027-01-31", reason: " " },
      };
      c.tenants.push({ tenantId: "umbrella", database: { engine: "mysql", rotation: false, rotationExemption: { expires: "2027-02-30", reason: "x" } } });
      c.tenants.push({ tenantId: "initech", database: { engine: "postgres", deletionProtectionExemption: { expires: "2027-01-31", reason: "dev" } } });
    });
    expect(p.map((x) => [x.field, x.problem.slice(0, 50)])).toEqual([
      ["tenants[0].database.rotationExemption", "turning rotation off needs a dated, written exempt"],
      ["tenants[1].database.rotationExemption.expires", "not a calendar date"],
      ["tenants[1].database.rotationExemption.reason", "an exemption needs a written reason of at most 240"],
      ["tenants[1].database.deletionProtectionExemption.reason", "an exemption needs a written reason of at most 240"],
      ["tenants[3].database.rotationExemption.expires", "not a calendar date"],
      ["tenants[4].database.deletionProtectionExemption", "deletion protection is on, so the exemption would "],
    ]);
  });

  it.each([[0], [7], [2.5]])("rejects an unsupported AZ count %s", (n) => {
    const p = problems((c) => {
      c.network.availabilityZones = n;
      c.network.region = "us-east-1";
    });
    expect(p).toEqual([{ field: "network.availabilityZones", value: n, problem: "unsupported AZ count", fix: "use 1 to 6 AZs (2 or 3 is usual)" }]);
  });

  it("rejects bad AZ lists: too many, unknown letters, duplicates, mixed regions, count without region", () => {
    const seven = ["a", "b", "c", "d", "e", "f", "g"].map((l) => `us-east-1${l}`);
    expect(problems((c) => (c.network.availabilityZones = seven))[0]).toMatchObject({ field: "network.availabilityZones", problem: "unsupported AZ count" });
    expect(problems((c) => (c.network.availabilityZones = ["us-east-1z"]))[0]!.problem).toBe("not AZ names with a letter a-h");
    expect(problems((c) => (c.network.availabilityZones = ["us-east-1a", "us-east-1a"]))[0]!.problem).toBe("AZ letter(s) a listed twice");
    expect(problems((c) => (c.network.availabilityZones = ["us-east-1a", "eu-west-1b"]))[0]!.problem).toBe("AZs from more than one region");
    expect(problems((c) => (c.network.availabilityZones = ["us-east-1a"]))).toEqual([{
      field: "network.availabilityZones", value: ["us-east-1a"],
      problem: "databases and load balancers need subnets in at least two AZs", fix: "list two or more AZs",
    }]);
    expect(problems((c) => (c.network.availabilityZones = 2))[0]).toMatchObject({ field: "network.region", problem: "an AZ count needs the region to name the zones" });
  });

  it("rejects unknown NAT strategies, log retention, app sizes and host names", () => {
    const p = problems((c) => {
      c.network.natStrategy = "twoPerAz" as any;
      c.network.flowLogRetentionDays = 10;
      tenant(c, 0).app = { instanceType: "big", minSize: 3, maxSize: 2, port: 22, hostname: "not a host" };
    });
    expect(p.map((x) => [x.field, x.problem])).toEqual([
      ["network.natStrategy", "unknown NAT strategy"],
      ["network.flowLogRetentionDays", "CloudWatch Logs accepts only specific retention periods"],
      ["tenants[0].app.instanceType", "not an EC2 instance type"],
      ["tenants[0].app.port", "must be a whole number from 1024 to 65535"],
      ["tenants[0].app.desiredCapacity", "sizes must satisfy minSize ≤ desiredCapacity ≤ maxSize"],
      ["tenants[0].app.hostname", "not a DNS host name"],
    ]);
  });

  it("requires a certificate when a tenant has an app tier", () => {
    const p = problems((c) => delete c.certificateArn);
    expect(p).toEqual([expect.objectContaining({ field: "certificateArn", problem: "tenants with an app tier need an ACM certificate for the HTTPS listener" })]);
  });

  it("rejects malformed shapes: tenants, allowlist, isolation, exemption, user name", () => {
    expect(platformProblems({ ...good(), tenants: "acme" as any })).toEqual([
      { field: "tenants", value: "acme", problem: "must be a list", fix: "list tenants as [{tenantId: ...}, ...]" },
    ]);
    const p = problems((c) => {
      c.admin = { mode: "ssh", adminCidrs: "203.0.113.10/32" as any };
      tenant(c, 1).isolation = "shared" as any;
      tenant(c, 0).database = { engine: "postgres", username: "App-User", rotation: false, rotationExemption: "2027-01-01 legacy" as any };
    });
    expect(p.map((x) => [x.field, x.problem])).toEqual([
      ["admin.adminCidrs", "must be a list of CIDR blocks"],
      ["tenants[0].database.username", "not a valid database user name"],
      ["tenants[0].database.rotationExemption", "an exemption is an object"],
      ["tenants[1].isolation", "unknown isolation"],
    ]);
  });

  it("requires the deployment role(s) when tenants have secrets", () => {
    expect(problems((c) => delete c.deployerRoleArns)).toEqual([{
      field: "deployerRoleArns", value: [],
      problem: "tenant secrets deny every role not listed, including the one Pulumi deploys with",
      fix: "list the role(s) that run pulumi up for this stack",
    }]);
    expect(problems((c) => (c.deployerRoleArns = ["deployer"]))[0]).toMatchObject({ field: "deployerRoleArns", problem: "not a list of IAM role ARNs" });
  });

  it("throws one InputPropertiesError listing every problem with field, value and fix", () => {
    const c = good();
    c.network.cidrBlock = "10.0.0.0/25";
    c.tenants.push({ tenantId: "acme" });
    let err: unknown;
    try {
      validatePlatform(c);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputPropertiesError);
    const e = err as InputPropertiesError;
    expect(e.problems).toHaveLength(2);
    expect(e.message).toBe([
      "bulkhead-platform config: 2 invalid inputs",
      '  - network.cidrBlock = "10.0.0.0/25": too small for the subnet plan: 4 tiers × 8 AZ slots need 32 subnets of at least /28. Fix: use a /23 or larger block (e.g. 10.0.0.0/23)',
      '  - tenants[3].tenantId = "acme": duplicate tenant id. Fix: give every tenant a unique id',
    ].join("\n"));
  });
});

describe("address plan", () => {
  it("gives each (tier, AZ letter) a fixed slot of vpc prefix + 5 bits", () => {
    expect(subnetCidr("10.0.0.0/16", "public", "us-east-1a")).toBe("10.0.0.0/21");
    expect(subnetCidr("10.0.0.0/16", "public", "us-east-1b")).toBe("10.0.8.0/21");
    expect(subnetCidr("10.0.0.0/16", "app", "us-east-1a")).toBe("10.0.64.0/21");
    expect(subnetCidr("10.0.0.0/16", "data", "us-east-1c")).toBe("10.0.144.0/21");
    expect(subnetCidr("10.0.0.0/16", "admin", "us-east-1h")).toBe("10.0.248.0/21");
    expect(subnetCidr("10.64.0.0/20", "admin", "eu-west-1c")).toBe("10.64.13.0/25");
  });

  it("keys AZs by letter, not list position", () => {
    expect(resolveAvailabilityZones(["eu-west-1c", "eu-west-1a"], undefined)).toEqual(["eu-west-1a", "eu-west-1c"]);
    expect(resolveAvailabilityZones(3, "eu-west-1")).toEqual(["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
  });

  it("finds world-wide CIDR sets and nothing narrower", () => {
    expect(coversPublicInternet(["0.0.0.0/0"])).toBe(true);
    expect(coversPublicInternet(["0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/2"])).toBe(true);
    expect(coversPublicInternet(["0.0.0.0/1", "128.0.0.0/2"])).toBe(false);
    expect(coversPublicInternet(["10.0.0.0/8", "172.16.0.0/12"])).toBe(false);
    expect(coversPublicInternet(["2001:db8::/32"])).toBe(false);
  });
});
