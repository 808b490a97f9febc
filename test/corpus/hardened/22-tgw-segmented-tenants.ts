// expect: clean
// why: tenants and the shared-services VPC on one transit gateway, segmented: each tenant's route table reaches only the platform, the platform's reaches every tenant, and the default tables are off.
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

const hub = new aws.ec2transitgateway.TransitGateway("hub", {
  description: "tenant hub (segmented)",
  defaultRouteTableAssociation: "disable",
  defaultRouteTablePropagation: "disable",
  autoAcceptSharedAttachments: "disable",
});

const networks = [
  { id: "shared", cidr: "10.200.0.0/16", octet: 200, tags: {} as Record<string, string> },
  { id: "tyrell", cidr: "10.210.0.0/16", octet: 210, tags: { "bulkhead:tenant": "tyrell" } },
  { id: "weyland", cidr: "10.211.0.0/16", octet: 211, tags: { "bulkhead:tenant": "weyland" } },
];

const attached = networks.map((n) => {
  const vpc = new aws.ec2.Vpc(`${n.id}-vpc`, { cidrBlock: n.cidr, enableDnsHostnames: true, tags: n.tags });
  const subnetA = new aws.ec2.Subnet(`${n.id}-private-a`, { vpcId: vpc.id, cidrBlock: `10.${n.octet}.1.0/24`, availabilityZone: "us-east-1a", tags: n.tags });
  const subnetB = new aws.ec2.Subnet(`${n.id}-private-b`, { vpcId: vpc.id, cidrBlock: `10.${n.octet}.2.0/24`, availabilityZone: "us-east-1b", tags: n.tags });
  vpcBaseline(n.id, vpc, n.cidr, [subnetA, subnetB], n.tags);
  const attachment = new aws.ec2transitgateway.VpcAttachment(`${n.id}-att`, {
    transitGatewayId: hub.id,
    vpcId: vpc.id,
    subnetIds: [subnetA.id, subnetB.id],
    transitGatewayDefaultRouteTableAssociation: false,
    transitGatewayDefaultRouteTablePropagation: false,
    tags: n.tags,
  });
  const routes = new aws.ec2transitgateway.RouteTable(`${n.id}-tgw-rt`, { transitGatewayId: hub.id, tags: n.tags });
  new aws.ec2transitgateway.RouteTableAssociation(`${n.id}-tgw-assoc`, {
    transitGatewayAttachmentId: attachment.id,
    transitGatewayRouteTableId: routes.id,
  });
  // The VPC sends the rest of 10/8 to the hub; the hub's tables decide what is actually reachable.
  const vpcRoutes = new aws.ec2.RouteTable(`${n.id}-private-rt`, {
    vpcId: vpc.id,
    routes: [{ cidrBlock: "10.0.0.0/8", transitGatewayId: hub.id }],
    tags: n.tags,
  });
  for (const [i, s] of [subnetA, subnetB].entries())
    new aws.ec2.RouteTableAssociation(`${n.id}-private-rta-${i}`, { subnetId: s.id, routeTableId: vpcRoutes.id });
  return { ...n, attachment, routes };
});

const [shared, ...tenants] = attached;
for (const t of tenants) {
  // Shared services reach every tenant; each tenant reaches shared services only.
  new aws.ec2transitgateway.RouteTablePropagation(`${t.id}-into-shared`, {
    transitGatewayAttachmentId: t.attachment.id,
    transitGatewayRouteTableId: shared.routes.id,
  });
  new aws.ec2transitgateway.RouteTablePropagation(`shared-into-${t.id}`, {
    transitGatewayAttachmentId: shared.attachment.id,
    transitGatewayRouteTableId: t.routes.id,
  });
}
