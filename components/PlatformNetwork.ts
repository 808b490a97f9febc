/**
 * PlatformNetwork: the VPC pooled tenants share (and, built again with a tenant id, a silo tenant's own
 * VPC). Differences from awsx.ec2.Vpc that matter for security and cost: flow logs on, the default SG and
 * NACL adopted with no rules, no public IP on launch anywhere, one NAT by default, subnet CIDRs taken from
 * a fixed slot table keyed by (tier, AZ letter) so growing the network never renumbers a subnet.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import {
  NatStrategy,
  NetworkSettings,
  Problems,
  TIERS,
  Tier,
  networkProblems,
  resolveAvailabilityZones,
  subnetCidr,
} from "./validation";

/** The network settings a stack config gives (validated by networkProblems), plus what only code can pass. */
export interface PlatformNetworkArgs extends NetworkSettings {
  /**
   * Interface endpoints created in the admin tier (service suffixes). Default
   * `["ssm", "ssmmessages", "ec2messages", "secretsmanager", "kms", "logs"]`; an S3 gateway endpoint is always added.
   */
  interfaceEndpoints?: string[];
  /** Extra tags on every taggable child. Default `{}`. */
  tags?: Record<string, string>;
}

export const DEFAULT_ENDPOINTS = ["ssm", "ssmmessages", "ec2messages", "secretsmanager", "kms", "logs"];

/** Throws one InputPropertiesError naming every invalid argument. */
export function validatePlatformNetworkArgs(name: string, args: PlatformNetworkArgs): void {
  const p = new Problems();
  p.merge("", networkProblems({ ...args }));
  p.throwIfAny(`PlatformNetwork "${name}"`);
}

