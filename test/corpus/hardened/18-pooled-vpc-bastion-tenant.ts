// expect: clean
// why: a pooled platform VPC: tenants' hosts take SSH only from the platform bastion's group, tenant data stays inside the tenant, sessions are logged.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const platform: Record<string, string> = { "managed-by": "platform-team" };
const acme = { "bulkhead:tenant": "acme" };
const vpnCidr = "81.2.69.0/24";
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
      { ruleNo: 105, action: "allow", protocol: "tcp", cidrBlock: vpnCidr, fromPort: 22, toPort: 22 },
      { ruleNo: 110, action: "allow", protocol: "-1", cidrBlock: cidr, fromPort: 0, toPort: 0 },
      { ruleNo: 120, action: "allow", protocol: "tcp", cidrBlock: "0.0.0.0/0", fromPort: 1024, toPort: 3388 },
      { ruleNo: 130, action: "allow", protocol: "tcp", cidrBlock: "0.0.0.0/0", fromPort: 3390, toPort: 65535 },
    ],
    egress: [{ ruleNo: 100, action: "allow", protocol: "-1", cidrBlock: "0.0.0.0/0", fromPort: 0, toPort: 0 }],
    tags,
  });
  return { logsKey };
}

const vpc = new aws.ec2.Vpc("pool-vpc", { cidrBlock: "10.230.0.0/16", enableDnsHostnames: true, tags: platform });
const igw = new aws.ec2.InternetGateway("pool-igw", { vpcId: vpc.id, tags: platform });
const edge = new aws.ec2.Subnet("pool-edge-a", { vpcId: vpc.id, cidrBlock: "10.230.0.0/24", availabilityZone: "us-east-1a", tags: platform });
const acmeA = new aws.ec2.Subnet("pool-acme-a", { vpcId: vpc.id, cidrBlock: "10.230.10.0/24", availabilityZone: "us-east-1a", tags: acme });
const acmeB = new aws.ec2.Subnet("pool-acme-b", { vpcId: vpc.id, cidrBlock: "10.230.11.0/24", availabilityZone: "us-east-1b", tags: acme });
const edgeRt = new aws.ec2.RouteTable("pool-edge-rt", { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }], tags: platform });
new aws.ec2.RouteTableAssociation("pool-edge-a-rt", { subnetId: edge.id, routeTableId: edgeRt.id });
const { logsKey } = vpcBaseline("pool", vpc, "10.230.0.0/16", [edge, acmeA, acmeB], platform);

// --- Platform bastion ---
const bastionSg = new aws.ec2.SecurityGroup("pool-bastion-sg", {
  vpcId: vpc.id,
  description: "platform bastion",
  tags: { ...platform, "bulkhead:role": "bastion" },
});
new aws.vpc.SecurityGroupIngressRule("pool-bastion-ssh-from-vpn", {
  securityGroupId: bastionSg.id,
  cidrIpv4: vpnCidr,
  ipProtocol: "tcp",
  fromPort: 22,
  toPort: 22,
  description: "company VPN egress range",
});
new aws.vpc.SecurityGroupEgressRule("pool-bastion-ssh-onwards", {
  securityGroupId: bastionSg.id,
  cidrIpv4: "10.230.0.0/16",
  ipProtocol: "tcp",
  fromPort: 22,
  toPort: 22,
});

// --- Tenant acme: app hosts administered through the bastion, database only from the app ---
const acmeAppSg = new aws.ec2.SecurityGroup("pool-acme-app-sg", {
  vpcId: vpc.id,
  description: "acme app hosts",
  egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
  tags: acme,
});
new aws.vpc.SecurityGroupIngressRule("pool-acme-app-ssh-from-bastion", {
  securityGroupId: acmeAppSg.id,
  referencedSecurityGroupId: bastionSg.id,
  ipProtocol: "tcp",
  fromPort: 22,
  toPort: 22,
  tags: acme,
});
const acmeDbSg = new aws.ec2.SecurityGroup("pool-acme-db-sg", { vpcId: vpc.id, description: "acme mysql", tags: acme });
new aws.vpc.SecurityGroupIngressRule("pool-acme-db-from-app", {
  securityGroupId: acmeDbSg.id,
  referencedSecurityGroupId: acmeAppSg.id,
  ipProtocol: "tcp",
  fromPort: 3306,
  toPort: 3306,
  tags: acme,
});
new aws.vpc.SecurityGroupEgressRule("pool-acme-app-to-db", {
  securityGroupId: acmeAppSg.id,
  referencedSecurityGroupId: acmeDbSg.id,
  ipProtocol: "tcp",
  fromPort: 3306,
  toPort: 3306,
  tags: acme,
});

const acmeKey = new aws.kms.Key("pool-acme-db-key", { description: "acme database", enableKeyRotation: true, tags: acme });
const acmeDbSubnets = new aws.rds.SubnetGroup("pool-acme-db-subnets", { subnetIds: [acmeA.id, acmeB.id], tags: acme });
new aws.rds.Instance("pool-acme-db", {
  engine: "mysql",
  engineVersion: "8.0",
  instanceClass: "db.t4g.small",
  allocatedStorage: 20,
  username: "acme_admin",
  manageMasterUserPassword: true,
  masterUserSecretKmsKeyId: acmeKey.arn,
  storageEncrypted: true,
  kmsKeyId: acmeKey.arn,
  deletionProtection: true,
  publiclyAccessible: false,
  dbSubnetGroupName: acmeDbSubnets.name,
  vpcSecurityGroupIds: [acmeDbSg.id],
  finalSnapshotIdentifier: "pool-acme-final",
  tags: acme,
});

const ami = aws.ec2.getAmiOutput({
  mostRecent: true,
  owners: ["amazon"],
  filters: [{ name: "name", values: ["al2023-ami-2023.*-x86_64"] }],
});
new aws.ec2.Instance("pool-bastion", {
  ami: ami.id,
  instanceType: "t3.nano",
  subnetId: edge.id,
  vpcSecurityGroupIds: [bastionSg.id],
  associatePublicIpAddress: true,
  metadataOptions: { httpTokens: "required" },
  rootBlockDevice: { volumeSize: 8, encrypted: true },
  tags: { ...platform, "bulkhead:role": "bastion" },
});
new aws.ec2.Instance("pool-acme-app", {
  ami: ami.id,
  instanceType: "t3.medium",
  subnetId: acmeA.id,
  vpcSecurityGroupIds: [acmeAppSg.id],
  metadataOptions: { httpTokens: "required" },
  rootBlockDevice: { volumeSize: 20, encrypted: true },
  tags: acme,
});

// --- Session Manager preferences: shells opened through SSM are logged and encrypted too ---
new aws.cloudwatch.LogGroup("pool-session-logs", {
  name: "/bulkhead/pool/ssm-sessions",
  retentionInDays: 365,
  kmsKeyId: logsKey.arn,
  tags: platform,
});
new aws.ssm.Document("pool-session-preferences", {
  name: "SSM-SessionManagerRunShell",
  documentType: "Session",
  documentFormat: "JSON",
  content: JSON.stringify({
    schemaVersion: "1.0",
    description: "Session Manager preferences",
    sessionType: "Standard_Stream",
    inputs: {
      s3BucketName: "pool-session-transcripts",
      s3KeyPrefix: "sessions/",
      s3EncryptionEnabled: true,
      cloudWatchLogGroupName: "/bulkhead/pool/ssm-sessions",
      cloudWatchEncryptionEnabled: true,
      kmsKeyId: "alias/bulkhead-ssm-sessions",
    },
  }),
  tags: platform,
});
