/**
 * PooledDatabase: the shared RDS server of one engine that pooled tenants' databases live on.
 *
 * Why an RDS instance and not Aurora: it is the lowest fixed cost that is still production-sane. A
 * db.t4g.small single-AZ PostgreSQL/MySQL instance costs about $0.032/hour (~$23/month, us-east-1) plus gp3
 * storage; Aurora Serverless v2 bills at least 0.5 ACU × $0.12/ACU-hour (~$44/month) unless it is allowed to
 * pause at 0 ACU, and a paused database that takes seconds to resume is not fit for production traffic
 * (https://aws.amazon.com/rds/postgresql/pricing/, https://aws.amazon.com/rds/aurora/pricing/,
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2-auto-pause.html).
 * Storage autoscaling, backups, deletion protection and an optional Multi-AZ standby make it production-sane.
 *
 * Isolation on the shared server is by database and user (the tenant's rotation function creates both on its
 * first rotation, see rotation/databases.ts); on the network, every member tenant gets a security group of
 * its own on the server (`${name}-door-<tenant>`, tagged with the tenant), which admits only that tenant's app
 * and rotation groups. No group on the server is shared by two tenants, so every data-port grant stays inside
 * one tenant. The storage and the RDS-managed master secret are encrypted with the server's own
 * customer-managed KMS key; only tenants' rotation functions read that secret, each granted exactly its ARN.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { hardenedInstance } from "./rds-instance";
import {
  DEFAULT_TENANTS_PER_SERVER,
  ENGINES,
  Engine,
  PooledDatabaseSettings,
  Problems,
  checkTenantId,
  pooledDatabaseProblems,
} from "./validation";

export interface PooledDatabaseArgs extends PooledDatabaseSettings {
  /** `postgres` (16) or `mysql` (8.0). Required. */
  engine: Engine;
  /**
   * Tenant ids whose databases live here; each gets its own security group on the server. Required, at least
   * one, unique, at most `tenantsPerServer`.
   */
  tenantIds: string[];
  /** VPC of the data tier. Required. */
  vpcId: pulumi.Input<string>;
  /** Data-tier subnet ids (at least two AZs for RDS). Required. */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Extra tags (never `bulkhead:tenant`: the server is the platform's). Default `{}`. */
  tags?: Record<string, string>;
}

/** What a tenant needs to put its database on a shared server; plain Inputs, so a tenant stack can pass StackReference outputs. */
export interface PooledDatabaseRefs {
  /** Engine of the server. */
  engine: Engine;
  /** Server host name. */
  address: pulumi.Input<string>;
  /** Engine port. */
  port: pulumi.Input<number>;
  /** ARN of the RDS-managed master secret (the tenant's rotation function reads it to create the tenant's users). */
  masterSecretArn: pulumi.Input<string>;
  /** ARN of the server's KMS key, which encrypts the master secret. */
  kmsKeyArn: pulumi.Input<string>;
  /** The tenant's own security group on the server: the tenant adds its app and rotation ingress to it. */
  securityGroupId: pulumi.Input<string>;
}

/** Throws one InputPropertiesError naming every invalid argument. */
export function validatePooledDatabaseArgs(name: string, args: PooledDatabaseArgs): void {
  const p = new Problems();
  if (!(args.engine in ENGINES)) p.add("engine", args.engine, "unknown engine", `use one of ${Object.keys(ENGINES).join(", ")}`);
  p.merge("", pooledDatabaseProblems(args));
  if (!Array.isArray(args.tenantIds) || args.tenantIds.length === 0) {
    p.add("tenantIds", args.tenantIds, "a shared server without tenants costs money and serves nobody", "list the pooled tenants, or create no server");
  } else {
    args.tenantIds.forEach((id, i) => {
      checkTenantId(p, `tenantIds[${i}]`, id);
      if (args.tenantIds.indexOf(id) !== i) p.add(`tenantIds[${i}]`, id, "listed twice", "list each tenant once");
    });
    const max = args.tenantsPerServer ?? DEFAULT_TENANTS_PER_SERVER;
    if (args.tenantIds.length > max) {
      p.add("tenantIds", args.tenantIds, `${args.tenantIds.length} tenants need ${args.tenantIds.length} security groups on the server; tenantsPerServer is ${max}`, "put the rest on another shared server, or raise the VPC quota and tenantsPerServer");
    }
  }
  if (args.tags?.["bulkhead:tenant"] !== undefined) {
    p.add("tags.bulkhead:tenant", args.tags["bulkhead:tenant"], "a shared server belongs to the platform, not to one tenant", "remove the tag");
  }
  p.throwIfAny(`PooledDatabase "${name}"`);
}

