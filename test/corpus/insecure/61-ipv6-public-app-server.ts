// expect: public-ip-only-bastion-lb orders-app
// why: the app server has no public IPv4 address, but its dual-stack subnet hands out IPv6 addresses and routes ::/0 to the internet gateway instead of an egress-only gateway: the "private" server is on the internet over IPv6.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("orders-vpc", { cidrBlock: "10.50.0.0/16", assignGeneratedIpv6CidrBlock: true });
const igw = new aws.ec2.InternetGateway("orders-igw", { vpcId: vpc.id });
const subnet = new aws.ec2.Subnet("orders-app-a", {
  vpcId: vpc.id,
  cidrBlock: "10.50.1.0/24",
  ipv6CidrBlock: vpc.ipv6CidrBlock.apply((block) => block.replace("00::/56", "01::/64")),
  assignIpv6AddressOnCreation: true,
  availabilityZone: "us-east-1a",
});
const routes = new aws.ec2.RouteTable("orders-app-rt", {
  vpcId: vpc.id,
  // "IPv6 egress for package updates" - through the internet gateway, so it is ingress too.
  routes: [{ ipv6CidrBlock: "::/0", gatewayId: igw.id }],
});
new aws.ec2.RouteTableAssociation("orders-app-a-rta", { subnetId: subnet.id, routeTableId: routes.id });

const sg = new aws.ec2.SecurityGroup("orders-app-sg", {
  vpcId: vpc.id,
  description: "orders app",
  ingress: [{ protocol: "tcp", fromPort: 8443, toPort: 8443, cidrBlocks: ["10.50.0.0/16"] }],
  egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] }],
});

new aws.ec2.Instance("orders-app", {
  ami: "ami-0abcdef1234567890",
  instanceType: "t3.medium",
  subnetId: subnet.id,
  vpcSecurityGroupIds: [sg.id],
  metadataOptions: { httpTokens: "required" },
  rootBlockDevice: { encrypted: true },
});
