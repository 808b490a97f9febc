/**
 * no-typed-in-credentials, written from AWS's documentation (each table cites the page that makes its cases doors):
 * every case asserts the exact resource, finding kind and property path. Shapes differ from the corpus and from
 * test/policies/rules.test.ts on purpose (new types, single-word and framework names, URL shapes, secretlint tokens).
 */
import { describe, expect, it } from "vitest";
import { buildModel } from "../../policies/model";
import { namesCredential, urlWithPassword } from "../../policies/model/secrets";
import { detectSecrets } from "../../policies/model/secrets-detector";
import { evaluate } from "../../policies/pack";
import { rule } from "../../policies/rules/no-typed-in-credentials";
import { hardened, Stack, UNKNOWN } from "./fixtures";

type Res = [type: string, name: string, props: Record<string, any>, deps?: Record<string, string[]>];
interface Case {
  name: string;
  resources: Res[];
  /** `resource kind path` of every finding, sorted; [] for a secure program. */
  expect: string[];
}

const RANDOM = "random:index/randomPassword:RandomPassword";
const SECRET = "aws:secretsmanager/secret:Secret";
const SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf";
const GITHUB_PAT = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";
const SLACK_BOT = "xoxb-2401234567-2409876543210-Ab3dEf6hIj9kLm2nOp5qRs8t";
const NPM_TOKEN = "npm_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";

