// expect: data-ports-tenant-only acme-orders-db-sg
// expect: tenant-isolation acme-orders-db-sg
// why: acme's Postgres accepts the whole pooled VPC range, which includes globex's subnets.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("pool-c-vpc", { cidrBlock: "10.49.0.0/16" });

const acmeDbA = new aws.ec2.Subnet("acme-db-a", {
  vpcId: vpc.id,
  cidrBlock: "10.49.10.0/24",
  availabilityZone: "us-east-1a",
  tags: { "bulkhead:tenant": "acme" },
});
const acmeDbB = new aws.ec2.Subnet("acme-db-b", {
  vpcId: vpc.id,
  cidrBlock: "10.49.11.0/24",
  availabilityZone: "us-east-1b",
  tags: { "bulkhead:tenant": "acme" },
});
new aws.ec2.Subnet("globex-app-b", {
  vpcId: vpc.id,
  cidrBlock: "10.49.20.0/24",
  availabilityZone: "us-east-1b",
  tags: { "bulkhead:tenant": "globex" },
});

const dbSg = new aws.ec2.SecurityGroup("acme-orders-db-sg", {
  vpcId: vpc.id,
  description: "acme orders postgres",
  ingress: [{ protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: ["10.49.0.0/16"], description: "vpc" }],
  tags: { "bulkhead:tenant": "acme" },
});

const subnetGroup = new aws.rds.SubnetGroup("acme-orders-subnets", {
  subnetIds: [acmeDbA.id, acmeDbB.id],
  tags: { "bulkhead:tenant": "acme" },
});
new aws.rds.Instance("acme-orders-db", {
  engine: "postgres",
  engineVersion: "16",
  instanceClass: "db.t4g.medium",
  allocatedStorage: 50,
  username: "orders",
  manageMasterUserPassword: true,
  dbSubnetGroupName: subnetGroup.name,
  vpcSecurityGroupIds: [dbSg.id],
  storageEncrypted: true,
  deletionProtection: true,
  tags: { "bulkhead:tenant": "acme" },
});
