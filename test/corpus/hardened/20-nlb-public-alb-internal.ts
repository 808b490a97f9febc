// expect: clean
// why: an internet-facing NLB (with a security group) takes 443 from the world; an internal ALB takes 443 only from the VPC; targets admit only their load balancer's group.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const tags = { "bulkhead:tenant": "pendant" };
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

const vpc = new aws.ec2.Vpc("pendant-vpc", { cidrBlock: "10.250.0.0/16", enableDnsHostnames: true, tags });
const igw = new aws.ec2.InternetGateway("pendant-igw", { vpcId: vpc.id, tags });
const publicRt = new aws.ec2.RouteTable("pendant-public-rt", { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }], tags });
const publicSubnets = ["a", "b"].map((az, i) => {
  const s = new aws.ec2.Subnet(`pendant-public-${az}`, { vpcId: vpc.id, cidrBlock: `10.250.${i}.0/24`, availabilityZone: `us-east-1${az}`, tags });
  new aws.ec2.RouteTableAssociation(`pendant-public-${az}-rt`, { subnetId: s.id, routeTableId: publicRt.id });
  return s;
});
const privateSubnets = ["a", "b"].map(
  (az, i) => new aws.ec2.Subnet(`pendant-private-${az}`, { vpcId: vpc.id, cidrBlock: `10.250.${10 + i}.0/24`, availabilityZone: `us-east-1${az}`, tags }),
);
vpcBaseline("pendant", vpc, "10.250.0.0/16", [...publicSubnets, ...privateSubnets], tags);

// --- Public TLS passthrough: the NLB's group is the only one open to the world, on 443 ---
const nlbSg = new aws.ec2.SecurityGroup("pendant-nlb-sg", {
  vpcId: vpc.id,
  description: "public network load balancer",
  ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
  egress: [{ protocol: "tcp", fromPort: 8443, toPort: 8443, cidrBlocks: ["10.250.10.0/23"] }],
  tags,
});
const edgeSg = new aws.ec2.SecurityGroup("pendant-edge-sg", {
  vpcId: vpc.id,
  description: "TLS-terminating edge proxies",
  egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
  tags,
});
new aws.vpc.SecurityGroupIngressRule("pendant-edge-from-nlb", {
  securityGroupId: edgeSg.id,
  referencedSecurityGroupId: nlbSg.id,
  ipProtocol: "tcp",
  fromPort: 8443,
  toPort: 8443,
  tags,
});
const nlb = new aws.lb.LoadBalancer("pendant-nlb", {
  loadBalancerType: "network",
  internal: false,
  securityGroups: [nlbSg.id],
  subnets: publicSubnets.map((s) => s.id),
  tags,
});
const edgeTg = new aws.lb.TargetGroup("pendant-edge-tg", { port: 8443, protocol: "TCP", vpcId: vpc.id, targetType: "ip", tags });
new aws.lb.Listener("pendant-nlb-443", {
  loadBalancerArn: nlb.arn,
  port: 443,
  protocol: "TCP",
  defaultActions: [{ type: "forward", targetGroupArn: edgeTg.arn }],
  tags,
});

// --- Internal admin API: HTTPS from inside the VPC only ---
const internalAlbSg = new aws.ec2.SecurityGroup("pendant-internal-alb-sg", {
  vpcId: vpc.id,
  description: "internal admin api load balancer",
  ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.250.0.0/16"] }],
  egress: [{ protocol: "tcp", fromPort: 9000, toPort: 9000, cidrBlocks: ["10.250.10.0/23"] }],
  tags,
});
const adminApiSg = new aws.ec2.SecurityGroup("pendant-admin-api-sg", {
  vpcId: vpc.id,
  description: "admin api tasks",
  egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
  tags,
});
new aws.vpc.SecurityGroupIngressRule("pendant-admin-api-from-alb", {
  securityGroupId: adminApiSg.id,
  referencedSecurityGroupId: internalAlbSg.id,
  ipProtocol: "tcp",
  fromPort: 9000,
  toPort: 9000,
  tags,
});
const internalAlb = new aws.lb.LoadBalancer("pendant-internal-alb", {
  loadBalancerType: "application",
  internal: true,
  securityGroups: [internalAlbSg.id],
  subnets: privateSubnets.map((s) => s.id),
  tags,
});
const adminTg = new aws.lb.TargetGroup("pendant-admin-tg", { port: 9000, protocol: "HTTP", vpcId: vpc.id, targetType: "ip", tags });
new aws.lb.Listener("pendant-internal-443", {
  loadBalancerArn: internalAlb.arn,
  port: 443,
  protocol: "HTTPS",
  sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
  certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b",
  defaultActions: [{ type: "forward", targetGroupArn: adminTg.arn }],
  tags,
});

export const publicName = nlb.dnsName;
