/**
 * Tenant: everything one tenant owns, tagged `bulkhead:tenant=<id>`.
 *
 * `pooled` tenants live in the shared PlatformNetwork and are kept apart by security groups: their app
 * group admits the load balancer on the app port and the bastion on 22, nothing else; their database
 * admits only their app group. `silo` tenants get their own VPC (same PlatformNetwork, own CIDR, never
 * peered), their own SSM bastion and, with an app tier, their own internet-facing load balancer.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { AdminAccess, AL2023_PARAMETER } from "./AdminAccess";
import { PlatformNetwork } from "./PlatformNetwork";
import { PublicLoadBalancer } from "./PublicLoadBalancer";
import { secretNamespace } from "./ManagedSecret";
import type { PooledDatabaseRefs } from "./PooledDatabase";
import { TenantDatabase } from "./TenantDatabase";
import {
  AppSettings,
  DatabaseSettings,
  Engine,
  Isolation,
  DEDICATED_ONLY_FIELDS,
  NatStrategy,
  Placement,
  Problems,
  PRIORITY_MAX,
  PRIORITY_MIN,
  checkRegion,
  tenantProblems,
} from "./validation";

/** The shared network a pooled tenant joins (the matching PlatformNetwork outputs). */
export interface NetworkRefs {
  /** VPC id. */
  vpcId: pulumi.Input<string>;
  /** App-tier subnets (the ASG). */
  appSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Data-tier subnets (database, rotation function). */
  dataSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Interface-endpoint SG; the tenant adds its own 443 ingress to it. */
  endpointSecurityGroupId: pulumi.Input<string>;
  /** S3 gateway endpoint prefix list (the app's only route to S3). */
  s3PrefixListId: pulumi.Input<string>;
}

/** The shared internet-facing load balancer a pooled tenant's app tier sits behind. */
export interface LoadBalancerRefs {
  /** The load balancer's SG: the only source admitted on the app port; the tenant adds egress to itself. */
  securityGroupId: pulumi.Input<string>;
  /** HTTPS listener the tenant's host-header rule is added to. */
  listenerArn: pulumi.Input<string>;
}

/** The app tier: the sizing and routing fields of AppSettings (validated there), plus what only code can pass. */
export interface TenantAppArgs extends AppSettings {
  /** AMI id. Default: latest Amazon Linux 2023 (public SSM parameter). */
  amiId?: pulumi.Input<string>;
  /** User data (plain text, base64-encoded here). Must not contain credentials: read them from Secrets Manager. */
  userData?: string;
}

export interface TenantDatabaseSettings extends Omit<DatabaseSettings, "tenantId" | "placement"> {
  /** `postgres` or `mysql`. Required. */
  engine: Engine;
  /**
   * `dedicated` (default): an RDS instance of the tenant's own. `pooled`: its own database and users on the
   * platform's shared server for the engine (pass `databaseServer`). Silo tenants are always dedicated.
   */
  placement?: Placement;
  /** Only during a move: the placement the tenant leaves; its database stays until this is removed. */
  movingFrom?: Placement;
}

export interface TenantArgs {
  /** Tenant id: 2–20 lower-case letters, digits and single hyphens, starting with a letter. Required. */
  tenantId: string;
  /** `pooled` (default): in the shared network. `silo`: own VPC. */
  isolation?: Isolation;
  /** Silo only: the tenant VPC's CIDR (/16–/23, disjoint from the platform and other silos). */
  cidrBlock?: string;
  /** Silo only: AZs of the tenant VPC (names or count). Default: the same as `availabilityZones` of the platform. */
  availabilityZones?: string[] | number;
  /** Silo only: NAT strategy of the tenant VPC. Default `single`. */
  natStrategy?: NatStrategy;
  /** Region (silo network, session-log key). Default the `aws:region` config value. */
  region?: string;
  /** Pooled only: the platform network. Required for pooled tenants. */
  network?: NetworkRefs;
  /** Pooled only: the platform bastion SG (the only admin source). Required for pooled tenants. */
  bastionSecurityGroupId?: pulumi.Input<string>;
  /** Pooled only: the platform load balancer (the tenant's shard). Required for pooled tenants with an app tier. */
  loadBalancer?: LoadBalancerRefs;
  /**
   * Pooled with an app tier (required there): the listener-rule priority, 1–50000, unique on the listener.
   * The platform stack passes the `routing.priority` written in stack config; it is never derived, so adding
   * or removing tenants moves no rule. Silo tenants own their listener and default to 1.
   */
  listenerRulePriority?: number;
  /** Silo with an app tier: ACM certificate for the tenant's own HTTPS listener. */
  certificateArn?: pulumi.Input<string>;
  /** Log retention (silo flow logs and bastion sessions). Default 90. */
  logRetentionDays?: number;
  /** Optional app tier: launch template + Auto Scaling group behind the load balancer. Default: none. */
  app?: TenantAppArgs;
  /** Optional database (TenantDatabase). Default: none. */
  database?: TenantDatabaseSettings;
  /**
   * Pooled placement only (required there): the shared server of the database's engine, from
   * `PooledDatabase.refsFor(tenantId)` or the platform's `pooledDatabases` output.
   */
  databaseServer?: PooledDatabaseRefs;
  /** Roles that manage tenant secrets (the deployment role). Default `[]`. */
  managerRoleArns?: pulumi.Input<pulumi.Input<string>[]>;
  /** Extra tags. Default `{}`. */
  tags?: Record<string, string>;
}

