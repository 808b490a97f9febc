// expect: no-world-open-sensitive-port reporting-win-sg
// expect: bastion-only-admin reporting-win-sg
// expect: only-lbs-face-world reporting-win-sg
// expect: imdsv2-required reporting-win
// why: RDP restricted to a partner's IPv4 range but left open to every IPv6 address (::/0).
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("reporting-vpc", {
  cidrBlock: "10.50.0.0/16",
  assignGeneratedIpv6CidrBlock: true,
  enableDnsHostnames: true,
});
const subnet = new aws.ec2.Subnet("reporting-a", {
  vpcId: vpc.id,
  cidrBlock: "10.50.1.0/24",
  availabilityZone: "us-east-1a",
  ipv6CidrBlock: vpc.ipv6CidrBlock.apply((block) => block.replace("::/56", "::/64")),
});

const sg = new aws.ec2.SecurityGroup("reporting-win-sg", {
  vpcId: vpc.id,
  description: "Windows reporting server",
  ingress: [
    { protocol: "tcp", fromPort: 3389, toPort: 3389, cidrBlocks: ["81.2.69.0/24"], description: "partner office" },
    { protocol: "tcp", fromPort: 3389, toPort: 3389, ipv6CidrBlocks: ["::/0"], description: "partner office v6" },
  ],
  egress: [
    { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] },
    { protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlocks: ["::/0"] },
  ],
});

const ami = aws.ec2.getAmiOutput({
  mostRecent: true,
  owners: ["amazon"],
  filters: [{ name: "name", values: ["Windows_Server-2022-English-Full-Base-*"] }],
});

new aws.ec2.Instance("reporting-win", {
  ami: ami.id,
  instanceType: "m6i.large",
  subnetId: subnet.id,
  vpcSecurityGroupIds: [sg.id],
  ipv6AddressCount: 1,
  getPasswordData: true,
  rootBlockDevice: { volumeSize: 80, encrypted: true },
  tags: { Name: "reporting-win" },
});
