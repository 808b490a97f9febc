// expect: clean
// why: a CodeBuild release project whose inline buildspec takes its tokens from Secrets Manager and Parameter Store (env secrets-manager / parameter-store) and whose project variables are SECRETS_MANAGER / PARAMETER_STORE references: only non-secret settings are plain text.
import * as aws from "@pulumi/aws";

const tags = { "bulkhead:tenant": "umbrella" };
const account = "123456789012";
const region = "eu-west-1";

// https://docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html: env/variables are plain text and
// "strongly discouraged" for sensitive values; env/secrets-manager and env/parameter-store are resolved at build time.
const role = new aws.iam.Role("umbrella-release-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "codebuild.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
  tags,
});
new aws.iam.RolePolicy("umbrella-release-policy", {
  role: role.id,
  policy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: `arn:aws:secretsmanager:${region}:${account}:secret:umbrella/ci/*` },
      { Effect: "Allow", Action: ["ssm:GetParameters"], Resource: `arn:aws:ssm:${region}:${account}:parameter/umbrella/ci/*` },
      { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `arn:aws:logs:${region}:${account}:log-group:/aws/codebuild/umbrella-release:*` },
    ],
  }),
});

const buildspec = `version: 0.2
env:
  variables:
    NODE_ENV: production
    NPM_CONFIG_LOGLEVEL: warn
  secrets-manager:
    GITHUB_TOKEN: umbrella/ci/github:token
  parameter-store:
    SONAR_TOKEN: /umbrella/ci/sonar-token
phases:
  install:
    commands:
      - npm ci
  build:
    commands:
      - npm run release -- --token "$GITHUB_TOKEN"
`;

new aws.codebuild.Project("umbrella-release", {
  name: "umbrella-release",
  serviceRole: role.arn,
  artifacts: { type: "NO_ARTIFACTS" },
  environment: {
    computeType: "BUILD_GENERAL1_SMALL",
    image: "aws/codebuild/standard:7.0",
    type: "LINUX_CONTAINER",
    environmentVariables: [
      { name: "RELEASE_CHANNEL", value: "stable", type: "PLAINTEXT" },
      { name: "NPM_TOKEN", value: "umbrella/ci/npm:token", type: "SECRETS_MANAGER" },
      { name: "SENTRY_AUTH_TOKEN", value: "/umbrella/ci/sentry-token", type: "PARAMETER_STORE" },
    ],
  },
  source: { type: "GITHUB", location: "https://github.com/umbrella/app.git", buildspec },
  tags,
});
