// expect: clean
// why: a shared intake queue any principal of the organization may write to, behind the data-perimeter Deny AWS documents (outside the organization and not an AWS service: denied), plus the platform topic by its exact ARN (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalisawsservice).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const caller = aws.getCallerIdentityOutput();
const region = aws.getRegionOutput();
const account = caller.accountId;
const org = "o-k3y9x2m4q7";

const key = new aws.kms.Key("intake-key", { description: "intake queue", enableKeyRotation: true });
const queue = new aws.sqs.Queue("intake", { name: "platform-intake", kmsMasterKeyId: key.id });
const topic = new aws.sns.Topic("platform-events", { name: "platform-events", kmsMasterKeyId: key.id });

const queueArn = pulumi.interpolate`arn:aws:sqs:${region.name}:${account}:platform-intake`;
new aws.sqs.QueuePolicy("intake-policy", {
  queueUrl: queue.url,
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "OrgSend", Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: queueArn },
      {
        Sid: "PlatformTopic",
        Effect: "Allow",
        Principal: { Service: "sns.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: queueArn,
        Condition: { ArnEquals: { "aws:SourceArn": pulumi.interpolate`arn:aws:sns:${region.name}:${account}:platform-events` } },
      },
      {
        Sid: "DataPerimeter",
        Effect: "Deny",
        Principal: "*",
        Action: "sqs:*",
        Resource: queueArn,
        Condition: { StringNotEqualsIfExists: { "aws:PrincipalOrgID": org }, BoolIfExists: { "aws:PrincipalIsAWSService": "false" } },
      },
    ],
  }),
});

new aws.sns.TopicSubscription("intake-from-events", { topic: topic.arn, protocol: "sqs", endpoint: queue.arn });