/** Throws one InputPropertiesError naming every invalid argument. */
export function validateTenantArgs(name: string, args: TenantArgs): void {
  const p = new Problems();
  p.merge("", tenantProblems(args));
  checkRegion(p, "region", args.region ?? new pulumi.Config("aws").get("region"));
  const silo = args.isolation === "silo";
  if (!silo) {
    if (!args.network) p.add("network", undefined, "a pooled tenant joins the platform network", "pass the PlatformNetwork outputs as network");
    if (!args.bastionSecurityGroupId) p.add("bastionSecurityGroupId", undefined, "a pooled tenant's admin port must reference the platform bastion", "pass AdminAccess.securityGroupId");
    if (args.app && !args.loadBalancer) p.add("loadBalancer", undefined, "a pooled app tier sits behind the platform load balancer", "pass PublicLoadBalancer's securityGroupId and listenerArn");
    const prio = args.listenerRulePriority;
    if (args.app && (typeof prio !== "number" || !Number.isInteger(prio) || prio < PRIORITY_MIN || prio > PRIORITY_MAX)) {
      p.add("listenerRulePriority", prio, `a pooled app tier's listener rule needs a priority from ${PRIORITY_MIN} to ${PRIORITY_MAX}, unique on the shared listener`, "pass the tenant's routing.priority from stack config (`bulkhead tenants allocate` proposes free ones)");
    }
    if ((args.database?.placement === "pooled" || args.database?.movingFrom === "pooled") && !args.databaseServer) {
      p.add("databaseServer", undefined, "a pooled database lives on the platform's shared server", "pass PooledDatabase.refsFor(tenantId) as databaseServer");
    }
  } else {
    for (const f of ["network", "bastionSecurityGroupId", "loadBalancer"] as const) {
      if (args[f] !== undefined) p.add(f, "(given)", "a silo tenant builds its own and never shares the platform's", `remove ${f}`);
    }
    if (args.app && args.certificateArn === undefined) p.add("certificateArn", undefined, "a silo app tier gets its own HTTPS listener", "pass an ACM certificate ARN");
  }
  if (args.databaseServer !== undefined && args.database?.placement !== "pooled" && args.database?.movingFrom !== "pooled") {
    p.add("databaseServer", "(given)", "only a pooled database uses the shared server", 'set database.placement "pooled" or remove databaseServer');
  }
  p.throwIfAny(`Tenant "${name}"`);
}

export class Tenant extends pulumi.ComponentResource {
  public readonly tenantId: pulumi.Output<string>;
  public readonly kmsKeyArn: pulumi.Output<string>;
  public readonly roleArn: pulumi.Output<string>;
  public readonly appSecurityGroupId: pulumi.Output<string>;
  public readonly vpcId: pulumi.Output<string>;
  public readonly secretArns: pulumi.Output<string[]>;
  public readonly databaseEndpoint: pulumi.Output<string | undefined>;
  public readonly targetGroupArn: pulumi.Output<string | undefined>;
  public readonly bastionSessionCommand: pulumi.Output<string | undefined>;
  public readonly loadBalancerDnsName: pulumi.Output<string | undefined>;

