// expect: clean
// why: a tenant web tier done right: only the ALB faces the world (443), app instances are private, IMDSv2-only and encrypted.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const tenant = { "bulkhead:tenant": "acme" };
const caller = aws.getCallerIdentityOutput();
const region = aws.getRegionOutput();
const azs = aws.getAvailabilityZonesOutput({ state: "available" });

const vpc = new aws.ec2.Vpc("acme-web-vpc", {
  cidrBlock: "10.110.0.0/16",
  assignGeneratedIpv6CidrBlock: true,
  enableDnsHostnames: true,
  enableDnsSupport: true,
  tags: tenant,
});

// --- VPC baseline: flow logs to an encrypted log group, default SG and NACL adopted with no rules ---
const logsKey = new aws.kms.Key("acme-web-logs-key", {
  description: "acme web: CloudWatch Logs",
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
  tags: tenant,
});
const flowLogGroup = new aws.cloudwatch.LogGroup("acme-web-flow-logs", {
  name: "/bulkhead/acme-web/vpc-flow",
  retentionInDays: 365,
  kmsKeyId: logsKey.arn,
  tags: tenant,
});
const flowRole = new aws.iam.Role("acme-web-flow-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "vpc-flow-logs.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
  tags: tenant,
});
new aws.iam.RolePolicy("acme-web-flow-publish", {
  role: flowRole.id,
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        Resource: pulumi.interpolate`arn:aws:logs:${region.region}:${caller.accountId}:log-group:/bulkhead/acme-web/vpc-flow:*`,
      },
    ],
  }),
});
new aws.ec2.FlowLog("acme-web-vpc-flow", {
  vpcId: vpc.id,
  trafficType: "ALL",
  logDestinationType: "cloud-watch-logs",
  logDestination: flowLogGroup.arn,
  iamRoleArn: flowRole.arn,
  tags: tenant,
});
// Adopting the defaults with no rules removes AWS's allow-all-within-group / allow-all NACL entries.
new aws.ec2.DefaultSecurityGroup("acme-web-default-sg", { vpcId: vpc.id, tags: tenant });
new aws.ec2.DefaultNetworkAcl("acme-web-default-nacl", { defaultNetworkAclId: vpc.defaultNetworkAclId, tags: tenant });

// --- Subnets: public for the ALB and NAT only, private for the app ---
const igw = new aws.ec2.InternetGateway("acme-web-igw", { vpcId: vpc.id, tags: tenant });
const publicSubnets = [0, 1].map(
  (i) =>
    new aws.ec2.Subnet(`acme-web-public-${i}`, {
      vpcId: vpc.id,
      cidrBlock: `10.110.${i}.0/24`,
      availabilityZone: azs.names[i],
      mapPublicIpOnLaunch: false,
      tags: { ...tenant, tier: "public" },
    }),
);
const privateSubnets = [0, 1].map(
  (i) =>
    new aws.ec2.Subnet(`acme-web-private-${i}`, {
      vpcId: vpc.id,
      cidrBlock: `10.110.${10 + i}.0/24`,
      availabilityZone: azs.names[i],
      tags: { ...tenant, tier: "private" },
    }),
);
const publicRt = new aws.ec2.RouteTable("acme-web-public-rt", {
  vpcId: vpc.id,
  routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
  tags: tenant,
});
publicSubnets.forEach((s, i) => new aws.ec2.RouteTableAssociation(`acme-web-public-rt-${i}`, { subnetId: s.id, routeTableId: publicRt.id }));
const natEip = new aws.ec2.Eip("acme-web-nat-eip", { domain: "vpc", tags: tenant });
const nat = new aws.ec2.NatGateway("acme-web-nat", { allocationId: natEip.id, subnetId: publicSubnets[0].id, tags: tenant });
const privateRt = new aws.ec2.RouteTable("acme-web-private-rt", {
  vpcId: vpc.id,
  routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }],
  tags: tenant,
});
privateSubnets.forEach((s, i) => new aws.ec2.RouteTableAssociation(`acme-web-private-rt-${i}`, { subnetId: s.id, routeTableId: privateRt.id }));

