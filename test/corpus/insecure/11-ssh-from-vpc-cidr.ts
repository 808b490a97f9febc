// expect: bastion-only-admin billing-app-sg
// why: SSH "only from inside the VPC" is still every compromised host in the VPC; admin ports must come from the bastion group.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("billing-vpc", { cidrBlock: "10.13.0.0/16" });
const subnet = new aws.ec2.Subnet("billing-private-a", { vpcId: vpc.id, cidrBlock: "10.13.1.0/24", availabilityZone: "us-east-1a" });

const sg = new aws.ec2.SecurityGroup("billing-app-sg", {
  vpcId: vpc.id,
  description: "billing workers",
  ingress: [
    { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.13.0.0/16"], description: "ssh from vpc" },
    { protocol: "tcp", fromPort: 9000, toPort: 9000, cidrBlocks: ["10.13.0.0/16"], description: "metrics" },
  ],
  egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
});

new aws.ec2.Instance("billing-worker", {
  ami: "ami-0abcdef1234567890",
  instanceType: "t3.medium",
  subnetId: subnet.id,
  vpcSecurityGroupIds: [sg.id],
  metadataOptions: { httpTokens: "required" },
  rootBlockDevice: { encrypted: true },
});
