// expect: no-world-open-sensitive-port php-web-sg
// expect: bastion-only-admin php-web-sg
// expect: only-lbs-face-world php-web-sg
// expect: public-ip-only-bastion-lb php-web
// expect: imdsv2-required php-web
// why: the classic LAMP box: SSH open to the internet next to 80/443 on a public instance with IMDSv1.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("php-vpc", {
  cidrBlock: "10.10.0.0/16",
  enableDnsHostnames: true,
  tags: { Name: "php-vpc" },
});
const igw = new aws.ec2.InternetGateway("php-igw", { vpcId: vpc.id });
const subnet = new aws.ec2.Subnet("php-public-a", {
  vpcId: vpc.id,
  cidrBlock: "10.10.1.0/24",
  availabilityZone: "us-east-1a",
});
const rt = new aws.ec2.RouteTable("php-public-rt", {
  vpcId: vpc.id,
  routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
});
new aws.ec2.RouteTableAssociation("php-public-a-assoc", { subnetId: subnet.id, routeTableId: rt.id });

const sg = new aws.ec2.SecurityGroup("php-web-sg", {
  vpcId: vpc.id,
  description: "web server",
  ingress: [
    { protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["0.0.0.0/0"] },
    { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
    // TODO: lock down after launch
    { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] },
  ],
  egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
});

const ami = aws.ec2.getAmiOutput({
  mostRecent: true,
  owners: ["amazon"],
  filters: [{ name: "name", values: ["al2023-ami-2023.*-x86_64"] }],
});

export const web = new aws.ec2.Instance("php-web", {
  ami: ami.id,
  instanceType: "t3.small",
  subnetId: subnet.id,
  vpcSecurityGroupIds: [sg.id],
  associatePublicIpAddress: true,
  keyName: "ops-laptop",
  userData: "#!/bin/bash\ndnf install -y httpd php php-mysqlnd\nsystemctl enable --now httpd\n",
  rootBlockDevice: { volumeSize: 20, encrypted: true },
  tags: { Name: "php-web" },
});

export const publicIp = web.publicIp;
