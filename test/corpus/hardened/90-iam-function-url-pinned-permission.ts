// expect: clean
// why: a function URL that requires SigV4 (AWS_IAM), an S3-triggered permission pinned by sourceArn and sourceAccount, and an image shared with one named account (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html, https://docs.aws.amazon.com/lambda/latest/dg/with-s3.html).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const role = new aws.iam.Role("thumbnailer-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
  managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"],
});

const fn = new aws.lambda.Function("thumbnailer", {
  runtime: aws.lambda.Runtime.NodeJS20dX,
  handler: "index.handler",
  role: role.arn,
  code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => 'ok';") }),
});

new aws.lambda.FunctionUrl("thumbnailer-url", { functionName: fn.name, authorizationType: "AWS_IAM" });

new aws.lambda.Permission("thumbnailer-from-uploads", {
  function: fn.name,
  action: "lambda:InvokeFunction",
  principal: "s3.amazonaws.com",
  sourceArn: "arn:aws:s3:::acme-uploads-eu",
  sourceAccount: "123456789012",
});

new aws.ec2.AmiLaunchPermission("golden-image-to-dr", { imageId: "ami-0a1b2c3d4e5f60718", accountId: "444455556666" });
