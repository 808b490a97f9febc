// expect: clean
// why: a throw-away CI database without deletion protection - an advisory finding carried by a valid, dated, reasoned exemption tag.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

// Platform-owned (no bulkhead:tenant): the CI runners and their scratch database.
const tags: Record<string, string> = { team: "ci" };
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

const vpc = new aws.ec2.Vpc("ci-scratch-vpc", { cidrBlock: "10.180.0.0/16", enableDnsHostnames: true, tags });
const subnetA = new aws.ec2.Subnet("ci-scratch-a", { vpcId: vpc.id, cidrBlock: "10.180.1.0/24", availabilityZone: "us-east-1a", tags });
const subnetB = new aws.ec2.Subnet("ci-scratch-b", { vpcId: vpc.id, cidrBlock: "10.180.2.0/24", availabilityZone: "us-east-1b", tags });
vpcBaseline("ci-scratch", vpc, "10.180.0.0/16", [subnetA, subnetB], tags);

const runnerSg = new aws.ec2.SecurityGroup("ci-scratch-runner-sg", {
  vpcId: vpc.id,
  description: "integration-test runners",
  egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
  tags,
});
const dbSg = new aws.ec2.SecurityGroup("ci-scratch-db-sg", { vpcId: vpc.id, description: "scratch postgres", tags });
new aws.vpc.SecurityGroupIngressRule("ci-scratch-db-from-runner", {
  securityGroupId: dbSg.id,
  referencedSecurityGroupId: runnerSg.id,
  ipProtocol: "tcp",
  fromPort: 5432,
  toPort: 5432,
  tags,
});

const dbKey = new aws.kms.Key("ci-scratch-db-key", { description: "ci scratch database", enableKeyRotation: true, tags });
const dbSubnets = new aws.rds.SubnetGroup("ci-scratch-db-subnets", { subnetIds: [subnetA.id, subnetB.id], tags });
new aws.rds.Instance("ci-scratch-db", {
  engine: "postgres",
  engineVersion: "16.4",
  instanceClass: "db.t4g.micro",
  allocatedStorage: 20,
  username: "ci",
  manageMasterUserPassword: true,
  masterUserSecretKmsKeyId: dbKey.arn,
  storageEncrypted: true,
  kmsKeyId: dbKey.arn,
  publiclyAccessible: false,
  dbSubnetGroupName: dbSubnets.name,
  vpcSecurityGroupIds: [dbSg.id],
  // Recreated by the pipeline every night: deletion protection would only block the teardown job.
  deletionProtection: false,
  skipFinalSnapshot: true,
  tags: {
    ...tags,
    "bulkhead:exempt:rds-deletion-protection": "2099-12-31 nightly CI database recreated by the test pipeline",
  },
});

const runnerRole = new aws.iam.Role("ci-scratch-runner-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
  managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"],
  tags,
});
const runnerProfile = new aws.iam.InstanceProfile("ci-scratch-runner-profile", { role: runnerRole.name, tags });
new aws.ec2.Instance("ci-scratch-runner", {
  ami: aws.ec2.getAmiOutput({ mostRecent: true, owners: ["amazon"], filters: [{ name: "name", values: ["al2023-ami-2023.*-x86_64"] }] }).id,
  instanceType: "c6i.xlarge",
  subnetId: subnetA.id,
  vpcSecurityGroupIds: [runnerSg.id],
  iamInstanceProfile: runnerProfile.name,
  metadataOptions: { httpTokens: "required" },
  rootBlockDevice: { volumeSize: 100, encrypted: true },
  tags,
});
