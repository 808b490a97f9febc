// expect: tenant-isolation acme-api-sg
// why: acme's API group admits globex's subnet range, so globex workloads can call acme's internal API.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("pooled-vpc", { cidrBlock: "10.17.0.0/16" });

new aws.ec2.Subnet("acme-app-a", {
  vpcId: vpc.id,
  cidrBlock: "10.17.1.0/24",
  availabilityZone: "us-east-1a",
  tags: { "bulkhead:tenant": "acme" },
});
new aws.ec2.Subnet("globex-app-a", {
  vpcId: vpc.id,
  cidrBlock: "10.17.2.0/24",
  availabilityZone: "us-east-1a",
  tags: { "bulkhead:tenant": "globex" },
});

new aws.ec2.SecurityGroup("acme-api-sg", {
  vpcId: vpc.id,
  description: "acme internal api",
  ingress: [
    { protocol: "tcp", fromPort: 8443, toPort: 8443, cidrBlocks: ["10.17.1.0/24"], description: "acme apps" },
    { protocol: "tcp", fromPort: 8443, toPort: 8443, cidrBlocks: ["10.17.2.0/24"], description: "partner integration" },
  ],
  tags: { "bulkhead:tenant": "acme" },
});
