/**
 * bulkhead-tenants: a group of tenants in their own stack, on the platform stack's network, bastion and
 * load-balancer shards (read through a StackReference). Config reference: README.md, "Platform and tenant stacks".
 */
import * as pulumi from "@pulumi/pulumi";
import { buildTenantStack, readTenantStackConfig } from "./tenants";
import type { TenantStackSettings } from "./settings";

export = async () => {
  const cfg = readTenantStackConfig();
  const platform = new pulumi.StackReference("platform", { name: cfg.platformStack });
  const settings = (await platform.getOutputDetails("tenantStackSettings")).value as TenantStackSettings | undefined;
  if (!settings) {
    throw new Error(`platform stack ${cfg.platformStack} has no output tenantStackSettings: deploy a platform version that exports it (stacks/index.ts) first`);
  }
  const network = platform.requireOutput("network");
  const shards = platform.requireOutput("shards");
  const pooled = platform.getOutput("pooledDatabases");
  const tenants = buildTenantStack(cfg, settings, {
    network: {
      vpcId: network.apply((n) => n.vpcId as string),
      appSubnetIds: network.apply((n) => n.appSubnetIds as string[]),
      dataSubnetIds: network.apply((n) => n.dataSubnetIds as string[]),
      endpointSecurityGroupId: network.apply((n) => n.endpointSecurityGroupId as string),
      s3PrefixListId: network.apply((n) => n.s3PrefixListId as string),
    },
    bastionSecurityGroupId: platform.requireOutput("bastionSecurityGroupId") as pulumi.Output<string>,
    pooledServer: (server, tenantId, engine) => {
      const seat = pooled.apply((all) => {
        const srv = (all ?? {})[server];
        if (!srv?.securityGroupIds?.[tenantId]) throw new Error(`platform stack ${cfg.platformStack} exports no seat for ${tenantId} on ${server} (pooledDatabases): add it to bulkhead-platform:tenantStackDatabases and deploy the platform first`);
        return srv;
      });
      return {
        engine,
        address: seat.apply((s) => s.endpoint as string),
        port: seat.apply((s) => s.port as number),
        masterSecretArn: seat.apply((s) => s.masterSecretArn as string),
        kmsKeyArn: seat.apply((s) => s.kmsKeyArn as string),
        securityGroupId: seat.apply((s) => s.securityGroupIds[tenantId] as string),
      };
    },
    shard: (n) => ({
      listenerArn: shards.apply((s) => s[String(n)].listenerArn as string),
      securityGroupId: shards.apply((s) => s[String(n)].securityGroupId as string),
      dnsName: shards.apply((s) => s[String(n)].dnsName as string),
    }),
  });
  return { tenants };
};
