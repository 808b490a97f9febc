/**
 * Pure argument validation for bulkhead's components and the platform stack.
 *
 * Every function here runs before a single resource is registered, collects every problem it finds
 * and throws ONE {@link InputPropertiesError}, so a platform engineer fixes a config in one pass instead
 * of one deploy per typo. Nothing here imports the Pulumi runtime: validation stays cheap to test.
 */
import { Address4, Address6 } from "ip-address";

/** One rejected input: which field, the value that was given, and what to do instead. */
export interface InputProblem {
  field: string;
  value: unknown;
  problem: string;
  fix: string;
}

/** All the problems of one component's (or the stack's) arguments, thrown as a single error. */
export class InputPropertiesError extends Error {
  readonly problems: InputProblem[];
  constructor(subject: string, problems: InputProblem[]) {
    const lines = problems.map(
      (p) => `  - ${p.field} = ${show(p.value)}: ${p.problem}. Fix: ${p.fix}`,
    );
    // The root cause first, on one line: a single problem is the whole message; several are counted, then listed.
    super(problems.length === 1 ? `${subject}: ${lines[0].slice(4)}` : `${subject}: ${problems.length} invalid inputs\n${lines.join("\n")}`);
    this.name = "InputPropertiesError";
    this.problems = problems;
  }
}

function show(v: unknown): string {
  if (v === undefined) return "(unset)";
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/** Collects problems and throws them together. */
export class Problems {
  readonly list: InputProblem[] = [];
  add(field: string, value: unknown, problem: string, fix: string): void {
    this.list.push({ field, value, problem, fix });
  }
  merge(prefix: string, other: InputProblem[]): void {
    for (const p of other) this.list.push({ ...p, field: `${prefix}${p.field}` });
  }
  throwIfAny(subject: string): void {
    if (this.list.length > 0) throw new InputPropertiesError(subject, this.list);
  }
}

// ---------------------------------------------------------------------------------------------
// CIDR arithmetic (ip-address does the parsing; intervals are [start, end] inclusive bigints)

type Interval = [bigint, bigint];

export interface ParsedCidr {
  text: string;
  version: 4 | 6;
  prefix: number;
  start: bigint;
  end: bigint;
}

/** Parses an IPv4 or IPv6 CIDR; undefined when it is not one (a bare address without /n is refused). */
export function parseCidr(text: string): ParsedCidr | undefined {
  if (typeof text !== "string" || !text.includes("/")) return undefined;
  try {
    if (Address4.isValid(text)) {
      const a = new Address4(text);
      return { text, version: 4, prefix: a.subnetMask, start: a.startAddress().bigInt(), end: a.endAddress().bigInt() };
    }
    if (Address6.isValid(text)) {
      const a = new Address6(text);
      return { text, version: 6, prefix: a.subnetMask, start: a.startAddress().bigInt(), end: a.endAddress().bigInt() };
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** True when the CIDR's address is its network address (10.0.0.0/16, not 10.0.1.0/16). */
export function isNetworkAligned(c: ParsedCidr): boolean {
  const text = c.text.split("/")[0]!;
  const addr = c.version === 4 ? new Address4(text).bigInt() : new Address6(text).bigInt();
  return addr === c.start;
}

export function cidrsOverlap(a: ParsedCidr, b: ParsedCidr): boolean {
  return a.version === b.version && a.start <= b.end && b.start <= a.end;
}

function cidrInterval(text: string): Interval {
  const c = parseCidr(text)!;
  return [c.start, c.end];
}

function merge(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const out: Interval[] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1] + 1n) {
      if (e > last[1]) last[1] = e;
    } else out.push([s, e]);
  }
  return out;
}

function subtract(from: Interval[], remove: Interval[]): Interval[] {
  let rest = merge(from);
  for (const [rs, re] of merge(remove)) {
    const next: Interval[] = [];
    for (const [s, e] of rest) {
      if (re < s || rs > e) next.push([s, e]);
      else {
        if (rs > s) next.push([s, rs - 1n]);
        if (re < e) next.push([re + 1n, e]);
      }
    }
    rest = next;
  }
  return rest;
}

// Not publicly routable: "this network", RFC 1918, RFC 6598 CGNAT, loopback, link-local, IETF protocol
// assignments, documentation, benchmarking, multicast and reserved/broadcast.
const NON_PUBLIC_V4 = [
  "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
  "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
  "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
].map(cidrInterval);
const PUBLIC_V4 = subtract([[0n, (1n << 32n) - 1n]], NON_PUBLIC_V4);
// Global unicast 2000::/3 minus documentation space.
const PUBLIC_V6 = subtract([cidrInterval("2000::/3")], ["2001:db8::/32", "3fff::/20"].map(cidrInterval));

/**
 * True when the CIDRs together cover the whole public IPv4 space or the whole public IPv6 space:
 * 0.0.0.0/0 and ::/0 obviously, but also splits such as 0.0.0.0/1 + 128.0.0.0/1.
 */
export function coversPublicInternet(cidrs: string[]): boolean {
  const parsed = cidrs.map(parseCidr).filter((c): c is ParsedCidr => c !== undefined);
  const v4 = parsed.filter((c) => c.version === 4).map((c): Interval => [c.start, c.end]);
  const v6 = parsed.filter((c) => c.version === 6).map((c): Interval => [c.start, c.end]);
  return subtract(PUBLIC_V4, v4).length === 0 || subtract(PUBLIC_V6, v6).length === 0;
}

// ---------------------------------------------------------------------------------------------
// Subnet slot table

/** Tiers in slot-table order. The order is part of the address plan: append, never reorder. */
export const TIERS = ["public", "app", "data", "admin"] as const;
export type Tier = (typeof TIERS)[number];
/** Slots per tier: one per AZ letter a..h, so the table never depends on how many AZs exist. */
export const SLOTS_PER_TIER = 8;
/** Extra prefix bits taken by the slot table: 4 tiers × 8 AZ letters = 32 slots = 5 bits. */
export const SLOT_BITS = 5;
/** AWS's smallest subnet is a /28, so the VPC can be at most a /(28 - SLOT_BITS). */
export const MAX_VPC_PREFIX = 28 - SLOT_BITS;

/** The AZ letter's slot: a=0 … h=7. Keyed by letter, never by list position. */
export function azSlot(az: string): number {
  return az.charCodeAt(az.length - 1) - "a".charCodeAt(0);
}

/**
 * The subnet of (tier, AZ) inside vpcCidr: slot = tierIndex × 8 + AZ letter index, each slot
 * vpcPrefix + 5 bits long. Adding an AZ or a tier only fills an unused slot, so no existing subnet moves.
 */
export function subnetCidr(vpcCidr: string, tier: Tier, az: string): string {
  const vpc = new Address4(vpcCidr);
  const prefix = vpc.subnetMask + SLOT_BITS;
  const size = 1n << BigInt(32 - prefix);
  const slot = BigInt(TIERS.indexOf(tier) * SLOTS_PER_TIER + azSlot(az));
  const start = vpc.startAddress().bigInt() + slot * size;
  return `${Address4.fromBigInt(start).correctForm()}/${prefix}`;
}

// ---------------------------------------------------------------------------------------------
// Field checks shared by several components

export const TENANT_ID_PATTERN = /^[a-z][a-z0-9-]*[a-z0-9]$/;
export const TENANT_ID_MAX = 20;
const AZ_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d[a-h]$/;
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d$/;
/** Retention values CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/** Names the platform program uses for its own components; a tenant of that name would shadow them. */
export const RESERVED_TENANT_IDS = ["platform", "admin", "web", "shared"];

export function checkTenantId(p: Problems, field: string, id: unknown): void {
  if (typeof id === "string" && RESERVED_TENANT_IDS.includes(id)) {
    p.add(field, id, "reserved for the shared platform's own resources", "choose another tenant id");
    return;
  }
  if (typeof id !== "string" || id.length < 2 || id.length > TENANT_ID_MAX || !TENANT_ID_PATTERN.test(id) || id.includes("--")) {
    p.add(field, id, `a tenant id must be 2-${TENANT_ID_MAX} characters of lower-case letters, digits and single hyphens, starting with a letter and not ending with a hyphen`, `use an id such as "acme" or "acme-eu"`);
  }
}

/** A region name such as "eu-west-1". */
export function checkRegion(p: Problems, field: string, v: unknown): void {
  if (typeof v !== "string" || !REGION_PATTERN.test(v)) {
    p.add(field, v, "not an AWS region name", 'set aws:region or pass region, e.g. "eu-west-1"');
  }
}

function checkInt(p: Problems, field: string, v: unknown, min: number, max: number, fix?: string): void {
  if (v === undefined) return;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    p.add(field, v, `must be a whole number from ${min} to ${max}`, fix ?? `set a value between ${min} and ${max}`);
  }
}

