// expect: no-admin-workloads scheduler-launch
// why: a scheduler Lambda may pass ANY role as long as it goes to EC2 (iam:PassedToService limits the service, not the role) and may run instances: it can start an instance with the account's most privileged instance profile (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const role = new aws.iam.Role("scheduler-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
  managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"],
});

new aws.iam.RolePolicy("scheduler-launch", {
  role: role.id,
  policy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "PassToEc2", Effect: "Allow", Action: "iam:PassRole", Resource: "*", Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } } },
      { Sid: "Launch", Effect: "Allow", Action: ["ec2:RunInstances", "ec2:CreateTags", "ec2:DescribeInstances"], Resource: "*" },
    ],
  }),
});

new aws.lambda.Function("scheduler", {
  runtime: aws.lambda.Runtime.NodeJS20dX,
  handler: "index.handler",
  role: role.arn,
  code: new pulumi.asset.AssetArchive({
    "index.js": new pulumi.asset.StringAsset("exports.handler = async () => 'ok';"),
  }),
});
