/**
 * The reference bill of materials behind the README's cost table: the resources (real type tokens and the
 * inputs the price depends on) that the platform, a load-balancer shard, the pooled database tier and one tenant
 * of each kind create at dev sizing (Pulumi.dev.yaml: 2 AZs, one NAT, t3.micro, db.t4g.micro). The README
 * figures are the estimator's output over these records (scripts/cost-table.ts), and
 * test/cost/dev-stack.test.ts checks that the dev stack's real records cost the same per tenant and per
 * shared pool, so the table cannot drift from what the components create.
 *
 * Pooled database tier, as components/PooledDatabase.ts builds it: per engine (PostgreSQL, MySQL), shared RDS
 * servers (dev: db.t4g.micro Single-AZ, 20 GB gp3, its own KMS key, RDS-managed master secret), each holding up
 * to `tenantsPerServer` tenants (one security group each on the server's network interface: 5 by default, 16
 * with the VPC quota raised). A pooled tenant owns a database and users inside a server (created by its
 * rotation function), its KMS key and its app secret.
 */
import type { RegisteredResource } from "../engine/types";

export type ReferenceKind = "pooled" | "dedicated-db" | "silo";

/** A group of records that the README shows as one row. */
export interface BomGroup {
  label: string;
  records: RegisteredResource[];
}

const STACK = "urn:pulumi:reference::bulkhead-platform::";

function rec(type: string, name: string, inputs: Record<string, unknown>, deps: Record<string, string[]> = {}, tenant?: string): RegisteredResource {
  const short = type.split(":").pop()!;
  return {
    urn: `${STACK}${type}::${name}`,
    type,
    name,
    custom: true,
    inputs: tenant ? { ...inputs, tags: { ...((inputs.tags as object) ?? {}), "bulkhead:tenant": tenant } } : inputs,
    dependencies: [...new Set(Object.values(deps).flat())],
    propertyDependencies: deps,
    source: null,
    id: `${short.toLowerCase()}-${name}`,
  };
}

const T = {
  vpc: "aws:ec2/vpc:Vpc",
  subnet: "aws:ec2/subnet:Subnet",
  eip: "aws:ec2/eip:Eip",
  nat: "aws:ec2/natGateway:NatGateway",
  endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
  instance: "aws:ec2/instance:Instance",
  key: "aws:kms/key:Key",
  lb: "aws:lb/loadBalancer:LoadBalancer",
  listener: "aws:lb/listener:Listener",
  rule: "aws:lb/listenerRule:ListenerRule",
  tg: "aws:lb/targetGroup:TargetGroup",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  role: "aws:iam/role:Role",
  profile: "aws:iam/instanceProfile:InstanceProfile",
  lt: "aws:ec2/launchTemplate:LaunchTemplate",
  asg: "aws:autoscaling/group:Group",
  secret: "aws:secretsmanager/secret:Secret",
  rotation: "aws:secretsmanager/secretRotation:SecretRotation",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  rds: "aws:rds/instance:Instance",
  cluster: "aws:rds/cluster:Cluster",
  clusterInstance: "aws:rds/clusterInstance:ClusterInstance",
} as const;

/** The network a platform (or a silo tenant) runs: NAT, 6 interface endpoints in 2 AZs, bastion, 2 keys. */
function network(prefix: string, tenant?: string): BomGroup[] {
  const vpc = rec(T.vpc, `${prefix}-vpc`, { cidrBlock: "10.0.0.0/16" }, {}, tenant);
  const subnets = ["a", "b"].map((az) => rec(T.subnet, `${prefix}-private-${az}`, {}, { vpcId: [vpc.urn] }, tenant));
  const sn = subnets.map((s) => s.id!);
  const eip = rec(T.eip, `${prefix}-nat-a-eip`, { domain: "vpc" }, {}, tenant);
  const nat = rec(T.nat, `${prefix}-nat-a`, { connectivityType: "public", allocationId: eip.id }, { allocationId: [eip.urn] }, tenant);
  const endpoints = ["ssm", "ssmmessages", "ec2messages", "secretsmanager", "kms", "logs"].map((svc) =>
    rec(T.endpoint, `${prefix}-${svc}-endpoint`, { vpcEndpointType: "Interface", serviceName: `com.amazonaws.us-east-1.${svc}`, subnetIds: sn }, { vpcId: [vpc.urn], subnetIds: subnets.map((s) => s.urn) }, tenant),
  );
  const s3 = rec(T.endpoint, `${prefix}-s3-endpoint`, { vpcEndpointType: "Gateway", serviceName: "com.amazonaws.us-east-1.s3" }, { vpcId: [vpc.urn] }, tenant);
  const bastion = rec(T.instance, `${prefix}-bastion`, { instanceType: "t3.micro", rootBlockDevice: { volumeSize: 8, volumeType: "gp3" }, associatePublicIpAddress: false, subnetId: sn[0] }, { subnetId: [subnets[0].urn] }, tenant);
  const keys = ["flowlogs", "sessions"].map((k) => rec(T.key, `${prefix}-${k}-key`, { enableKeyRotation: true }, {}, tenant));
  return [
    { label: "VPC, 2 private subnets, S3 gateway endpoint", records: [vpc, ...subnets, s3] },
    { label: "NAT gateway ×1 + its public IPv4", records: [eip, nat] },
    { label: "Interface endpoints: 6 services × 2 AZs", records: endpoints },
    { label: "Bastion t3.micro + 8 GB gp3", records: [bastion] },
    { label: "Flow-log and session KMS keys", records: keys },
  ];
}

