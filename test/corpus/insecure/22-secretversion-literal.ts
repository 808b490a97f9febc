// expect: no-typed-in-credentials payments-db-credentials-v1
// why: the secret lives in Secrets Manager, but its value was typed into the program: it can't rotate without a deploy.
import * as aws from "@pulumi/aws";

const key = new aws.kms.Key("payments-secrets-key", { description: "payments secrets", enableKeyRotation: true });

const secret = new aws.secretsmanager.Secret("payments-db-credentials", {
  name: "payments/db",
  kmsKeyId: key.arn,
});

new aws.secretsmanager.SecretVersion("payments-db-credentials-v1", {
  secretId: secret.id,
  secretString: JSON.stringify({
    engine: "postgres",
    host: "payments.cluster-abc.us-east-1.rds.amazonaws.com",
    username: "payments",
    password: "Pa55-payments-prod",
  }),
});
