// expect: exemption-valid metrics-agent
// expect: imdsv2-required metrics-agent
// why: an exemption tag with a date but no reason is not an exemption: IMDSv1 stays a mandatory violation.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("obs-vpc", { cidrBlock: "10.30.0.0/16" });
const subnet = new aws.ec2.Subnet("obs-private-a", { vpcId: vpc.id, cidrBlock: "10.30.1.0/24", availabilityZone: "us-east-1a" });

new aws.ec2.Instance("metrics-agent", {
  ami: "ami-0aa11bb22cc33dd44",
  instanceType: "t3.small",
  subnetId: subnet.id,
  metadataOptions: { httpEndpoint: "enabled", httpTokens: "optional" },
  rootBlockDevice: { encrypted: true },
  tags: {
    Name: "metrics-agent",
    "bulkhead:exempt:imdsv2-required": "2099-12-31",
  },
});
