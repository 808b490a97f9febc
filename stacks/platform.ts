/**
 * The platform program, as functions: `readPlatformConfig` turns stack config into settings,
 * `buildPlatform` builds PlatformNetwork + AdminAccess + one internet-facing load balancer per routing shard
 * + one Tenant per entry. index.ts calls both; tests call `buildPlatform` directly under mocks.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  AdminAccess,
  DEDICATED_ONLY_FIELDS,
  PlatformNetwork,
  PooledDatabase,
  PublicLoadBalancer,
  Tenant,
  TenantAppArgs,
  TenantDatabaseSettings,
  InputPropertiesError,
  pooledTenantsByServer,
  validatePlatform,
} from "../components";
import type { AdminMode, Engine, Isolation, LoadBalancerQuotas, NatStrategy, PooledDatabaseSettings, Routing } from "../components";
import { Problems, SHARD_MAX, checkTenantId, type InputProblem } from "../components/validation";

export interface TenantConfig {
  tenantId: string;
  isolation?: Isolation;
  cidrBlock?: string;
  app?: Omit<TenantAppArgs, "amiId">;
  database?: TenantDatabaseSettings;
  /** Pooled with an app tier: its load-balancer slot, written once (see README, "Routing and shards"). */
  routing?: Routing;
}

/** Shard 0 keeps the name the single load balancer always had, so existing stacks replace nothing. */
export function shardName(shard: number): string {
  return shard === 0 ? "web" : `web-${shard}`;
}

export interface PlatformConfig {
  region: string;
  vpcCidr: string;
  availabilityZones: string[] | number;
  natStrategy?: NatStrategy;
  flowLogRetentionDays?: number;
  adminMode?: AdminMode;
  adminCidrs?: string[];
  bastionInstanceType?: string;
  sessionLogRetentionDays?: number;
  instanceConnectEndpoint?: boolean;
  certificateArn?: string;
  loadBalancerDeletionProtection?: boolean;
  loadBalancerQuotas?: LoadBalancerQuotas;
  deployerRoleArns?: string[];
  databaseDefaults?: Partial<TenantDatabaseSettings>;
  /** The shared servers of pooled tenants' databases (one per engine and pool in use). */
  pooledDatabase?: PooledDatabaseSettings;
  /**
   * Shards whose load balancer exists even when no tenant of this stack uses it: the ones tenant stacks
   * (`stacks/tenants/`) route to. Default: only the shards this stack's own tenants use.
   */
  shards?: number[];
  /**
   * Pooled databases of tenants kept in tenant stacks (`stacks/tenants/`): the shared server's network interface
   * is the platform's, so the platform creates each one's security group on it (the tenant's door) and exports it
   * in `pooledDatabases`. Default `[]`.
   */
  tenantStackDatabases?: TenantStackDatabase[];
  tenants: TenantConfig[];
}

/** A tenant-stack tenant's seat on a shared database server. */
export interface TenantStackDatabase {
  /** The tenant id as its tenant stack writes it. */
  tenantId: string;
  /** `postgres` or `mysql`: the tenant's `database.engine`. */
  engine: Engine;
  /** The tenant's `database.pool` (default 0). */
  pool?: number;
}

/** Reads `bulkhead-platform:*` (and `aws:region`); every key is documented in README.md, "Components and stacks". */
export function readPlatformConfig(): PlatformConfig {
  const c = new pulumi.Config("bulkhead-platform");
  const region = new pulumi.Config("aws").get("region") ?? "us-east-1";
  return {
    region,
    vpcCidr: c.require("vpcCidr"),
    availabilityZones: c.getObject<string[] | number>("availabilityZones") ?? 2,
    natStrategy: c.get("natStrategy") as NatStrategy | undefined,
    flowLogRetentionDays: c.getNumber("flowLogRetentionDays"),
    adminMode: c.get("adminMode") as AdminMode | undefined,
    adminCidrs: c.getObject<string[]>("adminCidrs"),
    bastionInstanceType: c.get("bastionInstanceType"),
    sessionLogRetentionDays: c.getNumber("sessionLogRetentionDays"),
    instanceConnectEndpoint: c.getBoolean("instanceConnectEndpoint"),
    certificateArn: c.get("certificateArn"),
    loadBalancerDeletionProtection: c.getBoolean("loadBalancerDeletionProtection"),
    loadBalancerQuotas: c.getObject<LoadBalancerQuotas>("loadBalancerQuotas"),
    deployerRoleArns: c.getObject<string[]>("deployerRoleArns"),
    databaseDefaults: c.getObject<Partial<TenantDatabaseSettings>>("databaseDefaults"),
    pooledDatabase: c.getObject<PooledDatabaseSettings>("pooledDatabase"),
    shards: c.getObject<number[]>("shards"),
    tenantStackDatabases: c.getObject<TenantStackDatabase[]>("tenantStackDatabases"),
    tenants: c.getObject<TenantConfig[]>("tenants") ?? [],
  };
}

