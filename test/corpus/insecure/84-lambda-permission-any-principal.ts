// expect: no-public-resource-policy invoice-pdf-invoke
// why: lambda.Permission with principal "*" and no sourceArn/sourceAccount lets any AWS account invoke the function (https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const role = new aws.iam.Role("invoice-pdf-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
  managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"],
});

const fn = new aws.lambda.Function("invoice-pdf", {
  runtime: aws.lambda.Runtime.NodeJS20dX,
  handler: "index.handler",
  role: role.arn,
  code: new pulumi.asset.AssetArchive({
    "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ statusCode: 200 });"),
  }),
});

new aws.lambda.Permission("invoice-pdf-invoke", {
  function: fn.name,
  action: "lambda:InvokeFunction",
  principal: "*",
});