// Subnet NACL: HTTPS in, VPC-internal traffic, and return traffic on ephemeral ports (RDP's 3389 carved out).
new aws.ec2.NetworkAcl("acme-web-nacl", {
  vpcId: vpc.id,
  subnetIds: [...publicSubnets, ...privateSubnets].map((s) => s.id),
  ingress: [
    { ruleNo: 100, action: "allow", protocol: "tcp", cidrBlock: "0.0.0.0/0", fromPort: 443, toPort: 443 },
    { ruleNo: 110, action: "allow", protocol: "-1", cidrBlock: "10.110.0.0/16", fromPort: 0, toPort: 0 },
    { ruleNo: 120, action: "allow", protocol: "tcp", cidrBlock: "0.0.0.0/0", fromPort: 1024, toPort: 3388 },
    { ruleNo: 130, action: "allow", protocol: "tcp", cidrBlock: "0.0.0.0/0", fromPort: 3390, toPort: 65535 },
  ],
  egress: [{ ruleNo: 100, action: "allow", protocol: "-1", cidrBlock: "0.0.0.0/0", fromPort: 0, toPort: 0 }],
  tags: tenant,
});

// --- Security groups: the world reaches only the ALB on 443; the app only from the ALB ---
const albSg = new aws.ec2.SecurityGroup("acme-web-alb-sg", {
  vpcId: vpc.id,
  description: "acme web public load balancer",
  ingress: [
    { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "https v4" },
    { protocol: "tcp", fromPort: 443, toPort: 443, ipv6CidrBlocks: ["::/0"], description: "https v6" },
  ],
  tags: tenant,
});
const appSg = new aws.ec2.SecurityGroup("acme-web-app-sg", {
  vpcId: vpc.id,
  description: "acme web application instances",
  // Outbound to the world (package mirrors, APIs) is egress: it opens no door.
  egress: [
    { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "outbound v4" },
    { protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlocks: ["::/0"], description: "outbound v6" },
  ],
  tags: tenant,
});
new aws.vpc.SecurityGroupIngressRule("acme-web-app-from-alb", {
  securityGroupId: appSg.id,
  referencedSecurityGroupId: albSg.id,
  ipProtocol: "tcp",
  fromPort: 8080,
  toPort: 8080,
  description: "traffic from the load balancer only",
  tags: tenant,
});
new aws.vpc.SecurityGroupEgressRule("acme-web-alb-to-app", {
  securityGroupId: albSg.id,
  referencedSecurityGroupId: appSg.id,
  ipProtocol: "tcp",
  fromPort: 8080,
  toPort: 8080,
  tags: tenant,
});

// --- Compute: private, IMDSv2-only, encrypted, managed through SSM instead of SSH ---
const instanceRole = new aws.iam.Role("acme-web-instance-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
  tags: tenant,
});
new aws.iam.RolePolicyAttachment("acme-web-instance-ssm", {
  role: instanceRole.name,
  policyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
});
const profile = new aws.iam.InstanceProfile("acme-web-instance-profile", { role: instanceRole.name, tags: tenant });

const ami = aws.ec2.getAmiOutput({
  mostRecent: true,
  owners: ["amazon"],
  filters: [{ name: "name", values: ["al2023-ami-2023.*-x86_64"] }],
});
const lt = new aws.ec2.LaunchTemplate("acme-web-lt", {
  namePrefix: "acme-web-",
  imageId: ami.id,
  instanceType: "t3.medium",
  iamInstanceProfile: { arn: profile.arn },
  vpcSecurityGroupIds: [appSg.id],
  metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
  blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 30, volumeType: "gp3", encrypted: "true" } }],
  tagSpecifications: [{ resourceType: "instance", tags: tenant }],
  tags: tenant,
});

const alb = new aws.lb.LoadBalancer("acme-web-alb", {
  loadBalancerType: "application",
  internal: false,
  securityGroups: [albSg.id],
  subnets: publicSubnets.map((s) => s.id),
  dropInvalidHeaderFields: true,
  tags: tenant,
});
const tg = new aws.lb.TargetGroup("acme-web-tg", {
  port: 8080,
  protocol: "HTTP",
  vpcId: vpc.id,
  healthCheck: { path: "/healthz", matcher: "200" },
  tags: tenant,
});
new aws.lb.Listener("acme-web-https", {
  loadBalancerArn: alb.arn,
  port: 443,
  protocol: "HTTPS",
  sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
  certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d",
  defaultActions: [{ type: "forward", targetGroupArn: tg.arn }],
  tags: tenant,
});
new aws.autoscaling.Group("acme-web-asg", {
  minSize: 2,
  maxSize: 6,
  vpcZoneIdentifiers: privateSubnets.map((s) => s.id),
  targetGroupArns: [tg.arn],
  healthCheckType: "ELB",
  launchTemplate: { id: lt.id, version: "$Latest" },
  tags: [{ key: "bulkhead:tenant", value: "acme", propagateAtLaunch: true }],
});

export const url = alb.dnsName;
