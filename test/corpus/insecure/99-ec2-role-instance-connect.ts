// expect: no-workload-admin-tools ci-runner-role
// why: the CI runner's instance role may push SSH keys to every instance through EC2 Instance Connect: a compromised pipeline logs in anywhere (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-connect-configure-IAM-role.html).
import * as aws from "@pulumi/aws";

new aws.iam.Role("ci-runner-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
  inlinePolicies: [
    {
      name: "deploy-over-ssh",
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["ec2-instance-connect:SendSSHPublicKey", "ec2:DescribeInstances"], Resource: "*" }],
      }),
    },
  ],
});
