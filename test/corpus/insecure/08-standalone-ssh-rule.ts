// expect: no-world-open-sensitive-port api-ssh-hotfix
// expect: bastion-only-admin api-ssh-hotfix
// expect: only-lbs-face-world api-ssh-hotfix
// why: the group itself is clean; SSH from the world arrives through a standalone aws.ec2.SecurityGroupRule.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("api-vpc", { cidrBlock: "10.91.0.0/16" });
const subnet = new aws.ec2.Subnet("api-private-a", {
  vpcId: vpc.id,
  cidrBlock: "10.91.1.0/24",
  availabilityZone: "us-east-1a",
});

const apiSg = new aws.ec2.SecurityGroup("api-sg", {
  vpcId: vpc.id,
  description: "api servers",
  egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
});

new aws.ec2.SecurityGroupRule("api-http-from-vpc", {
  type: "ingress",
  securityGroupId: apiSg.id,
  protocol: "tcp",
  fromPort: 8080,
  toPort: 8080,
  cidrBlocks: ["10.91.0.0/16"],
});

// incident 4411: on-call needed a shell, VPN was down
new aws.ec2.SecurityGroupRule("api-ssh-hotfix", {
  type: "ingress",
  securityGroupId: apiSg.id,
  protocol: "tcp",
  fromPort: 22,
  toPort: 22,
  cidrBlocks: ["0.0.0.0/0"],
});

new aws.ec2.Instance("api-server", {
  ami: "ami-0fedcba9876543210",
  instanceType: "t3.large",
  subnetId: subnet.id,
  vpcSecurityGroupIds: [apiSg.id],
  metadataOptions: { httpTokens: "required" },
  rootBlockDevice: { encrypted: true },
});
