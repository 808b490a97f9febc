// expect: clean
// why: credentials AWS issues are kept only in secret stores: a partner's IAM access key secret goes into a rotated Secrets Manager secret and a Cognito app client's secret into a SecureString; the function gets the secret's ARN and the key id (not a secret), never the secret itself.
import * as aws from "@pulumi/aws";

const tags = { "bulkhead:tenant": "vandelay" };
const account = "123456789012";
const region = "eu-west-1";

// https://docs.aws.amazon.com/secretsmanager/latest/userguide/hardcoded.html and
// https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html: environment variables are readable with
// lambda:GetFunctionConfiguration, so the function gets where the secret is.
const key = new aws.kms.Key("vandelay-secrets-key", { description: "vandelay secrets", enableKeyRotation: true, tags });

const partner = new aws.iam.User("vandelay-partner-sftp", { name: "vandelay-partner-sftp", tags });
const accessKey = new aws.iam.AccessKey("vandelay-partner-key", { user: partner.name });

const secret = new aws.secretsmanager.Secret("vandelay-partner-key-secret", { name: "vandelay/partner/access-key", kmsKeyId: key.arn, tags });
new aws.secretsmanager.SecretVersion("vandelay-partner-key-secret-v", {
  secretId: secret.id,
  secretString: accessKey.secret,
});
new aws.secretsmanager.SecretRotation("vandelay-partner-key-rotation", {
  secretId: secret.id,
  rotationLambdaArn: `arn:aws:lambda:${region}:${account}:function:vandelay-access-key-rotator`,
  rotationRules: { automaticallyAfterDays: 30 },
});

const pool = new aws.cognito.UserPool("vandelay-users", { name: "vandelay-users", tags });
const client = new aws.cognito.UserPoolClient("vandelay-web-client", { userPoolId: pool.id, name: "vandelay-web", generateSecret: true });
new aws.ssm.Parameter("vandelay-web-client-secret", {
  name: "/vandelay/web/cognito-client-secret",
  type: "SecureString",
  keyId: key.arn,
  value: client.clientSecret,
  tags,
});
new aws.ssm.Parameter("vandelay-web-client-id", { name: "/vandelay/web/cognito-client-id", type: "String", value: client.id, tags });

const role = new aws.iam.Role("vandelay-partner-fn-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
  tags,
});
new aws.iam.RolePolicy("vandelay-partner-fn-policy", {
  role: role.id,
  policy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: `arn:aws:secretsmanager:${region}:${account}:secret:vandelay/partner/access-key-*` }],
  }),
});
new aws.lambda.Function("vandelay-partner-fn", {
  runtime: "nodejs20.x",
  handler: "index.handler",
  role: role.arn,
  s3Bucket: "vandelay-artifacts",
  s3Key: "partner-fn.zip",
  environment: { variables: { PARTNER_KEY_SECRET_ARN: secret.arn, PARTNER_KEY_ID: accessKey.id, COGNITO_CLIENT_ID: client.id } },
  tags,
});
