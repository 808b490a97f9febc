/**
 * DatabaseRotation: the Lambda that rotates one tenant database credential with the alternating-users
 * strategy (source: ../rotation/handler.ts), wired to Secrets Manager with least privilege.
 *
 * Everything it needs is reached from inside the tenant's data tier: the function gets its own security
 * group with no ingress and egress only to the database (engine port) and to the Secrets Manager
 * interface endpoint (443). The owner of those two security groups must add the matching ingress from
 * `securityGroupId`; this component never edits security groups it does not own.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { buildSync } from "esbuild";

/** The Lambda runtime of the rotation function: a Node.js runtime Lambda still lets you create. */
export const ROTATION_RUNTIME = "nodejs22.x";

export interface DatabaseRotationArgs {
  /**
   * Tenant that owns the database; becomes the `bulkhead:tenant` tag on every taggable resource.
   * Required, 1–128 characters allowed in AWS tag values (letters, digits, spaces, `+-=._:/@`).
   */
  tenantId: string;
  /**
   * ARN of the application credential secret to rotate: JSON `{engine, host, port, dbname, username,
   * password, masterarn}`. Required. The IAM policy, the invoke permission and the schedule are scoped to it.
   */
  secretArn: pulumi.Input<string>;
  /**
   * ARN of the RDS-managed master secret (`aws.rds.Instance.masterUserSecrets[0].secretArn`), read to
   * create/alter the alternate user. Required; the function may only read it.
   */
  masterSecretArn: pulumi.Input<string>;
  /**
   * ARN of the KMS key that encrypts the master secret when it is not `kmsKeyArn`: a pooled tenant's master
   * secret belongs to the shared server and is encrypted with the server's key. The function may then decrypt
   * with exactly that key, through Secrets Manager only (kms:ViaService), granted by a role policy of its own
   * (`${name}-master-key-policy`). Default: unset (the master secret uses `kmsKeyArn`; no second policy).
   */
  masterKmsKeyArn?: pulumi.Input<string>;
  /**
   * ARN of the tenant's customer-managed KMS key: encrypts the function's environment and log group and
   * decrypts the secrets. Required.
   */
  kmsKeyArn: pulumi.Input<string>;
  /** VPC of the data tier; the function's security group is created in it. Required. */
  vpcId: pulumi.Input<string>;
  /** Data-tier subnet ids the function runs in (no public subnets). Required, at least one. */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Security group of the database: the only egress target besides the Secrets Manager endpoint. Required. */
  databaseSecurityGroupId: pulumi.Input<string>;
  /** Database engine port (5432 PostgreSQL, 3306 MySQL). Required, integer 1–65535. */
  databasePort: number;
  /** Security group of the Secrets Manager interface VPC endpoint; egress on 443 only to it. Required. */
  secretsManagerEndpointSecurityGroupId: pulumi.Input<string>;
  /** Days between automatic rotations. Default 30; integer 1–1000 (the Secrets Manager limits). */
  rotationDays?: number;
  /**
   * Secrets Manager endpoint URL the function calls (SECRETS_MANAGER_ENDPOINT). Default: unset, i.e. the
   * regional hostname, which resolves to the interface endpoint when its private DNS is enabled.
   */
  secretsManagerEndpoint?: pulumi.Input<string>;
  /**
   * Extra tags for every taggable resource. Default `{}`. A `bulkhead:tenant` entry, if given, must equal
   * `tenantId`; keys 1–128 and values 0–256 characters of the AWS tag alphabet.
   */
  tags?: Record<string, string>;
}

export const DEFAULT_ROTATION_DAYS = 30;
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/**
 * Checks the plain (non-Output) arguments and returns every problem found, each naming the field, the
 * value and the fix; an empty list means the arguments are usable.
 */
