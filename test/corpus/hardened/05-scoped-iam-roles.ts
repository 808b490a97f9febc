// expect: clean
// why: workload roles for Lambda, ECS tasks and EC2 that name their actions and resources - no "*" on "*", no AdministratorAccess.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const tags = { "bulkhead:tenant": "stark" };
const caller = aws.getCallerIdentityOutput();
const region = aws.getRegionOutput();
const tableName = "stark-orders";
const bucketName = "stark-order-exports";

const assume = (service: string) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  });

new aws.dynamodb.Table("stark-orders-table", {
  name: tableName,
  billingMode: "PAY_PER_REQUEST",
  hashKey: "pk",
  rangeKey: "sk",
  attributes: [
    { name: "pk", type: "S" },
    { name: "sk", type: "S" },
  ],
  serverSideEncryption: { enabled: true },
  pointInTimeRecovery: { enabled: true },
  tags,
});

// Lambda: reads and writes one table.
const apiRole = new aws.iam.Role("stark-orders-api-role", { assumeRolePolicy: assume("lambda.amazonaws.com"), tags });
new aws.iam.RolePolicy("stark-orders-api-table", {
  role: apiRole.id,
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"],
        Resource: [
          pulumi.interpolate`arn:aws:dynamodb:${region.region}:${caller.accountId}:table/${tableName}`,
          pulumi.interpolate`arn:aws:dynamodb:${region.region}:${caller.accountId}:table/${tableName}/index/*`,
        ],
      },
    ],
  }),
});
new aws.iam.RolePolicyAttachment("stark-orders-api-logs", {
  role: apiRole.name,
  policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
});

// Lambda queue consumer: both documents rendered by aws.iam.getPolicyDocument.
const consumerTrust = aws.iam.getPolicyDocumentOutput({
  statements: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }] }],
});
const consumerRole = new aws.iam.Role("stark-events-consumer-role", { assumeRolePolicy: consumerTrust.json, tags });
const consumerAccess = aws.iam.getPolicyDocumentOutput({
  statements: [
    {
      sid: "ConsumeOrderEvents",
      actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"],
      resources: [pulumi.interpolate`arn:aws:sqs:${region.region}:${caller.accountId}:stark-order-events`],
    },
  ],
});
new aws.iam.RolePolicy("stark-events-consumer-queue", { role: consumerRole.id, policy: consumerAccess.json });

// ECS task: writes exports under one prefix, through a customer-managed policy attached by ARN.
const exportRole = new aws.iam.Role("stark-export-task-role", { assumeRolePolicy: assume("ecs-tasks.amazonaws.com"), tags });
const exportPolicy = new aws.iam.Policy("stark-export-write", {
  description: "write order exports",
  policy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: ["s3:PutObject", "s3:AbortMultipartUpload"], Resource: `arn:aws:s3:::${bucketName}/exports/*` },
      { Effect: "Allow", Action: "s3:ListBucket", Resource: `arn:aws:s3:::${bucketName}`, Condition: { StringLike: { "s3:prefix": "exports/*" } } },
    ],
  }),
  tags,
});
new aws.iam.RolePolicyAttachment("stark-export-write-attach", { role: exportRole.name, policyArn: exportPolicy.arn });

// EC2: managed by SSM, reads its own config parameters.
const hostRole = new aws.iam.Role("stark-host-role", {
  assumeRolePolicy: assume("ec2.amazonaws.com"),
  managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"],
  inlinePolicies: [
    {
      name: "read-own-parameters",
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["ssm:GetParameter", "ssm:GetParametersByPath"],
            Resource: pulumi.interpolate`arn:aws:ssm:${region.region}:${caller.accountId}:parameter/stark/*`,
          },
        ],
      }),
    },
  ],
  tags,
});
new aws.iam.InstanceProfile("stark-host-profile", { role: hostRole.name, tags });

// A deploy role assumable only by the CI account's OIDC provider may be broad: it is not a workload.
new aws.iam.Role("stark-deploy-role", {
  assumeRolePolicy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: pulumi.interpolate`arn:aws:iam::${caller.accountId}:oidc-provider/token.actions.githubusercontent.com` },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": "repo:stark/orders:ref:refs/heads/main",
          },
        },
      },
    ],
  }),
  managedPolicyArns: ["arn:aws:iam::aws:policy/PowerUserAccess"],
  tags,
});
