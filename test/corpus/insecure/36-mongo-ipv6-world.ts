// expect: no-world-open-sensitive-port catalog-mongo-v6
// expect: data-ports-tenant-only catalog-mongo-v6
// expect: only-lbs-face-world catalog-mongo-v6
// why: self-hosted MongoDB whose IPv4 rule is private, but an aws.vpc.SecurityGroupIngressRule opens 27017 to ::/0.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("catalog-vpc", { cidrBlock: "10.36.0.0/16", assignGeneratedIpv6CidrBlock: true });
const subnet = new aws.ec2.Subnet("catalog-a", {
  vpcId: vpc.id,
  cidrBlock: "10.36.1.0/24",
  availabilityZone: "us-east-1a",
  assignIpv6AddressOnCreation: true,
  ipv6CidrBlock: vpc.ipv6CidrBlock.apply((b) => b.replace("::/56", "::/64")),
});

const mongoSg = new aws.ec2.SecurityGroup("catalog-mongo-sg", { vpcId: vpc.id, description: "mongodb" });
new aws.vpc.SecurityGroupIngressRule("catalog-mongo-v4", {
  securityGroupId: mongoSg.id,
  ipProtocol: "tcp",
  fromPort: 27017,
  toPort: 27017,
  cidrIpv4: "10.36.0.0/16",
});
new aws.vpc.SecurityGroupIngressRule("catalog-mongo-v6", {
  securityGroupId: mongoSg.id,
  ipProtocol: "tcp",
  fromPort: 27017,
  toPort: 27017,
  cidrIpv6: "::/0",
});

new aws.ec2.Instance("catalog-mongo", {
  ami: "ami-0a9b8c7d6e5f4a3b2",
  instanceType: "r6i.large",
  subnetId: subnet.id,
  vpcSecurityGroupIds: [mongoSg.id],
  metadataOptions: { httpTokens: "required" },
  rootBlockDevice: { volumeSize: 100, encrypted: true },
});
