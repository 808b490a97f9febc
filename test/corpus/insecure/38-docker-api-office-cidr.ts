// expect: bastion-only-admin build-docker-sg
// why: the Docker remote API (2375-2376) open to the office's public range: not the world, but not the bastion either.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("builders-vpc", { cidrBlock: "10.38.0.0/16" });
const subnet = new aws.ec2.Subnet("builders-a", { vpcId: vpc.id, cidrBlock: "10.38.1.0/24", availabilityZone: "us-east-1a" });

const sg = new aws.ec2.SecurityGroup("build-docker-sg", {
  vpcId: vpc.id,
  description: "remote docker builders",
  ingress: [{ protocol: "tcp", fromPort: 2375, toPort: 2376, cidrBlocks: ["81.2.69.0/24"], description: "office" }],
  egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
});

new aws.ec2.Instance("build-docker", {
  ami: "ami-0aabbccddeeff0011",
  instanceType: "c6i.2xlarge",
  subnetId: subnet.id,
  vpcSecurityGroupIds: [sg.id],
  metadataOptions: { httpTokens: "required" },
  rootBlockDevice: { volumeSize: 200, encrypted: true },
});
