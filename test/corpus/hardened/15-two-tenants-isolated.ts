// expect: clean
// why: two tenants side by side, each in its own VPC with its own app and database groups: every reference stays inside one tenant, nothing peers.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
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

const ami = aws.ec2.getAmiOutput({
  mostRecent: true,
  owners: ["amazon"],
  filters: [{ name: "name", values: ["al2023-ami-2023.*-x86_64"] }],
});

const tenants = [
  { id: "tyrell", cidr: "10.210.0.0/16", octet: 210 },
  { id: "weyland", cidr: "10.211.0.0/16", octet: 211 },
];

for (const t of tenants) {
  const tags = { "bulkhead:tenant": t.id };
  const vpc = new aws.ec2.Vpc(`${t.id}-vpc`, { cidrBlock: t.cidr, enableDnsHostnames: true, tags });
  const subnetA = new aws.ec2.Subnet(`${t.id}-private-a`, { vpcId: vpc.id, cidrBlock: `10.${t.octet}.1.0/24`, availabilityZone: "us-east-1a", tags });
  const subnetB = new aws.ec2.Subnet(`${t.id}-private-b`, { vpcId: vpc.id, cidrBlock: `10.${t.octet}.2.0/24`, availabilityZone: "us-east-1b", tags });
  vpcBaseline(t.id, vpc, t.cidr, [subnetA, subnetB], tags);

  const appSg = new aws.ec2.SecurityGroup(`${t.id}-app-sg`, {
    vpcId: vpc.id,
    description: `${t.id} app`,
    ingress: [{ protocol: "tcp", fromPort: 8080, toPort: 8080, cidrBlocks: [`10.${t.octet}.0.0/16`], description: "internal lb" }],
    egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
    tags,
  });
  const dbSg = new aws.ec2.SecurityGroup(`${t.id}-db-sg`, { vpcId: vpc.id, description: `${t.id} postgres`, tags });
  new aws.vpc.SecurityGroupIngressRule(`${t.id}-db-from-app`, {
    securityGroupId: dbSg.id,
    referencedSecurityGroupId: appSg.id,
    ipProtocol: "tcp",
    fromPort: 5432,
    toPort: 5432,
    tags,
  });

  const key = new aws.kms.Key(`${t.id}-db-key`, { description: `${t.id} database`, enableKeyRotation: true, tags });
  const subnetGroup = new aws.rds.SubnetGroup(`${t.id}-db-subnets`, { subnetIds: [subnetA.id, subnetB.id], tags });
  new aws.rds.Instance(`${t.id}-db`, {
    engine: "postgres",
    engineVersion: "16.4",
    instanceClass: "db.t4g.medium",
    allocatedStorage: 30,
    username: "app_admin",
    manageMasterUserPassword: true,
    masterUserSecretKmsKeyId: key.arn,
    storageEncrypted: true,
    kmsKeyId: key.arn,
    deletionProtection: true,
    publiclyAccessible: false,
    dbSubnetGroupName: subnetGroup.name,
    vpcSecurityGroupIds: [dbSg.id],
    finalSnapshotIdentifier: `${t.id}-final`,
    tags,
  });

  const role = new aws.iam.Role(`${t.id}-app-role`, {
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
    managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"],
    tags,
  });
  const profile = new aws.iam.InstanceProfile(`${t.id}-app-profile`, { role: role.name, tags });
  new aws.ec2.Instance(`${t.id}-app`, {
    ami: ami.id,
    instanceType: "t3.medium",
    subnetId: subnetA.id,
    vpcSecurityGroupIds: [appSg.id],
    iamInstanceProfile: profile.name,
    metadataOptions: { httpTokens: "required" },
    rootBlockDevice: { volumeSize: 20, encrypted: true },
    tags,
  });
}
