// expect: clean
// why: credentials never leave Secrets Manager: the function gets the secret's ARN and a libpq URL without a password, and the workers' launch template fetches the password at boot with the instance role instead of carrying it in user data.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const tags = { "bulkhead:tenant": "massive", "password-policy": "strict" };
const secretArn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:massive/ledger/db-Xy12Zw";

// https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html: environment variables are readable with
// lambda:GetFunctionConfiguration, so the function gets where the secret is, not the secret.
const role = new aws.iam.Role("massive-ledger-fn-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
  inlinePolicies: [
    {
      name: "read-ledger-secret",
      policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secretArn }] }),
    },
  ],
  tags,
});
new aws.lambda.Function("massive-ledger-fn", {
  runtime: aws.lambda.Runtime.NodeJS20dX,
  handler: "index.handler",
  role: role.arn,
  code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ ok: true });") }),
  environment: {
    variables: {
      DB_SECRET_ARN: secretArn,
      DATABASE_URL: "postgresql://ledger@ledger.cluster-abc.eu-west-1.rds.amazonaws.com:5432/ledger?sslmode=verify-full",
      PGPASSFILE: "/tmp/.pgpass",
      TOKEN_TTL_SECONDS: "3600",
    },
  },
  tags,
});

// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html: no secrets in user data; the script asks
// Secrets Manager at boot.
const boot = [
  "#!/bin/bash",
  "set -euo pipefail",
  `export PGPASSWORD=$(aws secretsmanager get-secret-value --secret-id ${secretArn} --query SecretString --output text)`,
  "psql -h ledger.cluster-abc.eu-west-1.rds.amazonaws.com -U ledger -c 'select 1'",
  "unset PGPASSWORD",
].join("\n");
new aws.ec2.LaunchTemplate("massive-ledger-worker-lt", {
  imageId: "ami-0123456789abcdef0",
  instanceType: "t3.small",
  metadataOptions: { httpTokens: "required", httpEndpoint: "enabled" },
  blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeSize: 20 } }],
  userData: Buffer.from(boot).toString("base64"),
  tags,
});
