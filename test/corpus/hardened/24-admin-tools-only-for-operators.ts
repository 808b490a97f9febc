// expect: clean
// why: Run Command and Session Manager belong only to the admin role operators assume with MFA (tagged bulkhead:role=admin, as the stack says), no workload, and the release function may replace the code of exactly the one function it ships, named by reference (https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-getting-started-restrict-access.html, https://docs.aws.amazon.com/lambda/latest/dg/lambda-api-permissions-ref.html).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const lambdaTrust = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

// Operators assume the fleet-admin role (MFA required); it is the only holder of Run Command and Session Manager.
new aws.iam.Role("ops-fleet-admin-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "sts:AssumeRole", Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } } }],
  }),
  inlinePolicies: [
    {
      name: "fleet-admin",
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Sid: "FleetAdmin", Effect: "Allow", Action: ["ssm:SendCommand", "ssm:StartSession", "ssm:GetCommandInvocation"], Resource: "*" }],
      }),
    },
  ],
  tags: { "bulkhead:role": "admin" },
});

const siteRole = new aws.iam.Role("site-fn-role", { assumeRolePolicy: lambdaTrust, managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"] });
const site = new aws.lambda.Function("site-fn", {
  runtime: aws.lambda.Runtime.NodeJS20dX,
  handler: "index.handler",
  role: siteRole.arn,
  code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ statusCode: 200 });") }),
});

const releaseRole = new aws.iam.Role("release-fn-role", { assumeRolePolicy: lambdaTrust, managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"] });
new aws.iam.RolePolicy("release-fn-deploy", {
  role: releaseRole.id,
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [{ Sid: "ShipSite", Effect: "Allow", Action: ["lambda:UpdateFunctionCode", "lambda:GetFunction"], Resource: site.arn }],
  }),
});
new aws.lambda.Function("release-fn", {
  runtime: aws.lambda.Runtime.NodeJS20dX,
  handler: "index.handler",
  role: releaseRole.arn,
  code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({});") }),
});
