// expect: data-ports-tenant-only acme-db-from-globex-reports
// expect: tenant-isolation acme-db-from-globex-reports
// why: tenant globex's reporting workers may open Postgres connections into tenant acme's database.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("shared-hosting-vpc", { cidrBlock: "10.15.0.0/16" });

const acmeDbSg = new aws.ec2.SecurityGroup("acme-db-sg", {
  vpcId: vpc.id,
  description: "acme postgres",
  tags: { "bulkhead:tenant": "acme" },
});
const acmeAppSg = new aws.ec2.SecurityGroup("acme-app-sg", {
  vpcId: vpc.id,
  description: "acme app",
  tags: { "bulkhead:tenant": "acme" },
});
const globexReportsSg = new aws.ec2.SecurityGroup("globex-reports-sg", {
  vpcId: vpc.id,
  description: "globex reporting workers",
  tags: { "bulkhead:tenant": "globex" },
});

new aws.ec2.SecurityGroupRule("acme-db-from-acme-app", {
  type: "ingress",
  securityGroupId: acmeDbSg.id,
  sourceSecurityGroupId: acmeAppSg.id,
  protocol: "tcp",
  fromPort: 5432,
  toPort: 5432,
});
// "globex bought acme's data feed" - copy-pasted from the rule above
new aws.ec2.SecurityGroupRule("acme-db-from-globex-reports", {
  type: "ingress",
  securityGroupId: acmeDbSg.id,
  sourceSecurityGroupId: globexReportsSg.id,
  protocol: "tcp",
  fromPort: 5432,
  toPort: 5432,
});
