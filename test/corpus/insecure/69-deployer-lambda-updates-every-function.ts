// expect: no-workload-admin-tools release-fn-deploy
// why: a "release" Lambda may replace the code of every function in the region (function:*), not just the one it ships: one compromised release run rewrites every tenant's functions (https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionCode.html).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const role = new aws.iam.Role("release-fn-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
  managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"],
});

new aws.iam.RolePolicy("release-fn-deploy", {
  role: role.id,
  policy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Sid: "ShipCode", Effect: "Allow", Action: ["lambda:UpdateFunctionCode", "lambda:GetFunction"], Resource: "arn:aws:lambda:eu-west-1:123456789012:function:*" }],
  }),
});

new aws.lambda.Function("release-fn", {
  runtime: aws.lambda.Runtime.NodeJS20dX,
  handler: "index.handler",
  role: role.arn,
  code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({});") }),
});
