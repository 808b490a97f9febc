// expect: no-admin-workloads jenkins-admin-attach
// expect: imdsv2-required jenkins
// why: an EC2 instance profile with AdministratorAccess: any SSRF to IMDS (v1 here) hands out account-admin keys.
import * as aws from "@pulumi/aws";

const role = new aws.iam.Role("jenkins-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
});
// "jenkins deploys everything, so it needs everything"
new aws.iam.RolePolicyAttachment("jenkins-admin-attach", {
  role: role.name,
  policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
});
const profile = new aws.iam.InstanceProfile("jenkins-profile", { role: role.name });

const vpc = new aws.ec2.Vpc("tools-vpc", { cidrBlock: "10.25.0.0/16" });
const subnet = new aws.ec2.Subnet("tools-private-a", { vpcId: vpc.id, cidrBlock: "10.25.1.0/24", availabilityZone: "us-east-1a" });

new aws.ec2.Instance("jenkins", {
  ami: "ami-0123456789abcdef0",
  instanceType: "m6i.large",
  subnetId: subnet.id,
  iamInstanceProfile: profile.name,
  rootBlockDevice: { volumeSize: 200, encrypted: true },
});
