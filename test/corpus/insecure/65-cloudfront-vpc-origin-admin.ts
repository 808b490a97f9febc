// expect: no-hidden-internet-paths ops-console-cdn
// why: the ops console sits on an internal ALB tagged bulkhead:role=admin, but a CloudFront VPC origin serves it to the internet with no viewer authentication (no viewer-request function, no signed URLs, no web ACL): "internal" no longer means anything (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html).
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("ops-vpc", { cidrBlock: "10.65.0.0/16" });
const privateA = new aws.ec2.Subnet("ops-private-a", { vpcId: vpc.id, cidrBlock: "10.65.10.0/24", availabilityZone: "us-east-1a" });
const privateB = new aws.ec2.Subnet("ops-private-b", { vpcId: vpc.id, cidrBlock: "10.65.11.0/24", availabilityZone: "us-east-1b" });

const albSg = new aws.ec2.SecurityGroup("ops-console-alb-sg", {
  vpcId: vpc.id,
  description: "internal ops console",
  ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.65.0.0/16"] }],
  egress: [{ protocol: "tcp", fromPort: 8080, toPort: 8080, cidrBlocks: ["10.65.0.0/16"] }],
});
const alb = new aws.lb.LoadBalancer("ops-console-alb", {
  loadBalancerType: "application",
  internal: true,
  securityGroups: [albSg.id],
  subnets: [privateA.id, privateB.id],
  tags: { "bulkhead:role": "admin" },
});

const origin = new aws.cloudfront.VpcOrigin("ops-console-origin", {
  vpcOriginEndpointConfig: {
    name: "ops-console",
    arn: alb.arn,
    httpPort: 80,
    httpsPort: 443,
    originProtocolPolicy: "https-only",
    originSslProtocols: { items: ["TLSv1.2"], quantity: 1 },
  },
});

new aws.cloudfront.Distribution("ops-console-cdn", {
  enabled: true,
  origins: [{ originId: "ops-console", domainName: alb.dnsName, vpcOriginConfig: { vpcOriginId: origin.id } }],
  defaultCacheBehavior: {
    targetOriginId: "ops-console",
    viewerProtocolPolicy: "redirect-to-https",
    allowedMethods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
    cachedMethods: ["GET", "HEAD"],
    cachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
  },
  restrictions: { geoRestriction: { restrictionType: "none" } },
  viewerCertificate: { cloudfrontDefaultCertificate: true },
});
