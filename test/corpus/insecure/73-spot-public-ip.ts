// expect: public-ip-only-bastion-lb render-spot
// expect: imdsv2-required render-spot
// why: a cheap spot render worker asks for a public IP (to skip the NAT gateway) and leaves instance metadata at AWS's default, so IMDSv1 is on.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("render-vpc", { cidrBlock: "10.73.0.0/16" });
const subnet = new aws.ec2.Subnet("render-private-a", { vpcId: vpc.id, cidrBlock: "10.73.1.0/24", availabilityZone: "us-east-1a" });
const sg = new aws.ec2.SecurityGroup("render-sg", { vpcId: vpc.id, description: "render workers, no ingress" });

new aws.ec2.SpotInstanceRequest("render-spot", {
  ami: "ami-0f1a2b3c4d5e6f7a8",
  instanceType: "c6i.2xlarge",
  spotPrice: "0.20",
  subnetId: subnet.id,
  vpcSecurityGroupIds: [sg.id],
  associatePublicIpAddress: true,
  rootBlockDevice: { encrypted: true },
});
