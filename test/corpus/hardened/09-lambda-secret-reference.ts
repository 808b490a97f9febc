// expect: clean
// why: a VPC Lambda that gets its database credential from Secrets Manager at run time: the env var names the secret (DB_SECRET_ARN), never holds it.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";

const tags = { "bulkhead:tenant": "globex" };
const functionName = "globex-invoice-api";
const appSecretName = "globex/invoices/app-user";
const caller = aws.getCallerIdentityOutput();
const region = aws.getRegionOutput();

/**
 * The VPC baseline every network of ours gets: flow logs into a KMS-encrypted log group, the default
 * security group and NACL adopted with no rules, and one subnet NACL (HTTPS in, VPC-internal traffic,
 * return traffic on ephemeral ports with RDP's 3389 carved out).
 */
function vpcBaseline(prefix: string, vpc: aws.ec2.Vpc, cidr: string, subnets: aws.ec2.Subnet[], tags: Record<string, string>) {
  const logsKey = new aws.kms.Key(`${prefix}-logs-key`, {
    description: `${prefix}: CloudWatch Logs`,
    enableKeyRotation: true,
    policy: pulumi.jsonStringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AccountAdministration",
          Effect: "Allow",
          Principal: { AWS: pulumi.interpolate`arn:aws:iam::${caller.accountId}:root` },
          Action: "kms:*",
          Resource: "*",
        },
        {
          Sid: "CloudWatchLogs",
          Effect: "Allow",
          Principal: { Service: pulumi.interpolate`logs.${region.region}.amazonaws.com` },
          Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
          Resource: "*",
        },
      ],
    }),
    tags,
  });
  const logGroupName = `/bulkhead/${prefix}/vpc-flow`;
  const logGroup = new aws.cloudwatch.LogGroup(`${prefix}-flow-logs`, {
    name: logGroupName,
    retentionInDays: 365,
    kmsKeyId: logsKey.arn,
    tags,
  });
  const role = new aws.iam.Role(`${prefix}-flow-role`, {
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "vpc-flow-logs.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
    tags,
  });
  new aws.iam.RolePolicy(`${prefix}-flow-publish`, {
    role: role.id,
    policy: pulumi.jsonStringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          Resource: pulumi.interpolate`arn:aws:logs:${region.region}:${caller.accountId}:log-group:${logGroupName}:*`,
        },
      ],
    }),
  });
  new aws.ec2.FlowLog(`${prefix}-vpc-flow`, {
    vpcId: vpc.id,
    trafficType: "ALL",
    logDestinationType: "cloud-watch-logs",
    logDestination: logGroup.arn,
    iamRoleArn: role.arn,
    tags,
  });
  // Adopting the defaults with no rules removes AWS's allow-all-within-group / allow-all NACL entries.
  new aws.ec2.DefaultSecurityGroup(`${prefix}-default-sg`, { vpcId: vpc.id, tags });
  new aws.ec2.DefaultNetworkAcl(`${prefix}-default-nacl`, { defaultNetworkAclId: vpc.defaultNetworkAclId, tags });
  new aws.ec2.NetworkAcl(`${prefix}-nacl`, {
    vpcId: vpc.id,
    subnetIds: subnets.map((s) => s.id),
    ingress: [
      { ruleNo: 100, action: "allow", protocol: "tcp", cidrBlock: "0.0.0.0/0", fromPort: 443, toPort: 443 },
      { ruleNo: 110, action: "allow", protocol: "-1", cidrBlock: cidr, fromPort: 0, toPort: 0 },
      { ruleNo: 120, action: "allow", protocol: "tcp", cidrBlock: "0.0.0.0/0", fromPort: 1024, toPort: 3388 },
      { ruleNo: 130, action: "allow", protocol: "tcp", cidrBlock: "0.0.0.0/0", fromPort: 3390, toPort: 65535 },
    ],
    egress: [{ ruleNo: 100, action: "allow", protocol: "-1", cidrBlock: "0.0.0.0/0", fromPort: 0, toPort: 0 }],
    tags,
  });
  return { logsKey };
}

const vpc = new aws.ec2.Vpc("globex-inv-vpc", { cidrBlock: "10.160.0.0/16", enableDnsHostnames: true, tags });
const subnetA = new aws.ec2.Subnet("globex-inv-private-a", { vpcId: vpc.id, cidrBlock: "10.160.1.0/24", availabilityZone: "us-east-1a", tags });
const subnetB = new aws.ec2.Subnet("globex-inv-private-b", { vpcId: vpc.id, cidrBlock: "10.160.2.0/24", availabilityZone: "us-east-1b", tags });
const { logsKey } = vpcBaseline("globex-inv", vpc, "10.160.0.0/16", [subnetA, subnetB], tags);