/** One internet-facing ALB in 2 AZs with its HTTPS listener. */
function shard(prefix: string, tenant?: string): BomGroup {
  const alb = rec(T.lb, `${prefix}-alb`, { loadBalancerType: "application", internal: false, subnets: ["subnet-public-a", "subnet-public-b"] }, {}, tenant);
  const listener = rec(T.listener, `${prefix}-https`, { port: 443, protocol: "HTTPS" }, { loadBalancerArn: [alb.urn] }, tenant);
  return { label: "ALB + 2 public IPv4 (one per AZ)", records: [alb, listener] };
}

/** One shared server of pooled databases (`pooled-<engine>[-n]`): RDS instance with its own key and managed master secret. */
function pooledServer(engine: "postgres" | "mysql", slot: number): BomGroup {
  const name = slot === 0 ? `pooled-${engine}` : `pooled-${engine}-${slot}`;
  const key = rec(T.key, `${name}-key`, { enableKeyRotation: true });
  const db = rec(T.rds, `${name}-db`, { engine, instanceClass: "db.t4g.micro", allocatedStorage: 20, storageType: "gp3", multiAz: false, manageMasterUserPassword: true, kmsKeyId: key.id }, { kmsKeyId: [key.urn] });
  return { label: `Shared ${engine === "postgres" ? "PostgreSQL" : "MySQL"} server: RDS db.t4g.micro Single-AZ + 20 GB gp3 + managed master secret + its KMS key`, records: [key, db] };
}

export interface ReferenceStack {
  resources: RegisteredResource[];
  owners: Map<string, string | undefined>;
  /** Rows for the README: platform and shared groups, and each tenant's own groups by kind. */
  platform: BomGroup[];
  shards: BomGroup[];
  clusters: BomGroup[];
  tenants: Array<{ tenant: string; kind: ReferenceKind; groups: BomGroup[] }>;
}

/**
 * One tenant: the records it owns. `listener` is its shard's listener; `cluster` the pooled cluster its
 * database lives in (pooled kind only); a silo tenant brings its own network and load balancer.
 */
