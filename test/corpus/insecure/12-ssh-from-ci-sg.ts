// expect: bastion-only-admin deploy-ssh-from-ci
// why: the CI runner's group may SSH to the deploy targets: a compromised pipeline is a shell on production.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("deploy-vpc", { cidrBlock: "10.14.0.0/16" });

const ciSg = new aws.ec2.SecurityGroup("ci-runner-sg", {
  vpcId: vpc.id,
  description: "CI runners",
  egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
});
const targetSg = new aws.ec2.SecurityGroup("deploy-target-sg", {
  vpcId: vpc.id,
  description: "app hosts deployed by ansible",
  egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
});

new aws.vpc.SecurityGroupIngressRule("deploy-ssh-from-ci", {
  securityGroupId: targetSg.id,
  referencedSecurityGroupId: ciSg.id,
  ipProtocol: "tcp",
  fromPort: 22,
  toPort: 22,
  description: "ansible push",
});
new aws.vpc.SecurityGroupIngressRule("deploy-http-from-ci", {
  securityGroupId: targetSg.id,
  referencedSecurityGroupId: ciSg.id,
  ipProtocol: "tcp",
  fromPort: 8080,
  toPort: 8080,
  description: "smoke tests",
});
