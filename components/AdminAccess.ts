/**
 * AdminAccess: the one admin path into the platform. By default an SSM Session Manager bastion that has
 * no inbound rule at all (sessions arrive through the SSM endpoints), sits in a private subnet, requires
 * IMDSv2, encrypts its disk and logs every session to a KMS-encrypted log group. SSH mode exists for
 * teams that need it, but only with an explicit allowlist that is never the whole internet.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { logsKeyPolicy } from "./PlatformNetwork";
import { AdminMode, Problems, adminProblems, checkRegion } from "./validation";

export interface AdminAccessArgs {
  /** VPC the bastion lives in. Required. */
  vpcId: pulumi.Input<string>;
  /**
   * Subnets for the bastion (first one is used) and the optional Instance Connect Endpoint. Required:
   * the admin tier for `ssm` mode, the public tier for `ssh` mode (the only case with a public IP).
   */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Region of the VPC (builds the session-log key policy). Required. */
  region: string;
  /** `ssm` (default): no inbound rules, Session Manager only. `ssh`: port 22 from `adminCidrs` only. */
  mode?: AdminMode;
  /** SSH allowlist; required and only allowed in `ssh` mode. Must not cover the public internet (0.0.0.0/0, ::/0, or splits of it). */
  adminCidrs?: string[];
  /** Security group of the VPC's interface endpoints; the bastion gets 443 into it. Default: unset (no endpoint rule). */
  endpointSecurityGroupId?: pulumi.Input<string>;
  /** S3 gateway prefix list; the bastion may reach S3 on 443 (OS package repositories). Default: unset. */
  s3PrefixListId?: pulumi.Input<string>;
  /** Instance type. Default `t3.micro`. */
  instanceType?: string;
  /** AMI id. Default: the latest Amazon Linux 2023 from the public SSM parameter (SSM agent preinstalled). */
  amiId?: pulumi.Input<string>;
  /** Retention of the session log group in days (CloudWatch's accepted values). Default 365. */
  sessionLogRetentionDays?: number;
  /**
   * Create the account-wide Session Manager preferences document `SSM-SessionManagerRunShell` that sends
   * every session to the encrypted log group. Default `true`; set `false` for a second bastion in the
   * same account (one document per account and region).
   */
  sessionPreferences?: boolean;
  /** Also create an EC2 Instance Connect Endpoint (break-glass, uses the bastion SG). Default `false`. */
  instanceConnectEndpoint?: boolean;
  /** Owner when the bastion belongs to a silo tenant: adds `bulkhead:tenant`. Default: unset (platform). */
  tenantId?: string;
  /** Extra tags on every taggable child. Default `{}`. */
  tags?: Record<string, string>;
}

/** Throws one InputPropertiesError naming every invalid argument. */
export function validateAdminAccessArgs(name: string, args: AdminAccessArgs): void {
  const p = new Problems();
  p.merge("", adminProblems(args));
  checkRegion(p, "region", args.region);
  p.throwIfAny(`AdminAccess "${name}"`);
}

export const AL2023_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";

/** `203.0.113.10/32` → `203-0-113-10-32`: a rule name that follows the CIDR, not its list position. */
function cidrSlug(cidr: string): string {
  return cidr.replace(/[^0-9a-fA-F]+/g, "-").replace(/^-|-$/g, "");
}

export class AdminAccess extends pulumi.ComponentResource {
  public readonly securityGroupId: pulumi.Output<string>;
  public readonly instanceId: pulumi.Output<string>;
  public readonly instanceRoleArn: pulumi.Output<string>;
  public readonly sessionLogGroupName: pulumi.Output<string>;
  public readonly sessionCommand: pulumi.Output<string>;

