/**
 * Which rule judges which door-opening input of which resource type. scripts/gen-coverage.ts lists every resource
 * type of the installed @pulumi/aws that takes one (security groups, public addressing, IMDS settings, secret-marked
 * or credential-named inputs, policy documents, runtime strings) and matches it against this table: an input is
 * covered when an entry here names its type and input (or the rule covers every type of the category, `type: "*"`),
 * and listed as not covered in docs/coverage.md otherwise. test/policies/coverage.test.ts fails when an entry names
 * a type, input or rule that does not exist, and when docs/coverage.md is stale.
 *
 * A rule that starts reading a new type or input adds its entry here (one `covers(...)` call per rule and category);
 * claim only what the rule really judges.
 */

export type CoverageCategory = "security-groups" | "public-address" | "imds" | "secret-input" | "credential-input" | "policy" | "runtime-strings";

export const COVERAGE_CATEGORIES: Record<CoverageCategory, string> = {
  "security-groups": "takes security groups",
  "public-address": "public addressing",
  imds: "instance metadata (IMDS) settings",
  "secret-input": "secret-marked inputs (the provider wraps them in pulumi.secret)",
  "credential-input": "credential-named string inputs below the top level (the Node SDK does not mark nested secrets)",
  policy: "policy documents (resource-based, trust and identity policies)",
  "runtime-strings": "strings carried into a runtime (environment variables, user data, container and job definitions)",
};

export interface CoverageEntry {
  rule: string;
  category: CoverageCategory;
  /** A resource type token, or "*" when the rule reads the category's inputs of every type (from the generated tables). */
  type: string;
  /** Input paths as the scan names them (`vpcConfig.securityGroupIds`, `networkInterfaces[].associatePublicIpAddress`), or "*" for all. */
  inputs: string[] | "*";
}

const entries: CoverageEntry[] = [];

/** Declares that `rule` judges, for each type, the listed inputs of `category`. */
export function covers(rule: string, category: CoverageCategory, types: Record<string, string[] | "*">): void {
  for (const [type, inputs] of Object.entries(types)) entries.push({ rule, category, type, inputs });
}

// ---- Security groups: the network model reads these attachments (policies/model, SG_ATTACHMENTS) -----------------
covers("only-lbs-face-world", "security-groups", {
  "aws:ec2/instance:Instance": ["securityGroups", "vpcSecurityGroupIds"],
  "aws:ec2/launchTemplate:LaunchTemplate": ["vpcSecurityGroupIds", "networkInterfaces[].securityGroups"],
  "aws:ec2/networkInterface:NetworkInterface": ["securityGroups"],
  "aws:lb/loadBalancer:LoadBalancer": ["securityGroups"],
  "aws:alb/loadBalancer:LoadBalancer": ["securityGroups"],
  "aws:rds/instance:Instance": ["vpcSecurityGroupIds"],
  "aws:rds/cluster:Cluster": ["vpcSecurityGroupIds"],
  "aws:redshift/cluster:Cluster": ["vpcSecurityGroupIds"],
  "aws:elasticache/cluster:Cluster": ["securityGroupIds"],
  "aws:elasticache/replicationGroup:ReplicationGroup": ["securityGroupIds"],
  "aws:opensearch/domain:Domain": ["vpcOptions.securityGroupIds"],
  "aws:elasticsearch/domain:Domain": ["vpcOptions.securityGroupIds"],
  "aws:eks/cluster:Cluster": ["vpcConfig.securityGroupIds"],
  "aws:lambda/function:Function": ["vpcConfig.securityGroupIds"],
  "aws:ecs/service:Service": ["networkConfiguration.securityGroups"],
  "aws:docdb/cluster:Cluster": ["vpcSecurityGroupIds"],
});

