// expect: public-ip-only-bastion-lb worker-lt
// expect: imdsv2-required worker-lt
// why: the subnets are private-looking, but the launch template's network interface asks for a public IP on every worker.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("queue-vpc", { cidrBlock: "10.31.0.0/16" });
const igw = new aws.ec2.InternetGateway("queue-igw", { vpcId: vpc.id });
const rt = new aws.ec2.RouteTable("queue-rt", { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }] });
const subnetA = new aws.ec2.Subnet("queue-a", { vpcId: vpc.id, cidrBlock: "10.31.1.0/24", availabilityZone: "us-east-1a" });
const subnetB = new aws.ec2.Subnet("queue-b", { vpcId: vpc.id, cidrBlock: "10.31.2.0/24", availabilityZone: "us-east-1b" });
new aws.ec2.RouteTableAssociation("queue-a-rt", { subnetId: subnetA.id, routeTableId: rt.id });
new aws.ec2.RouteTableAssociation("queue-b-rt", { subnetId: subnetB.id, routeTableId: rt.id });

const workerSg = new aws.ec2.SecurityGroup("worker-sg", {
  vpcId: vpc.id,
  description: "queue workers (outbound only)",
  egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
});

// no NAT gateway budget: give the workers public IPs so they can reach SQS
const lt = new aws.ec2.LaunchTemplate("worker-lt", {
  namePrefix: "queue-worker-",
  imageId: "ami-0b1c2d3e4f5a6b7c8",
  instanceType: "c6i.large",
  networkInterfaces: [
    {
      associatePublicIpAddress: "true",
      deleteOnTermination: "true",
      securityGroups: [workerSg.id],
    },
  ],
  blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 30, encrypted: "true" } }],
});

new aws.autoscaling.Group("worker-asg", {
  minSize: 2,
  maxSize: 10,
  vpcZoneIdentifiers: [subnetA.id, subnetB.id],
  launchTemplate: { id: lt.id, version: "$Latest" },
});
