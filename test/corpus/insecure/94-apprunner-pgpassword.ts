// expect: no-typed-in-credentials billing-api
// why: an App Runner service sets libpq's PGPASSWORD as a runtime environment variable: one word, no DB_ prefix, and the value is the production database password in the service configuration.
import * as aws from "@pulumi/aws";

// https://docs.aws.amazon.com/apprunner/latest/dg/env-variable.html: plain-text variables are visible in the
// service configuration; sensitive values go in runtimeEnvironmentSecrets (Secrets Manager / SSM ARNs).
new aws.apprunner.Service("billing-api", {
  serviceName: "globex-billing-api",
  sourceConfiguration: {
    autoDeploymentsEnabled: false,
    authenticationConfiguration: { accessRoleArn: "arn:aws:iam::123456789012:role/globex-apprunner-ecr" },
    imageRepository: {
      imageIdentifier: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/globex-billing:2.8.0",
      imageRepositoryType: "ECR",
      imageConfiguration: {
        port: "8080",
        runtimeEnvironmentVariables: { PGHOST: "billing.cluster-abc.eu-west-1.rds.amazonaws.com", PGUSER: "billing", PGPASSWORD: "globex-billing-pg-7" },
      },
    },
  },
  tags: { "bulkhead:tenant": "globex" },
});
