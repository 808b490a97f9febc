/**
 * What the platform stack tells its tenant stacks besides resource ids: the plain settings every tenant is
 * validated and built with, and the slots its own (inline) tenants hold. Exported by stacks/index.ts as the
 * output `tenantStackSettings`, read by stacks/tenants/index.ts through a StackReference. Nothing secret.
 */
import type { AdminMode, LoadBalancerQuotas, NatStrategy, TenantSettings } from "../../components/validation";
import type { TenantDatabaseSettings } from "../../components";
import type { PlatformConfig } from "../platform";

export interface TenantStackSettings {
  region: string;
  vpcCidr: string;
  availabilityZones: string[] | number;
  natStrategy?: NatStrategy;
  flowLogRetentionDays?: number;
  adminMode?: AdminMode;
  certificateArn?: string;
  deployerRoleArns?: string[];
  databaseDefaults?: Partial<TenantDatabaseSettings>;
  loadBalancerQuotas?: LoadBalancerQuotas;
  /** Shard numbers that have a load balancer on the platform (the keys of its `shards` output). */
  shards: number[];
  /** Seats on the platform's shared database servers for tenant-stack tenants (`bulkhead-platform:tenantStackDatabases`). */
  tenantStackDatabases?: Array<{ tenantId: string; engine: string; pool?: number }>;
  /** The platform stack's own tenants (routing slots, host names, silo CIDRs): a tenant stack must not collide with them. */
  platformTenants: TenantSettings[];
}

/** Drops `undefined` so the output carries no empty keys (the Pulumi CLI would drop them too). */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function tenantStackSettings(cfg: PlatformConfig, shards: number[]): TenantStackSettings {
  return defined({
    region: cfg.region,
    vpcCidr: cfg.vpcCidr,
    availabilityZones: cfg.availabilityZones,
    natStrategy: cfg.natStrategy,
    flowLogRetentionDays: cfg.flowLogRetentionDays,
    adminMode: cfg.adminMode,
    certificateArn: cfg.certificateArn,
    deployerRoleArns: cfg.deployerRoleArns,
    databaseDefaults: cfg.databaseDefaults,
    loadBalancerQuotas: cfg.loadBalancerQuotas,
    shards,
    tenantStackDatabases: cfg.tenantStackDatabases,
    platformTenants: cfg.tenants.map((t) => defined({ tenantId: t.tenantId, isolation: t.isolation, cidrBlock: t.cidrBlock, app: t.app, routing: t.routing, database: t.database ? { engine: t.database.engine } : undefined })),
  });
}
