// expect: clean
// why: a Step Functions workflow that reads its API token from Secrets Manager while it runs, calls the partner API through an EventBridge connection (which keeps the credentials) and hands a task token to an approval queue: its definition, readable with DescribeStateMachine, carries no credential (JSONPath values such as $$.Task.Token are resolved at run time).
import * as aws from "@pulumi/aws";

const tags = { "bulkhead:tenant": "initech" };
const account = "123456789012";
const region = "eu-west-1";
const secretArn = `arn:aws:secretsmanager:${region}:${account}:secret:initech/partner/api-Ab12Cd`;
const connectionArn = `arn:aws:events:${region}:${account}:connection/initech-partner/2d1f3c4b-0000-4000-8000-000000000001`;
const queueUrl = `https://sqs.${region}.amazonaws.com/${account}/initech-approvals`;

// https://docs.aws.amazon.com/step-functions/latest/dg/call-https-apis.html: HTTP Tasks authenticate through an
// EventBridge connection; https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html: the
// Secrets Manager SDK integration reads a secret at run time.
const role = new aws.iam.Role("initech-sync-flow-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
  tags,
});
new aws.iam.RolePolicy("initech-sync-flow-policy", {
  role: role.id,
  policy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: secretArn },
      { Effect: "Allow", Action: ["states:InvokeHTTPEndpoint"], Resource: `arn:aws:states:${region}:${account}:stateMachine:initech-sync` },
      { Effect: "Allow", Action: ["events:RetrieveConnectionCredentials"], Resource: connectionArn },
      { Effect: "Allow", Action: ["sqs:SendMessage"], Resource: `arn:aws:sqs:${region}:${account}:initech-approvals` },
    ],
  }),
});

new aws.sfn.StateMachine("initech-sync", {
  name: "initech-sync",
  roleArn: role.arn,
  definition: JSON.stringify({
    Comment: "Nightly partner sync",
    StartAt: "ReadToken",
    States: {
      ReadToken: { Type: "Task", Resource: "arn:aws:states:::aws-sdk:secretsmanager:getSecretValue", Parameters: { SecretId: secretArn }, ResultSelector: { "token.$": "$.SecretString" }, ResultPath: "$.partner", Next: "Push" },
      Push: {
        Type: "Task",
        Resource: "arn:aws:states:::http:invoke",
        Parameters: { ApiEndpoint: "https://api.partner.example.com/v2/sync", Method: "POST", Authentication: { ConnectionArn: connectionArn }, "RequestBody.$": "$.payload" },
        Next: "Approve",
      },
      Approve: {
        Type: "Task",
        Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        Parameters: { QueueUrl: queueUrl, MessageBody: { "TaskToken.$": "$$.Task.Token", "ApiToken.$": "$.partner.token" } },
        End: true,
      },
    },
  }),
  tags,
});