export interface TenantOutputs {
  secretArns: pulumi.Output<string[]>;
  databaseEndpoint: pulumi.Output<string | undefined>;
  vpcId: pulumi.Output<string>;
  bastionSessionCommand: pulumi.Output<string | undefined>;
  /** Pooled: the DNS name of the tenant's shard (point its host name there); silo: its own load balancer's. */
  loadBalancerDnsName: pulumi.Output<string | undefined>;
}

/** What a tenant (or a tenant stack, through StackReference) needs to attach to a shared database server. */
export interface PooledDatabaseOutputs {
  engine: Engine;
  /** Slot number of the server among the engine's servers (`database.pool`). */
  pool: number;
  endpoint: pulumi.Output<string>;
  port: pulumi.Output<number>;
  masterSecretArn: pulumi.Output<string>;
  kmsKeyArn: pulumi.Output<string>;
  /** Each member tenant's own security group on the server, by tenant id. */
  securityGroupIds: Record<string, pulumi.Output<string>>;
}

export interface PlatformOutputs {
  vpcId: pulumi.Output<string>;
  bastionSessionCommand: pulumi.Output<string>;
  /** Shard 0's DNS name (the one load balancer of a single-shard stack). */
  loadBalancerDnsName: pulumi.Output<string> | undefined;
  /** Every shard's DNS name, by shard number. */
  loadBalancerShards: Record<string, pulumi.Output<string>>;
  tenants: Record<string, TenantOutputs>;
  /** Shared database servers by name (`pooled-postgres`, `pooled-mysql-1`, …); empty without pooled tenants. */
  pooledDatabases: Record<string, PooledDatabaseOutputs>;
  /** What a tenant stack builds its pooled tenants on (stacks/tenants/ reads it through a StackReference). */
  refs: PlatformRefs;
}

/** The platform's resources a pooled tenant joins, as plain outputs (exported for tenant stacks). */
export interface PlatformRefs {
  network: {
    vpcId: pulumi.Output<string>;
    appSubnetIds: pulumi.Output<string[]>;
    dataSubnetIds: pulumi.Output<string[]>;
    endpointSecurityGroupId: pulumi.Output<string>;
    s3PrefixListId: pulumi.Output<string>;
  };
  bastionSecurityGroupId: pulumi.Output<string>;
  /** Per shard number: its HTTPS listener, its load balancer's security group and DNS name. */
  shards: Record<string, { listenerArn: pulumi.Output<string>; securityGroupId: pulumi.Output<string>; dnsName: pulumi.Output<string> }>;
}

/** Component argument → the `bulkhead-platform:` (or `aws:`) config key it was read from. */
const CONFIG_KEYS: Record<string, string> = {
  "network.cidrBlock": "vpcCidr",
  "network.availabilityZones": "availabilityZones",
  "network.region": "aws:region",
  "network.natStrategy": "natStrategy",
  "network.flowLogRetentionDays": "flowLogRetentionDays",
  "admin.mode": "adminMode",
  "admin.adminCidrs": "adminCidrs",
  "admin.instanceType": "bastionInstanceType",
  "admin.sessionLogRetentionDays": "sessionLogRetentionDays",
};

/** `network.cidrBlock` → `bulkhead-platform:vpcCidr`; `tenants[2].app.port` → `bulkhead-platform:tenants[2].app.port`. */
export function configKeyOf(field: string): string {
  const key = CONFIG_KEYS[field] ?? field;
  return key.includes(":") ? key : `bulkhead-platform:${key}`;
}

/**
 * A tenant's database settings: `databaseDefaults` under the tenant's own. Defaults that do not apply are
 * left out rather than refused, so one defaults block serves both placements: instance settings for a pooled
 * database (the shared server's come from `pooledDatabase`), and `placement` for a silo tenant (always dedicated).
 * What a tenant writes itself is kept, and validation names it.
 */
export function tenantDatabaseSettings(t: TenantConfig, defaults: Partial<TenantDatabaseSettings> = {}): TenantDatabaseSettings | undefined {
  if (!t.database) return undefined;
  const d: Record<string, unknown> = { ...defaults };
  if (t.isolation === "silo") delete d.placement;
  const sides = [t.database.placement ?? d.placement ?? "dedicated", t.database.movingFrom];
  if (!sides.includes("dedicated")) for (const f of DEDICATED_ONLY_FIELDS) delete d[f];
  if (!sides.includes("pooled")) delete d.connectionLimit;
  delete d.movingFrom; // a move is one tenant's, never a default
  return { ...d, ...t.database } as TenantDatabaseSettings;
}

