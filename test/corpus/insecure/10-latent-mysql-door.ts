// expect: no-world-open-sensitive-port migration-mysql-sg
// expect: data-ports-tenant-only migration-mysql-sg
// expect: only-lbs-face-world migration-mysql-sg
// why: a latent door: a group open to the world on 3306 that nothing uses yet, one attachment away from exposing a database.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("crm-vpc", { cidrBlock: "10.12.0.0/16" });
const subnetA = new aws.ec2.Subnet("crm-db-a", { vpcId: vpc.id, cidrBlock: "10.12.21.0/24", availabilityZone: "us-east-1a" });
const subnetB = new aws.ec2.Subnet("crm-db-b", { vpcId: vpc.id, cidrBlock: "10.12.22.0/24", availabilityZone: "us-east-1b" });

const appSg = new aws.ec2.SecurityGroup("crm-app-sg", { vpcId: vpc.id, description: "crm app" });
const dbSg = new aws.ec2.SecurityGroup("crm-db-sg", { vpcId: vpc.id, description: "crm db" });
new aws.vpc.SecurityGroupIngressRule("crm-db-from-app", {
  securityGroupId: dbSg.id,
  referencedSecurityGroupId: appSg.id,
  ipProtocol: "tcp",
  fromPort: 3306,
  toPort: 3306,
});

// Left over from the data migration weekend: the old vendor pulled the dump from here.
new aws.ec2.SecurityGroup("migration-mysql-sg", {
  vpcId: vpc.id,
  description: "temporary: vendor import",
  ingress: [{ protocol: "tcp", fromPort: 3306, toPort: 3306, cidrBlocks: ["0.0.0.0/0"] }],
});

const subnetGroup = new aws.rds.SubnetGroup("crm-db-subnets", { subnetIds: [subnetA.id, subnetB.id] });
new aws.rds.Instance("crm-db", {
  engine: "mysql",
  instanceClass: "db.t3.small",
  allocatedStorage: 20,
  username: "crm",
  manageMasterUserPassword: true,
  dbSubnetGroupName: subnetGroup.name,
  vpcSecurityGroupIds: [dbSg.id],
  storageEncrypted: true,
  skipFinalSnapshot: true,
});
