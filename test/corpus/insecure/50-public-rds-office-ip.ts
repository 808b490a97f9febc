// expect: no-public-databases analytics-pg
// expect: data-ports-tenant-only analytics-pg-sg
// why: a publicly accessible Postgres "only" open to the office's public IP: public CIDRs never belong on a data port.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("bi-vpc", { cidrBlock: "10.50.0.0/16", enableDnsHostnames: true });
const igw = new aws.ec2.InternetGateway("bi-igw", { vpcId: vpc.id });
const rt = new aws.ec2.RouteTable("bi-rt", { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }] });
const subnetA = new aws.ec2.Subnet("bi-a", { vpcId: vpc.id, cidrBlock: "10.50.1.0/24", availabilityZone: "us-east-1a" });
const subnetB = new aws.ec2.Subnet("bi-b", { vpcId: vpc.id, cidrBlock: "10.50.2.0/24", availabilityZone: "us-east-1b" });
new aws.ec2.RouteTableAssociation("bi-a-rt", { subnetId: subnetA.id, routeTableId: rt.id });
new aws.ec2.RouteTableAssociation("bi-b-rt", { subnetId: subnetB.id, routeTableId: rt.id });

const sg = new aws.ec2.SecurityGroup("analytics-pg-sg", {
  vpcId: vpc.id,
  description: "analysts connect from the office",
  ingress: [{ protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: ["81.2.69.142/32"], description: "office nat" }],
});

const subnetGroup = new aws.rds.SubnetGroup("analytics-pg-subnets", { subnetIds: [subnetA.id, subnetB.id] });
new aws.rds.Instance("analytics-pg", {
  engine: "postgres",
  engineVersion: "16",
  instanceClass: "db.t4g.large",
  allocatedStorage: 100,
  username: "analyst",
  manageMasterUserPassword: true,
  dbSubnetGroupName: subnetGroup.name,
  vpcSecurityGroupIds: [sg.id],
  publiclyAccessible: true,
  storageEncrypted: true,
});
