// expect: clean
// why: an internal admin ALB served through a CloudFront VPC origin only behind a viewer-request function that checks a signed token (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html, https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/edge-functions-choosing.html).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const tags = { "bulkhead:tenant": "gazette" };
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

const vpc = new aws.ec2.Vpc("gazette-vpc", { cidrBlock: "10.151.0.0/16", enableDnsHostnames: true, tags });
const igw = new aws.ec2.InternetGateway("gazette-igw", { vpcId: vpc.id, tags });
const publicRt = new aws.ec2.RouteTable("gazette-public-rt", { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }], tags });
const publicSubnets = ["a", "b"].map((az, i) => {
  const s = new aws.ec2.Subnet(`gazette-public-${az}`, { vpcId: vpc.id, cidrBlock: `10.151.${i}.0/24`, availabilityZone: `us-east-1${az}`, tags });
  new aws.ec2.RouteTableAssociation(`gazette-public-${az}-rt`, { subnetId: s.id, routeTableId: publicRt.id });
  return s;
});
const privateSubnets = ["a", "b"].map(
  (az, i) => new aws.ec2.Subnet(`gazette-private-${az}`, { vpcId: vpc.id, cidrBlock: `10.151.${10 + i}.0/24`, availabilityZone: `us-east-1${az}`, tags }),
);
vpcBaseline("gazette", vpc, "10.151.0.0/16", [...publicSubnets, ...privateSubnets], tags);

// --- Internal admin API: HTTPS from inside the VPC only ---
const internalAlbSg = new aws.ec2.SecurityGroup("gazette-internal-alb-sg", {
  vpcId: vpc.id,
  description: "internal admin api load balancer",
  ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.151.0.0/16"] }],
  egress: [{ protocol: "tcp", fromPort: 9000, toPort: 9000, cidrBlocks: ["10.151.10.0/23"] }],
  tags,
});
const adminApiSg = new aws.ec2.SecurityGroup("gazette-admin-api-sg", {
  vpcId: vpc.id,
  description: "admin api tasks",
  egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
  tags,
});
new aws.vpc.SecurityGroupIngressRule("gazette-admin-api-from-alb", {
  securityGroupId: adminApiSg.id,
  referencedSecurityGroupId: internalAlbSg.id,
  ipProtocol: "tcp",
  fromPort: 9000,
  toPort: 9000,
  tags,
});
const internalAlb = new aws.lb.LoadBalancer("gazette-internal-alb", {
  loadBalancerType: "application",
  internal: true,
  securityGroups: [internalAlbSg.id],
  subnets: privateSubnets.map((s) => s.id),
  tags: { ...tags, "bulkhead:role": "admin" },
});
const adminTg = new aws.lb.TargetGroup("gazette-admin-tg", { port: 9000, protocol: "HTTP", vpcId: vpc.id, targetType: "ip", tags });
new aws.lb.Listener("gazette-internal-443", {
  loadBalancerArn: internalAlb.arn,
  port: 443,
  protocol: "HTTPS",
  sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
  certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b",
  defaultActions: [{ type: "forward", targetGroupArn: adminTg.arn }],
  tags,
});

// --- The admin console through CloudFront: a VPC origin, and every request authenticated at the edge ---
const checkToken = new aws.cloudfront.Function("gazette-check-token", {
  runtime: "cloudfront-js-2.0",
  publish: true,
  code: "async function handler(event) { const a = event.request.headers.authorization; if (!a || !a.value.startsWith('Bearer ')) { return { statusCode: 401, statusDescription: 'Unauthorized' }; } return event.request; }",
});
const adminOrigin = new aws.cloudfront.VpcOrigin("gazette-admin-origin", {
  vpcOriginEndpointConfig: {
    name: "gazette-admin",
    arn: internalAlb.arn,
    httpPort: 80,
    httpsPort: 443,
    originProtocolPolicy: "https-only",
    originSslProtocols: { items: ["TLSv1.2"], quantity: 1 },
  },
  tags,
});
const cdn = new aws.cloudfront.Distribution("gazette-admin-cdn", {
  enabled: true,
  origins: [{ originId: "admin", domainName: internalAlb.dnsName, vpcOriginConfig: { vpcOriginId: adminOrigin.id } }],
  defaultCacheBehavior: {
    targetOriginId: "admin",
    viewerProtocolPolicy: "redirect-to-https",
    allowedMethods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
    cachedMethods: ["GET", "HEAD"],
    cachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
    functionAssociations: [{ eventType: "viewer-request", functionArn: checkToken.arn }],
  },
  restrictions: { geoRestriction: { restrictionType: "none" } },
  viewerCertificate: { cloudfrontDefaultCertificate: true },
  tags,
});

export const adminConsole = cdn.domainName;
