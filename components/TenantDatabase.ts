/**
 * TenantDatabase: one tenant's RDS PostgreSQL or MySQL instance in the data tier.
 *
 * The master credential is generated and kept by RDS in Secrets Manager (manageMasterUserPassword with
 * the tenant key), so it never exists in the program or in state. Applications use their own credential,
 * a ManagedSecret in the alternating-users format, rotated by DatabaseRotation without downtime. Only the
 * tenant's app security group (and the tenant's rotation function) reach the engine port.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { DatabaseRotation } from "./DatabaseRotation";
import { ManagedSecret } from "./ManagedSecret";
import { ENGINES, Engine, Exemption, Problems, databaseProblems, exemptionTag } from "./validation";

export interface TenantDatabaseArgs {
  /** Owning tenant; every resource is tagged `bulkhead:tenant=<id>`. Required, a valid tenant id. */
  tenantId: string;
  /** `postgres` (16) or `mysql` (8.0). Required. */
  engine: Engine;
  /** RDS instance class. Default `db.t4g.micro`. */
  instanceClass?: string;
  /** Storage in GiB (gp3, encrypted). Default 20; 20–65536. */
  allocatedStorage?: number;
  /** Automated backup retention in days. Default 7; 0–35 (0 turns backups off). */
  backupRetentionDays?: number;
  /** RDS deletion protection (and a final snapshot on delete). Default `true`. */
  deletionProtection?: boolean;
  /** Dated reason tagged as `bulkhead:exempt:rds-deletion-protection` when protection is off (dev). Default: none. */
  deletionProtectionExemption?: Exemption;
  /** Standby in a second AZ. Default `false`. */
  multiAz?: boolean;
  /** Database created on the instance. Default `app`. */
  dbName?: string;
  /** Application user (the rotation clones it as `<username>_clone`). Default `app`; not a reserved name. */
  username?: string;
  /** Tenant customer-managed KMS key ARN: storage, master secret, app secret. Required. */
  kmsKeyArn: pulumi.Input<string>;
  /** VPC of the data tier. Required. */
  vpcId: pulumi.Input<string>;
  /** Data-tier subnet ids (at least two AZs for RDS). Required. */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** The tenant's app security group: the only workload source admitted on the engine port. Required. */
  appSecurityGroupId: pulumi.Input<string>;
  /** Interface-endpoint SG of the VPC; the rotation function gets 443 into it. Required. */
  endpointSecurityGroupId: pulumi.Input<string>;
  /** Tenant role(s) allowed to read the app credential. Required, at least one. */
  readerRoleArns: pulumi.Input<pulumi.Input<string>[]>;
  /** Roles that manage the credential secret (the deployment role). Default `[]`. */
  managerRoleArns?: pulumi.Input<pulumi.Input<string>[]>;
  /** Rotate the app credential with DatabaseRotation. Default `true`. */
  rotation?: boolean;
  /** Days between rotations. Default 30; 1–1000. */
  rotationDays?: number;
  /** Required when `rotation` is false: tagged as `bulkhead:exempt:secrets-rotation` on the secret. */
  rotationExemption?: Exemption;
  /** Extra tags. Default `{}`. */
  tags?: Record<string, string>;
}

/** Throws one InputPropertiesError naming every invalid argument. */
export function validateTenantDatabaseArgs(name: string, args: TenantDatabaseArgs): void {
  const p = new Problems();
  p.merge("", databaseProblems(args));
  p.throwIfAny(`TenantDatabase "${name}"`);
}

const SECURE_TRANSPORT: Record<Engine, { name: string; value: string }> = {
  postgres: { name: "rds.force_ssl", value: "1" },
  mysql: { name: "require_secure_transport", value: "1" },
};

export class TenantDatabase extends pulumi.ComponentResource {
  public readonly address: pulumi.Output<string>;
  public readonly port: pulumi.Output<number>;
  public readonly securityGroupId: pulumi.Output<string>;
  public readonly secretArn: pulumi.Output<string>;
  public readonly masterSecretArn: pulumi.Output<string>;
  public readonly rotationFunctionArn: pulumi.Output<string | undefined>;

