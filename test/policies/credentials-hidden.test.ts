/**
 * Credential, IMDS and coverage doors written from AWS's documentation in shapes the corpus and the other credential
 * tables do not use (issue 11). Each insecure row asserts every mandatory finding of the rule under test as
 * `rule resource kind`; each hardened row asserts no mandatory finding of any rule. Every row cites the AWS page that
 * makes it a door (or makes the hardened shape safe).
 */
import { describe, expect, it } from "vitest";
import { evaluate } from "../../policies/pack";
import { Stack, UNKNOWN } from "./fixtures";

type Res = [type: string, name: string, props: Record<string, any>, deps?: Record<string, string[]>];
interface Row {
  name: string;
  resources: Res[];
  /** The rule whose mandatory findings an insecure row lists; absent for a hardened row (no mandatory finding at all). */
  rule?: string;
  /** `rule resource kind` of every mandatory finding of `rule`, sorted. */
  expect?: string[];
}

const nameOf = (urn?: string) => (urn ? urn.slice(urn.lastIndexOf("::") + 2) : "<stack>");
const b64 = (s: string) => Buffer.from(s).toString("base64");

const RANDOM = "random:index/randomPassword:RandomPassword";
const SECRET = "aws:secretsmanager/secret:Secret";
const SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/app-AbCdEf";
const ROLE_ARN = "arn:aws:iam::123456789012:role/app";
// Token shapes secretlint's recommended rules know (split so the file itself does not look like a leak).
const GITHUB_PAT = "ghp_" + "Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2";
const SLACK_WEBHOOK = "https://hooks.slack.com/services/" + "T0A1B2C3D/B0E1F2G3H/" + "aBcDeFgHiJkLmNoPqRsTuVwX";
const STRIPE_LIVE = "sk_live_" + "51H8aBcDeFgHiJkLmNoPqRsTu";
const GITLAB_PAT = "glpat-" + "x9Y8z7W6v5U4t3S2r1Q0";

const IMDS_REQUIRED = { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 };

