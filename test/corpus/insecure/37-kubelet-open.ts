// expect: no-world-open-sensitive-port k8s-workers-sg
// expect: bastion-only-admin k8s-workers-sg
// expect: only-lbs-face-world k8s-workers-sg
// expect: imdsv2-required k8s-worker-lt
// why: self-managed Kubernetes workers with the kubelet API (10250) open to the internet for "metrics-server".
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("k8s-vpc", { cidrBlock: "10.37.0.0/16" });
const subnet = new aws.ec2.Subnet("k8s-a", { vpcId: vpc.id, cidrBlock: "10.37.1.0/24", availabilityZone: "us-east-1a" });

const workersSg = new aws.ec2.SecurityGroup("k8s-workers-sg", {
  vpcId: vpc.id,
  description: "kubernetes workers",
  ingress: [
    { protocol: "tcp", fromPort: 10250, toPort: 10250, cidrBlocks: ["0.0.0.0/0"], description: "kubelet" },
    { protocol: "tcp", fromPort: 30000, toPort: 32767, cidrBlocks: ["10.37.0.0/16"], description: "nodeports" },
  ],
  egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
});

const lt = new aws.ec2.LaunchTemplate("k8s-worker-lt", {
  namePrefix: "k8s-worker-",
  imageId: "ami-0c1d2e3f4a5b6c7d8",
  instanceType: "m6i.xlarge",
  vpcSecurityGroupIds: [workersSg.id],
  blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 80, encrypted: "true" } }],
});

new aws.autoscaling.Group("k8s-workers", {
  minSize: 3,
  maxSize: 6,
  vpcZoneIdentifiers: [subnet.id],
  launchTemplate: { id: lt.id, version: "$Latest" },
});
