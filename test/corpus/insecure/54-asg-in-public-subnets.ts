// expect: public-ip-only-bastion-lb render-workers
// why: an auto-scaling group placed in subnets that map public IPs on launch: every worker it starts gets an internet address.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("render-vpc", { cidrBlock: "10.54.0.0/16" });
const igw = new aws.ec2.InternetGateway("render-igw", { vpcId: vpc.id });
const rt = new aws.ec2.RouteTable("render-rt", { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }] });
// "like the default VPC" so the workers can pull from S3 without a NAT gateway
const subnets = ["a", "b"].map((az, i) => {
  const s = new aws.ec2.Subnet(`render-${az}`, {
    vpcId: vpc.id,
    cidrBlock: `10.54.${i}.0/24`,
    availabilityZone: `us-east-1${az}`,
    mapPublicIpOnLaunch: true,
  });
  new aws.ec2.RouteTableAssociation(`render-${az}-rt`, { subnetId: s.id, routeTableId: rt.id });
  return s;
});

const sg = new aws.ec2.SecurityGroup("render-worker-sg", {
  vpcId: vpc.id,
  description: "render workers pull jobs from SQS",
  egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
});

const lt = new aws.ec2.LaunchTemplate("render-worker-lt", {
  namePrefix: "render-worker-",
  imageId: "ami-0c0ffee0c0ffee000",
  instanceType: "g5.xlarge",
  vpcSecurityGroupIds: [sg.id],
  metadataOptions: { httpTokens: "required" },
  blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 200, encrypted: "true" } }],
});

new aws.autoscaling.Group("render-workers", {
  minSize: 0,
  maxSize: 20,
  vpcZoneIdentifiers: subnets.map((s) => s.id),
  launchTemplate: { id: lt.id, version: "$Latest" },
});