function mandatory(resources: Res[], rule?: string): string[] {
  const s = new Stack();
  s.add(RANDOM, "gen-pw", { length: 32, special: true, result: UNKNOWN });
  s.add(SECRET, "app-secret", { name: "prod/app", kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/1" });
  // A private subnet (no route to the internet, no public IPs on launch) for the rows' instances and node groups.
  s.add("aws:ec2/subnet:Subnet", "private-a", { vpcId: "vpc-0a1b2c3d", cidrBlock: "10.20.1.0/24", mapPublicIpOnLaunch: false });
  for (const [type, name, props, deps] of resources) s.add(type, name, props, deps ?? {});
  return evaluate(s.resources)
    .filter((d) => d.enforcement === "mandatory" && (!rule || d.policy === rule))
    .map((d) => `${d.policy} ${nameOf(d.urn)} ${d.kind}`)
    .sort();
}

function table(title: string, rows: Row[]): void {
  describe(title, () => {
    for (const r of rows) it(r.name, () => expect(mandatory(r.resources, r.rule)).toEqual(r.rule ? [...r.expect!].sort() : []));
  });
}

const C = "no-typed-in-credentials";
const I = "imdsv2-required";

table("credentials carried into a runtime, in shapes not seen before", [
  {
    // https://docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html — env/variables "are stored in plain
    // text … we strongly discourage the use of environment variables to store sensitive values"; use parameter-store
    // or secrets-manager instead.
    name: "insecure: CodeBuild inline buildspec declares env.variables GITHUB_TOKEN as plain text",
    rule: C,
    resources: [["aws:codebuild/project:Project", "release-build", { serviceRole: ROLE_ARN, artifacts: { type: "NO_ARTIFACTS" }, environment: { computeType: "BUILD_GENERAL1_SMALL", image: "aws/codebuild/standard:7.0", type: "LINUX_CONTAINER" }, source: { type: "GITHUB", location: "https://github.com/acme/app.git", buildspec: `version: 0.2\nenv:\n  variables:\n    GITHUB_TOKEN: ${GITHUB_PAT}\nphases:\n  build:\n    commands:\n      - make release\n` } }]],
    expect: [`${C} release-build credential-in-env`],
  },
  {
    // https://docs.aws.amazon.com/step-functions/latest/dg/call-https-apis.html — HTTP Task authentication goes through
    // an EventBridge connection (its credentials kept in Secrets Manager); a definition is readable with DescribeStateMachine.
    name: "insecure: Step Functions definition posts to a Slack incoming-webhook URL and sends a GitHub token header",
    rule: C,
    resources: [["aws:sfn/stateMachine:StateMachine", "release-flow", { roleArn: ROLE_ARN, definition: JSON.stringify({ StartAt: "Notify", States: { Notify: { Type: "Task", Resource: "arn:aws:states:::http:invoke", Parameters: { ApiEndpoint: SLACK_WEBHOOK, Method: "POST", Headers: { Authorization: `token ${GITHUB_PAT}` }, Authentication: { ConnectionArn: "arn:aws:events:eu-west-1:123456789012:connection/slack/1" } }, End: true } } }) }]],
    // Two values: the webhook URL (its path is the credential) and the Authorization header.
    expect: [`${C} release-flow credential-in-env`, `${C} release-flow credential-in-env`],
  },
  {
    // https://docs.aws.amazon.com/batch/latest/userguide/specifying-sensitive-data.html — sensitive data goes in `secrets`.
    name: "insecure: Batch EKS job definition pod env DATABASE_URL carries a password",
    rule: C,
    resources: [["aws:batch/jobDefinition:JobDefinition", "reindex-job", { type: "container", platformCapabilities: ["EC2"], eksProperties: { podProperties: { containers: [{ image: "reindex:3", env: [{ name: "DATABASE_URL", value: "postgres://reindex:Re1ndex-Pass@orders.cluster-abc.eu-west-1.rds.amazonaws.com:5432/orders" }] }] } } }]],
    expect: [`${C} reindex-job credential-in-env`],
  },
  {
    // https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-glue-arguments.html — job arguments are
    // logged and visible in GetJob; "don't pass secrets in plaintext … use Secrets Manager".
    name: "insecure: Glue job default argument --jdbc-password",
    rule: C,
    resources: [["aws:glue/job:Job", "sync-job", { roleArn: ROLE_ARN, command: { scriptLocation: "s3://acme-etl/sync.py" }, defaultArguments: { "--job-language": "python", "--jdbc-password": "Glue-Sync-2024!" } }]],
    expect: [`${C} sync-job credential-in-env`],
  },
  {
    // https://docs.aws.amazon.com/amplify/latest/userguide/environment-variables.html — Amplify environment variables are
    // plain text; secrets go to Parameter Store (Amplify "secrets").
    name: "insecure: Amplify app environment variable with a Stripe live secret key and typed-in basic-auth credentials",
    rule: C,
    resources: [["aws:amplify/app:App", "storefront", { name: "storefront", environmentVariables: { PAYMENTS: STRIPE_LIVE, NODE_ENV: "production" }, enableBasicAuth: true, basicAuthCredentials: b64("preview:Pr3view-Pass") }]],
    expect: [`${C} storefront credential-in-env`, `${C} storefront typed-in-secret-input`],
  },
  {
    // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html — user data is not protected; don't put
    // passwords in it. The password is a command-line flag, not an assignment.
    name: "insecure: instance user data runs mysql -p'…' with the password on the command line",
    rule: C,
    resources: [["aws:ec2/instance:Instance", "db-seed", { ami: "ami-1", instanceType: "t3.micro", metadataOptions: IMDS_REQUIRED, userData: "#!/bin/bash\nmysql -h orders.internal -u admin -p'Seed-Pass-2024' orders < /opt/seed.sql\n" }]],
    expect: [`${C} db-seed credential-in-user-data`],
  },
  {
    // https://www.postgresql.org/docs/current/libpq-pgpass.html + EC2 user-data page: a .pgpass line is host:port:db:user:password.
    name: "insecure: launch template user data (base64) writes a .pgpass line",
    rule: C,
    resources: [["aws:ec2/launchTemplate:LaunchTemplate", "report-lt", { imageId: "ami-1", metadataOptions: IMDS_REQUIRED, userData: b64("#!/bin/bash\necho 'reports.internal:5432:reports:reporter:Rep0rt-Pass-77' > /home/ec2-user/.pgpass\nchmod 600 /home/ec2-user/.pgpass\n") }]],
    expect: [`${C} report-lt credential-in-user-data`],
  },
  {
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html — parameter values
    // are returned by DescribeStacks unless NoEcho; "use dynamic references to Secrets Manager" for passwords.
    name: "insecure: CloudFormation stack parameter DBPassword typed in",
    rule: C,
    resources: [["aws:cloudformation/stack:Stack", "legacy-db", { name: "legacy-db", templateUrl: "https://s3.amazonaws.com/acme-cfn/db.yaml", parameters: { DBUser: "admin", DBPassword: "Legacy-Db-Pass-1" } }]],
    expect: [`${C} legacy-db credential-in-env`],
  },
  {
    // https://docs.aws.amazon.com/sagemaker/latest/dg/notebook-lifecycle-config.html — lifecycle scripts (base64) run as
    // root and are readable with DescribeNotebookInstanceLifecycleConfig.
    name: "insecure: SageMaker notebook lifecycle script exports a GitLab token",
    rule: C,
    resources: [["aws:sagemaker/notebookInstanceLifecycleConfiguration:NotebookInstanceLifecycleConfiguration", "nb-start", { name: "nb-start", onStart: b64(`#!/bin/bash\nexport CI_JOB_TOKEN=${GITLAB_PAT}\ngit clone https://oauth2:$CI_JOB_TOKEN@gitlab.example.com/ds/notebooks.git\n`) }]],
    expect: [`${C} nb-start credential-in-user-data`],
  },
  {
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specifying-sensitive-data.html — container credentials
    // belong in `secrets`; AWS_SECRET_ACCESS_KEY in `environment` is a long-lived key in the task definition.
    name: "insecure: ECS container environment AWS_SECRET_ACCESS_KEY beside a proper secret",
    rule: C,
    resources: [["aws:ecs/taskDefinition:TaskDefinition", "uploader-task", { family: "uploader", containerDefinitions: JSON.stringify([{ name: "uploader", image: "uploader:2", environment: [{ name: "AWS_ACCESS_KEY_ID", value: "AKIAQ3EGUT7RZJ4X5KLM" }, { name: "AWS_SECRET_ACCESS_KEY", value: "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" }], secrets: [{ name: "DB_PASSWORD", valueFrom: SECRET_ARN }] }]) }]],
    expect: [`${C} uploader-task credential-in-env`],
  },
  {
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specifying-sensitive-data.html — same page; a command
    // line is part of the task definition anyone with DescribeTaskDefinition reads.
    name: "insecure: ECS container command passes the password as redis-cli -a",
    rule: C,
    resources: [["aws:ecs/taskDefinition:TaskDefinition", "warmer-task", { family: "warmer", containerDefinitions: JSON.stringify([{ name: "warmer", image: "redis:7", command: ["sh", "-c", "redis-cli -h cache.internal -a Cache-Pass-2024 --no-auth-warning PING"] }]) }]],
    expect: [`${C} warmer-task credential-in-env`],
  },
  {
    // https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-secrets-manager.html — managed master passwords;
    // a literal master password is the door.
    name: "insecure: Aurora cluster, Amazon MQ broker user and Firehose HTTP endpoint access key typed in",
    rule: C,
    resources: [
      ["aws:rds/cluster:Cluster", "ledger-aurora", { engine: "aurora-postgresql", masterUsername: "ledger", masterPassword: "Ledger-Aurora-9", storageEncrypted: true }],
      ["aws:mq/broker:Broker", "jobs-mq", { engineType: "RabbitMQ", engineVersion: "3.13", hostInstanceType: "mq.t3.micro", users: [{ username: "jobs", password: "Jobs-Rabbit-2024" }] }],
      ["aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "to-datadog", { destination: "http_endpoint", httpEndpointConfiguration: { url: "https://aws-kinesis-http-intake.logs.datadoghq.com/v1/input", accessKey: "0123456789abcdef0123456789abcdef", roleArn: ROLE_ARN, s3Configuration: { roleArn: ROLE_ARN, bucketArn: "arn:aws:s3:::acme-firehose-backup" } } }],
    ],
    expect: [`${C} jobs-mq typed-in-secret-input`, `${C} ledger-aurora typed-in-secret-input`, `${C} to-datadog typed-in-secret-input`],
  },
  {
    // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html — "don't store sensitive data, such as
    // passwords or long-lived keys, as user data": a generated password interpolated into the script is still there.
    name: "insecure: launch template user data interpolates a random.RandomPassword result (unknown at preview)",
    rule: C,
    resources: [["aws:ec2/launchTemplate:LaunchTemplate", "cache-lt", { imageId: "ami-1", metadataOptions: IMDS_REQUIRED, userData: UNKNOWN }, { userData: ["gen-pw"] }]],
    expect: [`${C} cache-lt credential-in-user-data`],
  },
  {
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-api-destinations.html — API destinations keep their
    // credentials in a connection (Secrets Manager); a target's constant input is returned by ListTargetsByRule.
    name: "insecure: EventBridge target constant input and a scheduler target input carry an API password",
    rule: C,
    resources: [
      ["aws:cloudwatch/eventTarget:EventTarget", "nightly-export", { rule: "nightly", arn: "arn:aws:lambda:eu-west-1:123456789012:function:export", input: JSON.stringify({ bucket: "acme-exports", crm: { user: "export", password: "Crm-Export-2024" } }) }],
      ["aws:scheduler/schedule:Schedule", "hourly-sync", { flexibleTimeWindow: { mode: "OFF" }, scheduleExpression: "rate(1 hour)", target: { arn: "arn:aws:lambda:eu-west-1:123456789012:function:sync", roleArn: ROLE_ARN, input: JSON.stringify({ apiToken: GITHUB_PAT }) } }],
    ],
    expect: [`${C} hourly-sync credential-in-env`, `${C} nightly-export credential-in-env`],
  },
  {
    // https://docs.aws.amazon.com/tag-editor/latest/userguide/best-practices-and-strats.html — no secrets in tags.
    name: "insecure: a GitLab token in a launch template's tag",
    rule: C,
    resources: [["aws:ec2/launchTemplate:LaunchTemplate", "runner-lt", { imageId: "ami-1", metadataOptions: IMDS_REQUIRED, tags: { runner: GITLAB_PAT } }]],
    expect: [`${C} runner-lt credential-in-tags`],
  },
  {
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html (workloads use temporary credentials from
    // roles) and https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html (variables are readable with
    // GetFunctionConfiguration): the access key's secret is an output the provider marks secret, copied in plain text.
    name: "insecure: Lambda env carries an iam.AccessKey's secret under an innocuous name (the key id beside it is no secret)",
    rule: C,
    resources: [
      ["aws:iam/accessKey:AccessKey", "uploader-key", { user: "uploader" }],
      ["aws:lambda/function:Function", "uploader-fn", { runtime: "nodejs20.x", handler: "index.handler", role: ROLE_ARN, environment: { variables: { UPLOAD_KEY_ID: "AKIAQ3EGUT7RZJ4X5KLM", UPLOAD_SIGNER: UNKNOWN } } }, { environment: ["uploader-key"] }],
    ],
    expect: [`${C} uploader-fn credential-in-env`],
  },
  {
    // https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-securestring.html — a String
    // parameter is plain text; the Cognito app client secret (issued by AWS) belongs in a SecureString.
    name: "insecure: a Cognito app client's secret copied into a String parameter",
    rule: C,
    resources: [
      ["aws:cognito/userPoolClient:UserPoolClient", "web-client", { userPoolId: "eu-west-1_abc", name: "web", generateSecret: true }],
      ["aws:ssm/parameter:Parameter", "web-client-config", { name: "/web/cognito/client", type: "String", value: UNKNOWN }, { value: ["web-client"] }],
    ],
    expect: [`${C} web-client-config credential-in-ssm-string`],
  },
  // ---- hardened -------------------------------------------------------------------------------------------------
  {
    // https://docs.aws.amazon.com/secretsmanager/latest/userguide/create_secret.html — an issued credential kept in a
    // secret store was never typed in (before: unverifiable-secret-input, a false positive).
    name: "secure: an iam.AccessKey's secret and a Cognito client secret kept in Secrets Manager and a SecureString; the function gets the secret's ARN",
    resources: [
      ["aws:iam/accessKey:AccessKey", "partner-key", { user: "partner-sftp" }],
      ["aws:secretsmanager/secretVersion:SecretVersion", "partner-key-v", { secretId: UNKNOWN, secretString: UNKNOWN }, { secretId: ["app-secret"], secretString: ["partner-key"] }],
      ["aws:cognito/userPoolClient:UserPoolClient", "web-client", { userPoolId: "eu-west-1_abc", name: "web", generateSecret: true }],
      ["aws:ssm/parameter:Parameter", "web-client-secret", { name: "/web/cognito/client-secret", type: "SecureString", value: UNKNOWN, keyId: "arn:aws:kms:eu-west-1:123456789012:key/1" }, { value: ["web-client"] }],
      ["aws:lambda/function:Function", "partner-fn", { runtime: "nodejs20.x", handler: "index.handler", role: ROLE_ARN, environment: { variables: { PARTNER_KEY_SECRET_ARN: SECRET_ARN } } }],
    ],
  },
  {
    // https://docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html — env/secrets-manager and parameter-store.
    name: "secure: CodeBuild inline buildspec takes the token from secrets-manager and parameter-store",
    resources: [["aws:codebuild/project:Project", "release-build", { serviceRole: ROLE_ARN, artifacts: { type: "NO_ARTIFACTS" }, environment: { computeType: "BUILD_GENERAL1_SMALL", image: "aws/codebuild/standard:7.0", type: "LINUX_CONTAINER", environmentVariables: [{ name: "NPM_TOKEN", value: "/ci/npm-token", type: "PARAMETER_STORE" }] }, source: { type: "GITHUB", location: "https://github.com/acme/app.git", buildspec: "version: 0.2\nenv:\n  variables:\n    NODE_ENV: production\n  secrets-manager:\n    GITHUB_TOKEN: ci/github:token\n  parameter-store:\n    SONAR_TOKEN: /ci/sonar-token\nphases:\n  build:\n    commands:\n      - make release\n" } }]],
  },
  {
    // https://docs.aws.amazon.com/step-functions/latest/dg/connect-secrets-manager.html (AWS SDK integration) — the
    // state machine reads the secret at run time.
    name: "secure: Step Functions definition reads the token from Secrets Manager, calls through an EventBridge connection and hands a task token ($$.Task.Token, JSONPath resolved at run time) to a callback",
    resources: [["aws:sfn/stateMachine:StateMachine", "release-flow", { roleArn: ROLE_ARN, definition: JSON.stringify({ StartAt: "GetToken", States: { GetToken: { Type: "Task", Resource: "arn:aws:states:::aws-sdk:secretsmanager:getSecretValue", Parameters: { SecretId: SECRET_ARN }, Next: "Call" }, Call: { Type: "Task", Resource: "arn:aws:states:::http:invoke", Parameters: { ApiEndpoint: "https://api.example.com/deploy", Method: "POST", Authentication: { ConnectionArn: "arn:aws:events:eu-west-1:123456789012:connection/api/1" } }, Next: "Approve" }, Approve: { Type: "Task", Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken", Parameters: { QueueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/approvals", MessageBody: { "TaskToken.$": "$$.Task.Token", "Password.$": "$.credentials.password" } }, End: true } } }) }]],
  },
  {
    // https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-secrets-manager.html
    name: "secure: Aurora with manageMasterUserPassword, MQ user password generated, Firehose access key from a secret",
    resources: [
      ["aws:rds/cluster:Cluster", "ledger-aurora", { engine: "aurora-postgresql", masterUsername: "ledger", manageMasterUserPassword: true, storageEncrypted: true, kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/1", deletionProtection: true }],
      ["aws:mq/broker:Broker", "jobs-mq", { engineType: "RabbitMQ", engineVersion: "3.13", hostInstanceType: "mq.t3.micro", users: [{ username: "jobs", password: UNKNOWN }] }, { users: ["gen-pw"] }],
      ["aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "to-datadog", { destination: "http_endpoint", httpEndpointConfiguration: { url: "https://aws-kinesis-http-intake.logs.datadoghq.com/v1/input", accessKey: UNKNOWN, roleArn: ROLE_ARN, s3Configuration: { roleArn: ROLE_ARN, bucketArn: "arn:aws:s3:::acme-firehose-backup" } } }, { httpEndpointConfiguration: ["app-secret"] }],
    ],
  },
  {
    // https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html — Lambda encrypts environment variables at
    // rest with KMS; a value generated in the stack (random.RandomPassword, a Pulumi secret) was never typed in. The
    // rule judges provenance, so a generated value passes (docs/rules.md: dependencies on a generator vouch for it).
    name: "secure: Lambda env var from random.RandomPassword (generated, never typed in) and a DB URL built from a placeholder",
    resources: [["aws:lambda/function:Function", "signer-fn", { runtime: "nodejs20.x", handler: "index.handler", role: ROLE_ARN, environment: { variables: { SIGNING_SECRET: UNKNOWN, DATABASE_URL: "postgres://app:${PGPASSWORD}@db.internal:5432/app" } } }, { environment: ["gen-pw"] }]],
  },
  {
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-ssm-paramstore.html
    name: "secure: ECS command reads the password from the environment that `secrets` fills from an SSM SecureString ARN",
    resources: [["aws:ecs/taskDefinition:TaskDefinition", "warmer-task", { family: "warmer", containerDefinitions: JSON.stringify([{ name: "warmer", image: "redis:7", command: ["sh", "-c", "redis-cli -h cache.internal -a \"$REDIS_PASSWORD\" --no-auth-warning PING"], secrets: [{ name: "REDIS_PASSWORD", valueFrom: "arn:aws:ssm:eu-west-1:123456789012:parameter/prod/redis/password" }] }]) }]],
  },
  {
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html
    name: "secure: CloudFormation stack parameter is a Secrets Manager dynamic reference; other parameters are plain settings",
    resources: [["aws:cloudformation/stack:Stack", "legacy-db", { name: "legacy-db", templateUrl: "https://s3.amazonaws.com/acme-cfn/db.yaml", parameters: { DBUser: "admin", DBPassword: "{{resolve:secretsmanager:prod/legacy-db:SecretString:password}}", PasswordMinLength: "16" } }]],
  },
  {
    // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html — fetch at boot with the instance role.
    name: "secure: user data reads the MySQL password into MYSQL_PWD from Secrets Manager at boot",
    resources: [["aws:ec2/instance:Instance", "db-seed", { ami: "ami-1", instanceType: "t3.micro", subnetId: UNKNOWN, metadataOptions: IMDS_REQUIRED, rootBlockDevice: { encrypted: true }, userData: "#!/bin/bash\nMYSQL_PWD=\"$(aws secretsmanager get-secret-value --secret-id prod/orders --query SecretString --output text)\" mysql -h orders.internal -u admin orders < /opt/seed.sql\n" }, { subnetId: ["private-a"] }]],
  },
  {
    // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html — the script names the secret (its ARN, unknown
    // at preview here) and fetches the value at boot: drawing on a secret's name is not carrying its value.
    name: "secure: user data unknown at preview because it names a Secrets Manager secret to fetch at boot",
    resources: [["aws:ec2/launchTemplate:LaunchTemplate", "fetch-lt", { imageId: "ami-1", metadataOptions: IMDS_REQUIRED, blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true" } }], userData: UNKNOWN }, { userData: ["app-secret"] }]],
  },
  {
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-api-destinations.html
    name: "secure: EventBridge target input names the secret and a token TTL; the schedule passes an input template",
    resources: [
      ["aws:cloudwatch/eventTarget:EventTarget", "nightly-export", { rule: "nightly", arn: "arn:aws:lambda:eu-west-1:123456789012:function:export", input: JSON.stringify({ bucket: "acme-exports", crmSecretArn: SECRET_ARN, tokenTtlSeconds: 900 }) }],
      ["aws:scheduler/schedule:Schedule", "hourly-sync", { flexibleTimeWindow: { mode: "OFF" }, scheduleExpression: "rate(1 hour)", target: { arn: "arn:aws:lambda:eu-west-1:123456789012:function:sync", roleArn: ROLE_ARN, input: JSON.stringify({ executionId: "<aws.scheduler.execution-id>", passwordSecret: "prod/app" }) } }],
    ],
  },
  {
    // https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-glue-arguments.html
    name: "secure: Glue job arguments name the secret, not the password",
    resources: [["aws:glue/job:Job", "sync-job", { roleArn: ROLE_ARN, command: { scriptLocation: "s3://acme-etl/sync.py" }, defaultArguments: { "--job-language": "python", "--secret-id": "prod/orders", "--password-secret-arn": SECRET_ARN, "--enable-metrics": "true" } }]],
  },
]);

// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-options.html#instance-metadata-options-order-of-precedence
// — launch parameters, then the launch template, then the account-level default (then the AMI's ImdsSupport / AWS's
// default, optional).
const LT = "aws:ec2/launchTemplate:LaunchTemplate";
const INSTANCE = "aws:ec2/instance:Instance";
const DEFAULTS = "aws:ec2/instanceMetadataDefaults:InstanceMetadataDefaults";
table("IMDS inheritance and launchers", [
  {
    name: "insecure: the account default requires tokens but an instance overrides it with httpTokens optional",
    rule: I,
    resources: [
      [DEFAULTS, "account-imds", { httpTokens: "required", httpPutResponseHopLimit: 2 }],
      [INSTANCE, "legacy-agent", { ami: "ami-1", instanceType: "t3.micro", rootBlockDevice: { encrypted: true }, metadataOptions: { httpTokens: "optional", httpEndpoint: "enabled" } }],
    ],
    expect: [`${I} legacy-agent imds-v1-allowed`],
  },
  {
    // https://docs.aws.amazon.com/eks/latest/userguide/launch-templates.html — a managed node group launches from the template.
    name: "insecure: EKS node group launch template raises the hop limit and leaves tokens optional",
    rule: I,
    resources: [
      [LT, "nodes-lt", { imageId: "ami-1", metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 2, httpEndpoint: "enabled" } }],
      ["aws:eks/nodeGroup:NodeGroup", "nodes", { clusterName: "prod", nodeRoleArn: ROLE_ARN, subnetIds: [UNKNOWN], scalingConfig: { minSize: 1, maxSize: 3, desiredSize: 2 }, launchTemplate: { id: UNKNOWN, version: "1" } }, { launchTemplate: ["nodes-lt"], subnetIds: ["private-a"] }],
    ],
    expect: [`${I} nodes-lt imds-v1-allowed`],
  },
  {
    // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/create-ec2-fleet.html — an EC2 Fleet launches from its templates.
    name: "insecure: an EC2 Fleet launches from a template that sets no metadata options (no account default)",
    rule: I,
    resources: [
      [LT, "fleet-lt", { imageId: "ami-1", instanceType: "c6i.large" }],
      ["aws:ec2/fleet:Fleet", "batch-fleet", { type: "maintain", launchTemplateConfigs: [{ launchTemplateSpecification: { launchTemplateId: UNKNOWN, version: "$Latest" } }], targetCapacitySpecification: { defaultTargetCapacityType: "spot", totalTargetCapacity: 4 } }, { launchTemplateConfigs: ["fleet-lt"] }],
    ],
    expect: [`${I} fleet-lt imds-unset`],
  },
  {
    // https://docs.aws.amazon.com/imagebuilder/latest/userguide/manage-infra-config.html — the build instance's metadata
    // settings; IMDSv1 on a build instance hands its instance profile's credentials to any SSRF during the build.
    name: "insecure: Image Builder infrastructure configuration leaves the build instance on IMDSv1",
    rule: I,
    resources: [["aws:imagebuilder/infrastructureConfiguration:InfrastructureConfiguration", "golden-ami-infra", { name: "golden", instanceProfileName: "imagebuilder", instanceMetadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 1 } }]],
    expect: [`${I} golden-ami-infra imds-v1-allowed`],
  },
  {
    name: "insecure: a legacy launch configuration with tokens optional",
    rule: I,
    resources: [["aws:ec2/launchConfiguration:LaunchConfiguration", "legacy-lc", { imageId: "ami-1", instanceType: "t3.micro", metadataOptions: { httpTokens: "optional", httpEndpoint: "enabled" } }]],
    expect: [`${I} legacy-lc imds-v1-allowed`],
  },
  {
    // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_SpotFleetLaunchSpecification.html — no metadata options.
    name: "insecure: a spot fleet with an inline launch specification (it cannot set metadata options) and no account default",
    rule: I,
    resources: [["aws:ec2/spotFleetRequest:SpotFleetRequest", "render-fleet", { iamFleetRole: ROLE_ARN, targetCapacity: 4, launchSpecifications: [{ ami: "ami-1", instanceType: "c6i.large", subnetId: UNKNOWN }] }, { launchSpecifications: ["private-a"] }]],
    expect: [`${I} render-fleet imds-unset`],
  },
  // ---- hardened -------------------------------------------------------------------------------------------------
  {
    name: "secure: the account default requires tokens; a spot fleet's inline launch specification takes it",
    resources: [
      [DEFAULTS, "account-imds", { httpTokens: "required", httpPutResponseHopLimit: 2 }],
      ["aws:ec2/spotFleetRequest:SpotFleetRequest", "render-fleet", { iamFleetRole: ROLE_ARN, targetCapacity: 4, launchSpecifications: [{ ami: "ami-1", instanceType: "c6i.large", subnetId: UNKNOWN, rootBlockDevices: [{ encrypted: true }] }] }, { launchSpecifications: ["private-a"] }],
    ],
  },
  {
    name: "secure: the account default requires tokens; an instance and a spot request that set none inherit it",
    resources: [
      [DEFAULTS, "account-imds", { httpTokens: "required", httpPutResponseHopLimit: 2 }],
      [INSTANCE, "worker", { ami: "ami-1", instanceType: "t3.micro", subnetId: UNKNOWN, rootBlockDevice: { encrypted: true } }, { subnetId: ["private-a"] }],
      ["aws:ec2/spotInstanceRequest:SpotInstanceRequest", "spot-worker", { ami: "ami-1", instanceType: "c6i.large", subnetId: UNKNOWN, rootBlockDevice: { encrypted: true } }, { subnetId: ["private-a"] }],
    ],
  },
  {
    name: "secure: an instance launched from a template that requires tokens sets only httpEndpoint of its own",
    resources: [
      [LT, "app-lt", { imageId: "ami-1", metadataOptions: IMDS_REQUIRED, blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true" } }] }],
      [INSTANCE, "app-1", { launchTemplate: { id: UNKNOWN, version: "$Latest" }, subnetId: UNKNOWN, metadataOptions: { httpEndpoint: "enabled" } }, { launchTemplate: ["app-lt"], subnetId: ["private-a"] }],
    ],
  },
  {
    name: "secure: EKS node group and EC2 Fleet launch from templates that require tokens (hop limit 2 for pods)",
    resources: [
      [LT, "nodes-lt", { imageId: "ami-1", metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } }],
      ["aws:eks/nodeGroup:NodeGroup", "nodes", { clusterName: "prod", nodeRoleArn: ROLE_ARN, subnetIds: [UNKNOWN], scalingConfig: { minSize: 1, maxSize: 3, desiredSize: 2 }, launchTemplate: { id: UNKNOWN, version: "1" } }, { launchTemplate: ["nodes-lt"], subnetIds: ["private-a"] }],
      ["aws:ec2/fleet:Fleet", "batch-fleet", { type: "maintain", launchTemplateConfigs: [{ launchTemplateSpecification: { launchTemplateId: UNKNOWN, version: "$Latest" } }], targetCapacitySpecification: { defaultTargetCapacityType: "spot", totalTargetCapacity: 4 } }, { launchTemplateConfigs: ["nodes-lt"] }],
    ],
  },
  {
    name: "secure: Image Builder build instances require tokens; a template with the metadata endpoint off",
    resources: [
      ["aws:imagebuilder/infrastructureConfiguration:InfrastructureConfiguration", "golden-ami-infra", { name: "golden", instanceProfileName: "imagebuilder", instanceMetadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 } }],
      [LT, "offline-lt", { imageId: "ami-1", metadataOptions: { httpEndpoint: "disabled" } }],
    ],
  },
]);
