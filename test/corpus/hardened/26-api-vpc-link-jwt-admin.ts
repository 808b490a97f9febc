// expect: clean
// why: an internal admin ALB published through an HTTP API private integration (VPC link) whose every route requires a JWT authorizer: the VPC link hop is on the internet only behind authentication (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-private.html, https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const tags = { "bulkhead:tenant": "ledger" };
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

const vpc = new aws.ec2.Vpc("ledger-vpc", { cidrBlock: "10.152.0.0/16", enableDnsHostnames: true, tags });
const igw = new aws.ec2.InternetGateway("ledger-igw", { vpcId: vpc.id, tags });
const publicRt = new aws.ec2.RouteTable("ledger-public-rt", { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }], tags });
const publicSubnets = ["a", "b"].map((az, i) => {
  const s = new aws.ec2.Subnet(`ledger-public-${az}`, { vpcId: vpc.id, cidrBlock: `10.152.${i}.0/24`, availabilityZone: `us-east-1${az}`, tags });
  new aws.ec2.RouteTableAssociation(`ledger-public-${az}-rt`, { subnetId: s.id, routeTableId: publicRt.id });
  return s;
});
const privateSubnets = ["a", "b"].map(
  (az, i) => new aws.ec2.Subnet(`ledger-private-${az}`, { vpcId: vpc.id, cidrBlock: `10.152.${10 + i}.0/24`, availabilityZone: `us-east-1${az}`, tags }),
);
vpcBaseline("ledger", vpc, "10.152.0.0/16", [...publicSubnets, ...privateSubnets], tags);

// --- Internal admin API: HTTPS from inside the VPC only ---
const internalAlbSg = new aws.ec2.SecurityGroup("ledger-internal-alb-sg", {
  vpcId: vpc.id,
  description: "internal admin api load balancer",
  ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.152.0.0/16"] }],
  egress: [{ protocol: "tcp", fromPort: 9000, toPort: 9000, cidrBlocks: ["10.152.10.0/23"] }],
  tags,
});
const adminApiSg = new aws.ec2.SecurityGroup("ledger-admin-api-sg", {
  vpcId: vpc.id,
  description: "admin api tasks",
  egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
  tags,
});
new aws.vpc.SecurityGroupIngressRule("ledger-admin-api-from-alb", {
  securityGroupId: adminApiSg.id,
  referencedSecurityGroupId: internalAlbSg.id,
  ipProtocol: "tcp",
  fromPort: 9000,
  toPort: 9000,
  tags,
});
const internalAlb = new aws.lb.LoadBalancer("ledger-internal-alb", {
  loadBalancerType: "application",
  internal: true,
  securityGroups: [internalAlbSg.id],
  subnets: privateSubnets.map((s) => s.id),
  tags: { ...tags, "bulkhead:role": "admin" },
});
const adminTg = new aws.lb.TargetGroup("ledger-admin-tg", { port: 9000, protocol: "HTTP", vpcId: vpc.id, targetType: "ip", tags });
const listener = new aws.lb.Listener("ledger-internal-443", {
  loadBalancerArn: internalAlb.arn,
  port: 443,
  protocol: "HTTPS",
  sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
  certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b",
  defaultActions: [{ type: "forward", targetGroupArn: adminTg.arn }],
  tags,
});

// --- The admin API through API Gateway: a VPC link to the internal listener, every route behind a JWT authorizer ---
const linkSg = new aws.ec2.SecurityGroup("ledger-vpc-link-sg", {
  vpcId: vpc.id,
  description: "API Gateway VPC link to the internal admin load balancer",
  egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.152.10.0/23"] }],
  tags,
});
const link = new aws.apigatewayv2.VpcLink("ledger-admin-link", { subnetIds: privateSubnets.map((s) => s.id), securityGroupIds: [linkSg.id], tags });
const api = new aws.apigatewayv2.Api("ledger-admin-api", { protocolType: "HTTP", tags });
const authorizer = new aws.apigatewayv2.Authorizer("ledger-admin-jwt", {
  apiId: api.id,
  authorizerType: "JWT",
  identitySources: ["$request.header.Authorization"],
  jwtConfiguration: { issuer: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Ledger01", audiences: ["ledger-admin"] },
});
const integration = new aws.apigatewayv2.Integration("ledger-admin-integration", {
  apiId: api.id,
  integrationType: "HTTP_PROXY",
  integrationMethod: "ANY",
  connectionType: "VPC_LINK",
  connectionId: link.id,
  integrationUri: listener.arn,
  tlsConfig: { serverNameToVerify: "admin.ledger.internal" },
});
new aws.apigatewayv2.Route("ledger-admin-route", {
  apiId: api.id,
  routeKey: "ANY /admin/{proxy+}",
  target: pulumi.interpolate`integrations/${integration.id}`,
  authorizationType: "JWT",
  authorizerId: authorizer.id,
});

export const adminApi = api.apiEndpoint;
