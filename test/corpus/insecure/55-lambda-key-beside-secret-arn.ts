// expect: no-typed-in-credentials billing-sync
// why: the database credential is fetched from Secrets Manager, but the Stripe key next to it is typed into the environment; one reference must not vouch for the whole map.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";

const dbPassword = new random.RandomPassword("billing-db-password", { length: 32, special: false });
const dbSecret = new aws.secretsmanager.Secret("billing-db-secret", { name: "billing/db" });
new aws.secretsmanager.SecretVersion("billing-db-secret-v1", {
  secretId: dbSecret.id,
  secretString: pulumi.jsonStringify({ username: "billing", password: dbPassword.result }),
});

const role = new aws.iam.Role("billing-sync-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
});
new aws.iam.RolePolicyAttachment("billing-sync-logs", {
  role: role.name,
  policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
});

new aws.lambda.Function("billing-sync", {
  runtime: aws.lambda.Runtime.NodeJS20dX,
  handler: "index.handler",
  role: role.arn,
  timeout: 30,
  code: new pulumi.asset.AssetArchive({
    "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ ok: true });"),
  }),
  environment: {
    variables: {
      DB_SECRET_ARN: dbSecret.arn,
      STRIPE_SECRET_KEY: "sk_live_51HqLyjWDarjtT1zdp7dcXQ2b",
      LOG_LEVEL: "info",
    },
  },
});
