// expect: only-lbs-face-world admin-portal-alb-sg
// why: 443 from the world on the group of an INTERNAL load balancer: world-wide ingress belongs only on internet-facing LBs.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("backoffice-vpc", { cidrBlock: "10.42.0.0/16" });
const privateA = new aws.ec2.Subnet("backoffice-a", { vpcId: vpc.id, cidrBlock: "10.42.1.0/24", availabilityZone: "us-east-1a" });
const privateB = new aws.ec2.Subnet("backoffice-b", { vpcId: vpc.id, cidrBlock: "10.42.2.0/24", availabilityZone: "us-east-1b" });

const albSg = new aws.ec2.SecurityGroup("admin-portal-alb-sg", {
  vpcId: vpc.id,
  description: "admin portal",
  ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
  egress: [{ protocol: "tcp", fromPort: 8443, toPort: 8443, cidrBlocks: ["10.42.0.0/16"] }],
});

new aws.lb.LoadBalancer("admin-portal-alb", {
  loadBalancerType: "application",
  internal: true,
  securityGroups: [albSg.id],
  subnets: [privateA.id, privateB.id],
});