export function buildPlatform(cfg: PlatformConfig): PlatformOutputs {
  const tenants = cfg.tenants.map((t) => ({ ...t, database: tenantDatabaseSettings(t, cfg.databaseDefaults) }));
  // Everything is checked before the first resource exists: one error lists every problem, each named by
  // the stack config key the user wrote (not the component argument it became).
  try {
    validatePlatform({
      network: { cidrBlock: cfg.vpcCidr, availabilityZones: cfg.availabilityZones, region: cfg.region, natStrategy: cfg.natStrategy, flowLogRetentionDays: cfg.flowLogRetentionDays },
      admin: { mode: cfg.adminMode, adminCidrs: cfg.adminCidrs, instanceType: cfg.bastionInstanceType, sessionLogRetentionDays: cfg.sessionLogRetentionDays },
      tenants,
      certificateArn: cfg.certificateArn,
      deployerRoleArns: cfg.deployerRoleArns,
      loadBalancerQuotas: cfg.loadBalancerQuotas,
      pooledDatabase: cfg.pooledDatabase,
    });
    if (cfg.shards !== undefined && (!Array.isArray(cfg.shards) || cfg.shards.some((n) => !Number.isInteger(n) || n < 0 || n > SHARD_MAX))) {
      throw new InputPropertiesError("shards", [{ field: "shards", value: cfg.shards, problem: `must be a list of shard numbers 0-${SHARD_MAX}`, fix: "list the shards tenant stacks route to, e.g. [0, 1, 2]" }]);
    }
    const seats = tenantStackDatabaseProblems(cfg);
    if (seats.length) throw new InputPropertiesError("tenantStackDatabases", seats);
  } catch (e) {
    if (!(e instanceof InputPropertiesError)) throw e;
    throw new InputPropertiesError("stack config", e.problems.map((p) => ({ ...p, field: configKeyOf(p.field) })));
  }

  const network = new PlatformNetwork("platform", {
    cidrBlock: cfg.vpcCidr,
    availabilityZones: cfg.availabilityZones,
    region: cfg.region,
    natStrategy: cfg.natStrategy,
    flowLogRetentionDays: cfg.flowLogRetentionDays,
  });
  const ssh = (cfg.adminMode ?? "ssm") === "ssh";
  const admin = new AdminAccess("admin", {
    vpcId: network.vpcId,
    subnetIds: ssh ? network.publicSubnetIds : network.adminSubnetIds,
    region: cfg.region,
    mode: cfg.adminMode,
    adminCidrs: cfg.adminCidrs,
    endpointSecurityGroupId: network.endpointSecurityGroupId,
    s3PrefixListId: network.s3PrefixListId,
    instanceType: cfg.bastionInstanceType,
    sessionLogRetentionDays: cfg.sessionLogRetentionDays,
    instanceConnectEndpoint: cfg.instanceConnectEndpoint,
  });
  // One internet-facing ALB per shard in use; each tenant's shard is the one written in its routing slot.
  const routed = tenants.filter((t) => t.app && t.isolation !== "silo");
  const shards = [...new Set([...routed.map((t) => t.routing!.shard), ...(cfg.shards ?? [])])].sort((x, y) => x - y);
  const lbs = new Map<number, PublicLoadBalancer>();
  for (const n of shards) {
    const certs = routed.filter((t) => t.routing!.shard === n && t.app!.certificateArn).map((t) => t.app!.certificateArn!);
    lbs.set(n, new PublicLoadBalancer(shardName(n), {
      vpcId: network.vpcId,
      subnetIds: network.publicSubnetIds,
      certificateArn: cfg.certificateArn!,
      additionalCertificateArns: certs,
      deletionProtection: cfg.loadBalancerDeletionProtection,
    }));
  }

  // One shared server per engine and pool slot that some pooled tenant uses; each member gets its own group on it.
  const servers = new Map<string, PooledDatabase>();
  const slots = new Map<string, number>();
  // Tenant-stack tenants take their seats like the platform's own (after them, so no inline tenant's door moves).
  const seated = [...tenants, ...(cfg.tenantStackDatabases ?? []).map((d) => ({ tenantId: d.tenantId, database: { engine: d.engine, placement: "pooled" as const, pool: d.pool } }))];
  for (const [server, members] of pooledTenantsByServer(seated)) {
    const first = seated[members[0]!]!.database!;
    slots.set(server, first.pool ?? 0);
    servers.set(server, new PooledDatabase(server, {
      ...cfg.pooledDatabase,
      engine: first.engine,
      tenantIds: members.map((i) => seated[i]!.tenantId),
      vpcId: network.vpcId,
      subnetIds: network.dataSubnetIds,
    }));
  }
  const serverOf = (t: TenantConfig) => {
    const d = t.database;
    if (!d || (d.placement !== "pooled" && d.movingFrom !== "pooled") || t.isolation === "silo") return undefined;
    return servers.get(pooledTenantsByServer([t]).keys().next().value!)!.refsFor(t.tenantId);
  };

  const out: Record<string, TenantOutputs> = {};
  for (const t of tenants) {
    const silo = t.isolation === "silo";
    const tenant = new Tenant(t.tenantId, {
      tenantId: t.tenantId,
      isolation: t.isolation,
      region: cfg.region,
      ...(silo
        ? { cidrBlock: t.cidrBlock, availabilityZones: cfg.availabilityZones, natStrategy: cfg.natStrategy, certificateArn: t.app ? cfg.certificateArn : undefined }
        : {
          network,
          bastionSecurityGroupId: admin.securityGroupId,
          loadBalancer: t.app ? lbs.get(t.routing!.shard) : undefined,
          listenerRulePriority: t.app ? t.routing!.priority : undefined,
        }),
      logRetentionDays: cfg.flowLogRetentionDays,
      app: t.app,
      database: t.database,
      databaseServer: serverOf(t),
      managerRoleArns: cfg.deployerRoleArns,
    });
    out[t.tenantId] = {
      secretArns: tenant.secretArns,
      databaseEndpoint: tenant.databaseEndpoint,
      vpcId: tenant.vpcId,
      bastionSessionCommand: tenant.bastionSessionCommand,
      loadBalancerDnsName: silo || !t.app ? tenant.loadBalancerDnsName : lbs.get(t.routing!.shard)!.dnsName,
    };
  }
  return {
    vpcId: network.vpcId,
    bastionSessionCommand: admin.sessionCommand,
    loadBalancerDnsName: lbs.get(0)?.dnsName,
    loadBalancerShards: Object.fromEntries([...lbs].map(([n, lb]) => [String(n), lb.dnsName])),
    tenants: out,
    pooledDatabases: Object.fromEntries([...servers].map(([n, srv]) => [n, {
      engine: srv.engine,
      pool: slots.get(n)!,
      endpoint: srv.address,
      port: srv.port,
      masterSecretArn: srv.masterSecretArn,
      kmsKeyArn: srv.kmsKeyArn,
      securityGroupIds: srv.securityGroupIds,
    }])),
    refs: {
      network: {
        vpcId: network.vpcId,
        appSubnetIds: network.appSubnetIds,
        dataSubnetIds: network.dataSubnetIds,
        endpointSecurityGroupId: network.endpointSecurityGroupId,
        s3PrefixListId: network.s3PrefixListId,
      },
      bastionSecurityGroupId: admin.securityGroupId,
      shards: Object.fromEntries([...lbs].map(([n, lb]) => [String(n), { listenerArn: lb.listenerArn, securityGroupId: lb.securityGroupId, dnsName: lb.dnsName }])),
    },
  };
}

