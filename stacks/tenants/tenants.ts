/**
 * The tenant-stack program, as functions: `readTenantStackConfig` reads `bulkhead-tenants:*`,
 * `tenantStackProblems` validates this stack's tenants together with the platform's own (one slot, one host
 * name, one id each), `buildTenantStack` builds one Tenant per entry on the platform's network, bastion and
 * load-balancer shards, read through a StackReference (./index.ts). Tests call these directly under mocks.
 */
import * as pulumi from "@pulumi/pulumi";
import { InputPropertiesError, Tenant, type TenantDatabaseSettings } from "../../components";
import { platformProblems, poolName, routedTenant, type Engine, type InputProblem, type TenantSettings } from "../../components/validation";
import type { PooledDatabaseRefs } from "../../components/PooledDatabase";
import type { NetworkRefs } from "../../components/Tenant";
import type { TenantConfig, TenantOutputs } from "../platform";
import type { TenantStackSettings } from "./settings";

export const NAMESPACE = "bulkhead-tenants";

export interface TenantStackConfig {
  /** StackReference name of the platform stack: `organization/bulkhead-platform/<stack>` (self-managed backends). */
  platformStack: string;
  /** This stack's tenants: the same entries as `bulkhead-platform:tenants`. */
  tenants: TenantConfig[];
}

export function readTenantStackConfig(): TenantStackConfig {
  const c = new pulumi.Config(NAMESPACE);
  return { platformStack: c.require("platformStack"), tenants: c.getObject<TenantConfig[]>("tenants") ?? [] };
}

/** The platform's resources as the tenant stack receives them (StackReference outputs). */
export interface PlatformInputs {
  network: NetworkRefs;
  bastionSecurityGroupId: pulumi.Input<string>;
  /** The tenant's seat on the shared database server `server` (`pooled-<engine>[-n]`), from `pooledDatabases`. */
  pooledServer(server: string, tenantId: string, engine: Engine): PooledDatabaseRefs;
  /** The shard's listener, load-balancer security group and DNS name. */
  shard(n: number): { listenerArn: pulumi.Input<string>; securityGroupId: pulumi.Input<string>; dnsName: pulumi.Input<string> };
}

/** `tenants[62]` of the combined list → this stack's `tenants[2]`, or the platform's own entry. */
function renumber(text: string, own: number): string {
  return text.replace(/tenants\[(\d+)\]/g, (_, n) => (Number(n) >= own ? `tenants[${Number(n) - own}]` : `bulkhead-platform:tenants[${n}] (platform stack)`));
}

/**
 * Every problem of this stack's tenants, named by the `bulkhead-tenants:` key the user wrote. The platform's own
 * tenants take part (a slot, host name or id they hold is taken) but their own problems belong to the platform
 * stack. Platform-wide counts cover the platform and this stack only: `bulkhead fleet check` counts every stack.
 */
