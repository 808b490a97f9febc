// expect: no-admin-workloads thumbnailer-deploy-attach
// why: a customer policy attached by its literal ARN (not by reference) lets the Lambda pass any role to a new function and invoke it - privilege escalation (Rhino Security Labs method 15, https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const caller = aws.getCallerIdentityOutput();

const role = new aws.iam.Role("thumbnailer-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
});

// "Self-deploying" helper permissions: the function publishes its own preview builds.
new aws.iam.Policy("thumbnailer-deploy", {
  name: "thumbnailer-deploy",
  path: "/apps/",
  policy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "Deploy", Effect: "Allow", Action: ["lambda:CreateFunction", "lambda:InvokeFunction", "lambda:GetFunction"], Resource: "*" },
      { Sid: "PassExecutionRole", Effect: "Allow", Action: "iam:PassRole", Resource: "*" },
    ],
  }),
});

new aws.iam.RolePolicyAttachment("thumbnailer-deploy-attach", {
  role: role.name,
  policyArn: pulumi.interpolate`arn:aws:iam::${caller.accountId}:policy/apps/thumbnailer-deploy`,
});

new aws.lambda.Function("thumbnailer", {
  runtime: aws.lambda.Runtime.NodeJS20dX,
  handler: "index.handler",
  role: role.arn,
  code: new pulumi.asset.AssetArchive({
    "index.js": new pulumi.asset.StringAsset("exports.handler = async () => 'ok';"),
  }),
});
