// expect: tenant-isolation acme-db-from-reports
// expect: data-ports-tenant-only acme-db-from-reports
// why: the reports group carries no tenant tag, but the only thing in it is globex's reporting worker: by membership it is globex's group, and it may open Postgres into acme's database.
import * as aws from "@pulumi/aws";

const acme = { "bulkhead:tenant": "acme" };
const globex = { "bulkhead:tenant": "globex" };

const vpc = new aws.ec2.Vpc("pool-vpc", { cidrBlock: "10.74.0.0/16" });
const acmeSubnet = new aws.ec2.Subnet("acme-data-a", { vpcId: vpc.id, cidrBlock: "10.74.1.0/24", availabilityZone: "us-east-1a", tags: acme });
const acmeSubnetB = new aws.ec2.Subnet("acme-data-b", { vpcId: vpc.id, cidrBlock: "10.74.3.0/24", availabilityZone: "us-east-1b", tags: acme });
const globexSubnet = new aws.ec2.Subnet("globex-app-a", { vpcId: vpc.id, cidrBlock: "10.74.2.0/24", availabilityZone: "us-east-1a", tags: globex });

const dbSg = new aws.ec2.SecurityGroup("acme-db-sg", { vpcId: vpc.id, description: "acme postgres", tags: acme });
const reportsSg = new aws.ec2.SecurityGroup("reports-sg", { vpcId: vpc.id, description: "reporting workers" });

new aws.vpc.SecurityGroupIngressRule("acme-db-from-reports", {
  securityGroupId: dbSg.id,
  referencedSecurityGroupId: reportsSg.id,
  ipProtocol: "tcp",
  fromPort: 5432,
  toPort: 5432,
});

new aws.ec2.Instance("globex-reports", {
  ami: "ami-0f1a2b3c4d5e6f7a8",
  instanceType: "t3.medium",
  subnetId: globexSubnet.id,
  vpcSecurityGroupIds: [reportsSg.id],
  metadataOptions: { httpTokens: "required" },
  rootBlockDevice: { encrypted: true },
  tags: globex,
});

const subnets = new aws.rds.SubnetGroup("acme-db-subnets", { subnetIds: [acmeSubnet.id, acmeSubnetB.id], tags: acme });
new aws.rds.Instance("acme-db", {
  engine: "postgres",
  instanceClass: "db.t4g.medium",
  allocatedStorage: 20,
  username: "acme",
  manageMasterUserPassword: true,
  dbSubnetGroupName: subnets.name,
  vpcSecurityGroupIds: [dbSg.id],
  storageEncrypted: true,
  deletionProtection: true,
  tags: acme,
});