export class PooledDatabase extends pulumi.ComponentResource {
  public readonly engine: Engine;
  public readonly address: pulumi.Output<string>;
  public readonly port: pulumi.Output<number>;
  public readonly masterSecretArn: pulumi.Output<string>;
  public readonly kmsKeyArn: pulumi.Output<string>;
  /** Each member tenant's security group on the server, by tenant id. */
  public readonly securityGroupIds: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: PooledDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bulkhead:data:PooledDatabase", name, {}, opts);
    validatePooledDatabaseArgs(name, args);
    const child = { parent: this };
    const engine = ENGINES[args.engine];
    const protect = args.deletionProtection ?? true;
    // `bulkhead:shared` tells the review and the cost estimate that the server is no single tenant's, even while
    // one tenant's door is its only tenant-tagged child (ownership would otherwise follow that one tenant).
    const tagged = (n: string, extra: Record<string, string> = {}) => ({ ...args.tags, ...extra, Name: n, "bulkhead:shared": "pooled-database" });

    const account = aws.getCallerIdentityOutput({}, child).accountId;
    const partition = aws.getPartitionOutput({}, child).partition;
    const key = new aws.kms.Key(`${name}-key`, {
      description: `Shared ${args.engine} server of pooled tenants: storage and master secret`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      // RDS and Secrets Manager use the key through grants the account delegates; IAM policies name it exactly.
      policy: pulumi.all([partition, account]).apply(([p, a]) => JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Sid: "AccountAdministersKey", Effect: "Allow", Principal: { AWS: `arn:${p}:iam::${a}:root` }, Action: "kms:*", Resource: "*" }],
      })),
      tags: tagged(`${name}-key`),
    }, child);
    new aws.kms.Alias(`${name}-key-alias`, { name: `alias/bulkhead/${pulumi.getStack()}/${name}`, targetKeyId: key.keyId }, child);

    const doors: Record<string, aws.ec2.SecurityGroup> = {};
    for (const tenantId of args.tenantIds) {
      doors[tenantId] = new aws.ec2.SecurityGroup(`${name}-door-${tenantId}`, {
        vpcId: args.vpcId,
        description: `Tenant ${tenantId}'s way into the shared ${args.engine} server: its app and rotation groups only`,
        revokeRulesOnDelete: true,
        tags: { ...args.tags, Name: `${name}-door-${tenantId}`, "bulkhead:tenant": tenantId },
      }, child);
    }

    // No database at creation: each tenant's first rotation creates its own.
    const db = hardenedInstance(name, {
      engine: args.engine,
      serves: `the shared ${args.engine} server`,
      instanceClass: args.instanceClass ?? "db.t4g.small",
      allocatedStorage: args.allocatedStorage ?? 20,
      maxAllocatedStorage: args.maxAllocatedStorage ?? 100,
      kmsKeyArn: key.arn,
      subnetIds: args.subnetIds,
      securityGroupIds: args.tenantIds.map((t) => doors[t]!.id),
      multiAz: args.multiAz ?? false,
      backupRetentionDays: args.backupRetentionDays ?? 7,
      deletionProtection: protect,
      deletionProtectionExemption: args.deletionProtectionExemption,
      tagged,
    }, child);

    this.engine = args.engine;
    this.address = db.address;
    this.port = pulumi.output(engine.port);
    this.masterSecretArn = db.masterUserSecrets.apply((s) => s?.[0]?.secretArn ?? "");
    this.kmsKeyArn = key.arn;
    this.securityGroupIds = Object.fromEntries(Object.entries(doors).map(([t, g]) => [t, g.id]));
    this.registerOutputs({
      address: this.address,
      port: this.port,
      masterSecretArn: this.masterSecretArn,
      kmsKeyArn: this.kmsKeyArn,
      securityGroupIds: this.securityGroupIds,
    });
  }

  /** The references tenant `tenantId` (a member) passes to its TenantDatabase. */
  refsFor(tenantId: string): PooledDatabaseRefs {
    const securityGroupId = this.securityGroupIds[tenantId];
    if (!securityGroupId) throw new Error(`tenant ${tenantId} is not a member of this shared server; add it to tenantIds`);
    return { engine: this.engine, address: this.address, port: this.port, masterSecretArn: this.masterSecretArn, kmsKeyArn: this.kmsKeyArn, securityGroupId };
  }
}
