/**
 * The RDS instance every bulkhead database runs on, dedicated (TenantDatabase) or shared (PooledDatabase): its
 * subnet group, a parameter group that refuses unencrypted connections, and the instance itself — encrypted with
 * a customer-managed key, a master credential RDS keeps in Secrets Manager (never in the program or in state),
 * private, deletion-protected unless a dated exemption says otherwise. Not a component: its resources are children
 * of the component that calls it, and keep that component's names (`${name}-subnets`, `-params`, `-db`).
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { ENGINES, Engine, Exemption, exemptionTag } from "./validation";

/** Each engine's parameter that makes the server refuse connections without TLS. */
const SECURE_TRANSPORT: Record<Engine, { name: string; value: string }> = {
  postgres: { name: "rds.force_ssl", value: "1" },
  mysql: { name: "require_secure_transport", value: "1" },
};

export interface HardenedInstanceArgs {
  engine: Engine;
  /** Who the instance serves, for the descriptions (e.g. "tenant acme", "the shared postgres server"). */
  serves: string;
  instanceClass: string;
  allocatedStorage: number;
  /** Storage autoscaling ceiling in GiB; none when unset. */
  maxAllocatedStorage?: number;
  /** Key for storage and the RDS-managed master secret. */
  kmsKeyArn: pulumi.Input<string>;
  /** Database created with the instance; none when unset (a shared server's tenants create their own). */
  dbName?: string;
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  securityGroupIds: pulumi.Input<pulumi.Input<string>[]>;
  multiAz: boolean;
  backupRetentionDays: number;
  deletionProtection: boolean;
  deletionProtectionExemption?: Exemption;
  /** Tags of a child named `n` (the calling component's tagging). */
  tagged: (n: string, extra?: Record<string, string>) => Record<string, string>;
}

export function hardenedInstance(name: string, a: HardenedInstanceArgs, opts: pulumi.CustomResourceOptions): aws.rds.Instance {
  const engine = ENGINES[a.engine];
  const protect = a.deletionProtection;
  const subnetGroup = new aws.rds.SubnetGroup(`${name}-subnets`, {
    subnetIds: a.subnetIds,
    description: `Data tier of ${a.serves}`,
    tags: a.tagged(`${name}-subnets`),
  }, opts);
  const params = new aws.rds.ParameterGroup(`${name}-params`, {
    family: engine.family,
    description: `${a.serves[0]!.toUpperCase()}${a.serves.slice(1)}: TLS required`,
    parameters: [{ ...SECURE_TRANSPORT[a.engine], applyMethod: "pending-reboot" }],
    tags: a.tagged(`${name}-params`),
  }, opts);
  return new aws.rds.Instance(`${name}-db`, {
    engine: a.engine,
    engineVersion: engine.version,
    instanceClass: a.instanceClass,
    allocatedStorage: a.allocatedStorage,
    ...(a.maxAllocatedStorage !== undefined ? { maxAllocatedStorage: a.maxAllocatedStorage } : {}),
    storageType: "gp3",
    storageEncrypted: true,
    kmsKeyId: a.kmsKeyArn,
    ...(a.dbName !== undefined ? { dbName: a.dbName } : {}),
    username: "dbmaster",
    manageMasterUserPassword: true,
    masterUserSecretKmsKeyId: a.kmsKeyArn,
    dbSubnetGroupName: subnetGroup.name,
    parameterGroupName: params.name,
    vpcSecurityGroupIds: a.securityGroupIds,
    publiclyAccessible: false,
    multiAz: a.multiAz,
    backupRetentionPeriod: a.backupRetentionDays,
    deletionProtection: protect,
    skipFinalSnapshot: !protect,
    ...(protect ? { finalSnapshotIdentifier: `${name}-final`.replace(/[^a-zA-Z0-9-]/g, "-") } : {}),
    copyTagsToSnapshot: true,
    autoMinorVersionUpgrade: true,
    iamDatabaseAuthenticationEnabled: false,
    applyImmediately: false,
    tags: a.tagged(`${name}-db`, !protect && a.deletionProtectionExemption ? exemptionTag("rds-deletion-protection", a.deletionProtectionExemption) : {}),
  }, opts);
}