/** Problems of `tenantStackDatabases`, each named by its config key (`tenantStackDatabases[i].field`). */
export function tenantStackDatabaseProblems(cfg: PlatformConfig): InputProblem[] {
  const list = cfg.tenantStackDatabases;
  if (list === undefined) return [];
  if (!Array.isArray(list)) return [{ field: "tenantStackDatabases", value: list, problem: "must be a list", fix: "list seats as [{tenantId, engine, pool}]" }];
  const out: InputProblem[] = [];
  const own = new Set(cfg.tenants.map((t) => t.tenantId));
  const seen = new Set<string>();
  list.forEach((d, i) => {
    const at = (f: string) => `tenantStackDatabases[${i}].${f}`;
    const id = new Problems();
    checkTenantId(id, at("tenantId"), d?.tenantId);
    if (id.list.length) {
      out.push(...id.list);
    } else if (own.has(d.tenantId)) {
      out.push({ field: at("tenantId"), value: d.tenantId, problem: "is one of this stack's own tenants, whose database seat comes from its tenants entry", fix: "remove this seat" });
    } else if (seen.has(d.tenantId)) {
      out.push({ field: at("tenantId"), value: d.tenantId, problem: "listed twice", fix: "list each tenant-stack tenant once" });
    }
    if (typeof d?.tenantId === "string") seen.add(d.tenantId);
    if (d?.engine !== "postgres" && d?.engine !== "mysql") out.push({ field: at("engine"), value: d?.engine, problem: "unknown engine", fix: "use postgres or mysql, the tenant's database.engine" });
    if (d?.pool !== undefined && (!Number.isInteger(d.pool) || d.pool < 0 || d.pool > 99)) out.push({ field: at("pool"), value: d.pool, problem: "must be a whole number 0–99", fix: "use the tenant's database.pool (default 0)" });
  });
  return out;
}