export function validateDatabaseRotationArgs(args: DatabaseRotationArgs): string[] {
  const problems: string[] = [];
  const tenant = args.tenantId;
  if (typeof tenant !== "string" || tenant.trim() === "" || tenant.length > 128 || !TAG_CHARS.test(tenant)) {
    problems.push(
      `tenantId: ${JSON.stringify(tenant)} is not a usable tenant id; use 1-128 letters, digits, spaces or +-=._:/@`,
    );
  }
  const port = args.databasePort;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    problems.push(`databasePort: ${JSON.stringify(port)} is not a TCP port; use an integer 1-65535 (5432 PostgreSQL, 3306 MySQL)`);
  }
  const days = args.rotationDays;
  if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 1000)) {
    problems.push(`rotationDays: ${JSON.stringify(days)} is out of range; use an integer 1-1000 (default ${DEFAULT_ROTATION_DAYS})`);
  }
  for (const [field, value] of [
    ["secretArn", args.secretArn],
    ["masterSecretArn", args.masterSecretArn],
    ["kmsKeyArn", args.kmsKeyArn],
    ["vpcId", args.vpcId],
    ["subnetIds", args.subnetIds],
    ["databaseSecurityGroupId", args.databaseSecurityGroupId],
    ["secretsManagerEndpointSecurityGroupId", args.secretsManagerEndpointSecurityGroupId],
  ] as const) {
    if (value === undefined || value === null || value === "") {
      problems.push(`${field}: ${JSON.stringify(value)} is missing; pass the ${field} output of the resource it names`);
    }
  }
  if (Array.isArray(args.subnetIds) && args.subnetIds.length === 0) {
    problems.push("subnetIds: [] is empty; pass the data-tier subnet ids (at least one, two for availability)");
  }
  for (const [key, value] of Object.entries(args.tags ?? {})) {
    if (key.length < 1 || key.length > 128 || !TAG_CHARS.test(key) || key.toLowerCase().startsWith("aws:")) {
      problems.push(`tags: key ${JSON.stringify(key)} is not a valid tag key; use 1-128 characters of letters, digits, spaces or +-=._:/@, not starting with aws:`);
    }
    if (typeof value !== "string" || value.length > 256 || !TAG_CHARS.test(value)) {
      problems.push(`tags[${JSON.stringify(key)}]: ${JSON.stringify(value)} is not a valid tag value; use at most 256 letters, digits, spaces or +-=._:/@`);
    }
  }
  const tagged = args.tags?.["bulkhead:tenant"];
  if (tagged !== undefined && tagged !== tenant) {
    problems.push(`tags["bulkhead:tenant"]: ${JSON.stringify(tagged)} differs from tenantId ${JSON.stringify(tenant)}; drop the tag or make them equal`);
  }
  return problems;
}

const HANDLER_ENTRY = path.resolve(__dirname, "..", "rotation", "handler.ts");
const bundles = new Map<string, string>();

/**
 * Bundles the rotation handler with its drivers and the AWS SDK into one CommonJS file (Node 20 syntax, runs on
 * the ROTATION_RUNTIME).
 * Done once per process: every tenant's function gets byte-identical code, so deployments do not churn.
 */
export function bundleRotationHandler(entry: string = HANDLER_ENTRY): string {
  const cached = bundles.get(entry);
  if (cached !== undefined) return cached;
  const result = buildSync({
    entryPoints: [entry],
    // Output comments carry module paths relative to this directory: fixing it keeps the bundle
    // identical whatever directory the program is run from.
    absWorkingDir: path.resolve(__dirname, ".."),
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    write: false,
    minify: true,
    keepNames: true,
    legalComments: "none",
    sourcemap: false,
    logLevel: "silent",
    // pg loads its optional native binding only on request; it is not installed and never requested.
    external: ["pg-native"],
  });
  const code = result.outputFiles[0]!.text;
  bundles.set(entry, code);
  return code;
}

/** Lambda function names allow 64 characters of [A-Za-z0-9-_]; a hash suffix keeps stacks apart. */
export function rotationFunctionName(resourceName: string, project: string, stack: string): string {
  const base = resourceName.replace(/[^A-Za-z0-9-_]/g, "-");
  const suffix = createHash("sha256").update(`${project}/${stack}/${resourceName}`).digest("hex").slice(0, 7);
  return `${base.slice(0, 64 - suffix.length - 1)}-${suffix}`;
}

/** `arn:<partition>:<service>:<region>:<account>:…` → its partition, region and account. */
function arnParts(arn: string): { partition: string; region: string; account: string } {
  const [, partition = "aws", , region = "*", account = "*"] = arn.split(":");
  return { partition, region, account };
}

