// expect: no-public-entry-points invoice-pdf-url
// why: a function URL with authorizationType NONE "so the billing front end can fetch PDFs": anyone on the internet can invoke it (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html).
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
  code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ statusCode: 200 });") }),
});

export const url = new aws.lambda.FunctionUrl("invoice-pdf-url", { functionName: fn.name, authorizationType: "NONE" }).functionUrl;
