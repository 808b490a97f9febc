// expect: no-typed-in-credentials wordpress-db
// expect: imdsv2-required wordpress-web
// why: the WordPress database's master password is a literal in the program (and in git history forever).
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("wp-vpc", { cidrBlock: "10.22.0.0/16", enableDnsHostnames: true });
const privateA = new aws.ec2.Subnet("wp-private-a", { vpcId: vpc.id, cidrBlock: "10.22.11.0/24", availabilityZone: "us-east-1a" });
const privateB = new aws.ec2.Subnet("wp-private-b", { vpcId: vpc.id, cidrBlock: "10.22.12.0/24", availabilityZone: "us-east-1b" });

const webSg = new aws.ec2.SecurityGroup("wp-web-sg", {
  vpcId: vpc.id,
  description: "wordpress web",
  egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
});
const dbSg = new aws.ec2.SecurityGroup("wp-db-sg", { vpcId: vpc.id, description: "wordpress db" });
new aws.vpc.SecurityGroupIngressRule("wp-db-from-web", {
  securityGroupId: dbSg.id,
  referencedSecurityGroupId: webSg.id,
  ipProtocol: "tcp",
  fromPort: 3306,
  toPort: 3306,
});

const dbPassword = "wp-Pr0d-" + "2024";
const subnetGroup = new aws.rds.SubnetGroup("wp-db-subnets", { subnetIds: [privateA.id, privateB.id] });
const db = new aws.rds.Instance("wordpress-db", {
  engine: "mysql",
  engineVersion: "8.0",
  instanceClass: "db.t3.small",
  allocatedStorage: 20,
  dbName: "wordpress",
  username: "wpadmin",
  password: dbPassword,
  dbSubnetGroupName: subnetGroup.name,
  vpcSecurityGroupIds: [dbSg.id],
  storageEncrypted: true,
  skipFinalSnapshot: true,
});

new aws.ec2.Instance("wordpress-web", {
  ami: "ami-0c55b159cbfafe1f0",
  instanceType: "t3.small",
  subnetId: privateA.id,
  vpcSecurityGroupIds: [webSg.id],
  rootBlockDevice: { encrypted: true },
  userData: db.address.apply(
    (host) => `#!/bin/bash\necho "define('DB_HOST', '${host}');" >> /var/www/html/wp-config.php\n`,
  ),
});
