// expect: only-lbs-face-world storefront-app-sg
// why: the ALB is fine, but the app group behind it also takes 8080 from the world, so the load balancer (and its WAF) can be bypassed.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("storefront-vpc", { cidrBlock: "10.41.0.0/16" });
const igw = new aws.ec2.InternetGateway("storefront-igw", { vpcId: vpc.id });
const rt = new aws.ec2.RouteTable("storefront-public-rt", { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }] });
const publicA = new aws.ec2.Subnet("storefront-public-a", { vpcId: vpc.id, cidrBlock: "10.41.1.0/24", availabilityZone: "us-east-1a" });
const publicB = new aws.ec2.Subnet("storefront-public-b", { vpcId: vpc.id, cidrBlock: "10.41.2.0/24", availabilityZone: "us-east-1b" });
new aws.ec2.RouteTableAssociation("storefront-public-a-rt", { subnetId: publicA.id, routeTableId: rt.id });
new aws.ec2.RouteTableAssociation("storefront-public-b-rt", { subnetId: publicB.id, routeTableId: rt.id });

const albSg = new aws.ec2.SecurityGroup("storefront-alb-sg", {
  vpcId: vpc.id,
  description: "public alb",
  ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
  egress: [{ protocol: "tcp", fromPort: 8080, toPort: 8080, cidrBlocks: ["10.41.0.0/16"] }],
});

// health checks kept failing; "0.0.0.0/0 fixed it"
const appSg = new aws.ec2.SecurityGroup("storefront-app-sg", {
  vpcId: vpc.id,
  description: "storefront app",
  ingress: [{ protocol: "tcp", fromPort: 8080, toPort: 8080, cidrBlocks: ["0.0.0.0/0"] }],
  egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
});

const alb = new aws.lb.LoadBalancer("storefront-alb", {
  loadBalancerType: "application",
  internal: false,
  securityGroups: [albSg.id],
  subnets: [publicA.id, publicB.id],
});
const tg = new aws.lb.TargetGroup("storefront-tg", {
  port: 8080,
  protocol: "HTTP",
  vpcId: vpc.id,
  targetType: "ip",
  healthCheck: { path: "/healthz" },
});
new aws.lb.Listener("storefront-https", {
  loadBalancerArn: alb.arn,
  port: 443,
  protocol: "HTTPS",
  certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
  defaultActions: [{ type: "forward", targetGroupArn: tg.arn }],
});

export const appSgId = appSg.id;
