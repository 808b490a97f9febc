// expect: no-world-open-sensitive-port sessions-redis-open
// expect: data-ports-tenant-only sessions-redis-open
// expect: only-lbs-face-world sessions-redis-open
// why: Redis (no AUTH) reachable from any IPv4 address through a standalone rule added for a developer laptop.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("sessions-vpc", { cidrBlock: "10.35.0.0/16" });
const subnetA = new aws.ec2.Subnet("sessions-a", { vpcId: vpc.id, cidrBlock: "10.35.1.0/24", availabilityZone: "us-east-1a" });
const subnetB = new aws.ec2.Subnet("sessions-b", { vpcId: vpc.id, cidrBlock: "10.35.2.0/24", availabilityZone: "us-east-1b" });

const redisSg = new aws.ec2.SecurityGroup("sessions-redis-sg", { vpcId: vpc.id, description: "session store" });

new aws.ec2.SecurityGroupRule("sessions-redis-open", {
  type: "ingress",
  securityGroupId: redisSg.id,
  protocol: "tcp",
  fromPort: 6379,
  toPort: 6379,
  cidrBlocks: ["0.0.0.0/0"],
  description: "dev laptop (dynamic ip)",
});

const subnetGroup = new aws.elasticache.SubnetGroup("sessions-subnets", {
  subnetIds: [subnetA.id, subnetB.id],
});

new aws.elasticache.Cluster("sessions-redis", {
  engine: "redis",
  nodeType: "cache.t4g.small",
  numCacheNodes: 1,
  port: 6379,
  subnetGroupName: subnetGroup.name,
  securityGroupIds: [redisSg.id],
});
