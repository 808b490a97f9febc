// expect: no-world-open-sensitive-port deploy-box-sg
// expect: bastion-only-admin deploy-box-sg
// expect: only-lbs-face-world deploy-box-sg
// why: SSH "only from the CI runner's Elastic IP" - an address AWS assigns at deploy, so at preview nobody can tell it isn't the world; unknowns must fail closed.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("release-vpc", { cidrBlock: "10.52.0.0/16" });
const subnet = new aws.ec2.Subnet("release-a", { vpcId: vpc.id, cidrBlock: "10.52.1.0/24", availabilityZone: "us-east-1a" });

// The runner's NAT address, allocated in this same program.
const runnerEip = new aws.ec2.Eip("ci-runner-egress-ip", { domain: "vpc" });

const sg = new aws.ec2.SecurityGroup("deploy-box-sg", {
  vpcId: vpc.id,
  description: "release box",
  ingress: [
    { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: [pulumi.interpolate`${runnerEip.publicIp}/32`], description: "ci runner" },
  ],
  egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
});

new aws.ec2.Instance("deploy-box", {
  ami: "ami-0ab12cd34ef56ab78",
  instanceType: "t3.small",
  subnetId: subnet.id,
  vpcSecurityGroupIds: [sg.id],
  metadataOptions: { httpTokens: "required" },
  rootBlockDevice: { encrypted: true },
});
