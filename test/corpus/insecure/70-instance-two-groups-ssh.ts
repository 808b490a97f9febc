// expect: no-world-open-sensitive-port ops-ssh-low-sg
// expect: no-world-open-sensitive-port ops-ssh-high-sg
// expect: bastion-only-admin ops-ssh-low-sg
// expect: only-lbs-face-world ops-ssh-high-sg
// why: each group admits SSH from "only half" of the IPv4 space, but the instance carries both, and AWS aggregates the rules of every group on it: together they are the whole internet.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("ops-vpc", { cidrBlock: "10.70.0.0/16" });
const subnet = new aws.ec2.Subnet("ops-private-a", { vpcId: vpc.id, cidrBlock: "10.70.1.0/24", availabilityZone: "us-east-1a" });

const low = new aws.ec2.SecurityGroup("ops-ssh-low-sg", {
  vpcId: vpc.id,
  description: "ssh from the EU office block",
  ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/1"] }],
});
const high = new aws.ec2.SecurityGroup("ops-ssh-high-sg", {
  vpcId: vpc.id,
  description: "ssh from the US office block",
  ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["128.0.0.0/1"] }],
});

new aws.ec2.Instance("ops-box", {
  ami: "ami-0f1a2b3c4d5e6f7a8",
  instanceType: "t3.small",
  subnetId: subnet.id,
  vpcSecurityGroupIds: [low.id, high.id],
  metadataOptions: { httpTokens: "required" },
  rootBlockDevice: { encrypted: true },
});
