/**
 * Estimated FIXED monthly cost of what a run creates, per resource and per tenant, from the checked-in price
 * table (prices.ts). Pure: records in, estimate out. "Fixed" is what the resources cost at zero traffic.
 *
 * Who pays (the split rule, documented in README "Estimated fixed monthly cost"):
 * 1. A resource a tenant owns (its `bulkhead:tenant` tag, or the tenant component it belongs to; the same owner
 *    as the review's resource table) is that tenant's own cost.
 * 2. A shared resource that tenants' own resources depend on (directly, or through other shared resources: a
 *    tenant's listener rule → the shard's listener → the shard's load balancer; a tenant's database → the pooled
 *    cluster) is split equally among exactly those tenants. A cluster's instances go with their cluster.
 * 3. Every other shared resource (network, NAT, endpoints, bastion, platform keys) is the platform: split
 *    equally among the tenants on the shared network (pooled and dedicated-db). A tenant that owns its own VPC
 *    is a silo tenant and pays none of it. With no tenant on the shared network the platform stays unallocated
 *    (shown as such).
 * Anything that could not be priced (a type or size missing from the table, a value unknown at preview) is
 * listed with the reason, never counted as $0.
 */
import { decodeWire, isUnknownValue } from "../engine/wire";
import type { RegisteredResource } from "../engine/types";
import { isCreatedResource } from "../reporters/counts";
import { modelOf, ownersOf } from "../reporters/stack-model";
import { NO_CHARGE, PRICES, USAGE_ONLY, type PriceTable } from "./prices";

/** One priced component of a resource's cost: quantity × unit price = monthly. */
export interface CostItem {
  what: string;
  quantity: number;
  /** `h` (hours a month), `GB-month`, `ACU-h`, `month`, `IOPS-month`. */
  unit: string;
  /** USD per unit. */
  price: number;
  /** quantity × price, USD a month. */
  monthly: number;
}

export interface ResourceCost {
  urn: string;
  name: string;
  type: string;
  /** Owning tenant; undefined for a shared resource. */
  owner?: string;
  monthly: number;
  items: CostItem[];
}

export interface UnpricedResource {
  urn: string;
  name: string;
  type: string;
  owner?: string;
  reason: string;
}

/** A shared cost and the tenants it is split across. */
export interface SharedPool {
  /** `platform`, or the URN of the shared resource tenants use (a shard's load balancer, a pooled cluster). */
  id: string;
  /** Human label: `platform`, or `<name> (<short type>)`. */
  label: string;
  monthly: number;
  /** Tenants paying an equal share; empty when nobody is left to pay (unallocated). */
  tenants: string[];
  perTenant: number;
  /** Why these tenants: `uses` (they depend on it) or `platform` (every tenant on the shared network). */
  rule: "uses" | "platform";
}

export type TenantKind = "pooled" | "dedicated-db" | "silo";

/** Types that make a tenant owning one a dedicated-database tenant. */
const DATABASE_SERVERS = new Set(["aws:rds/instance:Instance", "aws:rds/cluster:Cluster", "aws:rds/clusterInstance:ClusterInstance"]);

export interface TenantCost {
  tenant: string;
  /**
   * `silo`: owns a VPC (its own network); `dedicated-db`: on the shared network with a database server of its
   * own (an RDS instance or cluster); `pooled`: on the shared network, no server of its own.
   */
  kind: TenantKind;
  own: number;
  shared: number;
  total: number;
}

