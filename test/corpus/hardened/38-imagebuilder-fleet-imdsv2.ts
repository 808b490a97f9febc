// expect: clean
// why: IMDSv2 wherever instances start: Image Builder's build instances require session tokens (its own default is optional), and an EC2 Fleet plus a one-off instance launch from a template that requires them; the instance sets only httpEndpoint of its own, so it keeps the template's httpTokens.
import * as aws from "@pulumi/aws";

const tags = { "bulkhead:tenant": "hooli" };

const vpc = new aws.ec2.Vpc("hooli-build-vpc", { cidrBlock: "10.132.0.0/16", tags });
// VPC baseline: flow logs to S3, the default group and NACL adopted with no rules.
new aws.ec2.FlowLog("hooli-build-vpc-flow", { vpcId: vpc.id, trafficType: "ALL", logDestinationType: "s3", logDestination: "arn:aws:s3:::bulkhead-flow-logs-archive" });
new aws.ec2.DefaultSecurityGroup("hooli-build-default-sg", { vpcId: vpc.id });
new aws.ec2.DefaultNetworkAcl("hooli-build-default-nacl", { defaultNetworkAclId: vpc.defaultNetworkAclId });

const subnet = new aws.ec2.Subnet("hooli-build-private-a", { vpcId: vpc.id, cidrBlock: "10.132.1.0/24", availabilityZone: "eu-west-1a", mapPublicIpOnLaunch: false, tags });
const builders = new aws.ec2.SecurityGroup("hooli-builders-sg", {
  vpcId: vpc.id,
  description: "image builds and batch workers: no ingress, HTTPS out",
  egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
  tags,
});

// https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_InstanceMetadataOptions.html: httpTokens defaults to
// optional for build and test instances; container image builds need a hop limit of 2 with tokens required.
new aws.imagebuilder.InfrastructureConfiguration("hooli-golden-infra", {
  name: "hooli-golden",
  instanceProfileName: "hooli-imagebuilder",
  instanceTypes: ["m6i.large"],
  subnetId: subnet.id,
  securityGroupIds: [builders.id],
  terminateInstanceOnFailure: true,
  instanceMetadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 },
  tags,
});

// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-options.html (order of precedence):
// what a launch does not set, its launch template decides.
const lt = new aws.ec2.LaunchTemplate("hooli-batch-lt", {
  namePrefix: "hooli-batch-",
  imageId: "ami-0f1a2b3c4d5e6f7a8",
  instanceType: "c6i.large",
  vpcSecurityGroupIds: [builders.id],
  metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
  blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 30, encrypted: "true" } }],
  tags,
});

new aws.ec2.Fleet("hooli-batch-fleet", {
  type: "maintain",
  launchTemplateConfigs: [
    {
      launchTemplateSpecification: { launchTemplateId: lt.id, version: "$Latest" },
      overrides: [{ subnetId: subnet.id, instanceType: "c6i.large" }, { subnetId: subnet.id, instanceType: "c7i.large" }],
    },
  ],
  targetCapacitySpecification: { defaultTargetCapacityType: "spot", totalTargetCapacity: 4 },
  tags,
});

new aws.ec2.Instance("hooli-batch-debug", {
  subnetId: subnet.id,
  launchTemplate: { id: lt.id, version: "$Latest" },
  metadataOptions: { httpEndpoint: "enabled" },
  rootBlockDevice: { encrypted: true },
  tags,
});