  constructor(name: string, args: TenantDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bulkhead:data:TenantDatabase", name, {}, opts);
    validateTenantDatabaseArgs(name, args);
    const child = { parent: this };
    const engine = ENGINES[args.engine];
    const protect = args.deletionProtection ?? true;
    const rotate = args.rotation ?? true;
    const base: Record<string, string> = { ...args.tags, "bulkhead:tenant": args.tenantId };
    const tagged = (n: string, extra: Record<string, string> = {}) => ({ ...base, ...extra, Name: n });

    const sg = new aws.ec2.SecurityGroup(`${name}-sg`, {
      vpcId: args.vpcId,
      description: `Database of tenant ${args.tenantId}: engine port from the tenant's app and rotation groups only`,
      revokeRulesOnDelete: true,
      tags: tagged(`${name}-sg`),
    }, child);
    new aws.vpc.SecurityGroupIngressRule(`${name}-from-app`, {
      securityGroupId: sg.id,
      description: `${args.engine} from tenant ${args.tenantId}'s app tier`,
      ipProtocol: "tcp", fromPort: engine.port, toPort: engine.port,
      referencedSecurityGroupId: args.appSecurityGroupId,
      tags: tagged(`${name}-from-app`),
    }, child);
    // The app SG is allowed out to this database only (its other egress is endpoints and S3).
    new aws.vpc.SecurityGroupEgressRule(`${name}-app-to-db`, {
      securityGroupId: args.appSecurityGroupId,
      description: `Tenant ${args.tenantId}'s app tier to its database`,
      ipProtocol: "tcp", fromPort: engine.port, toPort: engine.port,
      referencedSecurityGroupId: sg.id,
      tags: tagged(`${name}-app-to-db`),
    }, child);

    const subnetGroup = new aws.rds.SubnetGroup(`${name}-subnets`, {
      subnetIds: args.subnetIds,
      description: `Data tier of tenant ${args.tenantId}`,
      tags: tagged(`${name}-subnets`),
    }, child);
    const params = new aws.rds.ParameterGroup(`${name}-params`, {
      family: engine.family,
      description: `Tenant ${args.tenantId}: TLS required`,
      parameters: [{ ...SECURE_TRANSPORT[args.engine], applyMethod: "pending-reboot" }],
      tags: tagged(`${name}-params`),
    }, child);

    const db = new aws.rds.Instance(`${name}-db`, {
      engine: args.engine,
      engineVersion: engine.version,
      instanceClass: args.instanceClass ?? "db.t4g.micro",
      allocatedStorage: args.allocatedStorage ?? 20,
      storageType: "gp3",
      storageEncrypted: true,
      kmsKeyId: args.kmsKeyArn,
      dbName: args.dbName ?? "app",
      username: "dbmaster",
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: args.kmsKeyArn,
      dbSubnetGroupName: subnetGroup.name,
      parameterGroupName: params.name,
      vpcSecurityGroupIds: [sg.id],
      publiclyAccessible: false,
      multiAz: args.multiAz ?? false,
      backupRetentionPeriod: args.backupRetentionDays ?? 7,
      deletionProtection: protect,
      skipFinalSnapshot: !protect,
      ...(protect ? { finalSnapshotIdentifier: `${name}-final`.replace(/[^a-zA-Z0-9-]/g, "-") } : {}),
      copyTagsToSnapshot: true,
      autoMinorVersionUpgrade: true,
      iamDatabaseAuthenticationEnabled: false,
      applyImmediately: false,
      tags: tagged(`${name}-db`, !protect && args.deletionProtectionExemption ? exemptionTag("rds-deletion-protection", args.deletionProtectionExemption) : {}),
    }, child);
    const masterSecretArn = db.masterUserSecrets.apply((s) => s?.[0]?.secretArn ?? "");

    // The rotation function must read the credential too, but it is created after the secret (it needs
    // the secret's ARN): its role ARN reaches the secret policy through this deferred value.
    let resolveRotationRole: (arn: pulumi.Output<string[]>) => void = () => undefined;
    const rotationRoles = rotate
      ? pulumi.output(new Promise<pulumi.Output<string[]>>((r) => (resolveRotationRole = r))).apply((o) => o)
      : pulumi.output([] as string[]);

    const credential = new ManagedSecret(`${name}-credential`, {
      tenantId: args.tenantId,
      kmsKeyArn: args.kmsKeyArn,
      description: `Application credential for the ${args.engine} database of tenant ${args.tenantId} (alternating users)`,
      readerRoleArns: pulumi.all([args.readerRoleArns, rotationRoles]).apply(([r, x]) => [...r, ...x]),
      managerRoleArns: args.managerRoleArns,
      payload: {
        engine: args.engine,
        host: db.address,
        port: engine.port,
        dbname: args.dbName ?? "app",
        username: args.username ?? "app",
        masterarn: masterSecretArn,
      },
      ...(rotate ? {} : { rotationExemption: args.rotationExemption }),
      tags: args.tags,
    }, child);

    let rotationFunctionArn: pulumi.Output<string | undefined> = pulumi.output(undefined);
    if (rotate) {
      const rotation = new DatabaseRotation(`${name}-rotation`, {
        tenantId: args.tenantId,
        secretArn: credential.secretArn,
        masterSecretArn,
        kmsKeyArn: args.kmsKeyArn,
        vpcId: args.vpcId,
        subnetIds: args.subnetIds,
        databaseSecurityGroupId: sg.id,
        databasePort: engine.port,
        secretsManagerEndpointSecurityGroupId: args.endpointSecurityGroupId,
        rotationDays: args.rotationDays,
        tags: args.tags,
      }, child);
      resolveRotationRole(rotation.roleArn.apply((a) => [a]));
      rotationFunctionArn = rotation.functionArn;
      new aws.vpc.SecurityGroupIngressRule(`${name}-from-rotation`, {
        securityGroupId: sg.id,
        description: `${args.engine} from tenant ${args.tenantId}'s rotation function`,
        ipProtocol: "tcp", fromPort: engine.port, toPort: engine.port,
        referencedSecurityGroupId: rotation.securityGroupId,
        tags: tagged(`${name}-from-rotation`),
      }, child);
      new aws.vpc.SecurityGroupIngressRule(`${name}-endpoints-from-rotation`, {
        securityGroupId: args.endpointSecurityGroupId,
        description: `443 from tenant ${args.tenantId}'s rotation function`,
        ipProtocol: "tcp", fromPort: 443, toPort: 443,
        referencedSecurityGroupId: rotation.securityGroupId,
        tags: tagged(`${name}-endpoints-from-rotation`),
      }, child);
    }

    this.address = db.address;
    this.port = pulumi.output(engine.port);
    this.securityGroupId = sg.id;
    this.secretArn = credential.secretArn;
    this.masterSecretArn = masterSecretArn;
    this.rotationFunctionArn = rotationFunctionArn;
    this.registerOutputs({
      address: this.address,
      port: this.port,
      securityGroupId: this.securityGroupId,
      secretArn: this.secretArn,
      masterSecretArn: this.masterSecretArn,
      rotationFunctionArn: this.rotationFunctionArn,
    });
  }
}
