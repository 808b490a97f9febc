// expect: public-ip-only-bastion-lb mail-relay-eip
// why: an Elastic IP pinned to a non-bastion app server so a partner could allow-list it - it also makes the box reachable.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("mail-vpc", { cidrBlock: "10.33.0.0/16" });
const igw = new aws.ec2.InternetGateway("mail-igw", { vpcId: vpc.id });
const subnet = new aws.ec2.Subnet("mail-a", { vpcId: vpc.id, cidrBlock: "10.33.1.0/24", availabilityZone: "us-east-1a" });
const rt = new aws.ec2.RouteTable("mail-rt", { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }] });
new aws.ec2.RouteTableAssociation("mail-a-rt", { subnetId: subnet.id, routeTableId: rt.id });

const sg = new aws.ec2.SecurityGroup("mail-relay-sg", {
  vpcId: vpc.id,
  description: "outbound smtp relay",
  egress: [{ protocol: "tcp", fromPort: 587, toPort: 587, cidrBlocks: ["0.0.0.0/0"] }],
});

const relay = new aws.ec2.Instance("mail-relay", {
  ami: "ami-0e1f2a3b4c5d6e7f8",
  instanceType: "t3.small",
  subnetId: subnet.id,
  vpcSecurityGroupIds: [sg.id],
  metadataOptions: { httpTokens: "required" },
  rootBlockDevice: { encrypted: true },
});

new aws.ec2.Eip("mail-relay-eip", { domain: "vpc", instance: relay.id });