const dataKey = new aws.kms.Key("globex-inv-data-key", { description: "globex invoices data and secrets", enableKeyRotation: true, tags });

// --- Network: the function's group may reach Postgres; nothing reaches the function ---
const fnSg = new aws.ec2.SecurityGroup("globex-inv-fn-sg", {
  vpcId: vpc.id,
  description: "invoice api lambda",
  egress: [
    { protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: ["10.160.0.0/16"] },
    { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
  ],
  tags,
});
const dbSg = new aws.ec2.SecurityGroup("globex-inv-db-sg", { vpcId: vpc.id, description: "invoice postgres", tags });
new aws.ec2.SecurityGroupRule("globex-inv-db-from-fn", {
  type: "ingress",
  securityGroupId: dbSg.id,
  sourceSecurityGroupId: fnSg.id,
  protocol: "tcp",
  fromPort: 5432,
  toPort: 5432,
  description: "postgres from the invoice api only",
});

// --- Database: master password managed by RDS; the app user's password generated and rotated ---
const dbSubnets = new aws.rds.SubnetGroup("globex-inv-db-subnets", { subnetIds: [subnetA.id, subnetB.id], tags });
const db = new aws.rds.Instance("globex-inv-db", {
  engine: "postgres",
  engineVersion: "16.4",
  instanceClass: "db.t4g.medium",
  allocatedStorage: 50,
  dbName: "invoices",
  username: "invoices_admin",
  manageMasterUserPassword: true,
  masterUserSecretKmsKeyId: dataKey.arn,
  storageEncrypted: true,
  kmsKeyId: dataKey.arn,
  deletionProtection: true,
  publiclyAccessible: false,
  backupRetentionPeriod: 14,
  dbSubnetGroupName: dbSubnets.name,
  vpcSecurityGroupIds: [dbSg.id],
  finalSnapshotIdentifier: "globex-invoices-final",
  tags,
});

const appPassword = new random.RandomPassword("globex-inv-app-password", { length: 32, special: false });
const appSecret = new aws.secretsmanager.Secret("globex-inv-app-secret", { name: appSecretName, kmsKeyId: dataKey.arn, tags });
new aws.secretsmanager.SecretVersion("globex-inv-app-secret-v1", {
  secretId: appSecret.id,
  secretString: pulumi.jsonStringify({
    engine: "postgres",
    host: db.address,
    port: 5432,
    dbname: "invoices",
    username: "invoices_app",
    password: appPassword.result,
  }),
});
new aws.secretsmanager.SecretRotation("globex-inv-app-rotation", {
  secretId: appSecret.id,
  // The shared rotation stack's single-user Postgres rotator.
  rotationLambdaArn: pulumi.interpolate`arn:aws:lambda:${region.region}:${caller.accountId}:function:bulkhead-rotate-postgres-single-user`,
  rotationRules: { automaticallyAfterDays: 30 },
});

// --- The function ---
const fnRole = new aws.iam.Role("globex-inv-fn-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
  managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"],
  tags,
});
new aws.iam.RolePolicy("globex-inv-fn-read-secret", {
  role: fnRole.id,
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: "secretsmanager:GetSecretValue",
        Resource: pulumi.interpolate`arn:aws:secretsmanager:${region.region}:${caller.accountId}:secret:${appSecretName}-*`,
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
const fnLogs = new aws.cloudwatch.LogGroup("globex-inv-fn-logs", {
  name: `/aws/lambda/${functionName}`,
  retentionInDays: 90,
  kmsKeyId: logsKey.arn,
  tags,
});
new aws.lambda.Function(
  "globex-invoice-api",
  {
    name: functionName,
    runtime: aws.lambda.Runtime.NodeJS20dX,
    handler: "index.handler",
    role: fnRole.arn,
    timeout: 15,
    memorySize: 512,
    code: new pulumi.asset.AssetArchive({
      "index.js": new pulumi.asset.StringAsset(
        "const { SecretsManagerClient, GetSecretValueCommand } = require('@aws-sdk/client-secrets-manager');\n" +
          "exports.handler = async () => { const sm = new SecretsManagerClient({}); await sm.send(new GetSecretValueCommand({ SecretId: process.env.DB_SECRET_ARN })); return { statusCode: 200 }; };\n",
      ),
    }),
    vpcConfig: { subnetIds: [subnetA.id, subnetB.id], securityGroupIds: [fnSg.id] },
    environment: {
      variables: {
        // A reference to the secret, resolved at run time - not the credential itself.
        DB_SECRET_ARN: appSecret.arn,
        DB_NAME: "invoices",
        LOG_LEVEL: "info",
      },
    },
    kmsKeyArn: dataKey.arn,
    tags,
  },
  { dependsOn: [fnLogs] },
);
