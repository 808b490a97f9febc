// expect: clean
// why: the one admin door done right: a tagged bastion takes SSH from the office range only, every other host admits SSH/RDP only from the bastion's group, sessions are logged.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

// Shared platform resources are untagged (no bulkhead:tenant).
const tags: Record<string, string> = { "managed-by": "platform-team" };
const officeCidr = "81.2.69.0/24";
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
      { ruleNo: 105, action: "allow", protocol: "tcp", cidrBlock: officeCidr, fromPort: 22, toPort: 22 },
      { ruleNo: 110, action: "allow", protocol: "-1", cidrBlock: cidr, fromPort: 0, toPort: 0 },
      { ruleNo: 120, action: "allow", protocol: "tcp", cidrBlock: "0.0.0.0/0", fromPort: 1024, toPort: 3388 },
      { ruleNo: 130, action: "allow", protocol: "tcp", cidrBlock: "0.0.0.0/0", fromPort: 3390, toPort: 65535 },
    ],
    egress: [{ ruleNo: 100, action: "allow", protocol: "-1", cidrBlock: "0.0.0.0/0", fromPort: 0, toPort: 0 }],
    tags,
  });
  return { logsKey };
}

const vpc = new aws.ec2.Vpc("platform-vpc", { cidrBlock: "10.130.0.0/16", enableDnsHostnames: true, tags });
const igw = new aws.ec2.InternetGateway("platform-igw", { vpcId: vpc.id, tags });
const mgmtSubnet = new aws.ec2.Subnet("platform-mgmt-a", {
  vpcId: vpc.id,
  cidrBlock: "10.130.0.0/24",
  availabilityZone: "us-east-1a",
  mapPublicIpOnLaunch: false,
  tags,
});
const toolsSubnet = new aws.ec2.Subnet("platform-tools-a", { vpcId: vpc.id, cidrBlock: "10.130.10.0/24", availabilityZone: "us-east-1a", tags });
const mgmtRt = new aws.ec2.RouteTable("platform-mgmt-rt", { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }], tags });
new aws.ec2.RouteTableAssociation("platform-mgmt-a-rt", { subnetId: mgmtSubnet.id, routeTableId: mgmtRt.id });
const { logsKey } = vpcBaseline("platform", vpc, "10.130.0.0/16", [mgmtSubnet, toolsSubnet], tags);

// --- The bastion: the only group that may take admin ports from outside, and only from the office ---
const bastionSg = new aws.ec2.SecurityGroup("platform-bastion-sg", {
  vpcId: vpc.id,
  description: "bastion host",
  ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: [officeCidr], description: "office" }],
  egress: [
    { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.130.0.0/16"], description: "ssh onwards" },
    { protocol: "tcp", fromPort: 3389, toPort: 3389, cidrBlocks: ["10.130.0.0/16"], description: "rdp onwards" },
    { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "ssm, updates" },
  ],
  tags: { ...tags, "bulkhead:role": "bastion" },
});

// --- Internal hosts: SSH / RDP only from the bastion's group ---
const toolsSg = new aws.ec2.SecurityGroup("platform-tools-sg", {
  vpcId: vpc.id,
  description: "linux tooling hosts",
  egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
  tags,
});
new aws.vpc.SecurityGroupIngressRule("platform-tools-ssh-from-bastion", {
  securityGroupId: toolsSg.id,
  referencedSecurityGroupId: bastionSg.id,
  ipProtocol: "tcp",
  fromPort: 22,
  toPort: 22,
  tags,
});
const winSg = new aws.ec2.SecurityGroup("platform-win-sg", {
  vpcId: vpc.id,
  description: "windows license server",
  egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
  tags,
});
new aws.ec2.SecurityGroupRule("platform-win-rdp-from-bastion", {
  type: "ingress",
  securityGroupId: winSg.id,
  sourceSecurityGroupId: bastionSg.id,
  protocol: "tcp",
  fromPort: 3389,
  toPort: 3389,
});

