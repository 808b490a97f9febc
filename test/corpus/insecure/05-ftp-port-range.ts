// expect: no-world-open-sensitive-port ftp-gateway-sg
// expect: bastion-only-admin ftp-gateway-sg
// expect: only-lbs-face-world ftp-gateway-sg
// expect: imdsv2-required ftp-gateway
// why: an FTP "20-30" range for control/data channels silently includes SSH (22) and Telnet (23).
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("partner-vpc", { cidrBlock: "10.70.0.0/16" });
const subnet = new aws.ec2.Subnet("partner-dmz-a", {
  vpcId: vpc.id,
  cidrBlock: "10.70.1.0/24",
  availabilityZone: "us-east-1a",
});

const sg = new aws.ec2.SecurityGroup("ftp-gateway-sg", {
  vpcId: vpc.id,
  description: "partner file drop",
  ingress: [
    { protocol: "tcp", fromPort: 20, toPort: 30, cidrBlocks: ["0.0.0.0/0"], description: "ftp control+data" },
    { protocol: "tcp", fromPort: 50000, toPort: 50100, cidrBlocks: ["0.0.0.0/0"], description: "passive ftp" },
  ],
  egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
});

const ami = aws.ec2.getAmiOutput({
  mostRecent: true,
  owners: ["amazon"],
  filters: [{ name: "name", values: ["al2023-ami-2023.*-x86_64"] }],
});

new aws.ec2.Instance("ftp-gateway", {
  ami: ami.id,
  instanceType: "t3.micro",
  subnetId: subnet.id,
  vpcSecurityGroupIds: [sg.id],
  userData: "#!/bin/bash\ndnf install -y vsftpd && systemctl enable --now vsftpd\n",
  rootBlockDevice: { encrypted: true },
  tags: { Name: "ftp-gateway" },
});
