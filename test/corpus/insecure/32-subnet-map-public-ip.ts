// expect: public-ip-only-bastion-lb intranet-app
// why: the subnet hands out public IPs on launch and the instance never opts out: an "internal" app with an internet address.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("intranet-vpc", { cidrBlock: "10.32.0.0/16" });
const igw = new aws.ec2.InternetGateway("intranet-igw", { vpcId: vpc.id });
// copied from the public-subnet example in the docs
const subnet = new aws.ec2.Subnet("intranet-a", {
  vpcId: vpc.id,
  cidrBlock: "10.32.1.0/24",
  availabilityZone: "us-east-1a",
  mapPublicIpOnLaunch: true,
});
const rt = new aws.ec2.RouteTable("intranet-rt", { vpcId: vpc.id });
new aws.ec2.Route("intranet-default", { routeTableId: rt.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id });
new aws.ec2.RouteTableAssociation("intranet-a-rt", { subnetId: subnet.id, routeTableId: rt.id });

const sg = new aws.ec2.SecurityGroup("intranet-app-sg", {
  vpcId: vpc.id,
  description: "intranet app",
  ingress: [{ protocol: "tcp", fromPort: 8080, toPort: 8080, cidrBlocks: ["10.32.0.0/16"] }],
  egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
});

new aws.ec2.Instance("intranet-app", {
  ami: "ami-0d1e2f3a4b5c6d7e8",
  instanceType: "t3.medium",
  subnetId: subnet.id,
  vpcSecurityGroupIds: [sg.id],
  metadataOptions: { httpTokens: "required" },
  rootBlockDevice: { encrypted: true },
});
