// expect: clean
// why: two tenants' databases pooled on one shared RDS PostgreSQL instance: each tenant enters through a door group of its own, tagged with it, that admits only that tenant's app group; the shared instance and its key belong to the platform.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const platform: Record<string, string> = { "managed-by": "platform-team" };
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

const vpc = new aws.ec2.Vpc("pool-vpc", { cidrBlock: "10.241.0.0/16", enableDnsHostnames: true, tags: platform });
const appSubnets = ["a", "b"].map((az, i) =>
  new aws.ec2.Subnet(`pool-app-${az}`, { vpcId: vpc.id, cidrBlock: `10.241.${10 + i}.0/24`, availabilityZone: `us-east-1${az}`, tags: platform }),
);
const dataSubnets = ["a", "b"].map((az, i) =>
  new aws.ec2.Subnet(`pool-data-${az}`, { vpcId: vpc.id, cidrBlock: `10.241.${20 + i}.0/24`, availabilityZone: `us-east-1${az}`, tags: platform }),
);
vpcBaseline("pool", vpc, "10.241.0.0/16", [...appSubnets, ...dataSubnets], platform);

// One group per tenant on the shared instance (Amazon VPC allows 5 groups per network interface, 16 raised):
// a data-port grant then never crosses tenants, and removing a tenant removes its door.
const doors = ["acme", "globex"].map((tenant) => {
  const tags = { "bulkhead:tenant": tenant };
  const app = new aws.ec2.SecurityGroup(`${tenant}-app-sg`, { vpcId: vpc.id, description: `${tenant} app tier`, tags });
  const door = new aws.ec2.SecurityGroup(`pool-door-${tenant}`, { vpcId: vpc.id, description: `${tenant}'s way into the shared server`, tags });
  new aws.vpc.SecurityGroupIngressRule(`${tenant}-db-from-app`, {
    securityGroupId: door.id,
    referencedSecurityGroupId: app.id,
    ipProtocol: "tcp",
    fromPort: 5432,
    toPort: 5432,
    tags,
  });
  new aws.vpc.SecurityGroupEgressRule(`${tenant}-app-to-db`, {
    securityGroupId: app.id,
    referencedSecurityGroupId: door.id,
    ipProtocol: "tcp",
    fromPort: 5432,
    toPort: 5432,
    tags,
  });
  new aws.ec2.LaunchTemplate(`${tenant}-app-lt`, {
    imageId: "ami-0123456789abcdef0",
    instanceType: "t3.micro",
    metadataOptions: { httpTokens: "required", httpEndpoint: "enabled" },
    vpcSecurityGroupIds: [app.id],
    blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeSize: 8 } }],
    tags,
  });
  return door;
});

const key = new aws.kms.Key("pool-db-key", { description: "shared server: storage and master secret", enableKeyRotation: true, tags: platform });
const subnetGroup = new aws.rds.SubnetGroup("pool-db-subnets", { subnetIds: dataSubnets.map((s) => s.id), tags: platform });
const server = new aws.rds.Instance("pool-db", {
  engine: "postgres",
  engineVersion: "16",
  instanceClass: "db.t4g.small",
  allocatedStorage: 20,
  maxAllocatedStorage: 100,
  storageType: "gp3",
  storageEncrypted: true,
  kmsKeyId: key.arn,
  username: "dbmaster",
  manageMasterUserPassword: true,
  masterUserSecretKmsKeyId: key.arn,
  dbSubnetGroupName: subnetGroup.name,
  vpcSecurityGroupIds: doors.map((d) => d.id),
  publiclyAccessible: false,
  backupRetentionPeriod: 7,
  deletionProtection: true,
  finalSnapshotIdentifier: "pool-db-final",
  tags: platform,
});

export const endpoint = server.address;