function findings(resources: Res[]): string[] {
  const s = new Stack();
  // Generators and stores the cases may depend on.
  s.add(RANDOM, "gen-pw", { length: 32, special: true, result: UNKNOWN });
  s.add(SECRET, "db-secret", { name: "prod/db", kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/1" });
  s.add("aws:s3/bucket:Bucket", "assets", { bucket: "acme-assets" });
  for (const [type, name, props, deps] of resources) s.add(type, name, props, deps ?? {});
  return rule
    .check!(buildModel(s.resources), {})
    .map((f) => `${f.urn.slice(f.urn.lastIndexOf("::") + 2)} ${f.kind} ${f.path ?? ""}`)
    .sort();
}

function table(title: string, cases: Case[]): void {
  describe(title, () => {
    for (const c of cases) it(c.name, () => expect(findings(c.resources)).toEqual([...c.expect].sort()));
  });
}

// https://docs.aws.amazon.com/secretsmanager/latest/userguide/hardcoded.html — "Move hardcoded secrets to AWS Secrets
// Manager": a credential written into code or configuration can't be rotated without a change and is in history.
// The provider marks these inputs secret (pulumi.secret); the rule reads them from the generated table.
table("secret-marked inputs of any resource, by provenance (Secrets Manager: hardcoded secrets)", [
  { name: "insecure: Directory Service admin password typed in", resources: [["aws:directoryservice/directory:Directory", "corp-ad", { name: "corp.example.com", password: "Sup3rSecretP@ss", size: "Small" }]], expect: ["corp-ad typed-in-secret-input password"] },
  { name: "insecure: Site-to-Site VPN pre-shared key typed in (https://docs.aws.amazon.com/vpn/latest/s2svpn/VPNTunnels.html)", resources: [["aws:ec2/vpnConnection:VpnConnection", "office-vpn", { type: "ipsec.1", tunnel1PresharedKey: "office_psk_2024_x" }]], expect: ["office-vpn typed-in-secret-input tunnel1PresharedKey"] },
  {
    name: "insecure: one typed-in ElastiCache user password next to a generated one (each list element on its own)",
    resources: [["aws:elasticache/user:User", "cache-app", { userId: "app", userName: "app", engine: "redis", accessString: "on ~* +@all", passwords: ["h4rdc0ded-pass-123", UNKNOWN] }, { passwords: ["gen-pw"] }]],
    expect: ["cache-app typed-in-secret-input passwords[0]"],
  },
  {
    name: "insecure: DocumentDB elastic admin password unknown, derived from a bucket (nothing that generates or stores secrets)",
    resources: [["aws:docdb/elasticCluster:ElasticCluster", "docs-elastic", { adminUserName: "admin", adminUserPassword: UNKNOWN, authType: "PLAIN_TEXT", shardCapacity: 2, shardCount: 1 }, { adminUserPassword: ["assets"] }]],
    expect: ["docs-elastic unverifiable-secret-input adminUserPassword"],
  },
  {
    name: "insecure: Splunk HEC token nested in a Firehose stream (credential-named, not marked by the SDK)",
    resources: [["aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "logs-to-splunk", { destination: "splunk", splunkConfiguration: { hecEndpoint: "https://splunk.example.com:8088", hecToken: "51D4DA16-C61B-4F5F-8EC7-ED4301342A4A" } }]],
    expect: ["logs-to-splunk typed-in-secret-input splunkConfiguration.hecToken"],
  },
  {
    name: "insecure: EventBridge API destination connection with a basic-auth password typed in",
    resources: [["aws:cloudwatch/eventConnection:EventConnection", "crm-conn", { authorizationType: "BASIC", authParameters: { basic: { username: "svc", password: "crm-Passw0rd!" } } }]],
    expect: ["crm-conn typed-in-secret-input authParameters.basic.password"],
  },
  { name: "secure: Directory Service password from random.RandomPassword", resources: [["aws:directoryservice/directory:Directory", "corp-ad", { name: "corp.example.com", password: UNKNOWN, size: "Small" }, { password: ["gen-pw"] }]], expect: [] },
  {
    name: "secure: Cognito user password generated; EventBridge connection password generated (nested, unknown, source among the deps)",
    resources: [
      ["aws:cognito/user:User", "ops-user", { userPoolId: "eu-west-1_abc", username: "ops", password: UNKNOWN }, { password: ["gen-pw"] }],
      ["aws:cloudwatch/eventConnection:EventConnection", "crm-conn", { authorizationType: "BASIC", authParameters: { basic: { username: "svc", password: UNKNOWN } } }, { authParameters: ["gen-pw"] }],
    ],
    expect: [],
  },
  {
    name: "secure: secret-marked inputs that are not credentials (APNs bundle and team ids, a Transfer login banner) and a CodeBuild registry credential given as a secret ARN",
    resources: [
      ["aws:pinpoint/apnsChannel:ApnsChannel", "push", { applicationId: "app1", bundleId: "com.example.app", teamId: "ABCDE12345", tokenKeyId: "KEY1234567", tokenKey: UNKNOWN }, { tokenKey: ["db-secret"] }],
      ["aws:transfer/server:Server", "sftp", { preAuthenticationLoginBanner: "Authorized use only. Password reset: see wiki." }],
      ["aws:codebuild/project:Project", "build", { environment: { computeType: "BUILD_GENERAL1_SMALL", image: "registry.example.com/build:1", type: "LINUX_CONTAINER", registryCredential: { credential: SECRET_ARN, credentialProvider: "SECRETS_MANAGER" } } }],
    ],
    expect: [],
  },
]);

// https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html — environment variables are visible to
// anyone with lambda:GetFunctionConfiguration; "store secrets in Secrets Manager" instead.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specifying-sensitive-data.html — ECS passes secrets
// as `secrets` valueFrom a Secrets Manager secret or an SSM parameter (ARN, or name in the same Region).
// https://docs.aws.amazon.com/apprunner/latest/dg/env-variable.html, https://docs.aws.amazon.com/batch/latest/userguide/specifying-sensitive-data.html,
// https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/environments-cfg-softwaresettings.html (environment properties).
table("environment variables and definitions carried into a runtime", [
  { name: "insecure: Lambda PGPASSWORD (libpq's single-word variable) typed in", resources: [["aws:lambda/function:Function", "report-fn", { runtime: "nodejs20.x", handler: "index.handler", role: "arn:aws:iam::123456789012:role/r", environment: { variables: { PGHOST: "db.internal", PGPASSWORD: "reporting-2024" } } }]], expect: ["report-fn credential-in-env environment.variables.PGPASSWORD"] },
  { name: "insecure: Lambda DATABASE_URL with a password in the URL", resources: [["aws:lambda/function:Function", "orders-fn", { runtime: "python3.12", handler: "app.handler", role: "arn:aws:iam::123456789012:role/r", environment: { variables: { DATABASE_URL: "postgresql://orders:0rders-pw@orders.cluster.internal:5432/orders" } } }]], expect: ["orders-fn credential-in-env environment.variables.DATABASE_URL"] },
  {
    name: "insecure: ECS container RAILS_MASTER_KEY as the third environment entry, while its DB password is a proper secret",
    resources: [["aws:ecs/taskDefinition:TaskDefinition", "rails-task", { family: "rails", containerDefinitions: JSON.stringify([{ name: "web", image: "rails:7", environment: [{ name: "RAILS_ENV", value: "production" }, { name: "RAILS_LOG_TO_STDOUT", value: "1" }, { name: "RAILS_MASTER_KEY", value: "6f1c2e9a0b7d4c3e8f5a2b1c0d9e8f7a" }], secrets: [{ name: "DATABASE_PASSWORD", valueFrom: SECRET_ARN }] }]) }]],
    expect: ["rails-task credential-in-env containerDefinitions[0].environment[2]"],
  },
  {
    name: "insecure: App Runner SECRET_KEY_BASE and a Slack bot token (found by secretlint under an innocent name)",
    resources: [["aws:apprunner/service:Service", "web-runner", { serviceName: "web", sourceConfiguration: { imageRepository: { imageIdentifier: "public.ecr.aws/x/web:1", imageRepositoryType: "ECR_PUBLIC", imageConfiguration: { port: "8080", runtimeEnvironmentVariables: { SECRET_KEY_BASE: "a9f3c1e7b2d84f6a9c0e1b3d5f7a9c1e", NOTIFY: SLACK_BOT } } } } }]],
    expect: [
      "web-runner credential-in-env sourceConfiguration.imageRepository.imageConfiguration.runtimeEnvironmentVariables.NOTIFY",
      "web-runner credential-in-env sourceConfiguration.imageRepository.imageConfiguration.runtimeEnvironmentVariables.SECRET_KEY_BASE",
    ],
  },
  {
    name: "insecure: Beanstalk environment property DJANGO_SECRET_KEY and the RDS option DBPassword",
    resources: [["aws:elasticbeanstalk/environment:Environment", "django-env", { application: "django", solutionStackName: "64bit Amazon Linux 2023 v4.0.0 running Python 3.11", settings: [{ namespace: "aws:elasticbeanstalk:application:environment", name: "DJANGO_SETTINGS_MODULE", value: "site.settings" }, { namespace: "aws:elasticbeanstalk:application:environment", name: "DJANGO_SECRET_KEY", value: "django-insecure-9x!k2@p#q7" }, { namespace: "aws:rds:dbinstance", name: "DBPassword", value: "BeanstalkDb2024" }] }]],
    expect: ["django-env credential-in-env settings[1]", "django-env credential-in-env settings[2]"],
  },
  {
    name: "insecure: Batch job MYSQL_PWD and a CodeBuild PLAINTEXT GitHub token under the name GH",
    resources: [
      ["aws:batch/jobDefinition:JobDefinition", "nightly-etl", { type: "container", containerProperties: JSON.stringify({ image: "etl:1", command: ["run"], environment: [{ name: "MYSQL_PWD", value: "etl-mysql-pw" }] }) }],
      ["aws:codebuild/project:Project", "release", { environment: { computeType: "BUILD_GENERAL1_SMALL", image: "aws/codebuild/standard:7.0", type: "LINUX_CONTAINER", environmentVariables: [{ name: "GH", value: GITHUB_PAT, type: "PLAINTEXT" }] } }],
    ],
    expect: ["nightly-etl credential-in-env containerProperties.environment[0]", "release credential-in-env environment.environmentVariables[0]"],
  },
  {
    name: "insecure: a Lambda variables map unknown as a whole hides its names",
    resources: [["aws:lambda/function:Function", "opaque-fn", { runtime: "nodejs20.x", handler: "i.h", role: "arn:aws:iam::123456789012:role/r", environment: { variables: UNKNOWN } }, { environment: ["assets"] }]],
    expect: ["opaque-fn unknown-env-map environment.variables"],
  },
  {
    name: "secure: ECS secrets valueFrom an SSM parameter ARN and a parameter name (SecureString or String), plain settings beside them",
    resources: [["aws:ecs/taskDefinition:TaskDefinition", "api-task", { family: "api", containerDefinitions: JSON.stringify([{ name: "api", image: "api:1", environment: [{ name: "PASSWORD_MIN_LENGTH", value: "12" }, { name: "REDIS_URL", value: "rediss://cache.internal:6379" }], secrets: [{ name: "DB_PASSWORD", valueFrom: "arn:aws:ssm:eu-west-1:123456789012:parameter/prod/db/password" }, { name: "API_TOKEN", valueFrom: "prod-api-token" }] }]) }]],
    expect: [],
  },
  {
    name: "secure: Lambda with the secret's ARN, a placeholder in a URL and a password file path",
    resources: [["aws:lambda/function:Function", "sync-fn", { runtime: "nodejs20.x", handler: "i.h", role: "arn:aws:iam::123456789012:role/r", environment: { variables: { DB_SECRET_ARN: SECRET_ARN, DATABASE_URL: "postgres://app:${DB_PASSWORD}@db.internal/app", DB_PASSWORD_FILE: "/run/secrets/db", SECRETS_EXTENSION_HTTP_PORT: "2773" } } }]],
    expect: [],
  },
  {
    name: "secure: Beanstalk secrets by reference (environmentsecrets namespace), a CodeBuild SECRETS_MANAGER variable and a registry credential named by its secret",
    resources: [
      ["aws:elasticbeanstalk/environment:Environment", "php-env", { application: "php", solutionStackName: "64bit Amazon Linux 2023 v4.3.0 running PHP 8.3", settings: [{ namespace: "aws:elasticbeanstalk:application:environmentsecrets", name: "APP_KEY", value: SECRET_ARN }, { namespace: "aws:elasticbeanstalk:application:environment", name: "APP_ENV", value: "production" }] }],
      ["aws:codebuild/project:Project", "release", { environment: { computeType: "BUILD_GENERAL1_SMALL", image: "aws/codebuild/standard:7.0", type: "LINUX_CONTAINER", environmentVariables: [{ name: "GITHUB_TOKEN", value: "ci/github-token", type: "SECRETS_MANAGER" }], registryCredential: { credential: "dockerhub-creds", credentialProvider: "SECRETS_MANAGER" } } }],
    ],
    expect: [],
  },
]);

// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html — "user data is not protected by authentication
// or cryptographic methods … don't store sensitive data, such as passwords or long-lived keys, as user data."
const b64 = (s: string) => Buffer.from(s).toString("base64");
table("user data (plain and base64)", [
  { name: "insecure: instance script exports MYSQL_PWD", resources: [["aws:ec2/instance:Instance", "wp-1", { ami: "ami-1", instanceType: "t3.micro", userData: "#!/bin/bash\nexport MYSQL_PWD='Wp!2024secret'\nmysql -h db.internal -u wp -e 'select 1'\n" }]], expect: ["wp-1 credential-in-user-data userData"] },
  { name: "insecure: launch template (base64) runs a container with -e REDIS_PASSWORD=…", resources: [["aws:ec2/launchTemplate:LaunchTemplate", "cache-lt", { imageId: "ami-1", userData: b64("#!/bin/bash\ndocker run -d -e REDIS_PASSWORD=hunter2hunter2 redis:7 --requirepass hunter2hunter2\n") }]], expect: ["cache-lt credential-in-user-data userData"] },
  { name: "insecure: spot request cloud-config writes a MongoDB URL with a password", resources: [["aws:ec2/spotInstanceRequest:SpotInstanceRequest", "batch-spot", { ami: "ami-1", instanceType: "c6i.large", userData: "#cloud-config\nwrite_files:\n  - path: /etc/app.env\n    content: MONGO=mongodb+srv://etl:Etl-Pass-77@cluster0.abcd.mongodb.net/etl\n" }]], expect: ["batch-spot credential-in-user-data userData"] },
  {
    name: "insecure: Lightsail instance writes an AWS credentials file (found by secretlint's AWS rule in the script)",
    resources: [["aws:lightsail/instance:Instance", "blog", { availabilityZone: "eu-west-1a", blueprintId: "wordpress", bundleId: "small_3_0", userData: "mkdir -p /root/.aws\ncat > /root/.aws/credentials <<EOF\n[default]\naws_access_key_id = AKIAQ3EGUT7RZJ4X5KLM\naws_secret_access_key = 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\nEOF\n" }]],
    expect: ["blog credential-in-user-data userData"],
  },
  { name: "secure: the script fetches the password at boot with the instance role", resources: [["aws:ec2/instance:Instance", "wp-2", { ami: "ami-1", instanceType: "t3.micro", userData: "#!/bin/bash\nexport DB_PASSWORD=$(aws secretsmanager get-secret-value --secret-id prod/db --query SecretString --output text)\n" }]], expect: [] },
  { name: "secure: base64 user data pointing at a password file and a secret ARN", resources: [["aws:ec2/launchTemplate:LaunchTemplate", "app-lt", { imageId: "ami-1", userData: b64(`#!/bin/bash\necho "DB_PASSWORD_FILE=/run/secrets/db" >> /etc/app.env\necho "DB_SECRET_ARN=${SECRET_ARN}" >> /etc/app.env\n`) }]], expect: [] },
]);

// https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-securestring.html — String and
// StringList parameters are plain text; sensitive data belongs in a SecureString (whose value must not be typed in).
table("SSM parameters", [
  { name: "insecure: String parameter named jwt-secret", resources: [["aws:ssm/parameter:Parameter", "jwt", { name: "/prod/app/jwt-secret", type: "String", value: "4f9a1c7e2b8d6f3a" }]], expect: ["jwt credential-in-ssm-string value"] },
  { name: "insecure: String parameter holding JSON with a mongodb+srv URL", resources: [["aws:ssm/parameter:Parameter", "app-config", { name: "/prod/app/config", type: "String", value: JSON.stringify({ mongo: "mongodb+srv://app:App-Pass-9@cluster0.abcd.mongodb.net/app" }) }]], expect: ["app-config credential-in-ssm-string value"] },
  { name: "insecure: StringList with an npm token; SecureString typed in", resources: [["aws:ssm/parameter:Parameter", "ci-tokens", { name: "/ci/tokens", type: "StringList", value: `public,${NPM_TOKEN}` }], ["aws:ssm/parameter:Parameter", "db-pw", { name: "/prod/db/pw", type: "SecureString", value: "typed-in-pw-1" }]], expect: ["ci-tokens credential-in-ssm-string value", "db-pw typed-in-secret-input value"] },
  { name: "secure: String parameter holding a host name", resources: [["aws:ssm/parameter:Parameter", "db-host", { name: "/prod/db/host", type: "String", value: "orders.cluster.internal" }]], expect: [] },
  { name: "secure: SecureString from a generator", resources: [["aws:ssm/parameter:Parameter", "db-pw", { name: "/prod/db/password", type: "SecureString", value: UNKNOWN }, { value: ["gen-pw"] }]], expect: [] },
]);

// https://docs.aws.amazon.com/tag-editor/latest/userguide/best-practices-and-strats.html — "Do not store personally
// identifiable information (PII) or other confidential or sensitive information in tags."
table("tags", [
  { name: "insecure: a tag named DB_PASSWORD", resources: [["aws:s3/bucket:Bucket", "exports", { bucket: "acme-exports", tags: { Owner: "data", DB_PASSWORD: "hunter2hunter2" } }]], expect: ["exports credential-in-tags tags.DB_PASSWORD"] },
  { name: "insecure: a Slack token in a tag called notify", resources: [["aws:sns/topic:Topic", "alerts", { name: "alerts", tags: { notify: SLACK_BOT } }]], expect: ["alerts credential-in-tags tags.notify"] },
  { name: "insecure: an AMQP URL with a password in a tag", resources: [["aws:sqs/queue:Queue", "jobs", { name: "jobs", tags: { upstream: "amqp://jobs:Jobs-Pass-1@mq.internal:5672/%2f" } }]], expect: ["jobs credential-in-tags tags.upstream"] },
  { name: "secure: ordinary tags, including words like password-policy", resources: [["aws:s3/bucket:Bucket", "logs", { bucket: "acme-logs", tags: { Owner: "platform", CostCenter: "1234", "password-policy": "strict", SecretArn: SECRET_ARN } }]], expect: [] },
  { name: "secure: a token-rotation schedule tag", resources: [["aws:lambda/function:Function", "rotator", { runtime: "nodejs20.x", handler: "i.h", role: "arn:aws:iam::123456789012:role/r", tags: { TOKEN_TTL_SECONDS: "3600", "rotation-window": "sun:03:00" } }]], expect: [] },
]);

describe("name and shape rules", () => {
  it("single-word and framework names are credentials; names about where or how long a credential lives are not", () => {
    for (const n of ["PGPASSWORD", "MYSQL_PWD", "SECRET_KEY_BASE", "DJANGO_SECRET_KEY", "REDIS_PASSWORD", "RAILS_MASTER_KEY", "APP_KEY", "WORDPRESS_DB_PASSWORD", "AUTH_SALT", "NEXTAUTH_SECRET", "DBPassword", "hecToken"])
      expect(namesCredential(n), n).toBe(true);
    for (const n of ["PGHOST", "PASSWORD_MIN_LENGTH", "DB_PASSWORD_FILE", "DB_SECRET_ARN", "TOKEN_TTL_SECONDS", "SECRETS_EXTENSION_HTTP_PORT", "APP_ENV", "creationTokenId"]) expect(namesCredential(n), n).toBe(false);
  });
  it("URL shapes with embedded passwords, not placeholders", () => {
    for (const u of ["postgres://a:b1@h/db", "mysql://root:pw@10.0.0.5:3306/x", "mongodb+srv://u:p@c.mongodb.net/", "redis://:token123@cache:6379", "amqp://guest:guest@mq:5672", "rediss://default:pw@c:6380"]) expect(urlWithPassword(u)?.match, u).toBeTruthy();
    for (const u of ["postgres://app:${DB_PASSWORD}@db/app", "https://user@example.com/", "redis://cache:6379", "mysql://app:{{password}}@db/x"]) expect(urlWithPassword(u), u).toBeUndefined();
  });
  it("secretlint's recommended rules find provider tokens synchronously", () => {
    expect(detectSecrets(GITHUB_PAT).map((d) => d.messageId)).toEqual(["GITHUB_TOKEN"]);
    expect(detectSecrets(`token=${NPM_TOKEN}`).map((d) => d.rule)).toEqual(["@secretlint/secretlint-rule-npm"]);
    expect(detectSecrets("orders.cluster.internal:5432")).toEqual([]);
  });
});

describe("the pack as a whole", () => {
  it("the hardened fixture stays clean of credential findings", () => {
    expect(evaluate(hardened().resources).filter((d) => d.policy === "no-typed-in-credentials")).toEqual([]);
  });
  it("every finding's kind has a message template with a fix", () => {
    const s = hardened();
    s.add("aws:ssm/parameter:Parameter", "jwt", { name: "/prod/app/jwt-secret", type: "String", value: "4f9a1c7e2b8d6f3a" });
    const d = evaluate(s.resources).filter((x) => x.policy === "no-typed-in-credentials");
    expect(d.map((x) => [x.kind, x.path])).toEqual([["credential-in-ssm-string", "value"]]);
    expect(d[0].message).toMatch(/ssm\.Parameter jwt stores a credential .* Fix: /);
  });
});
