// expect: clean
// why: an ECS task built from an image repository in the same stack (so its container definition is unknown at preview) whose credentials arrive as "secrets" valueFrom the Secrets Manager secrets' ARNs.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";

const tags = { "bulkhead:tenant": "wayne" };
const caller = aws.getCallerIdentityOutput();
const region = aws.getRegionOutput();
const dbSecretName = "wayne/checkout/db";
const paymentsSecretName = "wayne/checkout/payments-api";
const logGroupName = "/ecs/wayne-checkout";

const key = new aws.kms.Key("wayne-checkout-key", {
  description: "wayne checkout: secrets and logs",
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

// Both credentials are generated here and rotated by the shared rotation functions.
const dbPassword = new random.RandomPassword("wayne-checkout-db-password", { length: 32, special: false });
const dbSecret = new aws.secretsmanager.Secret("wayne-checkout-db-secret", { name: dbSecretName, kmsKeyId: key.arn, tags });
new aws.secretsmanager.SecretVersion("wayne-checkout-db-secret-v1", {
  secretId: dbSecret.id,
  secretString: pulumi.jsonStringify({ username: "checkout", password: dbPassword.result }),
});
new aws.secretsmanager.SecretRotation("wayne-checkout-db-rotation", {
  secretId: dbSecret.id,
  rotationLambdaArn: pulumi.interpolate`arn:aws:lambda:${region.region}:${caller.accountId}:function:bulkhead-rotate-postgres-single-user`,
  rotationRules: { automaticallyAfterDays: 30 },
});

const apiToken = new random.RandomString("wayne-checkout-payments-token", { length: 48, special: false });
const paymentsSecret = new aws.secretsmanager.Secret("wayne-checkout-payments-secret", { name: paymentsSecretName, kmsKeyId: key.arn, tags });
new aws.secretsmanager.SecretVersion("wayne-checkout-payments-secret-v1", {
  secretId: paymentsSecret.id,
  secretString: apiToken.result,
});
new aws.secretsmanager.SecretRotation("wayne-checkout-payments-rotation", {
  secretId: paymentsSecret.id,
  rotationLambdaArn: pulumi.interpolate`arn:aws:lambda:${region.region}:${caller.accountId}:function:bulkhead-rotate-payments-token`,
  rotationRules: { scheduleExpression: "rate(7 days)" },
});

new aws.cloudwatch.LogGroup("wayne-checkout-logs", { name: logGroupName, retentionInDays: 90, kmsKeyId: key.arn, tags });

const assumeEcs = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
});
const execRole = new aws.iam.Role("wayne-checkout-exec-role", {
  assumeRolePolicy: assumeEcs,
  managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"],
  tags,
});
new aws.iam.RolePolicy("wayne-checkout-exec-secrets", {
  role: execRole.id,
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: "secretsmanager:GetSecretValue",
        Resource: [
          pulumi.interpolate`arn:aws:secretsmanager:${region.region}:${caller.accountId}:secret:${dbSecretName}-*`,
          pulumi.interpolate`arn:aws:secretsmanager:${region.region}:${caller.accountId}:secret:${paymentsSecretName}-*`,
        ],
      },
      {
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: "*",
        Condition: { StringEquals: { "kms:ViaService": pulumi.interpolate`secretsmanager.${region.region}.amazonaws.com` } },
      },
    ],
  }),
});
const taskRole = new aws.iam.Role("wayne-checkout-task-role", {
  assumeRolePolicy: assumeEcs,
  inlinePolicies: [
    {
      name: "publish-order-events",
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: ["sqs:SendMessage"], Resource: pulumi.interpolate`arn:aws:sqs:${region.region}:${caller.accountId}:wayne-order-events` },
        ],
      }),
    },
  ],
  tags,
});

const repo = new aws.ecr.Repository("wayne-checkout", {
  imageTagMutability: "IMMUTABLE",
  imageScanningConfiguration: { scanOnPush: true },
  encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: key.arn }],
  tags,
});

new aws.ecs.TaskDefinition("wayne-checkout-task", {
  family: "wayne-checkout",
  requiresCompatibilities: ["FARGATE"],
  networkMode: "awsvpc",
  cpu: "512",
  memory: "1024",
  executionRoleArn: execRole.arn,
  taskRoleArn: taskRole.arn,
  containerDefinitions: pulumi.jsonStringify([
    {
      name: "checkout",
      image: pulumi.interpolate`${repo.repositoryUrl}:3.4.1`,
      essential: true,
      readonlyRootFilesystem: true,
      portMappings: [{ containerPort: 8080, protocol: "tcp" }],
      environment: [
        { name: "PORT", value: "8080" },
        { name: "PAYMENTS_API_URL", value: "https://api.payments.example/v1" },
        { name: "NODE_ENV", value: "production" },
      ],
      // Resolved by the ECS agent from Secrets Manager at task start.
      secrets: [
        { name: "DB_CREDENTIALS", valueFrom: dbSecret.arn },
        { name: "PAYMENTS_API_TOKEN", valueFrom: paymentsSecret.arn },
      ],
      logConfiguration: {
        logDriver: "awslogs",
        options: { "awslogs-group": logGroupName, "awslogs-region": region.region, "awslogs-stream-prefix": "checkout" },
      },
    },
  ]),
  tags,
});