function checkRetention(p: Problems, field: string, v: unknown): void {
  if (v !== undefined && !LOG_RETENTION_DAYS.includes(v as number)) {
    p.add(field, v, "CloudWatch Logs accepts only specific retention periods", `use one of ${LOG_RETENTION_DAYS.join(", ")}`);
  }
}

function checkInstanceType(p: Problems, field: string, v: unknown): void {
  if (v !== undefined && (typeof v !== "string" || !/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(v))) {
    p.add(field, v, "not an EC2 instance type", 'use a type such as "t3.micro"');
  }
}

function checkVpcCidr(p: Problems, field: string, v: unknown): ParsedCidr | undefined {
  const c = typeof v === "string" ? parseCidr(v) : undefined;
  if (!c || c.version !== 4) {
    p.add(field, v, "not an IPv4 CIDR block", 'use a private range such as "10.0.0.0/16"');
    return undefined;
  }
  if (!isNetworkAligned(c)) {
    p.add(field, v, "the address is not the network address of its prefix", `use ${Address4.fromBigInt(c.start).correctForm()}/${c.prefix}`);
    return undefined;
  }
  if (c.prefix < 16) {
    p.add(field, v, "AWS VPCs can be at most a /16", "use a /16 to /23 block");
    return undefined;
  }
  if (c.prefix > MAX_VPC_PREFIX) {
    p.add(field, v, `too small for the subnet plan: ${TIERS.length} tiers × ${SLOTS_PER_TIER} AZ slots need ${1 << SLOT_BITS} subnets of at least /28`, `use a /${MAX_VPC_PREFIX} or larger block (e.g. ${Address4.fromBigInt(c.start).correctForm()}/${MAX_VPC_PREFIX})`);
    return undefined;
  }
  const addr = new Address4(c.text.split("/")[0]!);
  if (!addr.isPrivate() && !addr.isCGNAT()) {
    p.add(field, v, "not a private (RFC 1918 / RFC 6598) range", "use a block inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16");
  }
  return c;
}

