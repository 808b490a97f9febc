// expect: no-public-databases ledger-aurora-1
// expect: no-typed-in-credentials ledger-aurora
// why: an Aurora cluster whose writer instance is publicly accessible and whose master password is a literal.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("ledger-vpc", { cidrBlock: "10.39.0.0/16" });
const subnetA = new aws.ec2.Subnet("ledger-a", { vpcId: vpc.id, cidrBlock: "10.39.1.0/24", availabilityZone: "us-east-1a" });
const subnetB = new aws.ec2.Subnet("ledger-b", { vpcId: vpc.id, cidrBlock: "10.39.2.0/24", availabilityZone: "us-east-1b" });
const subnetGroup = new aws.rds.SubnetGroup("ledger-subnets", { subnetIds: [subnetA.id, subnetB.id] });

const cluster = new aws.rds.Cluster("ledger-aurora", {
  engine: "aurora-postgresql",
  engineVersion: "16.4",
  databaseName: "ledger",
  masterUsername: "ledger_admin",
  masterPassword: "L3dger-Aurora-2024",
  dbSubnetGroupName: subnetGroup.name,
  storageEncrypted: true,
  skipFinalSnapshot: true,
});

new aws.rds.ClusterInstance("ledger-aurora-1", {
  clusterIdentifier: cluster.id,
  engine: "aurora-postgresql",
  instanceClass: "db.r6g.large",
  publiclyAccessible: true,
  dbSubnetGroupName: subnetGroup.name,
});
