/**
 * The platform program, as functions: `readPlatformConfig` turns stack config into settings,
 * `buildPlatform` builds PlatformNetwork + AdminAccess + the internet-facing load balancer + one Tenant
 * per entry. index.ts calls both; tests call `buildPlatform` directly under mocks.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  AdminAccess,
  PlatformNetwork,
  PublicLoadBalancer,
  Tenant,
  TenantAppArgs,
  TenantDatabaseSettings,
  InputPropertiesError,
  validatePlatform,
} from "../components";
import type { AdminMode, Isolation, NatStrategy } from "../components";

export interface TenantConfig {
  tenantId: string;
  isolation?: Isolation;
  cidrBlock?: string;
  app?: Omit<TenantAppArgs, "amiId">;
  database?: TenantDatabaseSettings;
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
  deployerRoleArns?: string[];
  databaseDefaults?: Partial<TenantDatabaseSettings>;
  tenants: TenantConfig[];
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
    deployerRoleArns: c.getObject<string[]>("deployerRoleArns"),
    databaseDefaults: c.getObject<Partial<TenantDatabaseSettings>>("databaseDefaults"),
    tenants: c.getObject<TenantConfig[]>("tenants") ?? [],
  };
}

export interface TenantOutputs {
  secretArns: pulumi.Output<string[]>;
  databaseEndpoint: pulumi.Output<string | undefined>;
  vpcId: pulumi.Output<string>;
  bastionSessionCommand: pulumi.Output<string | undefined>;
  loadBalancerDnsName: pulumi.Output<string | undefined>;
}

export interface PlatformOutputs {
  vpcId: pulumi.Output<string>;
  bastionSessionCommand: pulumi.Output<string>;
  loadBalancerDnsName: pulumi.Output<string> | undefined;
  tenants: Record<string, TenantOutputs>;
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

export function buildPlatform(cfg: PlatformConfig): PlatformOutputs {
  const tenants = cfg.tenants.map((t) => ({
    ...t,
    database: t.database ? { ...cfg.databaseDefaults, ...t.database } as TenantDatabaseSettings : undefined,
  }));
  // Everything is checked before the first resource exists: one error lists every problem, each named by
  // the stack config key the user wrote (not the component argument it became).
  try {
    validatePlatform({
      network: { cidrBlock: cfg.vpcCidr, availabilityZones: cfg.availabilityZones, region: cfg.region, natStrategy: cfg.natStrategy, flowLogRetentionDays: cfg.flowLogRetentionDays },
      admin: { mode: cfg.adminMode, adminCidrs: cfg.adminCidrs, instanceType: cfg.bastionInstanceType, sessionLogRetentionDays: cfg.sessionLogRetentionDays },
      tenants,
      certificateArn: cfg.certificateArn,
      deployerRoleArns: cfg.deployerRoleArns,
    });
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
  const pooledApps = tenants.some((t) => t.app && t.isolation !== "silo");
  const lb = pooledApps
    ? new PublicLoadBalancer("web", {
      vpcId: network.vpcId,
      subnetIds: network.publicSubnetIds,
      certificateArn: cfg.certificateArn!,
      deletionProtection: cfg.loadBalancerDeletionProtection,
    })
    : undefined;

  const out: Record<string, TenantOutputs> = {};
  for (const t of tenants) {
    const silo = t.isolation === "silo";
    const tenant = new Tenant(t.tenantId, {
      tenantId: t.tenantId,
      isolation: t.isolation,
      region: cfg.region,
      ...(silo
        ? { cidrBlock: t.cidrBlock, availabilityZones: cfg.availabilityZones, natStrategy: cfg.natStrategy, certificateArn: t.app ? cfg.certificateArn : undefined }
        : { network, bastionSecurityGroupId: admin.securityGroupId, loadBalancer: t.app ? lb : undefined }),
      logRetentionDays: cfg.flowLogRetentionDays,
      app: t.app,
      database: t.database,
      managerRoleArns: cfg.deployerRoleArns,
    });
    out[t.tenantId] = {
      secretArns: tenant.secretArns,
      databaseEndpoint: tenant.databaseEndpoint,
      vpcId: tenant.vpcId,
      bastionSessionCommand: tenant.bastionSessionCommand,
      loadBalancerDnsName: tenant.loadBalancerDnsName,
    };
  }
  return {
    vpcId: network.vpcId,
    bastionSessionCommand: admin.sessionCommand,
    loadBalancerDnsName: lb?.dnsName,
    tenants: out,
  };
}
