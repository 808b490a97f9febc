// expect: clean
// why: a CodeBuild deployer that may pass exactly one execution role and start instances, and an ops Lambda whose AdministratorAccess is capped by a permissions boundary attached by literal ARN (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html): neither can escalate.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const caller = aws.getCallerIdentityOutput();
const account = caller.accountId;

const deployer = new aws.iam.Role("site-deployer", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "codebuild.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
});
new aws.iam.RolePolicy("site-deployer-permissions", {
  role: deployer.id,
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "PassOnlyTheWebRole", Effect: "Allow", Action: "iam:PassRole", Resource: pulumi.interpolate`arn:aws:iam::${account}:role/site-web-instance`, Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } } },
      { Sid: "Launch", Effect: "Allow", Action: ["ec2:RunInstances", "ec2:CreateTags", "ec2:Describe*"], Resource: "*" },
      { Sid: "NoIam", Effect: "Deny", Action: ["iam:Put*", "iam:Attach*", "iam:Create*", "iam:Update*"], Resource: "*" },
    ],
  }),
});

new aws.iam.Policy("ops-boundary", {
  name: "ops-boundary",
  policy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["cloudwatch:GetMetricData", "logs:FilterLogEvents", "ec2:Describe*"], Resource: "*" }],
  }),
});
new aws.iam.Role("ops-reporter", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
  managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"],
  permissionsBoundary: pulumi.interpolate`arn:aws:iam::${account}:policy/ops-boundary`,
});