export class DatabaseRotation extends pulumi.ComponentResource {
  public readonly functionArn: pulumi.Output<string>;
  public readonly functionName: pulumi.Output<string>;
  public readonly securityGroupId: pulumi.Output<string>;
  /** The function's execution role: secret policies that must admit the rotation name it. */
  public readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: DatabaseRotationArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before registering anything, so a bad call leaves no half-built component behind.
    const problems = validateDatabaseRotationArgs(args);
    if (problems.length > 0) {
      throw new Error(`DatabaseRotation ${name}: invalid arguments:\n  - ${problems.join("\n  - ")}`);
    }
    super("bulkhead:data:DatabaseRotation", name, {}, opts);
    const tags = { ...args.tags, "bulkhead:tenant": args.tenantId };
    const child = { parent: this };
    const fnName = rotationFunctionName(name, pulumi.getProject(), pulumi.getStack());

    const sg = new aws.ec2.SecurityGroup(`${name}-sg`, {
      vpcId: args.vpcId,
      description: `Rotation function for tenant ${args.tenantId}: egress to the database and Secrets Manager only`,
      // No inline rules: the provider strips the default allow-all egress, the standalone rules below add
      // exactly two paths, and inline + standalone rules on one group would fight each other.
      revokeRulesOnDelete: true,
      tags: { ...tags, Name: `${name}-sg` },
    }, child);
    new aws.vpc.SecurityGroupEgressRule(`${name}-to-db`, {
      securityGroupId: sg.id,
      description: "Rotation function to the tenant database",
      ipProtocol: "tcp",
      fromPort: args.databasePort,
      toPort: args.databasePort,
      referencedSecurityGroupId: args.databaseSecurityGroupId,
      tags,
    }, child);
    new aws.vpc.SecurityGroupEgressRule(`${name}-to-secretsmanager`, {
      securityGroupId: sg.id,
      description: "Rotation function to the Secrets Manager interface endpoint",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      referencedSecurityGroupId: args.secretsManagerEndpointSecurityGroupId,
      tags,
    }, child);

