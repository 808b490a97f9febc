// expect: no-world-open-sensitive-port legacy-erp-sg
// expect: bastion-only-admin legacy-erp-sg
// expect: data-ports-tenant-only legacy-erp-sg
// expect: only-lbs-face-world legacy-erp-sg
// expect: imdsv2-required legacy-erp
// why: protocol "-1" ignores fromPort/toPort: "port 443" here is really every port and protocol from the internet.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("erp-vpc", { cidrBlock: "10.80.0.0/16" });
const subnet = new aws.ec2.Subnet("erp-a", {
  vpcId: vpc.id,
  cidrBlock: "10.80.1.0/24",
  availabilityZone: "us-east-1b",
});

const sg = new aws.ec2.SecurityGroup("legacy-erp-sg", {
  vpcId: vpc.id,
  description: "ERP appliance (vendor asked for 443)",
  ingress: [{ protocol: "-1", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
  egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
});

new aws.ec2.Instance("legacy-erp", {
  ami: "ami-0a1b2c3d4e5f67890",
  instanceType: "m5.xlarge",
  subnetId: subnet.id,
  vpcSecurityGroupIds: [sg.id],
  metadataOptions: { httpTokens: "optional" },
  rootBlockDevice: { volumeSize: 200, encrypted: true },
  tags: { Name: "legacy-erp" },
});
