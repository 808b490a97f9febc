/**
 * bulkhead-platform: the multi-tenant hosting platform. Config reference: README.md, "Components and stacks".
 * Outputs carry ARNs, endpoints and commands only: every credential stays in Secrets Manager.
 */
import { buildPlatform, readPlatformConfig } from "./platform";

const platform = buildPlatform(readPlatformConfig());

export const vpcId = platform.vpcId;
export const bastionSessionCommand = platform.bastionSessionCommand;
export const loadBalancerDnsName = platform.loadBalancerDnsName;
export const loadBalancerShards = platform.loadBalancerShards;
export const tenants = platform.tenants;
/**
 * Shared database servers of pooled tenants, by name (`pooled-postgres`, …): endpoint, port, master secret
 * ARN, KMS key ARN and each member tenant's security group on the server — what a tenant stack passes to
 * TenantDatabase as `server` (README, "Pooled databases").
 */
export const pooledDatabases = platform.pooledDatabases;
