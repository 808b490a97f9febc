/**
 * bulkhead-platform: the multi-tenant hosting platform. Config reference: README.md, "Components and stacks".
 * Outputs carry ARNs, endpoints and commands only: every credential stays in Secrets Manager.
 */
import { buildPlatform, readPlatformConfig } from "./platform";
import { tenantStackSettings as settingsFor } from "./tenants/settings";

const config = readPlatformConfig();
const platform = buildPlatform(config);

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
// Read by tenant stacks (stacks/tenants/, README "Platform and tenant stacks") through a StackReference.
export const network = platform.refs.network;
export const bastionSecurityGroupId = platform.refs.bastionSecurityGroupId;
export const shards = platform.refs.shards;
export const tenantStackSettings = settingsFor(config, Object.keys(platform.refs.shards).map(Number));