export function tenantStackProblems(cfg: TenantStackConfig, settings: TenantStackSettings): InputProblem[] {
  const own = cfg.tenants.map((t) => ({ ...t, database: t.database ? ({ ...settings.databaseDefaults, ...t.database } as TenantDatabaseSettings) : undefined }));
  const base = settings.platformTenants.length;
  const all: TenantSettings[] = [...settings.platformTenants, ...own];
  const out: InputProblem[] = [];
  for (const p of platformProblems({
    network: { cidrBlock: settings.vpcCidr, availabilityZones: settings.availabilityZones, region: settings.region, natStrategy: settings.natStrategy, flowLogRetentionDays: settings.flowLogRetentionDays },
    admin: { mode: settings.adminMode ?? "ssm" },
    tenants: all,
    certificateArn: settings.certificateArn,
    deployerRoleArns: settings.deployerRoleArns,
    loadBalancerQuotas: settings.loadBalancerQuotas,
  })) {
    const m = /^tenants\[(\d+)\]/.exec(p.field);
    if (m && Number(m[1]) < base) continue;
    if (!m && (p.field.startsWith("network.") || p.field.startsWith("admin."))) continue; // the platform's own config
    out.push({
      ...p,
      field: m ? `${NAMESPACE}:${renumber(p.field, base)}` : `bulkhead-platform:${p.field} (platform stack)`,
      problem: renumber(p.problem, base),
      fix: renumber(p.fix, base),
    });
  }
  own.forEach((t, i) => {
    if (!routedTenant(t) || !t.routing || !Number.isInteger(t.routing.shard)) return;
    if (!settings.shards.includes(t.routing.shard)) {
      out.push({
        field: `${NAMESPACE}:tenants[${i}].routing.shard`,
        value: t.routing.shard,
        problem: `the platform stack has no load balancer for shard ${t.routing.shard} (its shards: ${settings.shards.join(", ") || "none"})`,
        fix: `add ${t.routing.shard} to bulkhead-platform:shards in the platform stack's config and deploy it first, or use one of its shards`,
      });
    }
    const d = t.database;
    if (d && (d.placement === "pooled" || d.movingFrom === "pooled") && t.isolation !== "silo") {
      const pool = typeof d.pool === "number" ? d.pool : 0;
      const seat = (settings.tenantStackDatabases ?? []).find((x) => x.tenantId === t.tenantId);
      if (!seat || seat.engine !== d.engine || (seat.pool ?? 0) !== pool) {
        out.push({
          field: `${NAMESPACE}:tenants[${i}].database.placement`,
          value: "pooled",
          problem: seat
            ? `the platform seats ${t.tenantId} on ${poolName(seat.engine, seat.pool ?? 0)}, not ${poolName(d.engine, pool)}`
            : `the platform stack has no seat for ${t.tenantId} on a shared ${d.engine} server (the server's security groups are the platform's)`,
          fix: `add {tenantId: ${t.tenantId}, engine: ${d.engine}${pool ? `, pool: ${pool}` : ""}} to bulkhead-platform:tenantStackDatabases in the platform stack's config and deploy it first`,
        });
      }
    }
    if (t.app?.certificateArn && t.app.certificateArn !== settings.certificateArn) {
      out.push({
        field: `${NAMESPACE}:tenants[${i}].app.certificateArn`,
        value: t.app.certificateArn,
        problem: "a tenant stack cannot add certificates to the platform's shared listener (the platform stack owns them)",
        fix: "cover the host name with the platform's certificate (bulkhead-platform:certificateArn), or keep this tenant in the platform stack",
      });
    }
  });
  return out;
}

export function buildTenantStack(cfg: TenantStackConfig, settings: TenantStackSettings, platform: PlatformInputs): Record<string, TenantOutputs> {
  // Everything is checked before the first resource exists: one error lists every problem.
  const problems = tenantStackProblems(cfg, settings);
  if (problems.length) throw new InputPropertiesError("stack config", problems);
  const out: Record<string, TenantOutputs> = {};
  for (const entry of cfg.tenants) {
    const t = { ...entry, database: entry.database ? ({ ...settings.databaseDefaults, ...entry.database } as TenantDatabaseSettings) : undefined };
    const silo = t.isolation === "silo";
    const shard = !silo && t.app ? platform.shard(t.routing!.shard) : undefined;
    // Same component name as in the platform stack: moving a tenant here keeps every child's name.
    const tenant = new Tenant(t.tenantId, {
      tenantId: t.tenantId,
      isolation: t.isolation,
      region: settings.region,
      ...(silo
        ? { cidrBlock: t.cidrBlock, availabilityZones: settings.availabilityZones, natStrategy: settings.natStrategy, certificateArn: t.app ? settings.certificateArn : undefined }
        : {
          network: platform.network,
          bastionSecurityGroupId: platform.bastionSecurityGroupId,
          loadBalancer: shard ? { listenerArn: shard.listenerArn, securityGroupId: shard.securityGroupId } : undefined,
          listenerRulePriority: t.app ? t.routing!.priority : undefined,
        }),
      logRetentionDays: settings.flowLogRetentionDays,
      app: t.app,
      database: t.database,
      databaseServer: pooledSeat(t, platform),
      managerRoleArns: settings.deployerRoleArns,
    });
    out[t.tenantId] = {
      secretArns: tenant.secretArns,
      databaseEndpoint: tenant.databaseEndpoint,
      vpcId: tenant.vpcId,
      bastionSessionCommand: tenant.bastionSessionCommand,
      loadBalancerDnsName: shard ? pulumi.output(shard.dnsName) : tenant.loadBalancerDnsName,
    };
  }
  return out;
}

/** The shared server a pooled tenant's database lives on, as the platform exports it (validated above). */
function pooledSeat(t: TenantConfig, platform: PlatformInputs): PooledDatabaseRefs | undefined {
  const d = t.database;
  if (!d || (d.placement !== "pooled" && d.movingFrom !== "pooled") || t.isolation === "silo") return undefined;
  return platform.pooledServer(poolName(d.engine, typeof d.pool === "number" ? d.pool : 0), t.tenantId, d.engine);
}
