// expect: no-world-open-sensitive-port vendor-rdp-low-sg
// expect: no-world-open-sensitive-port vendor-rdp-high-sg
// why: the Windows host's own group takes RDP from half the internet; a NetworkInterfaceSecurityGroupAttachment added for a vendor puts a second group with the other half on the same interface.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("erp-vpc", { cidrBlock: "10.75.0.0/16" });
const subnet = new aws.ec2.Subnet("erp-private-a", { vpcId: vpc.id, cidrBlock: "10.75.1.0/24", availabilityZone: "us-east-1a" });

const low = new aws.ec2.SecurityGroup("vendor-rdp-low-sg", {
  vpcId: vpc.id,
  description: "vendor RDP A",
  ingress: [{ protocol: "tcp", fromPort: 3389, toPort: 3389, cidrBlocks: ["0.0.0.0/1"] }],
});
const high = new aws.ec2.SecurityGroup("vendor-rdp-high-sg", {
  vpcId: vpc.id,
  description: "vendor RDP B",
  ingress: [{ protocol: "tcp", fromPort: 3389, toPort: 3389, cidrBlocks: ["128.0.0.0/1"] }],
});

const host = new aws.ec2.Instance("erp-win", {
  ami: "ami-0a1b2c3d4e5f6a7b8",
  instanceType: "m6i.large",
  subnetId: subnet.id,
  vpcSecurityGroupIds: [low.id],
  metadataOptions: { httpTokens: "required" },
  rootBlockDevice: { encrypted: true },
});

new aws.ec2.NetworkInterfaceSecurityGroupAttachment("erp-win-vendor-b", {
  securityGroupId: high.id,
  networkInterfaceId: host.primaryNetworkInterfaceId,
});
