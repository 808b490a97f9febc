// expect: exemption-valid vendor-sftp-sg
// expect: no-world-open-sensitive-port vendor-sftp-sg
// expect: bastion-only-admin vendor-sftp-sg
// expect: only-lbs-face-world vendor-sftp-sg
// why: SSH from the world was exempted for a vendor migration that ended in 2024; the expired exemption no longer covers it.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("vendor-vpc", { cidrBlock: "10.29.0.0/16" });
const subnet = new aws.ec2.Subnet("vendor-a", { vpcId: vpc.id, cidrBlock: "10.29.1.0/24", availabilityZone: "us-east-1a" });

const sg = new aws.ec2.SecurityGroup("vendor-sftp-sg", {
  vpcId: vpc.id,
  description: "vendor sftp",
  ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }],
  egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
  tags: {
    "bulkhead:exempt:no-world-open-sensitive-port": "2024-06-30 vendor migration SR-1182",
    "bulkhead:exempt:bastion-only-admin": "2024-06-30 vendor migration SR-1182",
    "bulkhead:exempt:only-lbs-face-world": "2024-06-30 vendor migration SR-1182",
  },
});

new aws.ec2.Instance("vendor-sftp", {
  ami: "ami-0a0b0c0d0e0f01234",
  instanceType: "t3.micro",
  subnetId: subnet.id,
  vpcSecurityGroupIds: [sg.id],
  metadataOptions: { httpTokens: "required" },
  rootBlockDevice: { encrypted: true },
});