const ssmRole = new aws.iam.Role("platform-ssm-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
  managedPolicyArns: [
    "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy",
  ],
  tags,
});
const ssmProfile = new aws.iam.InstanceProfile("platform-ssm-profile", { role: ssmRole.name, tags });

const linuxAmi = aws.ec2.getAmiOutput({
  mostRecent: true,
  owners: ["amazon"],
  filters: [{ name: "name", values: ["al2023-ami-2023.*-x86_64"] }],
});
const windowsAmi = aws.ec2.getAmiOutput({
  mostRecent: true,
  owners: ["amazon"],
  filters: [{ name: "name", values: ["Windows_Server-2022-English-Full-Base-*"] }],
});

const bastion = new aws.ec2.Instance("platform-bastion", {
  ami: linuxAmi.id,
  instanceType: "t3.micro",
  subnetId: mgmtSubnet.id,
  vpcSecurityGroupIds: [bastionSg.id],
  // Bastions and load balancers are the only things that get public addresses.
  associatePublicIpAddress: true,
  iamInstanceProfile: ssmProfile.name,
  metadataOptions: { httpEndpoint: "enabled", httpTokens: "required" },
  rootBlockDevice: { volumeSize: 10, encrypted: true },
  tags: { ...tags, Name: "platform-bastion", "bulkhead:role": "bastion" },
});
new aws.ec2.Instance("platform-tools", {
  ami: linuxAmi.id,
  instanceType: "t3.medium",
  subnetId: toolsSubnet.id,
  vpcSecurityGroupIds: [toolsSg.id],
  iamInstanceProfile: ssmProfile.name,
  metadataOptions: { httpTokens: "required" },
  rootBlockDevice: { volumeSize: 50, encrypted: true },
  ebsBlockDevices: [{ deviceName: "/dev/sdf", volumeSize: 100, encrypted: true }],
  tags: { ...tags, Name: "platform-tools" },
});
new aws.ec2.Instance("platform-license-server", {
  ami: windowsAmi.id,
  instanceType: "m6i.large",
  subnetId: toolsSubnet.id,
  vpcSecurityGroupIds: [winSg.id],
  iamInstanceProfile: ssmProfile.name,
  metadataOptions: { httpTokens: "required" },
  rootBlockDevice: { volumeSize: 80, encrypted: true },
  tags: { ...tags, Name: "platform-license-server" },
});

// --- Session Manager preferences: every shell session is logged to an encrypted log group ---
const sessionLogGroupName = "/bulkhead/platform/ssm-sessions";
const sessionLogs = new aws.cloudwatch.LogGroup("platform-ssm-session-logs", {
  name: sessionLogGroupName,
  retentionInDays: 365,
  kmsKeyId: logsKey.arn,
  tags,
});
const sessionKey = new aws.kms.Key("platform-ssm-session-key", {
  description: "Session Manager session data",
  enableKeyRotation: true,
  tags,
});
const sessionKeyAlias = new aws.kms.Alias("platform-ssm-session-key-alias", {
  name: "alias/bulkhead-ssm-sessions",
  targetKeyId: sessionKey.keyId,
});
new aws.ssm.Document(
  "platform-session-preferences",
  {
    name: "SSM-SessionManagerRunShell",
    documentType: "Session",
    documentFormat: "JSON",
    content: JSON.stringify({
      schemaVersion: "1.0",
      description: "Session Manager preferences: log and encrypt every session",
      sessionType: "Standard_Stream",
      inputs: {
        cloudWatchLogGroupName: sessionLogGroupName,
        cloudWatchEncryptionEnabled: true,
        cloudWatchStreamingEnabled: true,
        kmsKeyId: "alias/bulkhead-ssm-sessions",
        idleSessionTimeout: "20",
        runAsEnabled: false,
      },
    }),
    tags,
  },
  { dependsOn: [sessionLogs, sessionKeyAlias] },
);

export const bastionIp = bastion.publicIp;
