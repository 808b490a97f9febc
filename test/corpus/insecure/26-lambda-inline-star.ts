// expect: no-admin-workloads image-resizer-role
// why: a Lambda role with an inline policy granting Action "*" on Resource "*".
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const role = new aws.iam.Role("image-resizer-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
  inlinePolicies: [
    {
      name: "do-everything",
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
      }),
    },
  ],
});

new aws.lambda.Function("image-resizer", {
  runtime: aws.lambda.Runtime.NodeJS20dX,
  handler: "index.handler",
  role: role.arn,
  memorySize: 1024,
  code: new pulumi.asset.AssetArchive({
    "index.js": new pulumi.asset.StringAsset("exports.handler = async () => 'ok';"),
  }),
  environment: { variables: { OUTPUT_BUCKET: "media-thumbnails" } },
});
