/**
 * TenantDatabase: one tenant's RDS PostgreSQL or MySQL instance in the data tier, or (placement `pooled`)
 * its own database and users on a shared PooledDatabase server.
 *
 * Pooled: no instance of its own. The credential names the tenant's database (`t_<tenant>`) and user
 * (`t_<tenant>_app`) on the shared server, and `placement: "pooled"`; its first rotation, reading the
 * server's master secret, creates both (rotation/databases.ts). The tenant's app and rotation groups are
 * admitted through the tenant's own security group on the server, and nothing else is.
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
import type { PooledDatabaseRefs } from "./PooledDatabase";
import { hardenedInstance } from "./rds-instance";
import {
  DEFAULT_CONNECTION_LIMIT,
  ENGINES,
  Engine,
  Exemption,
  Placement,
  Problems,
  databaseProblems,
  pooledDatabaseName,
  pooledUsername,
} from "./validation";

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
  /**
   * `dedicated` (default): an RDS instance of the tenant's own. `pooled`: a database and two users of the
   * tenant's own on `server`; the instance settings above (and `dbName`, `username`) are then refused.
   */
  placement?: Placement;
  /** Pooled only: the shared server's slot as written in stack config (0 = the first). Default 0; 0–99. */
  pool?: number;
  /** Pooled only (required there): the shared server, from `PooledDatabase.refsFor(tenantId)` or platform outputs. */
  server?: PooledDatabaseRefs;
  /** Pooled only: concurrent sessions each of the tenant's two users may hold. Default 20; 1–1000. */
  connectionLimit?: number;
  /** Extra tags. Default `{}`. */
  tags?: Record<string, string>;
}

/** Throws one InputPropertiesError naming every invalid argument. */
export function validateTenantDatabaseArgs(name: string, args: TenantDatabaseArgs): void {
  const p = new Problems();
  const { server, ...settings } = args;
  p.merge("", databaseProblems(settings));
  if (args.placement === "pooled") {
    if (!server) p.add("server", undefined, "a pooled database lives on a shared server", "pass PooledDatabase.refsFor(tenantId) (or the platform's pooledDatabases output) as server");
    else if (server.engine !== args.engine) p.add("server.engine", server.engine, `the shared server runs ${server.engine}, the tenant asks for ${args.engine}`, "pass the server of the tenant's engine");
  } else if (server !== undefined) {
    p.add("server", "(given)", "only a pooled database uses a shared server", 'set placement "pooled" or remove server');
  }
  p.throwIfAny(`TenantDatabase "${name}"`);
}

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

    const pooled = args.placement === "pooled" ? args.server! : undefined;
    let sgId: pulumi.Output<string>;
    let address: pulumi.Output<string>;
    let masterSecretArn: pulumi.Output<string>;
    if (pooled) {
      // The tenant's own group on the shared server: the only door, and it admits this tenant alone.
      sgId = pulumi.output(pooled.securityGroupId);
      address = pulumi.output(pooled.address);
      masterSecretArn = pulumi.output(pooled.masterSecretArn);
    } else {
      const dedicated = this.dedicatedInstance(name, args, protect, tagged);
      sgId = dedicated.sgId;
      address = dedicated.address;
      masterSecretArn = dedicated.masterSecretArn;
    }
    new aws.vpc.SecurityGroupIngressRule(`${name}-from-app`, {
      securityGroupId: sgId,
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
      referencedSecurityGroupId: sgId,
      tags: tagged(`${name}-app-to-db`),
    }, child);
    const dbName = pooled ? pooledDatabaseName(args.tenantId) : args.dbName ?? "app";
    const username = pooled ? pooledUsername(args.tenantId) : args.username ?? "app";

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
        host: address,
        port: engine.port,
        dbname: dbName,
        username,
        masterarn: masterSecretArn,
        // Read by the rotation function: create the database and cap both users on the shared server.
        ...(pooled ? { placement: "pooled", connectionlimit: args.connectionLimit ?? DEFAULT_CONNECTION_LIMIT } : {}),
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
        ...(pooled ? { masterKmsKeyArn: pooled.kmsKeyArn } : {}),
        kmsKeyArn: args.kmsKeyArn,
        vpcId: args.vpcId,
        subnetIds: args.subnetIds,
        databaseSecurityGroupId: sgId,
        databasePort: engine.port,
        secretsManagerEndpointSecurityGroupId: args.endpointSecurityGroupId,
        rotationDays: args.rotationDays,
        tags: args.tags,
      }, child);
      resolveRotationRole(rotation.roleArn.apply((a) => [a]));
      rotationFunctionArn = rotation.functionArn;
      new aws.vpc.SecurityGroupIngressRule(`${name}-from-rotation`, {
        securityGroupId: sgId,
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

    this.address = address;
    this.port = pulumi.output(engine.port);
    this.securityGroupId = sgId;
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

  /** The tenant's own instance: its security group, subnet group, TLS-only parameters and the RDS instance. */
  private dedicatedInstance(
    name: string,
    args: TenantDatabaseArgs,
    protect: boolean,
    tagged: (n: string, extra?: Record<string, string>) => Record<string, string>,
  ): { sgId: pulumi.Output<string>; address: pulumi.Output<string>; masterSecretArn: pulumi.Output<string> } {
    const child = { parent: this };
    const sg = new aws.ec2.SecurityGroup(`${name}-sg`, {
      vpcId: args.vpcId,
      description: `Database of tenant ${args.tenantId}: engine port from the tenant's app and rotation groups only`,
      revokeRulesOnDelete: true,
      tags: tagged(`${name}-sg`),
    }, child);
    const db = hardenedInstance(name, {
      engine: args.engine,
      serves: `tenant ${args.tenantId}`,
      instanceClass: args.instanceClass ?? "db.t4g.micro",
      allocatedStorage: args.allocatedStorage ?? 20,
      kmsKeyArn: args.kmsKeyArn,
      dbName: args.dbName ?? "app",
      subnetIds: args.subnetIds,
      securityGroupIds: [sg.id],
      multiAz: args.multiAz ?? false,
      backupRetentionDays: args.backupRetentionDays ?? 7,
      deletionProtection: protect,
      deletionProtectionExemption: args.deletionProtectionExemption,
      tagged,
    }, child);
    return { sgId: sg.id, address: db.address, masterSecretArn: db.masterUserSecrets.apply((s) => s?.[0]?.secretArn ?? "") };
  }
}
