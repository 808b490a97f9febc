// expect: no-world-open-sensitive-port jump-host-sg
// expect: only-lbs-face-world jump-host-sg
// why: even the bastion may not take SSH from the whole internet; its group needs the office/VPN ranges, not 0.0.0.0/0.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("mgmt-vpc", { cidrBlock: "10.44.0.0/16" });
const igw = new aws.ec2.InternetGateway("mgmt-igw", { vpcId: vpc.id });
const subnet = new aws.ec2.Subnet("mgmt-public-a", { vpcId: vpc.id, cidrBlock: "10.44.1.0/24", availabilityZone: "us-east-1a" });
const rt = new aws.ec2.RouteTable("mgmt-rt", { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }] });
new aws.ec2.RouteTableAssociation("mgmt-public-a-rt", { subnetId: subnet.id, routeTableId: rt.id });

const bastionSg = new aws.ec2.SecurityGroup("jump-host-sg", {
  vpcId: vpc.id,
  description: "bastion",
  ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }],
  egress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.44.0.0/16"] }],
  tags: { "bulkhead:role": "bastion" },
});

new aws.ec2.Instance("jump-host", {
  ami: "ami-0bb1cc2dd3ee4ff50",
  instanceType: "t3.nano",
  subnetId: subnet.id,
  vpcSecurityGroupIds: [bastionSg.id],
  associatePublicIpAddress: true,
  metadataOptions: { httpTokens: "required" },
  rootBlockDevice: { encrypted: true },
  tags: { "bulkhead:role": "bastion" },
});