  constructor(name: string, args: TenantArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bulkhead:tenant:Tenant", name, {}, opts);
    validateTenantArgs(name, args);
    const child = { parent: this };
    const id = args.tenantId;
    const region = args.region ?? new pulumi.Config("aws").get("region") ?? "";
    const base: Record<string, string> = { ...args.tags, "bulkhead:tenant": id };
    const tagged = (n: string) => ({ ...base, Name: n });
    const retention = args.logRetentionDays ?? 90;

    // Silo: the tenant's own network, bastion and (with an app) load balancer, built like the platform's.
    let net: NetworkRefs;
    let bastionSg: pulumi.Input<string>;
    let lb: LoadBalancerRefs | undefined = args.loadBalancer;
    let bastionSessionCommand: pulumi.Output<string | undefined> = pulumi.output(undefined);
    let loadBalancerDnsName: pulumi.Output<string | undefined> = pulumi.output(undefined);
    if (args.isolation === "silo") {
      const network = new PlatformNetwork(`${name}-network`, {
        cidrBlock: args.cidrBlock!,
        availabilityZones: args.availabilityZones ?? 2,
        region,
        natStrategy: args.natStrategy,
        flowLogRetentionDays: retention,
        tenantId: id,
        tags: args.tags,
      }, child);
      net = network;
      const admin = new AdminAccess(`${name}-admin`, {
        vpcId: network.vpcId,
        subnetIds: network.adminSubnetIds,
        region,
        endpointSecurityGroupId: network.endpointSecurityGroupId,
        s3PrefixListId: network.s3PrefixListId,
        sessionLogRetentionDays: retention,
        sessionPreferences: false, // one preferences document per account: the platform's
        tenantId: id,
        tags: args.tags,
      }, child);
      bastionSg = admin.securityGroupId;
      bastionSessionCommand = admin.sessionCommand;
      if (args.app) {
        const silolb = new PublicLoadBalancer(`${name}-lb`, {
          vpcId: network.vpcId,
          subnetIds: network.publicSubnetIds,
          certificateArn: args.certificateArn!,
          tenantId: id,
          tags: args.tags,
        }, child);
        lb = silolb;
        loadBalancerDnsName = silolb.dnsName;
      }
    } else {
      net = args.network!;
      bastionSg = args.bastionSecurityGroupId!;
    }

    const account = aws.getCallerIdentityOutput({}, child).accountId;
    const partition = aws.getPartitionOutput({}, child).partition;
    const key = new aws.kms.Key(`${name}-key`, {
      description: `Tenant ${id}: secrets, database storage, logs`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: pulumi.all([partition, account]).apply(([p, a]) => JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "AccountAdministersKey", Effect: "Allow", Principal: { AWS: `arn:${p}:iam::${a}:root` }, Action: "kms:*", Resource: "*" },
          {
            // The rotation function's log group is encrypted with this key.
            Sid: "CloudWatchLogsEncrypts",
            Effect: "Allow",
            Principal: { Service: `logs.${region}.amazonaws.com` },
            Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            Resource: "*",
            Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${p}:logs:${region}:${a}:log-group:*` } },
          },
        ],
      })),
      tags: tagged(`${name}-key`),
    }, child);
    new aws.kms.Alias(`${name}-key-alias`, { name: `alias/bulkhead/${pulumi.getStack()}/${id}`, targetKeyId: key.keyId }, child);

    const role = new aws.iam.Role(`${name}-role`, {
      description: `Workloads of tenant ${id}: read the tenant's own secrets only`,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
      tags: tagged(`${name}-role`),
    }, child);

    const appSg = new aws.ec2.SecurityGroup(`${name}-app-sg`, {
      vpcId: net.vpcId,
      description: `App tier of tenant ${id}: app port from the load balancer, 22 from the bastion`,
      revokeRulesOnDelete: true,
      tags: tagged(`${name}-app-sg`),
    }, child);
    new aws.vpc.SecurityGroupIngressRule(`${name}-admin-from-bastion`, {
      securityGroupId: appSg.id,
      description: "SSH from the bastion only",
      ipProtocol: "tcp", fromPort: 22, toPort: 22,
      referencedSecurityGroupId: bastionSg,
      tags: tagged(`${name}-admin-from-bastion`),
    }, child);
    new aws.vpc.SecurityGroupEgressRule(`${name}-bastion-to-app`, {
      securityGroupId: bastionSg,
      description: `Bastion to tenant ${id}'s app tier on 22`,
      ipProtocol: "tcp", fromPort: 22, toPort: 22,
      referencedSecurityGroupId: appSg.id,
      tags: tagged(`${name}-bastion-to-app`),
    }, child);
    new aws.vpc.SecurityGroupEgressRule(`${name}-app-to-endpoints`, {
      securityGroupId: appSg.id,
      description: "App tier to the VPC interface endpoints",
      ipProtocol: "tcp", fromPort: 443, toPort: 443,
      referencedSecurityGroupId: net.endpointSecurityGroupId,
      tags: tagged(`${name}-app-to-endpoints`),
    }, child);
    new aws.vpc.SecurityGroupIngressRule(`${name}-endpoints-from-app`, {
      securityGroupId: net.endpointSecurityGroupId,
      description: `443 from tenant ${id}'s app tier`,
      ipProtocol: "tcp", fromPort: 443, toPort: 443,
      referencedSecurityGroupId: appSg.id,
      tags: tagged(`${name}-endpoints-from-app`),
    }, child);
    new aws.vpc.SecurityGroupEgressRule(`${name}-app-to-s3`, {
      securityGroupId: appSg.id,
      description: "App tier to S3 through the gateway endpoint",
      ipProtocol: "tcp", fromPort: 443, toPort: 443,
      prefixListId: net.s3PrefixListId,
      tags: tagged(`${name}-app-to-s3`),
    }, child);

    const secretArns: pulumi.Output<string>[] = [];
    let databaseEndpoint: pulumi.Output<string | undefined> = pulumi.output(undefined);
    if (args.database) {
      // A pooled database's resources are named apart from a dedicated one's, so during a move (movingFrom)
      // both exist side by side and neither is replaced: the app switches secrets when the data is across.
      const { movingFrom, placement, pool, connectionLimit, ...rest } = args.database;
      for (const side of [placement ?? "dedicated", ...(movingFrom ? [movingFrom] : [])] as Placement[]) {
        const pooled = side === "pooled";
        const settings = pooled
          ? { ...Object.fromEntries(Object.entries(rest).filter(([k]) => !(DEDICATED_ONLY_FIELDS as readonly string[]).includes(k))), pool, connectionLimit }
          : rest;
        const db = new TenantDatabase(`${name}-${pooled ? "pooled-database" : "database"}`, {
          ...(settings as typeof rest),
          placement: side,
          tenantId: id,
          kmsKeyArn: key.arn,
          vpcId: net.vpcId,
          subnetIds: net.dataSubnetIds,
          appSecurityGroupId: appSg.id,
          endpointSecurityGroupId: net.endpointSecurityGroupId,
          readerRoleArns: [role.arn],
          managerRoleArns: args.managerRoleArns,
          ...(pooled ? { server: args.databaseServer } : {}),
          tags: args.tags,
        }, child);
        secretArns.push(db.secretArn);
        if (side === (placement ?? "dedicated")) databaseEndpoint = pulumi.interpolate`${db.address}:${db.port}`;
      }
    }
    if (secretArns.length > 0) {
      // Scoped by the tenant's secret namespace and key tag rather than by ARNs of resources created in
      // this run: the document is then fully known at preview, where the pack checks it.
      new aws.iam.RolePolicy(`${name}-read-secrets`, {
        role: role.id,
        policy: pulumi.all([partition, account]).apply(([p, a]) => JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "ReadOwnSecrets",
              Effect: "Allow",
              Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
              Resource: `arn:${p}:secretsmanager:${region}:${a}:secret:${secretNamespace(id)}*`,
            },
            {
              Sid: "DecryptThroughSecretsManager",
              Effect: "Allow",
              Action: "kms:Decrypt",
              Resource: `arn:${p}:kms:${region}:${a}:key/*`,
              Condition: {
                StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com`, "aws:ResourceTag/bulkhead:tenant": id },
              },
            },
          ],
        })),
      }, child);
    }

    let targetGroupArn: pulumi.Output<string | undefined> = pulumi.output(undefined);
    if (args.app) {
      const app = args.app;
      const port = app.port ?? 8443;
      const profile = new aws.iam.InstanceProfile(`${name}-profile`, { role: role.name, tags: tagged(`${name}-profile`) }, child);
      new aws.vpc.SecurityGroupIngressRule(`${name}-app-from-lb`, {
        securityGroupId: appSg.id,
        description: "App port from the load balancer only",
        ipProtocol: "tcp", fromPort: port, toPort: port,
        referencedSecurityGroupId: lb!.securityGroupId,
        tags: tagged(`${name}-app-from-lb`),
      }, child);
      new aws.vpc.SecurityGroupEgressRule(`${name}-lb-to-app`, {
        securityGroupId: lb!.securityGroupId,
        description: `Load balancer to tenant ${id}'s app tier`,
        ipProtocol: "tcp", fromPort: port, toPort: port,
        referencedSecurityGroupId: appSg.id,
        tags: tagged(`${name}-lb-to-app`),
      }, child);
      const tg = new aws.lb.TargetGroup(`${name}-tg`, {
        vpcId: net.vpcId,
        port,
        protocol: "HTTPS",
        targetType: "instance",
        deregistrationDelay: 30,
        healthCheck: { protocol: "HTTPS", path: "/health", matcher: "200-399" },
        tags: tagged(`${name}-tg`),
      }, child);
      new aws.lb.ListenerRule(`${name}-rule`, {
        listenerArn: lb!.listenerArn,
        priority: args.listenerRulePriority ?? 1,
        conditions: [{ hostHeader: { values: [app.hostname ?? `${id}.example.com`] } }],
        actions: [{ type: "forward", targetGroupArn: tg.arn }],
        tags: tagged(`${name}-rule`),
      }, child);
      const lt = new aws.ec2.LaunchTemplate(`${name}-lt`, {
        description: `App tier of tenant ${id}`,
        imageId: app.amiId ?? aws.ssm.getParameterOutput({ name: AL2023_PARAMETER }, child).value,
        instanceType: app.instanceType ?? "t3.micro",
        iamInstanceProfile: { arn: profile.arn },
        // The interface says it explicitly: no public IP, only the tenant's app group.
        networkInterfaces: [{ associatePublicIpAddress: "false", deleteOnTermination: "true", securityGroups: [appSg.id] }],
        metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" },
        blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeSize: 20, volumeType: "gp3", deleteOnTermination: "true" } }],
        ...(app.userData ? { userData: Buffer.from(app.userData).toString("base64") } : {}),
        tagSpecifications: [
          { resourceType: "instance", tags: tagged(`${name}-app`) },
          { resourceType: "volume", tags: tagged(`${name}-app`) },
        ],
        tags: tagged(`${name}-lt`),
      }, child);
      const min = app.minSize ?? 1;
      new aws.autoscaling.Group(`${name}-asg`, {
        vpcZoneIdentifiers: net.appSubnetIds,
        launchTemplate: { id: lt.id, version: lt.latestVersion.apply((v) => String(v)) },
        minSize: min,
        maxSize: app.maxSize ?? 2,
        desiredCapacity: app.desiredCapacity ?? min,
        targetGroupArns: [tg.arn],
        healthCheckType: "ELB",
        healthCheckGracePeriod: 120,
        tags: Object.entries(tagged(`${name}-app`)).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
      }, child);
      targetGroupArn = tg.arn;
    }

    this.tenantId = pulumi.output(id);
    this.kmsKeyArn = key.arn;
    this.roleArn = role.arn;
    this.appSecurityGroupId = appSg.id;
    this.vpcId = pulumi.output(net.vpcId);
    this.secretArns = pulumi.all(secretArns);
    this.databaseEndpoint = databaseEndpoint;
    this.targetGroupArn = targetGroupArn;
    this.bastionSessionCommand = bastionSessionCommand;
    this.loadBalancerDnsName = loadBalancerDnsName;
    this.registerOutputs({
      tenantId: this.tenantId,
      kmsKeyArn: this.kmsKeyArn,
      roleArn: this.roleArn,
      appSecurityGroupId: this.appSecurityGroupId,
      vpcId: this.vpcId,
      secretArns: this.secretArns,
      databaseEndpoint: this.databaseEndpoint,
      targetGroupArn: this.targetGroupArn,
      bastionSessionCommand: this.bastionSessionCommand,
      loadBalancerDnsName: this.loadBalancerDnsName,
    });
  }
}
