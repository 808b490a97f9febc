// expect: imdsv2-required ecs-node-lt
// why: the launch template sets metadata options for containers (hop limit 2) but never requires tokens, so IMDSv1 stays on.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("ecs-vpc", { cidrBlock: "10.34.0.0/16" });
const subnetA = new aws.ec2.Subnet("ecs-private-a", { vpcId: vpc.id, cidrBlock: "10.34.1.0/24", availabilityZone: "us-east-1a" });

const nodeRole = new aws.iam.Role("ecs-node-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
  managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"],
});
const profile = new aws.iam.InstanceProfile("ecs-node-profile", { role: nodeRole.name });

const cluster = new aws.ecs.Cluster("jobs-cluster", { name: "jobs" });

const lt = new aws.ec2.LaunchTemplate("ecs-node-lt", {
  namePrefix: "ecs-node-",
  imageId: "ami-0f1a2b3c4d5e6f7a8",
  instanceType: "m6i.large",
  iamInstanceProfile: { name: profile.name },
  metadataOptions: { httpEndpoint: "enabled", httpPutResponseHopLimit: 2 },
  blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 50, encrypted: "true" } }],
  userData: cluster.name.apply((n) => Buffer.from(`#!/bin/bash\necho ECS_CLUSTER=${n} >> /etc/ecs/ecs.config\n`).toString("base64")),
});

new aws.autoscaling.Group("ecs-nodes", {
  minSize: 1,
  maxSize: 4,
  vpcZoneIdentifiers: [subnetA.id],
  launchTemplate: { id: lt.id, version: "$Latest" },
});
