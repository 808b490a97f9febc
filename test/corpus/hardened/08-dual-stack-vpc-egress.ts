// expect: clean
// why: a dual-stack VPC baseline: flow logs, empty default SG/NACL, an explicit NACL, and world-wide EGRESS over IPv4 and IPv6 (egress opens no door).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const tags = { "bulkhead:tenant": "hooli" };
const caller = aws.getCallerIdentityOutput();
const region = aws.getRegionOutput();

const vpc = new aws.ec2.Vpc("hooli-vpc", {
  cidrBlock: "10.150.0.0/16",
  assignGeneratedIpv6CidrBlock: true,
  enableDnsHostnames: true,
  tags,
});

// --- Flow logs: every VPC, all traffic, into a log group encrypted with our own key ---
const logsKey = new aws.kms.Key("hooli-logs-key", {
  description: "hooli: CloudWatch Logs",
  enableKeyRotation: true,
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "Account", Effect: "Allow", Principal: { AWS: pulumi.interpolate`arn:aws:iam::${caller.accountId}:root` }, Action: "kms:*", Resource: "*" },
      {
        Sid: "Logs",
        Effect: "Allow",
        Principal: { Service: pulumi.interpolate`logs.${region.region}.amazonaws.com` },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
      },
    ],
  }),
  tags,
});
const flowLogs = new aws.cloudwatch.LogGroup("hooli-flow-logs", {
  name: "/bulkhead/hooli/vpc-flow",
  retentionInDays: 400,
  kmsKeyId: logsKey.arn,
  tags,
});
const flowRole = new aws.iam.Role("hooli-flow-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "vpc-flow-logs.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
  inlinePolicies: [
    {
      name: "publish-flow-logs",
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            Resource: pulumi.interpolate`arn:aws:logs:${region.region}:${caller.accountId}:log-group:/bulkhead/hooli/vpc-flow:*`,
          },
        ],
      }),
    },
  ],
  tags,
});
new aws.ec2.FlowLog("hooli-vpc-flow", {
  vpcId: vpc.id,
  trafficType: "ALL",
  logDestination: flowLogs.arn,
  iamRoleArn: flowRole.arn,
  maxAggregationInterval: 60,
  tags,
});

// --- Defaults adopted with no rules ---
new aws.ec2.DefaultSecurityGroup("hooli-default-sg", { vpcId: vpc.id, tags: { ...tags, Name: "do-not-use" } });
new aws.ec2.DefaultNetworkAcl("hooli-default-nacl", { defaultNetworkAclId: vpc.defaultNetworkAclId, tags: { ...tags, Name: "do-not-use" } });

// --- Private dual-stack subnets; IPv6 leaves through an egress-only gateway ---
const eigw = new aws.ec2.EgressOnlyInternetGateway("hooli-eigw", { vpcId: vpc.id, tags });
const subnets = [0, 1].map(
  (i) =>
    new aws.ec2.Subnet(`hooli-private-${i}`, {
      vpcId: vpc.id,
      cidrBlock: `10.150.${i}.0/24`,
      ipv6CidrBlock: vpc.ipv6CidrBlock.apply((block) => block.replace("00::/56", `0${i}::/64`)),
      assignIpv6AddressOnCreation: true,
      availabilityZone: i === 0 ? "us-east-1a" : "us-east-1b",
      tags,
    }),
);
const rt = new aws.ec2.RouteTable("hooli-private-rt", {
  vpcId: vpc.id,
  routes: [{ ipv6CidrBlock: "::/0", egressOnlyGatewayId: eigw.id }],
  tags,
});
subnets.forEach((s, i) => new aws.ec2.RouteTableAssociation(`hooli-private-rt-${i}`, { subnetId: s.id, routeTableId: rt.id }));

const nacl = new aws.ec2.NetworkAcl("hooli-private-nacl", {
  vpcId: vpc.id,
  subnetIds: subnets.map((s) => s.id),
  tags,
});
new aws.ec2.NetworkAclRule("hooli-nacl-in-vpc", {
  networkAclId: nacl.id,
  ruleNumber: 100,
  egress: false,
  protocol: "-1",
  ruleAction: "allow",
  cidrBlock: "10.150.0.0/16",
});
new aws.ec2.NetworkAclRule("hooli-nacl-in-return-v6", {
  networkAclId: nacl.id,
  ruleNumber: 110,
  egress: false,
  protocol: "tcp",
  ruleAction: "allow",
  ipv6CidrBlock: "::/0",
  fromPort: 32768,
  toPort: 65535,
});
new aws.ec2.NetworkAclRule("hooli-nacl-out-all-v4", {
  networkAclId: nacl.id,
  ruleNumber: 100,
  egress: true,
  protocol: "-1",
  ruleAction: "allow",
  cidrBlock: "0.0.0.0/0",
});
new aws.ec2.NetworkAclRule("hooli-nacl-out-all-v6", {
  networkAclId: nacl.id,
  ruleNumber: 110,
  egress: true,
  protocol: "-1",
  ruleAction: "allow",
  ipv6CidrBlock: "::/0",
});

// --- A worker group that only talks outwards: world-wide egress in every rule form ---
const workerSg = new aws.ec2.SecurityGroup("hooli-worker-sg", {
  vpcId: vpc.id,
  description: "outbound-only workers",
  egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, ipv6CidrBlocks: ["::/0"], description: "https v6" }],
  tags,
});
new aws.ec2.SecurityGroupRule("hooli-worker-egress-all-v4", {
  type: "egress",
  securityGroupId: workerSg.id,
  protocol: "-1",
  fromPort: 0,
  toPort: 0,
  cidrBlocks: ["0.0.0.0/0"],
});
new aws.vpc.SecurityGroupEgressRule("hooli-worker-egress-all-v6", {
  securityGroupId: workerSg.id,
  ipProtocol: "-1",
  cidrIpv6: "::/0",
  tags,
});
new aws.vpc.SecurityGroupEgressRule("hooli-worker-egress-dns", {
  securityGroupId: workerSg.id,
  ipProtocol: "udp",
  fromPort: 53,
  toPort: 53,
  cidrIpv4: "0.0.0.0/0",
  tags,
});

const ami = aws.ec2.getAmiOutput({
  mostRecent: true,
  owners: ["amazon"],
  filters: [{ name: "name", values: ["al2023-ami-2023.*-x86_64"] }],
});
new aws.ec2.Instance("hooli-worker", {
  ami: ami.id,
  instanceType: "t3.small",
  subnetId: subnets[0].id,
  vpcSecurityGroupIds: [workerSg.id],
  ipv6AddressCount: 1,
  associatePublicIpAddress: false,
  metadataOptions: { httpTokens: "required", httpProtocolIpv6: "enabled" },
  rootBlockDevice: { volumeSize: 16, encrypted: true },
  tags,
});
