// expect: clean
// why: OpenSearch inside the tenant's VPC, encrypted, HTTPS-only, its policy naming the indexer role; only the tenant's indexer group reaches it.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const tags = { "bulkhead:tenant": "soylent" };
const domainName = "soylent-catalog";
const indexerRoleName = "soylent-indexer";
const caller = aws.getCallerIdentityOutput();
const region = aws.getRegionOutput();

/**
 * The VPC baseline every network of ours gets: flow logs into a KMS-encrypted log group, the default
 * security group and NACL adopted with no rules, and one subnet NACL (HTTPS in, VPC-internal traffic,
 * return traffic on ephemeral ports with RDP's 3389 carved out).
 */
function vpcBaseline(prefix: string, vpc: aws.ec2.Vpc, cidr: string, subnets: aws.ec2.Subnet[], tags: Record<string, string>) {
  const logsKey = new aws.kms.Key(`${prefix}-logs-key`, {
    description: `${prefix}: CloudWatch Logs`,
    enableKeyRotation: true,
    policy: pulumi.jsonStringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AccountAdministration",
          Effect: "Allow",
          Principal: { AWS: pulumi.interpolate`arn:aws:iam::${caller.accountId}:root` },
          Action: "kms:*",
          Resource: "*",
        },
        {
          Sid: "CloudWatchLogs",
          Effect: "Allow",
          Principal: { Service: pulumi.interpolate`logs.${region.region}.amazonaws.com` },
          Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
          Resource: "*",
        },
      ],
    }),
    tags,
  });
  const logGroupName = `/bulkhead/${prefix}/vpc-flow`;
  const logGroup = new aws.cloudwatch.LogGroup(`${prefix}-flow-logs`, {
    name: logGroupName,
    retentionInDays: 365,
    kmsKeyId: logsKey.arn,
    tags,
  });
  const role = new aws.iam.Role(`${prefix}-flow-role`, {
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "vpc-flow-logs.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
    tags,
  });
  new aws.iam.RolePolicy(`${prefix}-flow-publish`, {
    role: role.id,
    policy: pulumi.jsonStringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          Resource: pulumi.interpolate`arn:aws:logs:${region.region}:${caller.accountId}:log-group:${logGroupName}:*`,
        },
      ],
    }),
  });
  new aws.ec2.FlowLog(`${prefix}-vpc-flow`, {
    vpcId: vpc.id,
    trafficType: "ALL",
    logDestinationType: "cloud-watch-logs",
    logDestination: logGroup.arn,
    iamRoleArn: role.arn,
    tags,
  });
  // Adopting the defaults with no rules removes AWS's allow-all-within-group / allow-all NACL entries.
  new aws.ec2.DefaultSecurityGroup(`${prefix}-default-sg`, { vpcId: vpc.id, tags });
  new aws.ec2.DefaultNetworkAcl(`${prefix}-default-nacl`, { defaultNetworkAclId: vpc.defaultNetworkAclId, tags });
  new aws.ec2.NetworkAcl(`${prefix}-nacl`, {
    vpcId: vpc.id,
    subnetIds: subnets.map((s) => s.id),
    ingress: [
      { ruleNo: 100, action: "allow", protocol: "tcp", cidrBlock: "0.0.0.0/0", fromPort: 443, toPort: 443 },
      { ruleNo: 110, action: "allow", protocol: "-1", cidrBlock: cidr, fromPort: 0, toPort: 0 },
      { ruleNo: 120, action: "allow", protocol: "tcp", cidrBlock: "0.0.0.0/0", fromPort: 1024, toPort: 3388 },
      { ruleNo: 130, action: "allow", protocol: "tcp", cidrBlock: "0.0.0.0/0", fromPort: 3390, toPort: 65535 },
    ],
    egress: [{ ruleNo: 100, action: "allow", protocol: "-1", cidrBlock: "0.0.0.0/0", fromPort: 0, toPort: 0 }],
    tags,
  });
  return { logsKey };
}

