// expect: clean
// why: a private Redshift warehouse: not publicly accessible, Redshift-managed master password, CMK encryption, 5439 open only to the tenant's BI group.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const tags = { "bulkhead:tenant": "cyberdyne" };
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

const vpc = new aws.ec2.Vpc("cyberdyne-dw-vpc", { cidrBlock: "10.200.0.0/16", enableDnsHostnames: true, tags });
const subnetA = new aws.ec2.Subnet("cyberdyne-dw-a", { vpcId: vpc.id, cidrBlock: "10.200.1.0/24", availabilityZone: "us-east-1a", tags });
const subnetB = new aws.ec2.Subnet("cyberdyne-dw-b", { vpcId: vpc.id, cidrBlock: "10.200.2.0/24", availabilityZone: "us-east-1b", tags });
vpcBaseline("cyberdyne-dw", vpc, "10.200.0.0/16", [subnetA, subnetB], tags);

const biSg = new aws.ec2.SecurityGroup("cyberdyne-bi-sg", {
  vpcId: vpc.id,
  description: "BI tool (metabase) tasks",
  egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
  tags,
});
const dwSg = new aws.ec2.SecurityGroup("cyberdyne-dw-sg", { vpcId: vpc.id, description: "warehouse", tags });
new aws.vpc.SecurityGroupIngressRule("cyberdyne-dw-from-bi", {
  securityGroupId: dwSg.id,
  referencedSecurityGroupId: biSg.id,
  ipProtocol: "tcp",
  fromPort: 5439,
  toPort: 5439,
  tags,
});

const dwKey = new aws.kms.Key("cyberdyne-dw-key", { description: "warehouse at rest", enableKeyRotation: true, tags });
const dwSubnets = new aws.redshift.SubnetGroup("cyberdyne-dw-subnets", { subnetIds: [subnetA.id, subnetB.id], tags });
new aws.redshift.Cluster("cyberdyne-warehouse", {
  clusterIdentifier: "cyberdyne-dw",
  databaseName: "analytics",
  masterUsername: "dw_admin",
  manageMasterPassword: true,
  masterPasswordSecretKmsKeyId: dwKey.arn,
  nodeType: "ra3.xlplus",
  clusterType: "multi-node",
  numberOfNodes: 2,
  clusterSubnetGroupName: dwSubnets.name,
  vpcSecurityGroupIds: [dwSg.id],
  publiclyAccessible: false,
  enhancedVpcRouting: true,
  encrypted: "true",
  kmsKeyId: dwKey.arn,
  finalSnapshotIdentifier: "cyberdyne-dw-final",
  tags,
});
