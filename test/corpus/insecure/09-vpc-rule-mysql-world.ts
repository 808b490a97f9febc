// expect: no-world-open-sensitive-port shop-db-from-anywhere
// expect: data-ports-tenant-only shop-db-from-anywhere
// expect: only-lbs-face-world shop-db-from-anywhere
// expect: no-public-databases shop-db
// expect: no-typed-in-credentials shop-db
// why: MySQL published to the internet via an aws.vpc.SecurityGroupIngressRule so the agency could run reports.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("shop-vpc", { cidrBlock: "10.11.0.0/16", enableDnsHostnames: true });
const igw = new aws.ec2.InternetGateway("shop-igw", { vpcId: vpc.id });
const subnetA = new aws.ec2.Subnet("shop-public-a", { vpcId: vpc.id, cidrBlock: "10.11.1.0/24", availabilityZone: "us-east-1a" });
const subnetB = new aws.ec2.Subnet("shop-public-b", { vpcId: vpc.id, cidrBlock: "10.11.2.0/24", availabilityZone: "us-east-1b" });
const rt = new aws.ec2.RouteTable("shop-public-rt", { vpcId: vpc.id });
new aws.ec2.Route("shop-default-route", { routeTableId: rt.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id });
new aws.ec2.RouteTableAssociation("shop-public-a-rt", { subnetId: subnetA.id, routeTableId: rt.id });
new aws.ec2.RouteTableAssociation("shop-public-b-rt", { subnetId: subnetB.id, routeTableId: rt.id });

const shopDbSg = new aws.ec2.SecurityGroup("shop-db-sg", { vpcId: vpc.id, description: "shop database" });

new aws.vpc.SecurityGroupIngressRule("shop-db-from-anywhere", {
  securityGroupId: shopDbSg.id,
  ipProtocol: "tcp",
  fromPort: 3306,
  toPort: 3306,
  cidrIpv4: "0.0.0.0/0",
  description: "agency reporting tool",
});

const subnets = new aws.rds.SubnetGroup("shop-db-subnets", { subnetIds: [subnetA.id, subnetB.id] });

new aws.rds.Instance("shop-db", {
  engine: "mysql",
  engineVersion: "8.0",
  instanceClass: "db.t3.medium",
  allocatedStorage: 50,
  dbName: "shop",
  username: "shopadmin",
  password: "Shop2024!Summer",
  dbSubnetGroupName: subnets.name,
  vpcSecurityGroupIds: [shopDbSg.id],
  publiclyAccessible: true,
  storageEncrypted: true,
  skipFinalSnapshot: true,
});
