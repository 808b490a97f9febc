// expect: clean
// why: the account-level instance metadata default requires IMDSv2, so launches that set no metadata options of their own (an instance, and an auto-scaling group's launch template) get session tokens only.
import * as aws from "@pulumi/aws";

new aws.ec2.InstanceMetadataDefaults("account-imds-defaults", { httpTokens: "required", httpPutResponseHopLimit: 2 });

const vpc = new aws.ec2.Vpc("tools-vpc", { cidrBlock: "10.131.0.0/16" });
new aws.ec2.FlowLog("tools-vpc-flow", { vpcId: vpc.id, trafficType: "ALL", logDestinationType: "s3", logDestination: "arn:aws:s3:::bulkhead-flow-logs-archive" });
new aws.ec2.DefaultSecurityGroup("tools-default-sg", { vpcId: vpc.id });
new aws.ec2.DefaultNetworkAcl("tools-default-nacl", { defaultNetworkAclId: vpc.defaultNetworkAclId });

const subnet = new aws.ec2.Subnet("tools-private-a", { vpcId: vpc.id, cidrBlock: "10.131.1.0/24", availabilityZone: "us-east-1a" });
const sg = new aws.ec2.SecurityGroup("tools-sg", { vpcId: vpc.id, description: "internal tools: no ingress" });

new aws.ec2.Instance("tools-runner", {
  ami: "ami-0f1a2b3c4d5e6f7a8",
  instanceType: "t3.medium",
  subnetId: subnet.id,
  vpcSecurityGroupIds: [sg.id],
  rootBlockDevice: { encrypted: true },
});

const lt = new aws.ec2.LaunchTemplate("tools-agents-lt", {
  imageId: "ami-0f1a2b3c4d5e6f7a8",
  instanceType: "t3.small",
  vpcSecurityGroupIds: [sg.id],
  blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true" } }],
});
new aws.autoscaling.Group("tools-agents", { minSize: 1, maxSize: 2, vpcZoneIdentifiers: [subnet.id], launchTemplate: { id: lt.id, version: "$Latest" } });
