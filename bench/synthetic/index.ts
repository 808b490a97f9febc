/**
 * A synthetic platform of N resources for the engine benchmark: VPCs of 20 tenant slices, each slice
 * ten resources (subnet, app and data groups with rules by reference, an instance, a key, a secret
 * and its policy) — the shapes the pack's model has to join.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const config = new pulumi.Config();
const target = config.requireNumber("resources");
const SLICE = 10;
const SLICES_PER_VPC = 20;

let created = 0;
let vpc: aws.ec2.Vpc | undefined;
let bastionSg: aws.ec2.SecurityGroup | undefined;
for (let i = 0; created + SLICE <= target; i++) {
  if (i % SLICES_PER_VPC === 0) {
    const v = Math.floor(i / SLICES_PER_VPC);
    vpc = new aws.ec2.Vpc(`vpc-${v}`, { cidrBlock: `10.${v % 256}.0.0/16`, tags: { Name: `vpc-${v}` } });
    bastionSg = new aws.ec2.SecurityGroup(`bastion-sg-${v}`, { vpcId: vpc.id, tags: { "bulkhead:role": "bastion" } });
    created += 2;
  }
  const tenant = `t${i}`;
  const tags = { "bulkhead:tenant": tenant };
  const subnet = new aws.ec2.Subnet(`${tenant}-app`, { vpcId: vpc!.id, cidrBlock: `10.${Math.floor(i / SLICES_PER_VPC) % 256}.${i % SLICES_PER_VPC}.0/24`, tags });
  const app = new aws.ec2.SecurityGroup(`${tenant}-app-sg`, { vpcId: vpc!.id, tags });
  const data = new aws.ec2.SecurityGroup(`${tenant}-data-sg`, { vpcId: vpc!.id, tags });
  new aws.vpc.SecurityGroupIngressRule(`${tenant}-data-from-app`, {
    securityGroupId: data.id, referencedSecurityGroupId: app.id, ipProtocol: "tcp", fromPort: 5432, toPort: 5432, tags,
  });
  new aws.vpc.SecurityGroupIngressRule(`${tenant}-ssh-from-bastion`, {
    securityGroupId: app.id, referencedSecurityGroupId: bastionSg!.id, ipProtocol: "tcp", fromPort: 22, toPort: 22, tags,
  });
  new aws.vpc.SecurityGroupEgressRule(`${tenant}-app-to-data`, {
    securityGroupId: app.id, referencedSecurityGroupId: data.id, ipProtocol: "tcp", fromPort: 5432, toPort: 5432, tags,
  });
  new aws.ec2.Instance(`${tenant}-web`, {
    ami: "ami-0123456789abcdef0", instanceType: "t3.micro", subnetId: subnet.id, vpcSecurityGroupIds: [app.id],
    metadataOptions: { httpTokens: "required" }, rootBlockDevice: { encrypted: true }, tags,
  });
  const key = new aws.kms.Key(`${tenant}-key`, { enableKeyRotation: true, tags });
  const secret = new aws.secretsmanager.Secret(`${tenant}-secret`, { kmsKeyId: key.arn, tags });
  new aws.secretsmanager.SecretPolicy(`${tenant}-secret-policy`, {
    secretArn: secret.arn,
    blockPublicPolicy: true,
    policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Principal: "*", Action: "secretsmanager:GetSecretValue", Resource: "*" }] }),
  });
  created += SLICE;
}
export const resources = created;
