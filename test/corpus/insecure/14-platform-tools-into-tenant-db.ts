// expect: data-ports-tenant-only initech-db-from-admin-tools
// why: the shared platform's admin-tools group can reach a tenant's MySQL: the breach path moved through exactly such tooling.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("hosting-vpc", { cidrBlock: "10.16.0.0/16" });

// untagged: shared platform
const adminToolsSg = new aws.ec2.SecurityGroup("admin-tools-sg", {
  vpcId: vpc.id,
  description: "phpMyAdmin / metabase for support staff",
});
const initechDbSg = new aws.ec2.SecurityGroup("initech-db-sg", {
  vpcId: vpc.id,
  description: "initech mysql",
  tags: { "bulkhead:tenant": "initech" },
});

new aws.vpc.SecurityGroupIngressRule("initech-db-from-admin-tools", {
  securityGroupId: initechDbSg.id,
  referencedSecurityGroupId: adminToolsSg.id,
  ipProtocol: "tcp",
  fromPort: 3306,
  toPort: 3306,
  description: "support access",
});
