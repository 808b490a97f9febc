// expect: clean
// why: an Aurora PostgreSQL cluster for one tenant: RDS-managed master password, CMK storage encryption, deletion protection, private instances, 5432 only from the tenant's API group.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const tags = { "bulkhead:tenant": "vandelay" };
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

const vpc = new aws.ec2.Vpc("vandelay-vpc", { cidrBlock: "10.240.0.0/16", enableDnsHostnames: true, tags });
const subnets = ["a", "b", "c"].map(
  (az, i) =>
    new aws.ec2.Subnet(`vandelay-data-${az}`, {
      vpcId: vpc.id,
      cidrBlock: `10.240.${20 + i}.0/24`,
      availabilityZone: `us-east-1${az}`,
      tags,
    }),
);
vpcBaseline("vandelay", vpc, "10.240.0.0/16", subnets, tags);

const apiSg = new aws.ec2.SecurityGroup("vandelay-api-sg", {
  vpcId: vpc.id,
  description: "vandelay api tasks",
  egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
  tags,
});
const auroraSg = new aws.ec2.SecurityGroup("vandelay-aurora-sg", { vpcId: vpc.id, description: "vandelay aurora", tags });
new aws.vpc.SecurityGroupIngressRule("vandelay-aurora-from-api", {
  securityGroupId: auroraSg.id,
  referencedSecurityGroupId: apiSg.id,
  ipProtocol: "tcp",
  fromPort: 5432,
  toPort: 5432,
  tags,
});

const key = new aws.kms.Key("vandelay-aurora-key", { description: "vandelay aurora storage and master secret", enableKeyRotation: true, tags });
const subnetGroup = new aws.rds.SubnetGroup("vandelay-aurora-subnets", { subnetIds: subnets.map((s) => s.id), tags });
const cluster = new aws.rds.Cluster("vandelay-aurora", {
  clusterIdentifier: "vandelay-orders",
  engine: "aurora-postgresql",
  engineVersion: "16.4",
  databaseName: "orders",
  masterUsername: "orders_admin",
  manageMasterUserPassword: true,
  masterUserSecretKmsKeyId: key.arn,
  storageEncrypted: true,
  kmsKeyId: key.arn,
  deletionProtection: true,
  iamDatabaseAuthenticationEnabled: true,
  backupRetentionPeriod: 14,
  dbSubnetGroupName: subnetGroup.name,
  vpcSecurityGroupIds: [auroraSg.id],
  finalSnapshotIdentifier: "vandelay-orders-final",
  tags,
});
[0, 1].forEach(
  (i) =>
    new aws.rds.ClusterInstance(`vandelay-aurora-${i}`, {
      clusterIdentifier: cluster.id,
      engine: "aurora-postgresql",
      instanceClass: "db.r6g.large",
      publiclyAccessible: false,
      dbSubnetGroupName: subnetGroup.name,
      tags,
    }),
);

export const writerEndpoint = cluster.endpoint;