/** A dated, written reason for an advisory rule not applying; becomes the `bulkhead:exempt:<rule>` tag. */
export interface Exemption {
  /** Last day the exemption holds, `YYYY-MM-DD`. */
  expires: string;
  /** Why; letters, digits, spaces and `+-=._:/@` only (AWS tag alphabet), at most 240 characters. */
  reason: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TAG_VALUE = /^[A-Za-z0-9 +\-=._:/@]*$/;

/** Checks a dated exemption; `field` names where it came from. */
export function exemptionProblems(p: Problems, field: string, e: Exemption | undefined): void {
  if (e === undefined) return;
  if (typeof e !== "object" || e === null) {
    p.add(field, e, "an exemption is an object", 'write {expires: "YYYY-MM-DD", reason: "..."}');
    return;
  }
  const day = typeof e.expires === "string" && DATE.test(e.expires) ? new Date(`${e.expires}T00:00:00Z`) : undefined;
  // Round-tripping rejects impossible days such as 2027-02-30, as the policy pack does.
  if (!day || Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== e.expires) {
    p.add(`${field}.expires`, e.expires, "not a calendar date", "write the last valid day as YYYY-MM-DD");
  }
  if (typeof e.reason !== "string" || !e.reason.trim() || !TAG_VALUE.test(e.reason) || e.reason.length > 240) {
    p.add(`${field}.reason`, e.reason, "an exemption needs a written reason of at most 240 characters from the AWS tag alphabet (letters, digits, spaces, + - = . _ : / @)", 'say why, e.g. "dev data is disposable"');
  }
}

/** The tag that exempts a resource from one advisory rule. */
export function exemptionTag(rule: string, e: Exemption): Record<string, string> {
  return { [`bulkhead:exempt:${rule}`]: `${e.expires} ${e.reason}` };
}

// ---------------------------------------------------------------------------------------------
// Component arguments (plain-data parts; the components add pulumi.Input fields on top)

export type NatStrategy = "none" | "single" | "perAz";
export const NAT_STRATEGIES: NatStrategy[] = ["none", "single", "perAz"];

/** Plain-data part of PlatformNetworkArgs (see there for defaults). */
export interface NetworkSettings {
  /** IPv4 block of the VPC. Required; private (RFC 1918/6598), /16 to /23 (the slot table needs 32 subnets of ≥ /28). */
  cidrBlock: string;
  /**
   * AZs by name (`["eu-west-1a", "eu-west-1b"]`, letters a–h, one region) or by count (1–6, named
   * `<region>a`, `<region>b`, …). Required. Order does not matter: subnets are keyed by AZ letter.
   */
  availabilityZones: string[] | number;
  /** Region, needed only when `availabilityZones` is a count. Default: the `aws:region` config value. */
  region?: string;
  /** NAT gateways: `none`, `single` (one, in the lowest AZ) or `perAz`. Default `single` (~$33/month each). */
  natStrategy?: NatStrategy;
  /** VPC flow logs (ALL traffic) to a KMS-encrypted CloudWatch log group. Default `true`. */
  flowLogs?: boolean;
  /** Flow-log retention in days; one of CloudWatch's accepted values. Default 90. */
  flowLogRetentionDays?: number;
  /** Owner of a silo network: tags everything `bulkhead:tenant=<id>`. Default: unset (shared platform, untagged). */
  tenantId?: string;
}

/**
 * Resolves the AZ list: explicit names are kept (sorted by letter so nothing depends on list order);
 * a count n becomes `<region>a` … `<region>{n}`.
 */
export function resolveAvailabilityZones(azs: string[] | number, region: string | undefined): string[] {
  if (typeof azs === "number") {
    return Array.from({ length: azs }, (_, i) => `${region}${String.fromCharCode(97 + i)}`);
  }
  return [...azs].sort((a, b) => azSlot(a) - azSlot(b));
}

export function networkProblems(args: NetworkSettings): InputProblem[] {
  const p = new Problems();
  checkVpcCidr(p, "cidrBlock", args.cidrBlock);
  const azs = args.availabilityZones;
  if (typeof azs === "number") {
    if (!Number.isInteger(azs) || azs < 1 || azs > 6) {
      p.add("availabilityZones", azs, "unsupported AZ count", "use 1 to 6 AZs (2 or 3 is usual)");
    }
    if (typeof args.region !== "string" || !REGION_PATTERN.test(args.region)) {
      p.add("region", args.region, "an AZ count needs the region to name the zones", 'set aws:region (e.g. "eu-west-1") or list the AZ names');
    }
  } else if (!Array.isArray(azs) || azs.length < 1 || azs.length > 6) {
    p.add("availabilityZones", azs, "unsupported AZ count", "list 1 to 6 AZ names, e.g. [\"eu-west-1a\", \"eu-west-1b\"]");
  } else {
    const bad = azs.filter((a) => typeof a !== "string" || !AZ_PATTERN.test(a));
    if (bad.length) p.add("availabilityZones", bad, "not AZ names with a letter a-h", 'use names such as "eu-west-1a"');
    const letters = azs.filter((a) => typeof a === "string").map((a) => a.slice(-1));
    const dup = letters.filter((l, i) => letters.indexOf(l) !== i);
    if (dup.length) p.add("availabilityZones", azs, `AZ letter(s) ${[...new Set(dup)].join(", ")} listed twice`, "list each AZ once");
    const regions = new Set(azs.filter((a) => typeof a === "string").map((a) => a.slice(0, -1)));
    if (regions.size > 1) p.add("availabilityZones", azs, "AZs from more than one region", "a VPC lives in one region: list AZs of that region only");
  }
  if (args.natStrategy !== undefined && !NAT_STRATEGIES.includes(args.natStrategy)) {
    p.add("natStrategy", args.natStrategy, "unknown NAT strategy", `use one of ${NAT_STRATEGIES.join(", ")}`);
  }
  checkRetention(p, "flowLogRetentionDays", args.flowLogRetentionDays);
  if (args.tenantId !== undefined) checkTenantId(p, "tenantId", args.tenantId);
  return p.list;
}

export type AdminMode = "ssm" | "ssh";

/** Plain-data part of AdminAccessArgs (see there for defaults). */
export interface AdminSettings {
  /** `ssm` (default) or `ssh`. */
  mode?: AdminMode;
  /** SSH allowlist: required in `ssh` mode, refused in `ssm` mode, never world-wide. */
  adminCidrs?: string[];
  /** Bastion instance type; default `t3.micro`. */
  instanceType?: string;
  /** Session log retention, a CloudWatch value; default 365. */
  sessionLogRetentionDays?: number;
  /** Break-glass EC2 Instance Connect Endpoint; default `false`. */
  instanceConnectEndpoint?: boolean;
  /** Silo owner; default unset (platform). */
  tenantId?: string;
}

export function adminProblems(args: AdminSettings): InputProblem[] {
  const p = new Problems();
  const mode = args.mode ?? "ssm";
  if (mode !== "ssm" && mode !== "ssh") p.add("mode", args.mode, "unknown admin mode", 'use "ssm" (default, no inbound port) or "ssh"');
  const cidrs = args.adminCidrs ?? [];
  if (!Array.isArray(cidrs)) {
    p.add("adminCidrs", cidrs, "must be a list of CIDR blocks", 'use e.g. ["203.0.113.10/32"]');
  } else {
    if (mode === "ssh" && cidrs.length === 0) {
      p.add("adminCidrs", cidrs, "SSH mode needs an explicit allowlist", 'list your admins\' addresses, e.g. ["203.0.113.10/32"], or use mode "ssm"');
    }
    if (mode === "ssm" && cidrs.length > 0) {
      p.add("adminCidrs", cidrs, "the SSM bastion has no inbound rules, so an allowlist would be ignored", 'remove adminCidrs or set mode "ssh"');
    }
    const bad = cidrs.filter((c) => !parseCidr(c));
    if (bad.length) p.add("adminCidrs", bad, "not CIDR blocks", 'write addresses with a prefix, e.g. "203.0.113.10/32"');
    if (cidrs.length && coversPublicInternet(cidrs)) {
      p.add("adminCidrs", cidrs, "together these CIDRs open the admin port to the whole internet", "list only your admins' addresses (e.g. /32s) or use the SSM bastion");
    }
  }
  checkInstanceType(p, "instanceType", args.instanceType);
  checkRetention(p, "sessionLogRetentionDays", args.sessionLogRetentionDays);
  if (args.tenantId !== undefined) checkTenantId(p, "tenantId", args.tenantId);
  return p.list;
}

/** Plain-data part of ManagedSecretArgs. */
export interface SecretSettings {
  /** Owning tenant id. */
  tenantId: string;
  /** Generated password length, 16–128; default 32. */
  passwordLength?: number;
  /** Rotation interval in days, 1–1000. */
  rotationDays?: number;
  /** Number of reader roles when the list is known (an empty list would deny everyone). */
  readerRoleCount?: number;
}

export function secretProblems(args: SecretSettings): InputProblem[] {
  const p = new Problems();
  checkTenantId(p, "tenantId", args.tenantId);
  checkInt(p, "passwordLength", args.passwordLength, 16, 128);
  checkInt(p, "rotation.days", args.rotationDays, 1, 1000);
  if (args.readerRoleCount !== undefined && args.readerRoleCount < 1) {
    p.add("readerRoleArns", [], "the secret policy would deny every principal", "pass the tenant role ARN(s) that may read the secret");
  }
  return p.list;
}

export type Engine = "postgres" | "mysql";
export const ENGINES: Record<Engine, { port: number; version: string; family: string }> = {
  postgres: { port: 5432, version: "16", family: "postgres16" },
  mysql: { port: 3306, version: "8.0", family: "mysql8.0" },
};

/** Plain-data part of TenantDatabaseArgs. */
export interface DatabaseSettings {
  /** Owning tenant id. */
  tenantId: string;
  /** `postgres` or `mysql`. Required. */
  engine: string;
  /** RDS instance class; default `db.t4g.micro`. */
  instanceClass?: string;
  /** Storage in GiB, 20–65536; default 20. */
  allocatedStorage?: number;
  /** Backup retention in days, 0–35; default 7. */
  backupRetentionDays?: number;
  /** Deletion protection; default `true`. */
  deletionProtection?: boolean;
  /** Standby in a second AZ; default `false`. */
  multiAz?: boolean;
  /** Database name; default `app`. */
  dbName?: string;
  /** Application user (not a reserved name, ≤ 26 characters); default `app`. */
  username?: string;
  /** Rotate the app credential; default `true`. */
  rotation?: boolean;
  /** Days between rotations, 1–1000; default 30. */
  rotationDays?: number;
  /** Required when `rotation` is false: tagged `bulkhead:exempt:secrets-rotation`. */
  rotationExemption?: Exemption;
  /** Only with `deletionProtection: false`: tagged `bulkhead:exempt:rds-deletion-protection`. */
  deletionProtectionExemption?: Exemption;
  /**
   * `dedicated` (default): an RDS instance of the tenant's own. `pooled`: a database and two users of its own
   * on the platform's shared server for the engine (PooledDatabase); silo tenants are always dedicated.
   */
  placement?: string;
  /** Pooled only: which shared server of the engine (0 = the first), written once like routing. Default 0; 0–99. */
  pool?: number;
  /** Pooled only: concurrent sessions each of the tenant's two users may hold. Default 20; 1–1000. */
  connectionLimit?: number;
  /**
   * Only while moving between placements: the placement the tenant leaves. Its database, credential and
   * rotation stay as deployed next to the new ones until this is removed (README, "Moving a tenant between
   * pooled and dedicated"). Default: unset.
   */
  movingFrom?: string;
}

export type Placement = "pooled" | "dedicated";
export const PLACEMENTS: Placement[] = ["dedicated", "pooled"];
/** Default per-user session cap of a pooled tenant (PostgreSQL CONNECTION LIMIT, MySQL MAX_USER_CONNECTIONS). */
export const DEFAULT_CONNECTION_LIMIT = 20;
/** Pool shards are numbered 0…99, like load-balancer shards: a typo guard. */
export const POOL_MAX = 99;
/**
 * Settings of a dedicated instance. A pooled tenant has none of its own: the shared server's come from
 * `pooledDatabase`, its database and user names from its tenant id (so two tenants can never collide).
 */
export const DEDICATED_ONLY_FIELDS = [
  "instanceClass", "allocatedStorage", "backupRetentionDays", "deletionProtection", "deletionProtectionExemption", "multiAz", "dbName", "username",
] as const;

/** A pooled tenant's database on the shared server: `t_<tenant id, - as _>`. */
export function pooledDatabaseName(tenantId: string): string {
  return `t_${tenantId.replace(/-/g, "_")}`;
}

/** A pooled tenant's first user (the rotation adds `<user>_clone`): `t_<tenant>_app`, at most 26 characters. */
export function pooledUsername(tenantId: string): string {
  return `${pooledDatabaseName(tenantId)}_app`;
}

/** Name of the shared server of an engine's pool: `pooled-postgres`, `pooled-mysql-1`, … */
export function poolName(engine: string, pool = 0): string {
  return pool === 0 ? `pooled-${engine}` : `pooled-${engine}-${pool}`;
}

const RESERVED_USERS = ["admin", "root", "postgres", "rdsadmin", "mysql", "master"];

export function databaseProblems(args: DatabaseSettings): InputProblem[] {
  const p = new Problems();
  checkTenantId(p, "tenantId", args.tenantId);
  if (!(args.engine in ENGINES)) {
    p.add("engine", args.engine, "unknown engine", `use one of ${Object.keys(ENGINES).join(", ")}`);
  }
  if (args.instanceClass !== undefined && (typeof args.instanceClass !== "string" || !/^db\.[a-z0-9]+\.[a-z0-9]+$/.test(args.instanceClass))) {
    p.add("instanceClass", args.instanceClass, "not an RDS instance class", 'use a class such as "db.t4g.micro"');
  }
  checkInt(p, "allocatedStorage", args.allocatedStorage, 20, 65536);
  checkInt(p, "backupRetentionDays", args.backupRetentionDays, 0, 35);
  if (args.dbName !== undefined && (typeof args.dbName !== "string" || !/^[a-z][a-z0-9_]{0,62}$/.test(args.dbName))) {
    p.add("dbName", args.dbName, "not a valid database name", "use 1-63 lower-case letters, digits and underscores starting with a letter");
  }
  if (args.username !== undefined) {
    // The rotation strategy appends "_clone": keep room for it inside MySQL's 32-character limit.
    if (typeof args.username !== "string" || !/^[a-z][a-z0-9_]{0,25}$/.test(args.username)) {
      p.add("username", args.username, "not a valid database user name", "use 1-26 lower-case letters, digits and underscores starting with a letter");
    } else if (RESERVED_USERS.includes(args.username)) {
      p.add("username", args.username, "reserved by the engine or used by the master user", 'choose an application user name such as "app"');
    }
  }
  checkInt(p, "rotationDays", args.rotationDays, 1, 1000);
  if (args.rotation === false && args.rotationExemption === undefined) {
    p.add("rotationExemption", undefined, "turning rotation off needs a dated, written exemption (it is tagged on the secret as bulkhead:exempt:secrets-rotation)", 'set rotationExemption: {expires: "YYYY-MM-DD", reason: "..."}');
  }
  exemptionProblems(p, "rotationExemption", args.rotationExemption);
  exemptionProblems(p, "deletionProtectionExemption", args.deletionProtectionExemption);
  if (args.deletionProtection !== false && args.deletionProtectionExemption) {
    p.add("deletionProtectionExemption", args.deletionProtectionExemption, "deletion protection is on, so the exemption would mislead reviewers", "remove deletionProtectionExemption");
  }
  const placement = args.placement ?? "dedicated";
  const from = args.movingFrom;
  if (from !== undefined && (!PLACEMENTS.includes(from as Placement) || from === placement)) {
    p.add("movingFrom", from, `must name the placement the tenant leaves, the other one than placement "${placement}"`, `set movingFrom "${placement === "pooled" ? "dedicated" : "pooled"}" during the move, and remove it once the move is done`);
  }
  const sides = [placement, ...(from !== undefined && PLACEMENTS.includes(from as Placement) ? [from] : [])];
  if (!PLACEMENTS.includes(placement as Placement)) {
    p.add("placement", args.placement, "unknown database placement", 'use "dedicated" (an RDS instance of its own, the default) or "pooled" (its own database and users on the shared server)');
  } else if (sides.includes("pooled")) {
    // While moving from dedicated, the kept instance keeps its settings: they are the deployed one's.
    for (const f of sides.includes("dedicated") ? [] : DEDICATED_ONLY_FIELDS) {
      if (args[f] !== undefined) {
        p.add(f, args[f], f === "dbName" || f === "username"
          ? "a pooled tenant's database and user names are derived from its tenant id, so no two tenants can collide on the shared server"
          : "a pooled tenant has no instance of its own; the shared server is sized by bulkhead-platform:pooledDatabase",
        `remove ${f} (or set placement "dedicated")`);
      }
    }
    checkInt(p, "pool", args.pool, 0, POOL_MAX, `use the shared server the tenant was placed on (0 = the first, up to ${POOL_MAX})`);
    checkInt(p, "connectionLimit", args.connectionLimit, 1, 1000, `set the sessions each of the tenant's two users may hold (default ${DEFAULT_CONNECTION_LIMIT})`);
  } else {
    for (const f of ["pool", "connectionLimit"] as const) {
      if (args[f] !== undefined) p.add(f, args[f], "only a pooled database has a shared-server slot and a per-user session cap", `remove ${f} or set placement "pooled"`);
    }
  }
  return p.list;
}

/** Plain-data part of PooledDatabaseArgs: the shared server of one engine (stack config `pooledDatabase`). */
export interface PooledDatabaseSettings {
  /** RDS instance class. Default `db.t4g.small` (2 GiB: ~200 PostgreSQL connections). */
  instanceClass?: string;
  /** Initial gp3 storage in GiB. Default 20; 20–65536. */
  allocatedStorage?: number;
  /** Storage autoscaling ceiling in GiB. Default 100; ≥ allocatedStorage, ≤ 65536. */
  maxAllocatedStorage?: number;
  /** Automated backup retention in days. Default 7; 1–35 (a shared server always keeps backups). */
  backupRetentionDays?: number;
  /** RDS deletion protection (and a final snapshot on delete). Default `true`. */
  deletionProtection?: boolean;
  /** Only with `deletionProtection: false` (dev): a dated reason tagged as `bulkhead:exempt:rds-deletion-protection`. Default: none. */
  deletionProtectionExemption?: Exemption;
  /** Standby in a second AZ. Default `false`. */
  multiAz?: boolean;
  /**
   * Tenants one server holds, 1–16; default 5. Each has a security group of its own on the server, and
   * Amazon VPC allows 5 security groups per network interface unless raised (at most 16).
   */
  tenantsPerServer?: number;
}

/** Amazon VPC "Security groups per network interface": 5 unless raised, 16 at most. */
export const DEFAULT_TENANTS_PER_SERVER = 5;
export const MAX_TENANTS_PER_SERVER = 16;

export function pooledDatabaseProblems(args: PooledDatabaseSettings): InputProblem[] {
  const p = new Problems();
  if (args === null || typeof args !== "object" || Array.isArray(args)) {
    p.add("", args, "must be an object", "write e.g. {instanceClass: db.t4g.small, multiAz: true}");
    return p.list;
  }
  if (args.instanceClass !== undefined && (typeof args.instanceClass !== "string" || !/^db\.[a-z0-9]+\.[a-z0-9]+$/.test(args.instanceClass))) {
    p.add("instanceClass", args.instanceClass, "not an RDS instance class", 'use a class such as "db.t4g.small"');
  }
  checkInt(p, "allocatedStorage", args.allocatedStorage, 20, 65536);
  checkInt(p, "maxAllocatedStorage", args.maxAllocatedStorage, 20, 65536);
  if (typeof args.maxAllocatedStorage === "number" && args.maxAllocatedStorage < (args.allocatedStorage ?? 20)) {
    p.add("maxAllocatedStorage", args.maxAllocatedStorage, "below allocatedStorage, so storage could never grow", "set it at least as large as allocatedStorage");
  }
  checkInt(p, "backupRetentionDays", args.backupRetentionDays, 1, 35, "keep 1 to 35 days: a shared server's backups are every pooled tenant's");
  exemptionProblems(p, "deletionProtectionExemption", args.deletionProtectionExemption);
  if (args.deletionProtection !== false && args.deletionProtectionExemption) {
    p.add("deletionProtectionExemption", args.deletionProtectionExemption, "deletion protection is on, so the exemption would mislead reviewers", "remove deletionProtectionExemption");
  }
  checkInt(p, "tenantsPerServer", args.tenantsPerServer, 1, MAX_TENANTS_PER_SERVER,
    `use 1-${MAX_TENANTS_PER_SERVER}: one security group per tenant sits on the server, and Amazon VPC allows at most ${MAX_TENANTS_PER_SERVER} per network interface (${DEFAULT_TENANTS_PER_SERVER} unless raised)`);
  return p.list;
}

export type Isolation = "pooled" | "silo";

/** Plain-data part of a tenant's app tier (see TenantAppArgs for defaults). */
export interface AppSettings {
  /** EC2 instance type. Default `t3.micro`. */
  instanceType?: string;
  /** Auto Scaling group minimum, 0–100. Default 1. */
  minSize?: number;
  /** Auto Scaling group maximum, 1–100. Default 2. */
  maxSize?: number;
  /** Desired capacity. Default `minSize`. */
  desiredCapacity?: number;
  /** HTTPS port the app listens on (target group and SG rules), 1024–65535. Default 8443. */
  port?: number;
  /** Host name routed to this tenant by the listener rule. Default `<tenantId>.example.com`. */
  hostname?: string;
  /**
   * Pooled only: an ACM certificate for this host name, added by the platform stack to the shard's HTTPS
   * listener (PublicLoadBalancer `additionalCertificateArns`, SNI) when it is not the platform `certificateArn`.
   * Counts against the shard's certificates quota. A Tenant built on its own leaves listener certificates to
   * its PublicLoadBalancer. Default: the platform's.
   */
  certificateArn?: string;
}

/** Plain-data part of a tenant (stack config entry). */
export interface TenantSettings {
  /** Tenant id: 2–20 lower-case letters, digits, single hyphens; starts with a letter. */
  tenantId: string;
  /** `pooled` (default) or `silo`. */
  isolation?: Isolation;
  /** Silo only (required there): the tenant VPC CIDR. */
  cidrBlock?: string;
  /** Optional app tier. */
  app?: AppSettings;
  /** Optional database. */
  database?: Omit<DatabaseSettings, "tenantId">;
  /** Pooled with an app tier: its slot on the shared load balancers (required there, see {@link Routing}). */
  routing?: Routing;
}

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export function tenantProblems(args: TenantSettings): InputProblem[] {
  const p = new Problems();
  checkTenantId(p, "tenantId", args.tenantId);
  const iso = args.isolation ?? "pooled";
  if (iso !== "pooled" && iso !== "silo") p.add("isolation", args.isolation, "unknown isolation", 'use "pooled" (shared VPC, isolated by security groups) or "silo" (own VPC)');
  if (iso === "silo") {
    if (args.cidrBlock === undefined) p.add("cidrBlock", undefined, "a silo tenant gets its own VPC and needs its own CIDR", 'set e.g. "10.64.0.0/20", not overlapping the platform or other silos');
    else checkVpcCidr(p, "cidrBlock", args.cidrBlock);
  } else if (iso === "pooled" && args.cidrBlock !== undefined) {
    p.add("cidrBlock", args.cidrBlock, "a pooled tenant lives in the platform VPC and has no CIDR of its own", 'remove cidrBlock or set isolation "silo"');
  }
  const app = args.app;
  if (app) {
    checkInstanceType(p, "app.instanceType", app.instanceType);
    checkInt(p, "app.minSize", app.minSize, 0, 100);
    checkInt(p, "app.maxSize", app.maxSize, 1, 100);
    checkInt(p, "app.desiredCapacity", app.desiredCapacity, 0, 100);
    checkInt(p, "app.port", app.port, 1024, 65535, "use an unprivileged port such as 8443 (admin and database ports are refused by the pack anyway)");
    const min = app.minSize ?? 1, max = app.maxSize ?? 2, want = app.desiredCapacity ?? min;
    if (min > max || want < min || want > max) {
      p.add("app.desiredCapacity", { minSize: min, desiredCapacity: want, maxSize: max }, "sizes must satisfy minSize ≤ desiredCapacity ≤ maxSize", "adjust the three sizes");
    }
    if (app.hostname !== undefined && (typeof app.hostname !== "string" || !HOSTNAME.test(app.hostname))) {
      p.add("app.hostname", app.hostname, "not a DNS host name", 'use e.g. "acme.example.com"');
    }
  }
  if (args.database) {
    p.merge("database.", databaseProblems({ ...args.database, tenantId: args.tenantId }).filter((x) => x.field !== "tenantId"));
    if (iso === "silo" && args.database.placement === "pooled") {
      p.add("database.placement", "pooled", "a silo tenant shares nothing with the platform; its database is an instance in its own VPC", 'remove placement (or set "dedicated")');
    }
    if (iso === "silo" && args.database.movingFrom === "pooled") {
      p.add("database.movingFrom", "pooled", "a silo tenant's VPC never reaches the platform's shared servers", "move the database to dedicated while the tenant is still pooled, then make it silo");
    }
  }
  return p.list;
}

// ---------------------------------------------------------------------------------------------
// Routing: explicit (shard, priority) slots on the shared internet-facing load balancers

/** A pooled tenant's place on the shared load balancers, written once in stack config and never derived. */
export interface Routing {
  /** Which PublicLoadBalancer shard (0 = the first, named `web`) carries the tenant's rule and target group. */
  shard: number;
  /** Listener-rule priority on that shard's HTTPS listener, 1–50000, unique within the shard. */
  priority: number;
}

/** ALB listener-rule priorities AWS accepts (the default rule is outside this range). */
export const PRIORITY_MIN = 1;
export const PRIORITY_MAX = 50000;
/** Shards are numbered 0…99: far beyond the default 50 load balancers per region, a typo guard. */
export const SHARD_MAX = 99;

/**
 * Application Load Balancer quotas that decide how many tenants one shard holds
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html).
 */
export interface LoadBalancerQuotas {
  /** Target groups per load balancer: 100, not adjustable (one per pooled app tenant). */
  targetGroups?: number;
  /** Rules per load balancer, default rules excluded: 100 unless raised through Service Quotas. */
  rules?: number;
  /** Certificates per load balancer, default certificates excluded: 25 unless raised (one per distinct tenant `app.certificateArn`). */
  certificates?: number;
  /**
   * Amazon VPC's "Inbound or outbound rules per security group": 60 unless raised (at most 1,000 divided by
   * security groups per network interface). The shard's security group has one egress rule per tenant, to
   * that tenant's app group (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups).
   */
  securityGroupRules?: number;
}

export const ALB_QUOTAS: Required<LoadBalancerQuotas> = { targetGroups: 100, rules: 100, certificates: 25, securityGroupRules: 60 };

/** What one pooled app tenant occupies on its shard: a rule, a target group, and maybe an extra certificate. */
export interface ShardUsage {
  targetGroups: number;
  rules: number;
  /** Distinct additional (SNI) certificates. */
  certificates: Set<string>;
}

/** True for the tenants that take a routing slot: pooled (the default) with an app tier. */
export function routedTenant(t: TenantSettings | undefined): boolean {
  return !!t && !!t.app && (t.isolation ?? "pooled") === "pooled";
}

/** The certificate a tenant adds to its shard's listener, when it is not the listener's default. */
function extraCertificate(t: TenantSettings, defaultCertificateArn: string | undefined): string | undefined {
  const c = t.app?.certificateArn;
  return typeof c === "string" && c !== defaultCertificateArn ? c : undefined;
}

/** Host name a tenant's listener rule matches. */
export function tenantHostname(t: TenantSettings): string {
  return t.app?.hostname ?? `${t.tenantId}.example.com`;
}

/**
 * The listener-rule priority bulkhead derived from the tenant id before routing was explicit (an FNV-1a
 * hash). Kept only so {@link proposeRouting} can hand a deployed tenant back the number its rule already
 * has; it is never used to route.
 */
export function legacyListenerPriority(tenantId: string): number {
  let h = 2166136261;
  for (const ch of tenantId) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return (h % 49000) + 1000;
}

const validRouting = (r: unknown): r is Routing =>
  !!r && typeof r === "object" && Number.isInteger((r as Routing).shard) && (r as Routing).shard >= 0 && (r as Routing).shard <= SHARD_MAX &&
  Number.isInteger((r as Routing).priority) && (r as Routing).priority >= PRIORITY_MIN && (r as Routing).priority <= PRIORITY_MAX;

/** Effective quotas: AWS's defaults overlaid with what the config raised. */
export function effectiveQuotas(q: LoadBalancerQuotas | undefined): Required<LoadBalancerQuotas> {
  return { ...ALB_QUOTAS, ...(q ?? {}), targetGroups: ALB_QUOTAS.targetGroups };
}

/** One proposed slot: the tenant (by its position in `tenants`) and the routing to add to its entry. */
export interface RoutingProposal {
  index: number;
  tenantId: string;
  routing: Routing;
}

/**
 * Proposes a slot for every routed tenant that has none, leaving every written slot where it is: the
 * lowest shard with room under all three quotas, and on it the tenant's legacy priority when that number
 * is free there (a tenant deployed before routing was explicit keeps its rule unchanged), else the lowest
 * free priority. Pure: same config in, same proposals out; written slots are never moved, so applying a
 * proposal changes no other tenant. Tenants whose written slot is invalid are left to validation.
 */
export function proposeRouting(
  tenants: TenantSettings[],
  opts: { quotas?: LoadBalancerQuotas; defaultCertificateArn?: string } = {},
): RoutingProposal[] {
  const q = effectiveQuotas(opts.quotas);
  const usage = new Map<number, ShardUsage & { priorities: Set<number> }>();
  const shard = (n: number) => {
    let u = usage.get(n);
    if (!u) usage.set(n, (u = { targetGroups: 0, rules: 0, certificates: new Set(), priorities: new Set() }));
    return u;
  };
  const take = (n: number, priority: number, cert: string | undefined) => {
    const u = shard(n);
    u.targetGroups++;
    u.rules++;
    u.priorities.add(priority);
    if (cert) u.certificates.add(cert);
  };
  const list = Array.isArray(tenants) ? tenants : [];
  for (const t of list) {
    if (routedTenant(t) && validRouting(t.routing)) take(t.routing.shard, t.routing.priority, extraCertificate(t, opts.defaultCertificateArn));
  }
  const out: RoutingProposal[] = [];
  list.forEach((t, index) => {
    if (!routedTenant(t) || t.routing !== undefined || typeof t.tenantId !== "string") return;
    const cert = extraCertificate(t, opts.defaultCertificateArn);
    let n = 0;
    for (; n <= SHARD_MAX; n++) {
      const u = shard(n);
      const certs = cert && !u.certificates.has(cert) ? u.certificates.size + 1 : u.certificates.size;
      if (u.targetGroups < q.targetGroups && u.rules < q.rules && u.rules < q.securityGroupRules && certs <= q.certificates) break;
    }
    if (n > SHARD_MAX) return; // validation reports the tenant as unallocated with no room left
    const u = shard(n);
    let priority = legacyListenerPriority(t.tenantId);
    if (u.priorities.has(priority)) for (priority = PRIORITY_MIN; u.priorities.has(priority); priority++);
    take(n, priority, cert);
    out.push({ index, tenantId: t.tenantId, routing: { shard: n, priority } });
  });
  return out;
}

function routingProblems(p: Problems, cfg: PlatformSettings): void {
  const tenants = cfg.tenants;
  const quotasGiven = cfg.loadBalancerQuotas;
  if (quotasGiven !== undefined) {
    if (typeof quotasGiven !== "object" || quotasGiven === null || Array.isArray(quotasGiven)) {
      p.add("loadBalancerQuotas", quotasGiven, "must be an object", "write e.g. {rules: 100, certificates: 25}");
    } else {
      if (quotasGiven.targetGroups !== undefined && quotasGiven.targetGroups !== ALB_QUOTAS.targetGroups) {
        p.add("loadBalancerQuotas.targetGroups", quotasGiven.targetGroups, "AWS does not raise the 100 target groups per Application Load Balancer", "remove loadBalancerQuotas.targetGroups; more tenants go on more shards");
      }
      checkInt(p, "loadBalancerQuotas.rules", quotasGiven.rules, 1, 10000, "set the rules-per-load-balancer quota your account has (AWS default 100)");
      checkInt(p, "loadBalancerQuotas.certificates", quotasGiven.certificates, 1, 1000, "set the certificates-per-load-balancer quota your account has (AWS default 25)");
      checkInt(p, "loadBalancerQuotas.securityGroupRules", quotasGiven.securityGroupRules, 1, 1000, "set the rules-per-security-group quota your account has (AWS default 60)");
    }
  }
  const q = effectiveQuotas(quotasGiven && typeof quotasGiven === "object" ? quotasGiven : undefined);
  const proposals = new Map(proposeRouting(tenants, { quotas: q, defaultCertificateArn: cfg.certificateArn }).map((x) => [x.index, x.routing]));
  const bySlot = new Map<string, string>();
  const usage = new Map<number, { targetGroups: number; rules: number; certificates: Set<string>; tenants: string[] }>();
  const hosts = new Map<string, string>();
  tenants.forEach((t, i) => {
    if (!t || typeof t !== "object") return;
    const r = t.routing;
    if (!routedTenant(t)) {
      if (r !== undefined) {
        const why = t.isolation === "silo" ? "a silo tenant routes through its own load balancer" : "a tenant without an app tier has no listener rule";
        p.add(`tenants[${i}].routing`, r, why, "remove routing (its slot becomes free for another tenant)");
      }
      if (t.app?.certificateArn !== undefined && t.isolation === "silo") {
        p.add(`tenants[${i}].app.certificateArn`, t.app.certificateArn, "a silo tenant's listener uses the platform certificateArn", "remove app.certificateArn");
      }
      return;
    }
    const host = tenantHostname(t);
    const other = hosts.get(host);
    // Two rules matching one host: the lower priority silently takes every request (and on two shards, DNS decides).
    if (other !== undefined) p.add(`tenants[${i}].app.hostname`, host, `tenant "${other}" is already routed for this host name`, "give every tenant its own host name");
    else hosts.set(host, t.tenantId);
    const cert = t.app?.certificateArn;
    if (cert !== undefined && (typeof cert !== "string" || !ACM_ARN.test(cert))) {
      p.add(`tenants[${i}].app.certificateArn`, cert, "not an ACM certificate ARN", "use e.g. arn:aws:acm:eu-west-1:123456789012:certificate/…");
    }
    if (r === undefined) {
      const next = proposals.get(i);
      p.add(`tenants[${i}].routing`, r, "a pooled tenant with an app tier needs an explicit load-balancer slot, so adding or removing other tenants never moves it",
        next ? `add routing: {shard: ${next.shard}, priority: ${next.priority}} (the next free slot; \`bulkhead tenants allocate . --stack <stack>\` prints every missing one)`
          : `raise loadBalancerQuotas.rules or move tenants: shards 0-${SHARD_MAX} are full`);
      return;
    }
    if (!validRouting(r)) {
      p.add(`tenants[${i}].routing`, r, `must be {shard: 0-${SHARD_MAX}, priority: ${PRIORITY_MIN}-${PRIORITY_MAX}} with whole numbers`, "keep the slot the tenant was given; for a new tenant run `bulkhead tenants allocate`");
      return;
    }
    const key = `${r.shard}/${r.priority}`;
    const holder = bySlot.get(key);
    if (holder !== undefined) {
      const free = proposeRouting([...tenants.filter((x) => x !== t), { ...t, routing: undefined }], { quotas: q, defaultCertificateArn: cfg.certificateArn }).find((x) => x.tenantId === t.tenantId);
      p.add(`tenants[${i}].routing`, r, `shard ${r.shard} priority ${r.priority} is already tenant "${holder}"'s`,
        free ? `give this tenant the free slot {shard: ${free.routing.shard}, priority: ${free.routing.priority}} (leave the deployed one where it is)` : "choose a free priority on a shard with room");
    } else bySlot.set(key, t.tenantId);
    let u = usage.get(r.shard);
    if (!u) usage.set(r.shard, (u = { targetGroups: 0, rules: 0, certificates: new Set(), tenants: [] }));
    u.targetGroups++;
    u.rules++;
    u.tenants.push(`tenants[${i}]`);
    const extra = extraCertificate(t, cfg.certificateArn);
    if (extra) u.certificates.add(extra);
  });
  // Shards spread the load balancers' groups, but every pooled tenant also adds one rule to two platform-wide
  // groups (PlatformNetwork's endpoint group admits its app and its database rotation; the bastion's group
  // reaches its app on 22), and those cannot be sharded. Counted here so the quota fails at validation,
  // not halfway through a deployment. test/components/routing.test.ts holds these counts to the build.
  const pooledTenants = tenants.filter((t) => t && typeof t === "object" && (t.isolation ?? "pooled") === "pooled");
  // A tenant moving between placements runs two rotation functions until the move is done.
  const endpointIngress = 1 + pooledTenants.length + pooledTenants.filter((t) => t.database).length + pooledTenants.filter((t) => t.database?.movingFrom).length;
  const bastionEgress = 2 + pooledTenants.length;
  if (Math.max(endpointIngress, bastionEgress) > q.securityGroupRules) {
    p.add("loadBalancerQuotas.securityGroupRules", q.securityGroupRules,
      `${pooledTenants.length} pooled tenants put ${endpointIngress} ingress rules on the platform's interface-endpoint security group and ${bastionEgress} egress rules on the bastion's (one per tenant, one more per tenant database's rotation function); Amazon VPC allows ${q.securityGroupRules} rules per direction per security group`,
      `ask AWS (Service Quotas, "Inbound or outbound rules per security group") for at least ${Math.max(endpointIngress, bastionEgress)} and set loadBalancerQuotas.securityGroupRules to the granted value, or make some tenants silo`);
  }
  const roomy = (n: number) => {
    const u = usage.get(n);
    return !u || (u.targetGroups < q.targetGroups && u.rules < q.rules && u.rules < q.securityGroupRules);
  };
  for (const [shard, u] of [...usage].sort((x, y) => x[0] - y[0])) {
    const over: string[] = [];
    if (u.targetGroups > q.targetGroups) over.push(`${u.targetGroups} target groups (AWS allows ${q.targetGroups} per load balancer, not adjustable)`);
    if (u.rules > q.rules) over.push(`${u.rules} listener rules (quota ${q.rules}, loadBalancerQuotas.rules)`);
    if (u.certificates.size > q.certificates) over.push(`${u.certificates.size} certificates besides the default (quota ${q.certificates}, loadBalancerQuotas.certificates)`);
    if (u.rules > q.securityGroupRules) over.push(`${u.rules} egress rules on its security group (quota ${q.securityGroupRules} rules per security group, loadBalancerQuotas.securityGroupRules)`);
    if (over.length === 0) continue;
    // Named at the first entry past the quota (config order): the ones listed last are usually the newest.
    const keep = Math.min(q.targetGroups, q.rules, q.securityGroupRules);
    const past = u.tenants.slice(Math.min(keep, u.tenants.length - 1));
    let to = 0;
    while (to === shard || !roomy(to)) to++;
    const raise = [
      ...(u.rules > q.rules && q.rules < ALB_QUOTAS.targetGroups ? ["raise loadBalancerQuotas.rules once AWS has raised your rules quota"] : []),
      ...(u.certificates.size > q.certificates ? ["raise loadBalancerQuotas.certificates once AWS has raised your certificates quota, or share a certificate"] : []),
      ...(u.rules > q.securityGroupRules ? ["raise loadBalancerQuotas.securityGroupRules once AWS has raised your rules-per-security-group quota"] : []),
    ];
    p.add(`${past[0]}.routing.shard`, shard,
      `load balancer shard ${shard} would carry ${over.join(" and ")}; ${past.length} tenant(s) past the quota: ${past.length > 4 ? [...past.slice(0, 3), "…", past[past.length - 1]].join(", ") : past.join(", ")}`,
      `set routing.shard of ${past.length === 1 ? past[0] : `those ${past.length} tenants`} to a shard with room, e.g. ${to} (each gets a new listener rule there; nobody else moves)${raise.length ? `, or ${raise.join(", or ")}` : ""}`);
  }
}

const ACM_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/;

// ---------------------------------------------------------------------------------------------
// The whole platform (stack-level invariants that no single component can see)

/** Everything the platform stack is built from (stack config, see README.md, "Components and stacks"). */
export interface PlatformSettings {
  /** The platform network. */
  network: NetworkSettings;
  /** The platform bastion. */
  admin: AdminSettings;
  /** One entry per tenant; ids unique, silo CIDRs disjoint. */
  tenants: TenantSettings[];
  /** ACM certificate; required when any tenant has an app tier. */
  certificateArn?: string;
  /** Deployment roles; required when any tenant has a database. */
  deployerRoleArns?: string[];
  /** Quotas the load-balancer shards are checked against; default AWS's (100 target groups, 100 rules, 25 certificates). */
  loadBalancerQuotas?: LoadBalancerQuotas;
  /** The shared database servers of pooled tenants (one per engine and pool in use). */
  pooledDatabase?: PooledDatabaseSettings;
}

/** Tenants with a pooled database, by shared server (`pooled-postgres`, …), as config indexes. */
export function pooledTenantsByServer(tenants: TenantSettings[]): Map<string, number[]> {
  const by = new Map<string, number[]>();
  tenants.forEach((t, i) => {
    const d = t?.database;
    if (!d || (d.placement !== "pooled" && d.movingFrom !== "pooled") || t.isolation === "silo" || !(d.engine in ENGINES)) return;
    const key = poolName(d.engine, typeof d.pool === "number" ? d.pool : 0);
    by.set(key, [...(by.get(key) ?? []), i]);
  });
  return by;
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]+$/;

export function platformProblems(cfg: PlatformSettings): InputProblem[] {
  const p = new Problems();
  p.merge("network.", networkProblems(cfg.network));
  p.merge("admin.", adminProblems(cfg.admin));
  if (!Array.isArray(cfg.tenants)) {
    p.add("tenants", cfg.tenants, "must be a list", "list tenants as [{tenantId: ...}, ...]");
    return p.list;
  }
  cfg.tenants.forEach((t, i) => p.merge(`tenants[${i}].`, tenantProblems(t)));
  const ids = cfg.tenants.map((t) => t?.tenantId);
  ids.forEach((id, i) => {
    if (ids.indexOf(id) !== i) p.add(`tenants[${i}].tenantId`, id, "duplicate tenant id", "give every tenant a unique id");
  });
  // Overlapping address space would let a later peering or VPN reach a neighbour: refuse it outright.
  const platform = parseCidr(cfg.network?.cidrBlock);
  const silos: Array<{ i: number; c: ParsedCidr }> = [];
  cfg.tenants.forEach((t, i) => {
    if (t?.isolation !== "silo" || !t.cidrBlock) return;
    const c = parseCidr(t.cidrBlock);
    if (!c) return;
    if (platform && cidrsOverlap(c, platform)) {
      p.add(`tenants[${i}].cidrBlock`, t.cidrBlock, `overlaps the platform VPC ${platform.text}`, "choose a block outside the platform CIDR");
    }
    for (const o of silos) {
      if (cidrsOverlap(c, o.c)) {
        p.add(`tenants[${i}].cidrBlock`, t.cidrBlock, `overlaps silo tenant "${cfg.tenants[o.i]!.tenantId}" (${o.c.text})`, "give every silo tenant a disjoint block");
      }
    }
    silos.push({ i, c });
  });
  routingProblems(p, cfg);
  if (cfg.pooledDatabase !== undefined) p.merge("pooledDatabase.", pooledDatabaseProblems(cfg.pooledDatabase));
  const perServer = typeof cfg.pooledDatabase?.tenantsPerServer === "number" ? cfg.pooledDatabase.tenantsPerServer : DEFAULT_TENANTS_PER_SERVER;
  for (const [server, members] of pooledTenantsByServer(cfg.tenants)) {
    if (members.length <= perServer) continue;
    const first = members[perServer]!;
    const t = cfg.tenants[first]!;
    p.add(`tenants[${first}].database.pool`, t.database!.pool, `shared server ${server} would hold ${members.length} tenants; each has its own security group on the server and pooledDatabase.tenantsPerServer is ${perServer} (Amazon VPC: security groups per network interface, 5 unless raised, 16 at most)`,
      `set database.pool of tenants[${members.slice(perServer).join("], tenants[")}] to another shared server (e.g. ${(t.database!.pool ?? 0) + 1}), or raise the quota and pooledDatabase.tenantsPerServer`);
  }
  // RDS subnet groups and ALBs refuse to span a single AZ.
  const azs = cfg.network?.availabilityZones;
  const azCount = typeof azs === "number" ? azs : Array.isArray(azs) ? azs.length : 0;
  if (azCount === 1 && cfg.tenants.some((t) => t?.app || t?.database)) {
    p.add("network.availabilityZones", azs, "databases and load balancers need subnets in at least two AZs", "list two or more AZs");
  }
  const needsCert = cfg.tenants.some((t) => t?.app);
  if (needsCert && (typeof cfg.certificateArn !== "string" || !ACM_ARN.test(cfg.certificateArn))) {
    p.add("certificateArn", cfg.certificateArn, "tenants with an app tier need an ACM certificate for the HTTPS listener", "set bulkhead-platform:certificateArn to an ACM certificate ARN");
  }
  // Secret policies deny GetSecretValue to everyone but listed roles; the provider reads secret versions
  // back after writing them, so the deployment role must be listed or the first deploy fails.
  const roles = cfg.deployerRoleArns ?? [];
  if (!Array.isArray(roles) || roles.some((r) => typeof r !== "string" || !ROLE_ARN.test(r))) {
    p.add("deployerRoleArns", roles, "not a list of IAM role ARNs", 'use e.g. ["arn:aws:iam::123456789012:role/platform-deployer"]');
  } else if (roles.length === 0 && cfg.tenants.some((t) => t?.database)) {
    p.add("deployerRoleArns", roles, "tenant secrets deny every role not listed, including the one Pulumi deploys with", "list the role(s) that run pulumi up for this stack");
  }
  return p.list;
}

/** Throws one InputPropertiesError listing every problem of the platform config. */
export function validatePlatform(cfg: PlatformSettings): void {
  const p = new Problems();
  p.merge("", platformProblems(cfg));
  p.throwIfAny("bulkhead-platform config");
}
