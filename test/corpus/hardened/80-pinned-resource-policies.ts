// expect: clean
// why: resource policies that let outsiders in only as AWS documents it safe: a vendor role behind an exact sts:ExternalId, a queue fed only by this account's topic (aws:SourceArn), a Lambda invoked only by this account's bucket, a topic that denies every caller outside the organization, a default key policy.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const caller = aws.getCallerIdentityOutput();

new aws.iam.Role("billing-vendor-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::464622532012:root" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "sts:ExternalId": "acme-7c1e0f52-billing" } },
      },
    ],
  }),
});

const key = new aws.kms.Key("events-key", {
  enableKeyRotation: true,
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [{ Sid: "AccountAdministration", Effect: "Allow", Principal: { AWS: pulumi.interpolate`arn:aws:iam::${caller.accountId}:root` }, Action: "kms:*", Resource: "*" }],
  }),
});

const topic = new aws.sns.Topic("uploads", { kmsMasterKeyId: key.arn });
new aws.sns.TopicPolicy("uploads-policy", {
  arn: topic.arn,
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "OrgPublish", Effect: "Allow", Principal: { AWS: "*" }, Action: ["sns:Publish"], Resource: topic.arn },
      { Sid: "DenyOutsideOrg", Effect: "Deny", Principal: "*", Action: "sns:*", Resource: topic.arn, Condition: { StringNotEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } },
    ],
  }),
});

const queue = new aws.sqs.Queue("uploads-work", { sqsManagedSseEnabled: true });
new aws.sqs.QueuePolicy("uploads-work-policy", {
  queueUrl: queue.url,
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: { Service: "sns.amazonaws.com" }, Action: "sqs:SendMessage", Resource: queue.arn, Condition: { ArnEquals: { "aws:SourceArn": topic.arn } } },
      { Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: queue.arn, Condition: { ArnEquals: { "aws:SourceArn": topic.arn } } },
    ],
  }),
});

const role = new aws.iam.Role("scanner-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
  managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"],
});
const scanner = new aws.lambda.Function("scanner", {
  runtime: aws.lambda.Runtime.NodeJS20dX,
  handler: "index.handler",
  role: role.arn,
  code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => 'ok';") }),
});
new aws.lambda.Permission("scanner-from-bucket", {
  function: scanner.name,
  action: "lambda:InvokeFunction",
  principal: "s3.amazonaws.com",
  sourceArn: "arn:aws:s3:::acme-incoming-scans",
  sourceAccount: caller.accountId,
});