// ---- Public addressing -----------------------------------------------------------------------------------------
covers("public-ip-only-bastion-lb", "public-address", {
  "aws:ec2/instance:Instance": ["associatePublicIpAddress", "ipv6AddressCount", "ipv6Addresses"],
  "aws:ec2/launchTemplate:LaunchTemplate": ["networkInterfaces[].associatePublicIpAddress", "networkInterfaces[].ipv6AddressCount", "networkInterfaces[].ipv6Addresses"],
  "aws:ec2/subnet:Subnet": ["mapPublicIpOnLaunch", "assignIpv6AddressOnCreation"],
  "aws:ecs/service:Service": ["networkConfiguration.assignPublicIp"],
  "aws:ec2/eipAssociation:EipAssociation": ["allocationId", "publicIp"],
});
covers("no-public-databases", "public-address", {
  "aws:rds/instance:Instance": ["publiclyAccessible"],
  "aws:rds/clusterInstance:ClusterInstance": ["publiclyAccessible"],
  "aws:redshift/cluster:Cluster": ["publiclyAccessible"],
  "aws:redshiftserverless/workgroup:Workgroup": ["publiclyAccessible"],
  "aws:lightsail/database:Database": ["publiclyAccessible"],
});
covers("private-eks-api", "public-address", { "aws:eks/cluster:Cluster": ["vpcConfig.endpointPublicAccess", "vpcConfig.publicAccessCidrs"] });
covers("only-lbs-face-world", "public-address", { "aws:lb/loadBalancer:LoadBalancer": ["internal"], "aws:alb/loadBalancer:LoadBalancer": ["internal"] });

// ---- IMDS ----------------------------------------------------------------------------------------------------------
covers("imdsv2-required", "imds", {
  "aws:ec2/instance:Instance": ["metadataOptions", "metadataOptions.httpTokens"],
  "aws:ec2/launchTemplate:LaunchTemplate": ["metadataOptions", "metadataOptions.httpTokens"],
  "aws:ec2/spotInstanceRequest:SpotInstanceRequest": ["metadataOptions", "metadataOptions.httpTokens"],
  "aws:ec2/launchConfiguration:LaunchConfiguration": ["metadataOptions", "metadataOptions.httpTokens"],
  "aws:ec2/instanceMetadataDefaults:InstanceMetadataDefaults": ["httpTokens"],
  "aws:imagebuilder/infrastructureConfiguration:InfrastructureConfiguration": ["instanceMetadataOptions", "instanceMetadataOptions.httpTokens"],
});

// ---- Policy documents ----------------------------------------------------------------------------------------------
covers("no-public-resource-policy", "policy", { "aws:s3/bucketPolicy:BucketPolicy": ["policy"], "aws:s3/bucket:Bucket": ["policy"], "aws:s3/bucketV2:BucketV2": ["policy"] });
covers("no-public-databases", "policy", {
  "aws:opensearch/domain:Domain": ["accessPolicies"],
  "aws:opensearch/domainPolicy:DomainPolicy": ["accessPolicies"],
  "aws:elasticsearch/domain:Domain": ["accessPolicies"],
  "aws:elasticsearch/domainPolicy:DomainPolicy": ["accessPolicies"],
});
covers("no-admin-workloads", "policy", {
  "aws:iam/role:Role": ["inlinePolicies[].policy"],
  "aws:iam/rolePolicy:RolePolicy": ["policy"],
  "aws:iam/policy:Policy": ["policy"],
});

// ---- Credentials: the rule reads the generated tables (policies/model/secrets-provider.ts) of every type -----------
covers("no-typed-in-credentials", "secret-input", { "*": "*" });
covers("no-typed-in-credentials", "credential-input", { "*": "*" });
covers("no-typed-in-credentials", "runtime-strings", { "*": "*" });

export const COVERAGE: readonly CoverageEntry[] = entries;

/** The rules that cover `input` of `type` in `category`. */
export function coveringRules(category: CoverageCategory, type: string, input: string): string[] {
  const out = new Set<string>();
  for (const e of entries) {
    if (e.category !== category || (e.type !== "*" && e.type !== type)) continue;
    if (e.inputs === "*" || e.inputs.includes(input)) out.add(e.rule);
  }
  return [...out].sort();
}
