// expect: clean
// why: an ECS task whose credentials come from Parameter Store by reference (a SecureString generated in the stack, by ARN and by name), next to a plain String setting: valueFrom is a reference whatever the parameter type, never plaintext.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";

const tags = { "bulkhead:tenant": "soylent" };
const account = "123456789012";
const region = "eu-west-1";

// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-ssm-paramstore.html: valueFrom takes the
// parameter's full ARN, or its name when it is in the same Region; the agent resolves it at task start.
const key = new aws.kms.Key("soylent-params-key", { description: "soylent parameters", enableKeyRotation: true, tags });
const dbPassword = new random.RandomPassword("soylent-orders-db-password", { length: 32, special: false });
new aws.ssm.Parameter("soylent-orders-db-password-param", {
  name: "/soylent/orders/db-password",
  type: "SecureString",
  keyId: key.arn,
  value: dbPassword.result,
  tags,
});
new aws.ssm.Parameter("soylent-orders-db-host", {
  name: "/soylent/orders/db-host",
  type: "String",
  value: "orders.cluster-abc.eu-west-1.rds.amazonaws.com",
  tags,
});

new aws.ecs.TaskDefinition("soylent-orders-task", {
  family: "soylent-orders",
  requiresCompatibilities: ["FARGATE"],
  networkMode: "awsvpc",
  cpu: "256",
  memory: "512",
  executionRoleArn: `arn:aws:iam::${account}:role/soylent-ecs-exec`,
  containerDefinitions: pulumi.jsonStringify([
    {
      name: "orders",
      image: `${account}.dkr.ecr.${region}.amazonaws.com/soylent-orders:1.9.0`,
      essential: true,
      readonlyRootFilesystem: true,
      portMappings: [{ containerPort: 8080, protocol: "tcp" }],
      environment: [
        { name: "PASSWORD_MIN_LENGTH", value: "12" },
        { name: "SESSION_TOKEN_TTL_SECONDS", value: "900" },
        { name: "REDIS_URL", value: "rediss://orders-cache.soylent.internal:6379" },
      ],
      secrets: [
        { name: "DB_PASSWORD", valueFrom: `arn:aws:ssm:${region}:${account}:parameter/soylent/orders/db-password` },
        { name: "DB_HOST", valueFrom: "/soylent/orders/db-host" },
      ],
    },
  ]),
  tags,
});
