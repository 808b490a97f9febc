/**
 * Pooled databases of tenants kept in tenant stacks: the shared server's security groups are the platform's
 * (an RDS instance's `vpcSecurityGroupIds` has one owner), so the platform seats each tenant-stack tenant
 * (`bulkhead-platform:tenantStackDatabases`) and the tenant stack builds its database on that seat.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

import { run, type Run } from "./harness";
import { buildPlatform, readPlatformConfig, tenantStackDatabaseProblems, type PlatformConfig } from "../../stacks/platform";
import { buildTenantStack, tenantStackProblems, type PlatformInputs } from "../../stacks/tenants/tenants";
import { tenantStackSettings } from "../../stacks/tenants/settings";

const dev = parse(readFileSync(path.join(__dirname, "../../stacks/Pulumi.dev.yaml"), "utf8")).config as Record<string, unknown>;
const SEATS = "bulkhead-platform:tenantStackDatabases";
const DB = "aws:rds/instance:Instance";
const SG = "aws:ec2/securityGroup:SecurityGroup";

const initech = { tenantId: "initech", app: { hostname: "initech.dev.example.com" }, routing: { shard: 0, priority: 20345 }, database: { engine: "postgres" as const, placement: "pooled" as const } };

describe("the platform seats tenant-stack tenants on its shared servers", () => {
  let platform: Run;
  it("a seat adds the tenant's own door to the server after the platform's own tenants, and exports it", async () => {
    platform = await run(() => buildPlatform(readPlatformConfig()), { ...dev, [SEATS]: [{ tenantId: "initech", engine: "postgres" }] });
    const server = platform.one(DB, "pooled-postgres-db");
    const doors = platform.byType(SG).filter((g) => g.name.startsWith("pooled-postgres-door-"));
    expect(doors.map((g) => [g.name, g.inputs.tags["bulkhead:tenant"]])).toEqual([
      ["pooled-postgres-door-acme", "acme"],
      ["pooled-postgres-door-initech", "initech"],
    ]);
    expect(server.inputs.vpcSecurityGroupIds).toEqual(doors.map((g) => g.id));
    const outputs = platform.result.pooledDatabases["pooled-postgres"];
    expect(Object.keys(outputs.securityGroupIds)).toEqual(["acme", "initech"]);
  });

  it.each([
    [[{ tenantId: "acme", engine: "postgres" }], "tenantStackDatabases[0].tenantId", /one of this stack's own tenants/],
    [[{ tenantId: "initech", engine: "oracle" }], "tenantStackDatabases[0].engine", /unknown engine/],
    [[{ tenantId: "initech", engine: "mysql", pool: 120 }], "tenantStackDatabases[0].pool", /0–99/],
    [[{ tenantId: "initech", engine: "mysql" }, { tenantId: "initech", engine: "mysql" }], "tenantStackDatabases[1].tenantId", /listed twice/],
    [[{ tenantId: "Initech!", engine: "mysql" }], "tenantStackDatabases[0].tenantId", /.+/],
  ])("refuses %j, naming %s", (seats, field, problem) => {
    const cfg = { tenants: [{ tenantId: "acme" }], tenantStackDatabases: seats } as unknown as PlatformConfig;
    const found = tenantStackDatabaseProblems(cfg).find((p) => p.field === field);
    expect(found?.problem).toMatch(problem);
  });

  it("a bad seat stops the platform before any resource, naming the config key", async () => {
    let err: unknown;
    const r = await run(() => {
      try {
        return buildPlatform(readPlatformConfig());
      } catch (e) {
        err = e;
        return {};
      }
    }, { ...dev, [SEATS]: [{ tenantId: "initech", engine: "oracle" }] });
    expect(String((err as Error)?.message) + JSON.stringify((err as { problems?: unknown })?.problems)).toContain("bulkhead-platform:tenantStackDatabases[0].engine");
    expect(r.resources.filter((x) => x.type.startsWith("aws:"))).toEqual([]);
  });
});

describe("a tenant stack builds a pooled database on its seat", () => {
  const platformCfg = { ...(readPlatformConfigFrom(dev)), tenantStackDatabases: [{ tenantId: "initech", engine: "postgres" as const }] };
  const settings = tenantStackSettings(platformCfg, [0]);
  const inputs: PlatformInputs = {
    network: { vpcId: "vpc-1", appSubnetIds: ["subnet-a", "subnet-b"], dataSubnetIds: ["subnet-c", "subnet-d"], endpointSecurityGroupId: "sg-endpoints", s3PrefixListId: "pl-s3" },
    bastionSecurityGroupId: "sg-bastion",
    shard: () => ({ listenerArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/1/2", securityGroupId: "sg-web", dnsName: "web.example.com" }),
    pooledServer: (server, tenantId, engine) => ({ engine, address: `${server}.example.rds.amazonaws.com`, port: 5432, masterSecretArn: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${server}-master`, kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/server", securityGroupId: `sg-door-${tenantId}` }),
  };

  it("without a seat the tenant stack is refused before any resource, with the platform key to add", () => {
    const unseated = tenantStackSettings(readPlatformConfigFrom(dev), [0]);
    const p = tenantStackProblems({ platformStack: "organization/bulkhead-platform/dev", tenants: [initech] }, unseated);
    expect(p).toContainEqual(expect.objectContaining({
      field: "bulkhead-tenants:tenants[0].database.placement",
      fix: expect.stringContaining("bulkhead-platform:tenantStackDatabases"),
    }));
  });

  it("a seat on another engine is refused, naming both servers", () => {
    const p = tenantStackProblems({ platformStack: "organization/bulkhead-platform/dev", tenants: [{ ...initech, database: { engine: "mysql", placement: "pooled" } }] }, settings);
    expect(p.find((x) => x.field === "bulkhead-tenants:tenants[0].database.placement")?.problem).toBe("the platform seats initech on pooled-postgres, not pooled-mysql");
  });

  it("with its seat: no RDS instance of its own; the app and rotation groups are admitted by its door on the server", async () => {
    const r = await run(() => buildTenantStack({ platformStack: "organization/bulkhead-platform/dev", tenants: [initech] }, settings, inputs), { "aws:region": "us-east-1" });
    expect(r.byType(DB)).toEqual([]);
    const intoDoor = r.resources.filter((x) => x.inputs.securityGroupId === "sg-door-initech");
    expect(intoDoor.length).toBeGreaterThanOrEqual(2);
    const secret = r.resources.find((x) => x.type === "aws:secretsmanager/secretVersion:SecretVersion" && x.name.startsWith("initech-pooled-database"));
    expect(secret, "the tenant's app credential names the shared server").toBeDefined();
  });
});

/** `readPlatformConfig` reads `pulumi.Config`; outside a program, the same fields from the stack file. */
function readPlatformConfigFrom(config: Record<string, unknown>): PlatformConfig {
  const get = (k: string) => config[`bulkhead-platform:${k}`];
  return {
    region: config["aws:region"] as string,
    vpcCidr: get("vpcCidr") as string,
    availabilityZones: get("availabilityZones") as string[],
    natStrategy: get("natStrategy") as PlatformConfig["natStrategy"],
    certificateArn: get("certificateArn") as string,
    deployerRoleArns: get("deployerRoleArns") as string[],
    databaseDefaults: get("databaseDefaults") as PlatformConfig["databaseDefaults"],
    tenants: (get("tenants") as PlatformConfig["tenants"]) ?? [],
  } as PlatformConfig;
}


