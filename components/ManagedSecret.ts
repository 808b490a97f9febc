/**
 * ManagedSecret: a generated credential that lives in Secrets Manager, encrypted with the tenant's KMS
 * key and readable only by the tenant's role(s).
 *
 * The value is written through the provider's write-only argument (`secretStringWo`), so the secret
 * version in Pulumi state holds no copy of it. The generator (random.RandomPassword) keeps its result in
 * state as an encrypted secret; with rotation on, the first rotation replaces that value right after
 * deployment, so what state holds no longer opens anything.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
import { Exemption, Problems, exemptionProblems, exemptionTag, secretProblems } from "./validation";


export interface ManagedSecretArgs {
  /** Owning tenant; tags the secret `bulkhead:tenant` and names it. Required, a valid tenant id. */
  tenantId: string;
  /** ARN of the tenant's customer-managed KMS key that encrypts the secret. Required. */
  kmsKeyArn: pulumi.Input<string>;
  /**
   * IAM role ARNs that may read the secret; the resource policy denies `GetSecretValue` to every other
   * principal. Required, at least one.
   */
  readerRoleArns: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Roles that manage but need not use the secret, e.g. the role Pulumi deploys with (the provider reads
   * the version back on refresh). Exempt from the deny like readers. Default `[]`.
   */
  managerRoleArns?: pulumi.Input<pulumi.Input<string>[]>;
  /** Description stored on the secret. Default: "Credential of tenant <id>". */
  description?: string;
  /** Length of the generated password. Default 32; 16–128. */
  passwordLength?: number;
  /**
   * When set, the secret is the JSON object of these fields plus `password` (e.g. the database
   * credential `{engine, host, port, dbname, username, masterarn}`); otherwise the bare password.
   */
  payload?: Record<string, pulumi.Input<string | number>>;
  /** Rotation schedule on an existing rotation function. Default: none (see `rotationExemption`). */
  rotation?: { functionArn: pulumi.Input<string>; days?: number };
  /**
   * Tag `bulkhead:exempt:secrets-rotation = "<expires> <reason>"` when rotation is done elsewhere or not
   * at all. Default: none.
   */
  rotationExemption?: Exemption;
  /** Days Secrets Manager keeps a deleted secret recoverable. Default 30; 0 or 7–30. */
  recoveryWindowInDays?: number;
  /** Extra tags. Default `{}`. `bulkhead:managed=true` is always added (the `bulkhead rotate` selector). */
  tags?: Record<string, string>;
}

/** Throws one InputPropertiesError naming every invalid argument. */
export function validateManagedSecretArgs(name: string, args: ManagedSecretArgs): void {
  const p = new Problems();
  p.merge("", secretProblems({
    tenantId: args.tenantId,
    passwordLength: args.passwordLength,
    rotationDays: args.rotation?.days,
    readerRoleCount: Array.isArray(args.readerRoleArns) ? args.readerRoleArns.length : undefined,
  }));
  exemptionProblems(p, "rotationExemption", args.rotationExemption);
  const w = args.recoveryWindowInDays;
  if (w !== undefined && !(w === 0 || (Number.isInteger(w) && w >= 7 && w <= 30))) {
    p.add("recoveryWindowInDays", w, "Secrets Manager accepts 0 or 7 to 30", "use 30 (default) or 7");
  }
  if (args.payload && "password" in args.payload) {
    p.add("payload.password", "(given)", "the password is generated, never passed in", "remove payload.password");
  }
  p.throwIfAny(`ManagedSecret "${name}"`);
}

/**
 * Name prefix of every secret of a tenant in this stack: `bulkhead/<project>/<stack>/<tenant>/`. The tenant
 * role's IAM policy is scoped to it, so it is known at preview and covers secrets added later.
 */
export function secretNamespace(tenantId: string): string {
  return `bulkhead/${pulumi.getProject()}/${pulumi.getStack()}/${tenantId}/`;
}

/** Resource policy: nobody but the listed roles may read the value, whatever their IAM policies say. */
export function secretReadPolicy(allowedRoleArns: string[]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{
      Sid: "DenyAllButTenantRoles",
      Effect: "Deny",
      Principal: "*",
      Action: "secretsmanager:GetSecretValue",
      Resource: "*",
      Condition: { ArnNotEquals: { "aws:PrincipalArn": allowedRoleArns } },
    }],
  });
}

export class ManagedSecret extends pulumi.ComponentResource {
  public readonly secretArn: pulumi.Output<string>;
  public readonly secretName: pulumi.Output<string>;

  constructor(name: string, args: ManagedSecretArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bulkhead:secrets:ManagedSecret", name, {}, opts);
    validateManagedSecretArgs(name, args);
    const child = { parent: this };
    const tags: Record<string, string> = {
      ...args.tags,
      "bulkhead:tenant": args.tenantId,
      "bulkhead:managed": "true",
      ...(args.rotationExemption ? exemptionTag("secrets-rotation", args.rotationExemption) : {}),
    };

    const password = new random.RandomPassword(`${name}-password`, {
      length: args.passwordLength ?? 32,
      special: true,
      // Characters that survive JSON, shells, URLs and both engines' connection strings unquoted.
      overrideSpecial: "-_.~!#%^*+=",
      minLower: 1, minUpper: 1, minNumeric: 1, minSpecial: 1,
    }, child);

    const secret = new aws.secretsmanager.Secret(`${name}-secret`, {
      namePrefix: `${secretNamespace(args.tenantId)}${name}-`,
      description: args.description ?? `Credential of tenant ${args.tenantId}`,
      kmsKeyId: args.kmsKeyArn,
      recoveryWindowInDays: args.recoveryWindowInDays ?? 30,
      tags: { ...tags, Name: name },
    }, child);

    const value = args.payload
      ? pulumi.jsonStringify(pulumi.output({ ...args.payload, password: password.result }))
      : password.result;
    new aws.secretsmanager.SecretVersion(`${name}-version`, {
      secretId: secret.id,
      secretStringWo: pulumi.secret(value),
      // Bump only to overwrite the value from the program; rotation writes later versions itself.
      secretStringWoVersion: 1,
    }, child);

    new aws.secretsmanager.SecretPolicy(`${name}-policy`, {
      secretArn: secret.arn,
      blockPublicPolicy: true,
      policy: pulumi.all([args.readerRoleArns, args.managerRoleArns ?? []]).apply(([r, m]) => secretReadPolicy([...r, ...m])),
    }, child);

    if (args.rotation) {
      new aws.secretsmanager.SecretRotation(`${name}-rotation`, {
        secretId: secret.id,
        rotationLambdaArn: args.rotation.functionArn,
        rotationRules: { automaticallyAfterDays: args.rotation.days ?? 30 },
      }, child);
    }

    this.secretArn = secret.arn;
    this.secretName = secret.name;
    this.registerOutputs({ secretArn: this.secretArn, secretName: this.secretName });
  }
}
