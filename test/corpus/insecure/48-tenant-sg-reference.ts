// expect: tenant-isolation umbrella-api-from-hooli-app
// why: tenant hooli's app group may call tenant umbrella's internal API: a security-group reference across tenants.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("pool-b-vpc", { cidrBlock: "10.48.0.0/16" });

const umbrellaApiSg = new aws.ec2.SecurityGroup("umbrella-api-sg", {
  vpcId: vpc.id,
  description: "umbrella internal api",
  tags: { "bulkhead:tenant": "umbrella" },
});
const hooliAppSg = new aws.ec2.SecurityGroup("hooli-app-sg", {
  vpcId: vpc.id,
  description: "hooli app",
  tags: { "bulkhead:tenant": "hooli" },
});

new aws.vpc.SecurityGroupIngressRule("umbrella-api-from-hooli-app", {
  securityGroupId: umbrellaApiSg.id,
  referencedSecurityGroupId: hooliAppSg.id,
  ipProtocol: "tcp",
  fromPort: 8443,
  toPort: 8443,
  description: "SSO integration",
});