export interface CostEstimate {
  priceTable: { asOf: string; region: string; currency: string; hoursPerMonth: number };
  /** Region of the stack's default AWS provider, when the program set one. */
  region?: string;
  resources: ResourceCost[];
  unpriced: UnpricedResource[];
  /** Resources billed only by usage, by type: $0 fixed. */
  usageOnly: Array<{ type: string; count: number; billedBy: string }>;
  tenants: TenantCost[];
  pools: SharedPool[];
  /** Shared cost nobody pays a share of (no pooled tenant). */
  unallocated: number;
  total: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

type Props = Record<string, any>;

function propsOf(r: RegisteredResource): Props {
  const p = decodeWire(r.inputs);
  return p !== null && typeof p === "object" && !Array.isArray(p) ? (p as Props) : {};
}

/** Thrown inside pricing when a value the price depends on is missing; becomes an unpriced entry. */
class NotPriced extends Error {}

function known<T>(v: T, what: string): Exclude<T, undefined> {
  if (v === undefined || v === null) throw new NotPriced(`${what} not set`);
  if (isUnknownValue(v)) throw new NotPriced(`${what} unknown until deployment`);
  return v as Exclude<T, undefined>;
}

function num(v: unknown, what: string): number {
  const k = known(v, what);
  const n = typeof k === "number" ? k : typeof k === "string" && k.trim() !== "" ? Number(k) : NaN;
  if (!Number.isFinite(n)) throw new NotPriced(`${what} = ${JSON.stringify(k)} is not a number`);
  return n;
}

function bool(v: unknown): boolean {
  return v === true || v === "true";
}

interface Context {
  prices: PriceTable;
  byUrn: Map<string, RegisteredResource>;
  byId: Map<string, RegisteredResource>;
  props: (r: RegisteredResource) => Props;
}

function hourly(what: string, price: number, hours: number, count = 1): CostItem {
  const quantity = hours * count;
  return { what, quantity, unit: "h", price, monthly: quantity * price };
}

function monthly(what: string, price: number, count = 1): CostItem {
  return { what, quantity: count, unit: "month", price, monthly: count * price };
}

function gbMonth(what: string, price: number, gb: number): CostItem {
  return { what, quantity: gb, unit: "GB-month", price, monthly: gb * price };
}

function ec2Hourly(ctx: Context, type: unknown): [string, number] {
  const t = known(type, "instanceType");
  if (typeof t !== "string") throw new NotPriced(`instanceType ${JSON.stringify(t)} is not a string`);
  const p = ctx.prices.ec2Hourly[t];
  if (p === undefined) throw new NotPriced(`EC2 instance type ${t} is not in the price table`);
  return [t, p];
}

function ebsItem(ctx: Context, what: string, size: unknown, type: unknown, count = 1): CostItem {
  const gb = num(size, `${what} volumeSize`);
  const vt = type === undefined || type === null ? "gp3" : known(type, `${what} volumeType`);
  const p = ctx.prices.ebsGbMonth[String(vt)];
  if (p === undefined) throw new NotPriced(`EBS volume type ${vt} is not in the price table`);
  return gbMonth(`${what} ${vt} ${gb} GB${count > 1 ? ` ×${count}` : ""}`, p, gb * count);
}

function engineFamily(engine: unknown): "postgres" | "mysql" {
  const e = String(known(engine, "engine"));
  if (/postgres/.test(e)) return "postgres";
  if (/mysql|mariadb/.test(e)) return "mysql";
  throw new NotPriced(`engine ${e} is not in the price table`);
}

/** The record an input refers to: by the property's dependency URN, else by the engine's (placeholder) id. */
function referenced(ctx: Context, r: RegisteredResource, prop: string, type: string, value: unknown): RegisteredResource | undefined {
  for (const urn of r.propertyDependencies?.[prop] ?? []) {
    const d = ctx.byUrn.get(urn);
    if (d?.type === type) return d;
  }
  if (typeof value === "string") {
    const d = ctx.byId.get(value);
    if (d?.type === type) return d;
  }
  return undefined;
}

/** Items of one resource; throws NotPriced with the reason. Undefined: the type is not in the table at all. */
function price(r: RegisteredResource, ctx: Context): CostItem[] | undefined {
  const P = ctx.prices;
  const H = P.hoursPerMonth;
  const p = ctx.props(r);
  switch (r.type) {
    case "aws:kms/key:Key":
    case "aws:kms/replicaKey:ReplicaKey":
    case "aws:kms/externalKey:ExternalKey":
      return [monthly("KMS key", P.kmsKeyMonth)];
    case "aws:secretsmanager/secret:Secret": {
      const replicas = Array.isArray(p.replicas) ? p.replicas.length : 0;
      return [monthly(`secret${replicas ? ` + ${replicas} replica${replicas === 1 ? "" : "s"}` : ""}`, P.secretMonth, 1 + replicas)];
    }
    case "aws:ec2/natGateway:NatGateway":
      return [hourly("NAT gateway", P.natGatewayHourly, H)];
    case "aws:ec2/eip:Eip":
      return [hourly("public IPv4 address", P.publicIpv4Hourly, H)];
    case "aws:ec2/vpcEndpoint:VpcEndpoint": {
      const kind = p.vpcEndpointType ?? "Gateway";
      if (isUnknownValue(kind)) throw new NotPriced("vpcEndpointType unknown until deployment");
      if (kind === "Gateway") return [];
      if (kind !== "Interface") throw new NotPriced(`${kind} endpoints are not in the price table`);
      const subnets = known(p.subnetIds, "subnetIds");
      if (!Array.isArray(subnets)) throw new NotPriced("subnetIds unknown until deployment");
      return [hourly(`interface endpoint × ${subnets.length} AZ`, P.interfaceEndpointAzHourly, H, subnets.length)];
    }
    case "aws:lb/loadBalancer:LoadBalancer":
    case "aws:alb/loadBalancer:LoadBalancer": {
      const kind = String(p.loadBalancerType ?? "application");
      const lbPrice = (P.loadBalancerHourly as Record<string, number>)[kind];
      if (lbPrice === undefined) throw new NotPriced(`load balancer type ${kind} is not in the price table`);
      const items = [hourly(`${kind} load balancer`, lbPrice, H)];
      if (!bool(p.internal) && kind !== "gateway") {
        // An internet-facing load balancer holds one public IPv4 address per AZ it serves.
        const azs = Array.isArray(p.subnetMappings) ? p.subnetMappings.length : Array.isArray(p.subnets) ? p.subnets.length : undefined;
        if (azs === undefined) throw new NotPriced("subnets unknown until deployment (one public IPv4 address per AZ)");
        items.push(hourly(`public IPv4 × ${azs} AZ`, P.publicIpv4Hourly, H, azs));
      }
      return items;
    }
    case "aws:ec2/instance:Instance": {
      const [t, hp] = ec2Hourly(ctx, p.instanceType);
      const items = [hourly(`${t} instance`, hp, H)];
      const root = p.rootBlockDevice;
      if (!root || root.volumeSize === undefined) throw new NotPriced("root volume size comes from the AMI (set rootBlockDevice.volumeSize)");
      items.push(ebsItem(ctx, "root", root.volumeSize, root.volumeType));
      for (const d of Array.isArray(p.ebsBlockDevices) ? p.ebsBlockDevices : []) items.push(ebsItem(ctx, String(d.deviceName ?? "volume"), d.volumeSize, d.volumeType));
      if (bool(p.associatePublicIpAddress)) items.push(hourly("public IPv4 address", P.publicIpv4Hourly, H));
      return items;
    }
    case "aws:ebs/volume:Volume":
      return [ebsItem(ctx, "volume", p.size, p.type)];
    case "aws:autoscaling/group:Group": {
      // Fixed app compute: the instances the group keeps running at zero traffic (desired, else min size).
      const count = num(p.desiredCapacity ?? p.minSize, "desiredCapacity/minSize");
      if (p.mixedInstancesPolicy) throw new NotPriced("mixed instances policy is not priced (instance types vary)");
      const ltRef = p.launchTemplate;
      if (!ltRef) throw new NotPriced(p.launchConfiguration ? "launch configurations are not priced" : "launchTemplate not set");
      const lt = referenced(ctx, r, "launchTemplate", "aws:ec2/launchTemplate:LaunchTemplate", ltRef.id ?? ltRef.name);
      if (!lt) throw new NotPriced("its launch template is not in this stack");
      const ltp = ctx.props(lt);
      if (count === 0) return [];
      const [t, hp] = ec2Hourly(ctx, ltp.instanceType);
      const items = [hourly(`${t} instance × ${count}`, hp, H, count)];
      const devices = Array.isArray(ltp.blockDeviceMappings) ? ltp.blockDeviceMappings.filter((d: Props) => d?.ebs) : [];
      if (!devices.length) throw new NotPriced("root volume size comes from the AMI (set blockDeviceMappings in the launch template)");
      for (const d of devices) items.push(ebsItem(ctx, String(d.deviceName ?? "volume"), d.ebs.volumeSize, d.ebs.volumeType, count));
      const nics = Array.isArray(ltp.networkInterfaces) ? ltp.networkInterfaces : [];
      if (nics.some((n: Props) => bool(n?.associatePublicIpAddress))) items.push(hourly(`public IPv4 × ${count}`, P.publicIpv4Hourly, H, count));
      return items;
    }
    case "aws:rds/instance:Instance": {
      const family = engineFamily(p.engine);
      const cls = String(known(p.instanceClass, "instanceClass"));
      const hp = P.rdsHourly[family][cls];
      if (hp === undefined) throw new NotPriced(`RDS ${family} class ${cls} is not in the price table`);
      const az = bool(p.multiAz) ? 2 : 1;
      const items = [hourly(`${cls} ${family}${az === 2 ? " Multi-AZ" : ""}`, hp, H, az)];
      const st = String(p.storageType ?? (p.iops ? "io1" : "gp2"));
      const sp = P.rdsStorageGbMonth[st];
      if (sp === undefined) throw new NotPriced(`RDS storage type ${st} is not in the price table`);
      const gb = num(p.allocatedStorage, "allocatedStorage");
      items.push(gbMonth(`${st} ${gb} GB${az === 2 ? " Multi-AZ" : ""}`, sp, gb * az));
      if ((st === "io1" || st === "io2") && p.iops !== undefined) {
        const iops = num(p.iops, "iops") * az;
        items.push({ what: `provisioned IOPS ${iops}`, quantity: iops, unit: "IOPS-month", price: P.rdsIopsMonth, monthly: iops * P.rdsIopsMonth });
      }
      if (bool(p.manageMasterUserPassword)) items.push(monthly("RDS-managed master secret", P.secretMonth));
      if (bool(p.publiclyAccessible)) items.push(hourly("public IPv4 address", P.publicIpv4Hourly, H));
      return items;
    }
    case "aws:rds/cluster:Cluster": {
      const engine = String(known(p.engine, "engine"));
      if (!engine.startsWith("aurora")) throw new NotPriced(`${engine} Multi-AZ DB clusters are not in the price table`);
      // Aurora storage and I/O are billed by use: $0 at an empty cluster. Instances are priced on their own records.
      return bool(p.manageMasterUserPassword) ? [monthly("RDS-managed master secret", P.secretMonth)] : [];
    }
    case "aws:rds/clusterInstance:ClusterInstance": {
      const cls = String(known(p.instanceClass, "instanceClass"));
      const cluster = referenced(ctx, r, "clusterIdentifier", "aws:rds/cluster:Cluster", p.clusterIdentifier) ?? clusterByIdentifier(ctx, p.clusterIdentifier);
      if (!cluster) throw new NotPriced("its cluster is not in this stack (storage configuration and capacity unknown)");
      const cp = ctx.props(cluster);
      const io = cp.storageType === "aurora-iopt1";
      const items: CostItem[] = [];
      if (cls === "db.serverless") {
        const scaling = known(cp.serverlessv2ScalingConfiguration, "cluster serverlessv2ScalingConfiguration");
        const acu = num(scaling.minCapacity, "minCapacity");
        const ap = io ? P.auroraAcuHour.ioOptimized : P.auroraAcuHour.standard;
        // Scale-to-zero (minCapacity 0) pauses the instance when idle: $0 fixed.
        if (acu > 0) items.push({ what: `Serverless v2 min ${acu} ACU${io ? " I/O-Optimized" : ""}`, quantity: acu * H, unit: "ACU-h", price: ap, monthly: acu * H * ap });
      } else {
        const family = engineFamily(p.engine ?? cp.engine);
        const hp = P.auroraHourly[family][cls];
        if (hp === undefined) throw new NotPriced(`Aurora ${family} class ${cls} is not in the price table`);
        const f = io ? P.auroraIoOptimizedInstanceFactor : 1;
        items.push(hourly(`${cls} Aurora ${family}${io ? " I/O-Optimized" : ""}`, hp * f, H));
      }
      if (bool(p.publiclyAccessible)) items.push(hourly("public IPv4 address", P.publicIpv4Hourly, H));
      return items;
    }
    case "aws:cloudwatch/metricAlarm:MetricAlarm":
      return [monthly("alarm", P.alarmMonth)];
    case "aws:route53/zone:Zone":
      return [monthly("hosted zone", P.hostedZoneMonth)];
    case "aws:eks/cluster:Cluster":
      return [hourly("EKS cluster", P.eksClusterHourly, H)];
    case "aws:ec2transitgateway/vpcAttachment:VpcAttachment":
      return [hourly("transit gateway attachment", P.transitGatewayAttachmentHourly, H)];
    default:
      return NO_CHARGE.has(r.type) || USAGE_ONLY.has(r.type) ? [] : undefined;
  }
}

function clusterByIdentifier(ctx: Context, id: unknown): RegisteredResource | undefined {
  if (typeof id !== "string") return undefined;
  for (const r of ctx.byUrn.values()) if (r.type === "aws:rds/cluster:Cluster" && (r.id === id || ctx.props(r).clusterIdentifier === id)) return r;
  return undefined;
}

function shortLabel(r: RegisteredResource): string {
  const m = /:([A-Za-z0-9]+)$/.exec(r.type);
  return `${r.name} (${m ? m[1] : r.type})`;
}

/** Shared resources that are part of another (by the input naming it): they are split like the whole. */
const PART_OF: Record<string, string> = { "aws:rds/clusterInstance:ClusterInstance": "clusterIdentifier" };

export interface EstimateOptions {
  /** Owner of every created resource (as `ownersOf`); computed from the records when absent. */
  owners?: Map<string, string | undefined>;
  prices?: PriceTable;
}

export function estimateCost(resources: readonly RegisteredResource[], opts: EstimateOptions = {}): CostEstimate {
  const prices = opts.prices ?? PRICES;
  const owners = opts.owners ?? ownersOf(resources, modelOf({ resources: resources as RegisteredResource[] }));
  const propsCache = new Map<RegisteredResource, Props>();
  const ctx: Context = {
    prices,
    byUrn: new Map(resources.map((r) => [r.urn, r])),
    byId: new Map(resources.filter((r) => r.id).map((r) => [r.id!, r])),
    props: (r) => {
      let p = propsCache.get(r);
      if (!p) propsCache.set(r, (p = propsOf(r)));
      return p;
    },
  };
  const priced: ResourceCost[] = [];
  const unpriced: UnpricedResource[] = [];
  const usage = new Map<string, number>();
  for (const r of resources) {
    if (!isCreatedResource(r)) continue;
    const owner = owners.get(r.urn);
    const base = { urn: r.urn, name: r.name, type: r.type, ...(owner !== undefined ? { owner } : {}) };
    try {
      const items = price(r, ctx);
      if (items === undefined) unpriced.push({ ...base, reason: "type not in the price table" });
      else if (items.length) priced.push({ ...base, items, monthly: items.reduce((a, i) => a + i.monthly, 0) });
      else if (USAGE_ONLY.has(r.type)) usage.set(r.type, (usage.get(r.type) ?? 0) + 1);
    } catch (e) {
      if (!(e instanceof NotPriced)) throw e;
      unpriced.push({ ...base, reason: e.message });
    }
  }

  // Tenants and their kind: a tenant owning a VPC runs its own network (silo).
  const tenants = new Map<string, TenantCost>();
  const tenantOf = (t: string) => {
    let c = tenants.get(t);
    if (!c) tenants.set(t, (c = { tenant: t, kind: "pooled", own: 0, shared: 0, total: 0 }));
    return c;
  };
  for (const r of resources) {
    const o = owners.get(r.urn);
    if (o === undefined) continue;
    const c = tenantOf(o);
    if (r.type === "aws:ec2/vpc:Vpc") c.kind = "silo";
    else if (DATABASE_SERVERS.has(r.type) && c.kind === "pooled") c.kind = "dedicated-db";
  }

  // Which tenants use each shared resource: walk dependencies from each tenant's own resources through shared ones.
  const usedBy = new Map<string, Set<string>>();
  for (const r of resources) {
    const t = owners.get(r.urn);
    if (t === undefined) continue;
    const seen = new Set<string>();
    const stack = [...depsOf(r)];
    while (stack.length) {
      const u = stack.pop()!;
      if (seen.has(u)) continue;
      seen.add(u);
      const d = ctx.byUrn.get(u);
      if (!d || owners.get(u) !== undefined) continue; // another tenant's or this tenant's own resource: not shared
      let s = usedBy.get(u);
      if (!s) usedBy.set(u, (s = new Set()));
      s.add(t);
      stack.push(...depsOf(d));
    }
  }

  // Tenants on the shared network (pooled and dedicated-db) pay the platform; silo tenants run their own.
  // A cluster's instances are its compute: whoever uses the cluster uses them (tenants depend on the cluster,
  // never on one instance of it).
  for (const r of resources) {
    const partOf = PART_OF[r.type];
    if (!partOf || owners.get(r.urn) !== undefined) continue;
    const whole = (r.propertyDependencies?.[partOf] ?? []).map((u) => usedBy.get(u)).find((s) => s?.size);
    if (whole) usedBy.set(r.urn, new Set([...(usedBy.get(r.urn) ?? []), ...whole]));
  }

  const pooled = [...tenants.values()].filter((t) => t.kind !== "silo").map((t) => t.tenant).sort();
  const pools: SharedPool[] = [];
  const platform: SharedPool = { id: "platform", label: "platform", monthly: 0, tenants: pooled, perTenant: 0, rule: "platform" };
  for (const c of priced) {
    if (c.owner !== undefined) {
      tenantOf(c.owner).own += c.monthly;
      continue;
    }
    const users = usedBy.get(c.urn);
    if (users?.size) pools.push({ id: c.urn, label: shortLabel(ctx.byUrn.get(c.urn)!), monthly: c.monthly, tenants: [...users].sort(), perTenant: c.monthly / users.size, rule: "uses" });
    else platform.monthly += c.monthly;
  }
  if (platform.monthly > 0) {
    platform.perTenant = pooled.length ? platform.monthly / pooled.length : 0;
    pools.push(platform);
  }
  let unallocated = 0;
  for (const pool of pools) {
    if (!pool.tenants.length) unallocated += pool.monthly;
    for (const t of pool.tenants) tenantOf(t).shared += pool.perTenant;
  }
  for (const t of tenants.values()) t.total = t.own + t.shared;
  const total = priced.reduce((a, c) => a + c.monthly, 0);
  const region = resources.find((r) => r.type === "pulumi:providers:aws" && /::default(_|$)/.test(r.urn));
  const regionValue = region ? propsOf(region).region : undefined;
  return {
    priceTable: { asOf: prices.asOf, region: prices.region, currency: prices.currency, hoursPerMonth: prices.hoursPerMonth },
    ...(typeof regionValue === "string" && !isUnknownValue(regionValue) ? { region: regionValue } : {}),
    resources: priced,
    unpriced,
    usageOnly: [...usage].sort((a, b) => a[0].localeCompare(b[0])).map(([type, count]) => ({ type, count, billedBy: USAGE_ONLY.get(type)! })),
    tenants: [...tenants.values()].sort((a, b) => a.tenant.localeCompare(b.tenant)),
    pools,
    unallocated,
    total,
  };
}

function depsOf(r: RegisteredResource): string[] {
  const out = new Set(r.dependencies ?? []);
  for (const us of Object.values(r.propertyDependencies ?? {})) for (const u of us) out.add(u);
  return [...out];
}

export { round2 };