    const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, {
      name: `/aws/lambda/${fnName}`,
      kmsKeyId: args.kmsKeyArn,
      retentionInDays: 365,
      tags,
    }, child);

    const role = new aws.iam.Role(`${name}-role`, {
      description: `Executes the credential rotation function of tenant ${args.tenantId}`,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
      tags,
    }, child);

    // The document is an object whose leaves are Outputs, not one JSON string built in an apply: at preview
    // its actions and shape stay known (only ARNs are unknown), so the policy pack can still check it.
    const arn = pulumi.output(args.secretArn).apply(arnParts);
    const ec2 = pulumi.interpolate`arn:${arn.partition}:ec2:${arn.region}:${arn.account}`;
    const policy: aws.iam.PolicyDocument = {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "RotateTheSecret",
          Effect: "Allow",
          Action: [
            "secretsmanager:DescribeSecret",
            "secretsmanager:GetSecretValue",
            // Breach mode's inventory: every version id, recorded before the incident response changes any.
            "secretsmanager:ListSecretVersionIds",
            "secretsmanager:PutSecretValue",
            "secretsmanager:UpdateSecretVersionStage",
          ],
          Resource: [args.secretArn],
        },
        {
          Sid: "ReadTheMasterSecret",
          Effect: "Allow",
          // Read only: RDS rotates its managed master secret itself; breach mode lists its versions to try
          // each old one against the database.
          Action: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:ListSecretVersionIds"],
          Resource: [args.masterSecretArn],
        },
        {
          Sid: "UseTheTenantKey",
          Effect: "Allow",
          Action: ["kms:Decrypt", "kms:GenerateDataKey"],
          Resource: [args.kmsKeyArn],
        },
        {
          // Subnets are matched by VPC rather than listed: the list may be unknown until deployment.
          Sid: "CreateEnisInTheDataTier",
          Effect: "Allow",
          Action: ["ec2:CreateNetworkInterface"],
          Resource: [
            pulumi.interpolate`${ec2}:network-interface/*`,
            pulumi.interpolate`${ec2}:subnet/*`,
            pulumi.interpolate`${ec2}:security-group/${sg.id}`,
          ],
          Condition: { ArnEquals: { "ec2:Vpc": pulumi.interpolate`${ec2}:vpc/${args.vpcId}` } },
        },
        {
          Sid: "ManageOwnEnis",
          Effect: "Allow",
          Action: ["ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"],
          Resource: [pulumi.interpolate`${ec2}:network-interface/*`],
        },
        {
          // These read-only EC2 calls support no resource-level permissions.
          Sid: "DescribeEnis",
          Effect: "Allow",
          Action: ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"],
          Resource: ["*"],
        },
        {
          Sid: "WriteOwnLogs",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: [pulumi.interpolate`${logGroup.arn}:*`],
        },
      ],
    };
    const rolePolicy = new aws.iam.RolePolicy(`${name}-policy`, { role: role.id, policy }, child);

    // The pooled server's key (shared by every tenant of the server) is granted in a policy of its own: a preview
    // (`pulumi preview` before the keys exist) sees every key ARN as unknown, and the policy pack resolves an unknown
    // Resource through the dependencies of the policy that holds it. In one document with the tenant's own key, the
    // tenant key statement's unknown Resource could be the shared key too, and tenant-isolation (rightly, fail
    // closed) reports a crossing. The region of kms:ViaService comes from getRegion, which a preview answers, not
    // from the secret's ARN (unknown until the secret exists): with the condition known, a direct kms:Decrypt with
    // the shared key is seen to be refused; only Secrets Manager may use it for this role
    // (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service).
    const masterKeyPolicy = args.masterKmsKeyArn === undefined ? undefined : new aws.iam.RolePolicy(`${name}-master-key-policy`, {
      role: role.id,
      policy: {
        Version: "2012-10-17",
        Statement: [{
          Sid: "DecryptTheMasterSecret",
          Effect: "Allow",
          Action: ["kms:Decrypt"],
          Resource: [args.masterKmsKeyArn],
          Condition: { StringEquals: { "kms:ViaService": pulumi.interpolate`secretsmanager.${aws.getRegionOutput({}, child).region}.amazonaws.com` } },
        }],
      } satisfies aws.iam.PolicyDocument,
    }, child);

    const fn = new aws.lambda.Function(`${name}-fn`, {
      name: fnName,
      description: `Alternating-users credential rotation for tenant ${args.tenantId}`,
      // Node 20 reached end of life on 2026-04-30 and Lambda deprecates a runtime with it, after which new
      // nodejs20.x functions cannot be created; the bundle targets Node 20 syntax and runs on 22 unchanged.
      runtime: ROTATION_RUNTIME,
      handler: "index.handler",
      code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(bundleRotationHandler()) }),
      role: role.arn,
      timeout: 60,
      memorySize: 256,
      kmsKeyArn: args.kmsKeyArn,
      vpcConfig: { subnetIds: args.subnetIds, securityGroupIds: [sg.id] },
      loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
      environment: {
        variables: {
          // Node 20+ runtimes no longer trust the RDS certificate authorities unless told to load them.
          NODE_EXTRA_CA_CERTS: "/var/runtime/ca-cert.pem",
          ...(args.secretsManagerEndpoint === undefined ? {} : { SECRETS_MANAGER_ENDPOINT: args.secretsManagerEndpoint }),
        },
      },
      tags,
    }, { parent: this, dependsOn: [rolePolicy, ...(masterKeyPolicy ? [masterKeyPolicy] : []), logGroup] });

    const permission = new aws.lambda.Permission(`${name}-invoke`, {
      function: fn.name,
      action: "lambda:InvokeFunction",
      principal: "secretsmanager.amazonaws.com",
      sourceArn: args.secretArn,
      sourceAccount: pulumi.output(args.secretArn).apply((arn) => arnParts(arn).account),
    }, child);

    new aws.secretsmanager.SecretRotation(`${name}-schedule`, {
      secretId: args.secretArn,
      rotationLambdaArn: fn.arn,
      rotationRules: { automaticallyAfterDays: args.rotationDays ?? DEFAULT_ROTATION_DAYS },
      // The first rotation right after deployment also creates the database users the secret names.
      rotateImmediately: true,
    }, { parent: this, dependsOn: [permission] });

    this.functionArn = fn.arn;
    this.functionName = fn.name;
    this.securityGroupId = sg.id;
    this.roleArn = role.arn;
    this.registerOutputs({ functionArn: this.functionArn, functionName: this.functionName, securityGroupId: this.securityGroupId, roleArn: this.roleArn });
  }
}
