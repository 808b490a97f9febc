// expect: clean
// why: IMDSv2 is required once, in the launch template: the auto-scaling group and a one-off instance launched from it set no metadata options of their own and inherit it (EC2 "configure instance metadata options for new instances").
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("jobs-vpc", { cidrBlock: "10.130.0.0/16" });
// VPC baseline: flow logs to S3, the default group and NACL adopted with no rules.
new aws.ec2.FlowLog("jobs-vpc-flow", { vpcId: vpc.id, trafficType: "ALL", logDestinationType: "s3", logDestination: "arn:aws:s3:::bulkhead-flow-logs-archive" });
new aws.ec2.DefaultSecurityGroup("jobs-default-sg", { vpcId: vpc.id });
new aws.ec2.DefaultNetworkAcl("jobs-default-nacl", { defaultNetworkAclId: vpc.defaultNetworkAclId });

const subnet = new aws.ec2.Subnet("jobs-private-a", { vpcId: vpc.id, cidrBlock: "10.130.1.0/24", availabilityZone: "us-east-1a", mapPublicIpOnLaunch: false });
const workers = new aws.ec2.SecurityGroup("jobs-workers-sg", {
  vpcId: vpc.id,
  description: "queue workers: no ingress, HTTPS out",
  egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
});

const lt = new aws.ec2.LaunchTemplate("jobs-worker-lt", {
  namePrefix: "jobs-worker-",
  imageId: "ami-0f1a2b3c4d5e6f7a8",
  instanceType: "m6i.large",
  vpcSecurityGroupIds: [workers.id],
  metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
  blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 30, encrypted: "true" } }],
});

new aws.autoscaling.Group("jobs-workers", {
  minSize: 1,
  maxSize: 6,
  vpcZoneIdentifiers: [subnet.id],
  launchTemplate: { id: lt.id, version: "$Latest" },
});

// A one-off migration box from the same template: no metadataOptions here, the template's apply.
new aws.ec2.Instance("jobs-migrate", {
  subnetId: subnet.id,
  launchTemplate: { id: lt.id, version: "$Latest" },
  rootBlockDevice: { encrypted: true },
});