const vpc = new aws.ec2.Vpc("soylent-search-vpc", { cidrBlock: "10.190.0.0/16", enableDnsHostnames: true, tags });
const subnetA = new aws.ec2.Subnet("soylent-search-a", { vpcId: vpc.id, cidrBlock: "10.190.1.0/24", availabilityZone: "us-east-1a", tags });
const subnetB = new aws.ec2.Subnet("soylent-search-b", { vpcId: vpc.id, cidrBlock: "10.190.2.0/24", availabilityZone: "us-east-1b", tags });
const { logsKey } = vpcBaseline("soylent-search", vpc, "10.190.0.0/16", [subnetA, subnetB], tags);

const indexerSg = new aws.ec2.SecurityGroup("soylent-indexer-sg", {
  vpcId: vpc.id,
  description: "catalog indexer lambda",
  egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
  tags,
});
const searchSg = new aws.ec2.SecurityGroup("soylent-search-sg", { vpcId: vpc.id, description: "catalog search domain", tags });
new aws.vpc.SecurityGroupIngressRule("soylent-search-from-indexer", {
  securityGroupId: searchSg.id,
  referencedSecurityGroupId: indexerSg.id,
  ipProtocol: "tcp",
  fromPort: 443,
  toPort: 443,
  tags,
});

const searchKey = new aws.kms.Key("soylent-search-key", { description: "catalog search at rest", enableKeyRotation: true, tags });
new aws.opensearch.Domain("soylent-catalog-search", {
  domainName,
  engineVersion: "OpenSearch_2.13",
  clusterConfig: { instanceType: "r6g.large.search", instanceCount: 2, zoneAwarenessEnabled: true, zoneAwarenessConfig: { availabilityZoneCount: 2 } },
  ebsOptions: { ebsEnabled: true, volumeSize: 100, volumeType: "gp3" },
  vpcOptions: { subnetIds: [subnetA.id, subnetB.id], securityGroupIds: [searchSg.id] },
  encryptAtRest: { enabled: true, kmsKeyId: searchKey.arn },
  nodeToNodeEncryption: { enabled: true },
  domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-2-PFS-2023-10" },
  accessPolicies: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { AWS: pulumi.interpolate`arn:aws:iam::${caller.accountId}:role/${indexerRoleName}` },
        Action: ["es:ESHttpGet", "es:ESHttpPost", "es:ESHttpPut"],
        Resource: pulumi.interpolate`arn:aws:es:${region.region}:${caller.accountId}:domain/${domainName}/*`,
      },
    ],
  }),
  tags,
});

const indexerRole = new aws.iam.Role("soylent-indexer-role", {
  name: indexerRoleName,
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
  managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"],
  inlinePolicies: [
    {
      name: "write-catalog-index",
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["es:ESHttpPost", "es:ESHttpPut"],
            Resource: pulumi.interpolate`arn:aws:es:${region.region}:${caller.accountId}:domain/${domainName}/catalog*`,
          },
        ],
      }),
    },
  ],
  tags,
});
const indexerLogs = new aws.cloudwatch.LogGroup("soylent-indexer-logs", {
  name: "/aws/lambda/soylent-catalog-indexer",
  retentionInDays: 30,
  kmsKeyId: logsKey.arn,
  tags,
});
new aws.lambda.Function(
  "soylent-catalog-indexer",
  {
    name: "soylent-catalog-indexer",
    runtime: aws.lambda.Runtime.Python3d12,
    handler: "index.handler",
    role: indexerRole.arn,
    code: new pulumi.asset.AssetArchive({
      "index.py": new pulumi.asset.StringAsset("def handler(event, context):\n    return {'indexed': len(event.get('Records', []))}\n"),
    }),
    vpcConfig: { subnetIds: [subnetA.id, subnetB.id], securityGroupIds: [indexerSg.id] },
    environment: { variables: { SEARCH_DOMAIN: domainName, INDEX_NAME: "catalog" } },
    tags,
  },
  { dependsOn: [indexerLogs] },
);