/** KMS key policy letting the account administer the key and CloudWatch Logs use it for this account's log groups. */
export function logsKeyPolicy(partition: string, account: string, region: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountAdministersKey",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${account}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "CloudWatchLogsEncrypts",
        Effect: "Allow",
        Principal: { Service: `logs.${region}.amazonaws.com` },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${region}:${account}:log-group:*` } },
      },
    ],
  });
}

/** World ephemeral ports for return traffic, with 3389 cut out so no NACL ever admits RDP from the world. */
const EPHEMERAL_WITHOUT_RDP: Array<[number, number]> = [[1024, 3388], [3390, 65535]];

export class PlatformNetwork extends pulumi.ComponentResource {
  public readonly vpcId: pulumi.Output<string>;
  public readonly cidrBlock: pulumi.Output<string>;
  public readonly availabilityZones: pulumi.Output<string[]>;
  public readonly publicSubnetIds: pulumi.Output<string[]>;
  public readonly appSubnetIds: pulumi.Output<string[]>;
  public readonly dataSubnetIds: pulumi.Output<string[]>;
  public readonly adminSubnetIds: pulumi.Output<string[]>;
  public readonly endpointSecurityGroupId: pulumi.Output<string>;
  public readonly s3PrefixListId: pulumi.Output<string>;
  public readonly flowLogGroupName: pulumi.Output<string | undefined>;
  public readonly natGatewayIds: pulumi.Output<string[]>;

  constructor(name: string, args: PlatformNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bulkhead:network:PlatformNetwork", name, {}, opts);
    const region = args.region ?? new pulumi.Config("aws").get("region");
    validatePlatformNetworkArgs(name, { ...args, region });

    const azs = resolveAvailabilityZones(args.availabilityZones, region);
    const zoneRegion = azs[0]!.slice(0, -1);
    const letter = (az: string) => az.slice(-1);
    const child = { parent: this };
    const base: Record<string, string> = { ...args.tags, ...(args.tenantId ? { "bulkhead:tenant": args.tenantId } : {}) };
    const tagged = (n: string, extra: Record<string, string> = {}) => ({ ...base, ...extra, Name: n });
    const nat = args.natStrategy ?? "single";

    const vpc = new aws.ec2.Vpc(`${name}-vpc`, {
      cidrBlock: args.cidrBlock,
      enableDnsSupport: true,
      enableDnsHostnames: true, // interface endpoints' private DNS needs both
      tags: tagged(`${name}-vpc`),
    }, child);

    // Adopting the defaults with empty rule lists strips AWS's allow-all-within-group SG and allow-all NACL.
    new aws.ec2.DefaultSecurityGroup(`${name}-default-sg`, { vpcId: vpc.id, ingress: [], egress: [], tags: tagged(`${name}-default-sg`) }, child);
    new aws.ec2.DefaultNetworkAcl(`${name}-default-nacl`, {
      defaultNetworkAclId: vpc.defaultNetworkAclId,
      ingress: [],
      egress: [],
      tags: tagged(`${name}-default-nacl`),
    }, { parent: this, ignoreChanges: ["subnetIds"] });

    const subnets: Record<Tier, aws.ec2.Subnet[]> = { public: [], app: [], data: [], admin: [] };
    for (const tier of TIERS) {
      for (const az of azs) {
        const n = `${name}-${tier}-${letter(az)}`;
        subnets[tier].push(new aws.ec2.Subnet(n, {
          vpcId: vpc.id,
          availabilityZone: az,
          cidrBlock: subnetCidr(args.cidrBlock, tier, az),
          mapPublicIpOnLaunch: false, // public IPs are opted into per resource (LB, NAT), never by subnet default
          tags: tagged(n, { "bulkhead:tier": tier }),
        }, child));
      }
    }
    const ids = (list: aws.ec2.Subnet[]) => pulumi.all(list.map((s) => s.id));

    // Public tier: only load balancers and NAT gateways live here.
    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: tagged(`${name}-igw`) }, child);
    const publicRt = new aws.ec2.RouteTable(`${name}-public-rt`, { vpcId: vpc.id, tags: tagged(`${name}-public-rt`) }, child);
    new aws.ec2.Route(`${name}-public-default`, { routeTableId: publicRt.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id }, child);
    subnets.public.forEach((s, i) => {
      new aws.ec2.RouteTableAssociation(`${name}-public-${letter(azs[i]!)}-rta`, { subnetId: s.id, routeTableId: publicRt.id }, child);
    });

    const natByAz = new Map<string, aws.ec2.NatGateway>();
    const natAzs = nat === "perAz" ? azs : nat === "single" ? [azs[0]!] : [];
    for (const az of natAzs) {
      const l = letter(az);
      const eip = new aws.ec2.Eip(`${name}-nat-${l}-eip`, { domain: "vpc", tags: tagged(`${name}-nat-${l}-eip`) }, child);
      natByAz.set(az, new aws.ec2.NatGateway(`${name}-nat-${l}`, {
        allocationId: eip.id,
        subnetId: subnets.public[azs.indexOf(az)]!.id,
        connectivityType: "public",
        tags: tagged(`${name}-nat-${l}`),
      }, { parent: this, dependsOn: [igw] }));
    }

    // App and admin tiers reach the internet only through NAT; the data tier has no default route at all.
    const privateRts: aws.ec2.RouteTable[] = [];
    azs.forEach((az, i) => {
      const l = letter(az);
      const rt = new aws.ec2.RouteTable(`${name}-private-rt-${l}`, { vpcId: vpc.id, tags: tagged(`${name}-private-rt-${l}`) }, child);
      privateRts.push(rt);
      const gw = natByAz.get(az) ?? natByAz.get(natAzs[0] ?? "");
      if (gw) new aws.ec2.Route(`${name}-private-default-${l}`, { routeTableId: rt.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: gw.id }, child);
      new aws.ec2.RouteTableAssociation(`${name}-app-${l}-rta`, { subnetId: subnets.app[i]!.id, routeTableId: rt.id }, child);
      new aws.ec2.RouteTableAssociation(`${name}-admin-${l}-rta`, { subnetId: subnets.admin[i]!.id, routeTableId: rt.id }, child);
    });
    const dataRt = new aws.ec2.RouteTable(`${name}-data-rt`, { vpcId: vpc.id, tags: tagged(`${name}-data-rt`) }, child);
    subnets.data.forEach((s, i) => {
      new aws.ec2.RouteTableAssociation(`${name}-data-${letter(azs[i]!)}-rta`, { subnetId: s.id, routeTableId: dataRt.id }, child);
    });

    // Tier NACLs: stateless, so return traffic needs ephemeral ports; 22 and 3389 never open to the world.
    const all = (ruleNo: number, cidrBlock: string) => ({ ruleNo, action: "allow", protocol: "-1", cidrBlock, fromPort: 0, toPort: 0 });
    const tcp = (ruleNo: number, cidrBlock: string, fromPort: number, toPort: number) => ({ ruleNo, action: "allow", protocol: "tcp", cidrBlock, fromPort, toPort });
    const ephemeral = (first: number) => EPHEMERAL_WITHOUT_RDP.map(([f, t], i) => tcp(first + i, "0.0.0.0/0", f, t));
    const nacl = (tier: Tier, ingress: ReturnType<typeof tcp>[], egress: ReturnType<typeof tcp>[]) =>
      new aws.ec2.NetworkAcl(`${name}-${tier}-nacl`, {
        vpcId: vpc.id,
        subnetIds: ids(subnets[tier]),
        ingress,
        egress,
        tags: tagged(`${name}-${tier}-nacl`, { "bulkhead:tier": tier }),
      }, child);
    nacl("public", [tcp(100, "0.0.0.0/0", 443, 443), tcp(110, "0.0.0.0/0", 80, 80), all(120, args.cidrBlock), ...ephemeral(130)], [all(100, "0.0.0.0/0")]);
    nacl("app", [all(100, args.cidrBlock), ...ephemeral(110)], [all(100, "0.0.0.0/0")]);
    nacl("admin", [all(100, args.cidrBlock), ...ephemeral(110)], [all(100, "0.0.0.0/0")]);
    nacl("data", [all(100, args.cidrBlock)], [all(100, args.cidrBlock)]);

    // VPC endpoints keep AWS API traffic (SSM, secrets, keys, logs) off the internet. Their SG starts with
    // no ingress: each consumer (bastion, tenant app, rotation function) adds its own 443 rule.
    const endpointSg = new aws.ec2.SecurityGroup(`${name}-endpoints-sg`, {
      vpcId: vpc.id,
      description: "Interface endpoints: 443 only from the security groups that use them",
      revokeRulesOnDelete: true,
      tags: tagged(`${name}-endpoints-sg`),
    }, child);
    for (const svc of args.interfaceEndpoints ?? DEFAULT_ENDPOINTS) {
      new aws.ec2.VpcEndpoint(`${name}-${svc}-endpoint`, {
        vpcId: vpc.id,
        serviceName: `com.amazonaws.${zoneRegion}.${svc}`,
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: ids(subnets.admin),
        securityGroupIds: [endpointSg.id],
        tags: tagged(`${name}-${svc}-endpoint`),
      }, child);
    }
    const s3 = new aws.ec2.VpcEndpoint(`${name}-s3-endpoint`, {
      vpcId: vpc.id,
      serviceName: `com.amazonaws.${zoneRegion}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: [...privateRts, dataRt].map((rt) => rt.id),
      tags: tagged(`${name}-s3-endpoint`),
    }, child);

    let flowLogGroupName: pulumi.Output<string | undefined> = pulumi.output(undefined);
    if (args.flowLogs ?? true) {
      const account = aws.getCallerIdentityOutput({}, child).accountId;
      const partition = aws.getPartitionOutput({}, child).partition;
      const key = new aws.kms.Key(`${name}-flowlogs-key`, {
        description: `Encrypts the flow logs of ${name}`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: pulumi.all([partition, account]).apply(([p, a]) => logsKeyPolicy(p, a, zoneRegion)),
        tags: tagged(`${name}-flowlogs-key`),
      }, child);
      // A fixed name keeps the role policy below fully known at preview (the pack reads it there).
      const groupName = `/bulkhead/${pulumi.getStack()}/flowlogs/${name}`;
      const group = new aws.cloudwatch.LogGroup(`${name}-flowlogs`, {
        name: groupName,
        retentionInDays: args.flowLogRetentionDays ?? 90,
        kmsKeyId: key.arn,
        tags: tagged(`${name}-flowlogs`),
      }, child);
      const role = new aws.iam.Role(`${name}-flowlogs-role`, {
        description: `Lets VPC flow logs of ${name} write to their log group`,
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "vpc-flow-logs.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
        tags: tagged(`${name}-flowlogs-role`),
      }, child);
      new aws.iam.RolePolicy(`${name}-flowlogs-policy`, {
        role: role.id,
        policy: pulumi.all([partition, account]).apply(([p, a]) => {
          const arn = `arn:${p}:logs:${zoneRegion}:${a}:log-group:${groupName}`;
          return JSON.stringify({
            Version: "2012-10-17",
            Statement: [{
              Effect: "Allow",
              Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
              Resource: [arn, `${arn}:*`],
            }],
          });
        }),
      }, child);
      new aws.ec2.FlowLog(`${name}-flowlog`, {
        vpcId: vpc.id,
        trafficType: "ALL",
        logDestinationType: "cloud-watch-logs",
        logDestination: group.arn,
        iamRoleArn: role.arn,
        maxAggregationInterval: 60,
        tags: tagged(`${name}-flowlog`),
      }, child);
      flowLogGroupName = group.name;
    }

    this.vpcId = vpc.id;
    this.cidrBlock = pulumi.output(args.cidrBlock);
    this.availabilityZones = pulumi.output(azs);
    this.publicSubnetIds = ids(subnets.public);
    this.appSubnetIds = ids(subnets.app);
    this.dataSubnetIds = ids(subnets.data);
    this.adminSubnetIds = ids(subnets.admin);
    this.endpointSecurityGroupId = endpointSg.id;
    this.s3PrefixListId = s3.prefixListId;
    this.flowLogGroupName = flowLogGroupName;
    this.natGatewayIds = pulumi.all([...natByAz.values()].map((g) => g.id));
    this.registerOutputs({
      vpcId: this.vpcId,
      cidrBlock: this.cidrBlock,
      availabilityZones: this.availabilityZones,
      publicSubnetIds: this.publicSubnetIds,
      appSubnetIds: this.appSubnetIds,
      dataSubnetIds: this.dataSubnetIds,
      adminSubnetIds: this.adminSubnetIds,
      endpointSecurityGroupId: this.endpointSecurityGroupId,
      s3PrefixListId: this.s3PrefixListId,
      flowLogGroupName: this.flowLogGroupName,
      natGatewayIds: this.natGatewayIds,
    });
  }
}