  constructor(name: string, args: AdminAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bulkhead:admin:AdminAccess", name, {}, opts);
    validateAdminAccessArgs(name, args);
    const child = { parent: this };
    const mode = args.mode ?? "ssm";
    const base: Record<string, string> = { ...args.tags, ...(args.tenantId ? { "bulkhead:tenant": args.tenantId } : {}) };
    const tagged = (n: string, extra: Record<string, string> = {}) => ({ ...base, ...extra, Name: n });
    const bastionTags = (n: string) => tagged(n, { "bulkhead:role": "bastion" });

    const account = aws.getCallerIdentityOutput({}, child).accountId;
    const partition = aws.getPartitionOutput({}, child).partition;

    // Names and ARNs below are built from known values (config, invokes), not from outputs of new
    // resources: the policy pack can then read every document at preview instead of failing closed.
    const groupName = `/bulkhead/${pulumi.getStack()}/sessions/${name}`;
    const aliasName = `alias/bulkhead/${pulumi.getStack()}/${name}-sessions`;
    const key = new aws.kms.Key(`${name}-sessions-key`, {
      description: `Encrypts admin session logs and session data of ${name}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: pulumi.all([partition, account]).apply(([p, a]) => logsKeyPolicy(p, a, args.region)),
      tags: tagged(`${name}-sessions-key`),
    }, child);
    new aws.kms.Alias(`${name}-sessions-key-alias`, { name: aliasName, targetKeyId: key.keyId }, child);
    const logGroup = new aws.cloudwatch.LogGroup(`${name}-sessions`, {
      name: groupName,
      retentionInDays: args.sessionLogRetentionDays ?? 365,
      kmsKeyId: key.arn,
      tags: tagged(`${name}-sessions`),
    }, child);

    if (args.sessionPreferences ?? true) {
      new aws.ssm.Document(`${name}-session-preferences`, {
        name: "SSM-SessionManagerRunShell",
        documentType: "Session",
        documentFormat: "JSON",
        content: JSON.stringify({
          schemaVersion: "1.0",
          description: "bulkhead: every session logged to an encrypted log group, session data encrypted",
          sessionType: "Standard_Stream",
          inputs: {
            s3BucketName: "",
            s3EncryptionEnabled: true,
            cloudWatchLogGroupName: groupName,
            cloudWatchEncryptionEnabled: true,
            cloudWatchStreamingEnabled: true,
            kmsKeyId: aliasName,
            runAsEnabled: false,
            idleSessionTimeout: "20",
            maxSessionDuration: "60",
          },
        }),
        tags: tagged(`${name}-session-preferences`),
      }, { parent: this, dependsOn: [logGroup] });
    }

    const role = new aws.iam.Role(`${name}-role`, {
      description: `Bastion ${name}: SSM agent and session logging only`,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
      tags: bastionTags(`${name}-role`),
    }, child);
    new aws.iam.RolePolicyAttachment(`${name}-ssm-core`, {
      role: role.name,
      policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`,
    }, child);
    new aws.iam.RolePolicy(`${name}-session-logging`, {
      role: role.id,
      policy: pulumi.all([partition, account]).apply(([p, a]) => JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            Resource: `arn:${p}:logs:${args.region}:${a}:log-group:${groupName}:*`,
          },
          { Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: "*" },
          {
            Effect: "Allow",
            Action: ["kms:Decrypt", "kms:GenerateDataKey"],
            Resource: `arn:${p}:kms:${args.region}:${a}:key/*`,
            Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": aliasName } },
          },
        ],
      })),
    }, child);
    const profile = new aws.iam.InstanceProfile(`${name}-profile`, { role: role.name, tags: bastionTags(`${name}-profile`) }, child);

    const sg = new aws.ec2.SecurityGroup(`${name}-sg`, {
      vpcId: args.vpcId,
      description: mode === "ssm" ? "Bastion: no inbound rules (SSM Session Manager)" : "Bastion: SSH from the admin allowlist only",
      revokeRulesOnDelete: true,
      tags: bastionTags(`${name}-sg`),
    }, child);
    if (mode === "ssh") {
      for (const cidr of args.adminCidrs ?? []) {
        const v6 = cidr.includes(":");
        new aws.vpc.SecurityGroupIngressRule(`${name}-ssh-${cidrSlug(cidr)}`, {
          securityGroupId: sg.id,
          description: "SSH from the admin allowlist",
          ipProtocol: "tcp",
          fromPort: 22,
          toPort: 22,
          ...(v6 ? { cidrIpv6: cidr } : { cidrIpv4: cidr }),
          tags: bastionTags(`${name}-ssh-${cidrSlug(cidr)}`),
        }, child);
      }
    }
    if (args.endpointSecurityGroupId !== undefined) {
      new aws.vpc.SecurityGroupEgressRule(`${name}-to-endpoints`, {
        securityGroupId: sg.id,
        description: "Bastion to the VPC interface endpoints (SSM, logs, KMS)",
        ipProtocol: "tcp", fromPort: 443, toPort: 443,
        referencedSecurityGroupId: args.endpointSecurityGroupId,
        tags: bastionTags(`${name}-to-endpoints`),
      }, child);
      new aws.vpc.SecurityGroupIngressRule(`${name}-endpoints-from-bastion`, {
        securityGroupId: args.endpointSecurityGroupId,
        description: `443 from bastion ${name}`,
        ipProtocol: "tcp", fromPort: 443, toPort: 443,
        referencedSecurityGroupId: sg.id,
        tags: tagged(`${name}-endpoints-from-bastion`),
      }, child);
    }
    if (args.s3PrefixListId !== undefined) {
      new aws.vpc.SecurityGroupEgressRule(`${name}-to-s3`, {
        securityGroupId: sg.id,
        description: "Bastion to S3 (package repositories) through the gateway endpoint",
        ipProtocol: "tcp", fromPort: 443, toPort: 443,
        prefixListId: args.s3PrefixListId,
        tags: bastionTags(`${name}-to-s3`),
      }, child);
    }

    const ami = args.amiId ?? aws.ssm.getParameterOutput({ name: AL2023_PARAMETER }, child).value;
    const subnetId = pulumi.output(args.subnetIds).apply((ids) => ids[0]!);
    const instance = new aws.ec2.Instance(`${name}-bastion`, {
      ami,
      instanceType: args.instanceType ?? "t3.micro",
      subnetId,
      vpcSecurityGroupIds: [sg.id],
      iamInstanceProfile: profile.name,
      associatePublicIpAddress: mode === "ssh",
      metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" },
      rootBlockDevice: { encrypted: true, volumeType: "gp3", volumeSize: 8, deleteOnTermination: true, tags: bastionTags(`${name}-root`) },
      tags: bastionTags(`${name}-bastion`),
    }, child);

    if (args.instanceConnectEndpoint) {
      new aws.ec2transitgateway.InstanceConnectEndpoint(`${name}-eice`, {
        subnetId,
        securityGroupIds: [sg.id],
        preserveClientIp: false,
        tags: bastionTags(`${name}-eice`),
      }, child);
    }

    this.securityGroupId = sg.id;
    this.instanceId = instance.id;
    this.instanceRoleArn = role.arn;
    this.sessionLogGroupName = logGroup.name;
    this.sessionCommand = pulumi.interpolate`aws ssm start-session --target ${instance.id}`;
    this.registerOutputs({
      securityGroupId: this.securityGroupId,
      instanceId: this.instanceId,
      instanceRoleArn: this.instanceRoleArn,
      sessionLogGroupName: this.sessionLogGroupName,
      sessionCommand: this.sessionCommand,
    });
  }
}