function tenant(id: string, kind: ReferenceKind, listener: RegisteredResource, server?: BomGroup): BomGroup[] {
  const own: BomGroup[] = [];
  let rule = listener;
  if (kind === "silo") {
    own.push(...network(`${id}-network`, id));
    const lb = shard(`${id}-lb`, id);
    own.push(lb);
    rule = lb.records[1];
  }
  const key = rec(T.key, `${id}-key`, { enableKeyRotation: true }, {}, id);
  const secretDeps: Record<string, string[]> = { kmsKeyId: [key.urn] };
  const records: RegisteredResource[] = [];
  const rotationDeps: Record<string, string[]> = {};
  if (kind === "pooled" && server) {
    // The tenant's database and users live on the shared server: its secret names the server's endpoint, and its
    // rotation function reads the server's master secret (decrypting with the server's key) to create them.
    secretDeps.description = [server.records[1].urn];
    rotationDeps.rotationLambdaArn = server.records.map((r) => r.urn);
  }
  const secret = rec(T.secret, `${id}-app-secret`, { kmsKeyId: key.id }, secretDeps, id);
  const rotation = rec(T.rotation, `${id}-rotation`, { rotationRules: { automaticallyAfterDays: 30 } }, { secretId: [secret.urn], ...rotationDeps }, id);
  own.push({ label: "Tenant KMS key", records: [key] }, { label: "App credential secret (+ rotation schedule)", records: [secret, rotation] });
  if (kind !== "pooled") {
    records.push(rec(T.rds, `${id}-db`, { engine: "postgres", instanceClass: "db.t4g.micro", allocatedStorage: 20, storageType: "gp3", multiAz: false, manageMasterUserPassword: true }, { kmsKeyId: [key.urn] }, id));
    own.push({ label: "Own database: RDS db.t4g.micro Single-AZ + 20 GB gp3 + managed master secret", records });
  }
  const sg = rec(T.sg, `${id}-app-sg`, {}, {}, id);
  const role = rec(T.role, `${id}-role`, {}, {}, id);
  const profile = rec(T.profile, `${id}-profile`, {}, { role: [role.urn] }, id);
  const tg = rec(T.tg, `${id}-tg`, { port: 443, protocol: "HTTPS" }, {}, id);
  const r = rec(T.rule, `${id}-rule`, { priority: 100 }, { listenerArn: [rule.urn], actions: [tg.urn] }, id);
  const lt = rec(T.lt, `${id}-lt`, { instanceType: "t3.micro", blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 20, volumeType: "gp3" } }] }, { iamInstanceProfile: [profile.urn], networkInterfaces: [sg.urn] }, id);
  const asg = rec(T.asg, `${id}-asg`, { desiredCapacity: 1, minSize: 1, maxSize: 2, launchTemplate: { id: lt.id } }, { launchTemplate: [lt.urn], targetGroupArns: [tg.urn] }, id);
  const logs = rec(T.logGroup, `${id}-app-logs`, { retentionInDays: 30 }, { kmsKeyId: [key.urn] }, id);
  own.push(
    { label: "Routing: target group + listener rule on its shard", records: [tg, r] },
    { label: "Security group, IAM role, instance profile, log group", records: [sg, role, profile, logs] },
    { label: "App compute: ASG t3.micro ×1 + 20 GB gp3", records: [lt, asg] },
  );
  return own;
}

/**
 * A reference stack: the platform, ceil(n / perShard) shards, the shared database servers its pooled tenants
 * need (tenants alternate engines; `perServer` per server, default 16: the most one server's network interface
 * takes, with the VPC quota raised) and `n` tenants of `kind` (plus `extra` tenants of other kinds, for the
 * comparison table).
 */
export function referenceStack(n: number, kind: ReferenceKind = "pooled", opts: { perShard?: number; perServer?: number; extra?: Array<{ tenant: string; kind: ReferenceKind }> } = {}): ReferenceStack {
  const perShard = opts.perShard ?? 100;
  const perServer = opts.perServer ?? 16;
  const platform = network("platform");
  const list = [...Array.from({ length: n }, (_, i) => ({ tenant: `t${String(i + 1).padStart(3, "0")}`, kind })), ...(opts.extra ?? [])];
  const onShared = list.filter((t) => t.kind !== "silo");
  const shards = Array.from({ length: Math.max(1, Math.ceil(onShared.length / perShard)) }, (_, i) => shard(i === 0 ? "web" : `web-${i}`));
  const pooled = list.filter((t) => t.kind === "pooled");
  const engines = ["postgres", "mysql"] as const;
  // Server of the p-th pooled tenant: its engine alternates, and each engine's tenants fill servers in order.
  const serverKey = (p: number) => `${engines[p % 2]}:${Math.floor(Math.floor(p / 2) / perServer)}`;
  const servers = new Map<string, BomGroup>();
  pooled.forEach((_, p) => {
    const k = serverKey(p);
    if (!servers.has(k)) servers.set(k, pooledServer(engines[p % 2], Number(k.split(":")[1])));
  });
  const clusters = [...servers.values()];
  const tenants = list.map((t) => {
    const i = onShared.indexOf(t);
    const p = pooled.indexOf(t);
    const listener = shards[Math.max(0, Math.floor(i / perShard))].records[1];
    // Pooled tenants alternate engines, as dev's acme (PostgreSQL) and globex (MySQL) do.
    return { ...t, groups: tenant(t.tenant, t.kind, listener, p >= 0 ? servers.get(serverKey(p)) : undefined) };
  });
  const owners = new Map<string, string | undefined>();
  const resources: RegisteredResource[] = [];
  for (const g of [...platform, ...shards, ...clusters]) for (const r of g.records) (resources.push(r), owners.set(r.urn, undefined));
  for (const t of tenants) for (const g of t.groups) for (const r of g.records) (resources.push(r), owners.set(r.urn, t.tenant));
  return { resources, owners, platform, shards, clusters, tenants };
}
