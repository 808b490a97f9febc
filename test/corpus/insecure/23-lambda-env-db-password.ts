// expect: no-typed-in-credentials order-webhook
// why: a Lambda with DB_PASSWORD as a literal environment variable, readable by anyone with lambda:GetFunction.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

export default async () => {
  const region = await aws.getRegion();

  const role = new aws.iam.Role("order-webhook-role", {
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
  });
  new aws.iam.RolePolicyAttachment("order-webhook-logs", {
    role: role.name,
    policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
  });

  const fn = new aws.lambda.Function("order-webhook", {
    runtime: aws.lambda.Runtime.NodeJS20dX,
    handler: "index.handler",
    role: role.arn,
    timeout: 10,
    code: new pulumi.asset.AssetArchive({
      "index.js": new pulumi.asset.StringAsset("exports.handler = async (e) => ({ statusCode: 202 });"),
    }),
    environment: {
      variables: {
        DB_HOST: `orders.cluster-abc.${region.region}.rds.amazonaws.com`,
        DB_USER: "orders",
        DB_PASSWORD: "0rders!Webhook",
        LOG_LEVEL: "info",
      },
    },
  });
  const url = new aws.lambda.FunctionUrl("order-webhook-url", { functionName: fn.name, authorizationType: "NONE" });

  return { webhookUrl: url.functionUrl };
};
