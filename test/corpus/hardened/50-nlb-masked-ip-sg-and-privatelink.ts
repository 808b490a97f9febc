// expect: clean
// why: an internet-facing NLB with a security group forwards to IP targets without client IP preservation, and the targets admit only the NLB's group (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html); an internal NLB is shared through PrivateLink with one named account, every connection accepted by hand (https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const tags = { "bulkhead:tenant": "brooch" };
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

const vpc = new aws.ec2.Vpc("brooch-vpc", { cidrBlock: "10.150.0.0/16", enableDnsHostnames: true, tags });
const igw = new aws.ec2.InternetGateway("brooch-igw", { vpcId: vpc.id, tags });
const publicRt = new aws.ec2.RouteTable("brooch-public-rt", { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }], tags });
const publicSubnets = ["a", "b"].map((az, i) => {
  const s = new aws.ec2.Subnet(`brooch-public-${az}`, { vpcId: vpc.id, cidrBlock: `10.150.${i}.0/24`, availabilityZone: `us-east-1${az}`, tags });
  new aws.ec2.RouteTableAssociation(`brooch-public-${az}-rt`, { subnetId: s.id, routeTableId: publicRt.id });
  return s;
});
const privateSubnets = ["a", "b"].map(
  (az, i) => new aws.ec2.Subnet(`brooch-private-${az}`, { vpcId: vpc.id, cidrBlock: `10.150.${10 + i}.0/24`, availabilityZone: `us-east-1${az}`, tags }),
);
vpcBaseline("brooch", vpc, "10.150.0.0/16", [...publicSubnets, ...privateSubnets], tags);

// --- Public TLS passthrough: the NLB's group is the only one open to the world, on 443 ---
const nlbSg = new aws.ec2.SecurityGroup("brooch-nlb-sg", {
  vpcId: vpc.id,
  description: "public network load balancer",
  ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
  egress: [{ protocol: "tcp", fromPort: 8443, toPort: 8443, cidrBlocks: ["10.150.10.0/23"] }],
  tags,
});
const edgeSg = new aws.ec2.SecurityGroup("brooch-edge-sg", {
  vpcId: vpc.id,
  description: "TLS-terminating edge proxies",
  egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
  tags,
});
new aws.vpc.SecurityGroupIngressRule("brooch-edge-from-nlb", {
  securityGroupId: edgeSg.id,
  referencedSecurityGroupId: nlbSg.id,
  ipProtocol: "tcp",
  fromPort: 8443,
  toPort: 8443,
  tags,
});
const nlb = new aws.lb.LoadBalancer("brooch-nlb", {
  loadBalancerType: "network",
  internal: false,
  securityGroups: [nlbSg.id],
  subnets: publicSubnets.map((s) => s.id),
  tags,
});
// The targets see the NLB's address, not the client's: safe because they admit the NLB's group, not a CIDR.
const edgeTg = new aws.lb.TargetGroup("brooch-edge-tg", { port: 8443, protocol: "TCP", vpcId: vpc.id, targetType: "ip", preserveClientIp: "false", tags });
new aws.lb.Listener("brooch-nlb-443", {
  loadBalancerArn: nlb.arn,
  port: 443,
  protocol: "TCP",
  defaultActions: [{ type: "forward", targetGroupArn: edgeTg.arn }],
  tags,
});

// --- Partner API over PrivateLink: an internal NLB, one named consumer account, manual acceptance ---
const apiNlbSg = new aws.ec2.SecurityGroup("brooch-api-nlb-sg", {
  vpcId: vpc.id,
  description: "privatelink api load balancer",
  ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.150.0.0/16"] }],
  egress: [{ protocol: "tcp", fromPort: 9000, toPort: 9000, cidrBlocks: ["10.150.10.0/23"] }],
  tags,
});
const apiSg = new aws.ec2.SecurityGroup("brooch-api-sg", {
  vpcId: vpc.id,
  description: "partner api tasks",
  egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
  tags,
});
new aws.vpc.SecurityGroupIngressRule("brooch-api-from-nlb", {
  securityGroupId: apiSg.id,
  referencedSecurityGroupId: apiNlbSg.id,
  ipProtocol: "tcp",
  fromPort: 9000,
  toPort: 9000,
  tags,
});
const apiNlb = new aws.lb.LoadBalancer("brooch-api-nlb", {
  loadBalancerType: "network",
  internal: true,
  securityGroups: [apiNlbSg.id],
  subnets: privateSubnets.map((s) => s.id),
  tags,
});
const apiTg = new aws.lb.TargetGroup("brooch-api-tg", { port: 9000, protocol: "TCP", vpcId: vpc.id, targetType: "ip", tags });
new aws.lb.Listener("brooch-api-443", {
  loadBalancerArn: apiNlb.arn,
  port: 443,
  protocol: "TCP",
  defaultActions: [{ type: "forward", targetGroupArn: apiTg.arn }],
  tags,
});
const apiService = new aws.ec2.VpcEndpointService("brooch-api-service", {
  acceptanceRequired: true,
  networkLoadBalancerArns: [apiNlb.arn],
  allowedPrincipals: ["arn:aws:iam::111122223333:root"],
  tags,
});
new aws.ec2.VpcEndpointServiceAllowedPrinciple("brooch-api-partner-role", {
  vpcEndpointServiceId: apiService.id,
  principalArn: "arn:aws:iam::444455556666:role/partner-integration",
});

export const publicName = nlb.dnsName;
