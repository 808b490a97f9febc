// expect: clean
// why: an upload-processing Lambda: private bucket, a role that can read one prefix and write another, encrypted logs, no credentials anywhere.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const tags = { "bulkhead:tenant": "oscorp" };
const bucketName = "oscorp-media-uploads";
const functionName = "oscorp-thumbnailer";

export default async () => {
  const caller = await aws.getCallerIdentity();
  const region = await aws.getRegion();

  const key = new aws.kms.Key("oscorp-media-key", {
    description: "oscorp media and function logs",
    enableKeyRotation: true,
    policy: pulumi.jsonStringify({
      Version: "2012-10-17",
      Statement: [
        { Sid: "Account", Effect: "Allow", Principal: { AWS: pulumi.interpolate`arn:aws:iam::${caller.accountId}:root` }, Action: "kms:*", Resource: "*" },
        {
          Sid: "Logs",
          Effect: "Allow",
          Principal: { Service: pulumi.interpolate`logs.${region.region}.amazonaws.com` },
          Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
          Resource: "*",
        },
      ],
    }),
    tags,
  });

  const bucket = new aws.s3.Bucket("oscorp-media", { bucket: bucketName, forceDestroy: false, tags });
  new aws.s3.BucketPublicAccessBlock("oscorp-media-pab", {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  new aws.s3.BucketOwnershipControls("oscorp-media-ownership", { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } });
  new aws.s3.BucketServerSideEncryptionConfiguration("oscorp-media-sse", {
    bucket: bucket.id,
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }],
  });

  const role = new aws.iam.Role("oscorp-thumbnailer-role", {
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
    tags,
  });
  new aws.iam.RolePolicy("oscorp-thumbnailer-policy", {
    role: role.id,
    policy: pulumi.jsonStringify({
      Version: "2012-10-17",
      Statement: [
        { Sid: "ReadOriginals", Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucketName}/originals/*` },
        { Sid: "WriteThumbnails", Effect: "Allow", Action: "s3:PutObject", Resource: `arn:aws:s3:::${bucketName}/thumbnails/*` },
        {
          Sid: "UseBucketKey",
          Effect: "Allow",
          Action: ["kms:Decrypt", "kms:GenerateDataKey"],
          Resource: "*",
          Condition: { StringEquals: { "kms:ViaService": pulumi.interpolate`s3.${region.region}.amazonaws.com` } },
        },
        {
          Sid: "OwnLogs",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: pulumi.interpolate`arn:aws:logs:${region.region}:${caller.accountId}:log-group:/aws/lambda/${functionName}:*`,
        },
      ],
    }),
  });
  const logs = new aws.cloudwatch.LogGroup("oscorp-thumbnailer-logs", {
    name: `/aws/lambda/${functionName}`,
    retentionInDays: 30,
    kmsKeyId: key.arn,
    tags,
  });

  const fn = new aws.lambda.Function(
    "oscorp-thumbnailer",
    {
      name: functionName,
      runtime: aws.lambda.Runtime.NodeJS20dX,
      handler: "index.handler",
      role: role.arn,
      memorySize: 1024,
      timeout: 60,
      code: new pulumi.asset.AssetArchive({
        "index.js": new pulumi.asset.StringAsset("exports.handler = async (event) => ({ resized: event.Records.length });\n"),
      }),
      environment: { variables: { OUTPUT_PREFIX: "thumbnails/", MAX_WIDTH: "640" } },
      tags,
    },
    { dependsOn: [logs] },
  );
  const allowS3 = new aws.lambda.Permission("oscorp-thumbnailer-from-s3", {
    action: "lambda:InvokeFunction",
    function: fn.name,
    principal: "s3.amazonaws.com",
    sourceArn: `arn:aws:s3:::${bucketName}`,
    sourceAccount: caller.accountId,
  });
  const notification = new aws.s3.BucketNotification(
    "oscorp-media-uploads-notify",
    {
      bucket: bucket.id,
      lambdaFunctions: [{ lambdaFunctionArn: fn.arn, events: ["s3:ObjectCreated:*"], filterPrefix: "originals/" }],
    },
    { dependsOn: [allowS3] },
  );

  return { functionArn: fn.arn, bucket: bucket.bucket, notification: notification.id };
};
