/**
 * Offline answers to provider function calls (invokes), for every invoke form (the recorder's monitor
 * calls answerInvoke). Every answer is what AWS would return for a plain account in the configured
 * region; the README's "Invokes answered offline" table lists this file (a test keeps them in step).
 * An invoke not listed here, or one whose arguments name something only the user's account knows
 * (NoAnswer), fails the run with its token named unless an --invokes FILE entry answers it: a silent `{}`
 * would let a program build resources from values nobody checked.
 */
import { createHash } from "node:crypto";

export interface InvokeContext {
  region: string;
  accountId: string;
}

export const DEFAULT_ACCOUNT_ID = "123456789012";
export const DEFAULT_REGION = "us-east-1";

/**
 * An answer, or a `NoAnswer` thrown when the arguments ask about something only the user's account knows
 * (a VPC found by its tags, a parameter's value): inventing one would judge a program against a guess.
 */
type InvokeAnswer = (inputs: Record<string, any>, ctx: InvokeContext) => Record<string, unknown>;

/** Thrown by an answer whose arguments name something only the user's account knows. */
export class NoAnswer extends Error {}

function zoneLetters(region: string): string[] {
  // us-east-1 has six zones, most regions three; the offline answer uses three everywhere but us-east-1.
  return region === "us-east-1" ? ["a", "b", "c", "d", "e", "f"] : ["a", "b", "c"];
}

function zoneIdPrefix(region: string): string {
  const [geo, dir, num] = region.split("-");
  return `${geo}${(dir ?? "x").slice(0, 1)}${num ?? "1"}`;
}

function stableHex(seed: string, length: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

/** A statement of aws.iam.getPolicyDocument rendered exactly as the AWS provider renders it. */
function renderStatement(s: Record<string, any>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (s.sid) out.Sid = s.sid;
  out.Effect = s.effect ?? "Allow";
  const one = (xs: unknown[] | undefined) => (xs && xs.length === 1 ? xs[0] : xs);
  if (s.actions?.length) out.Action = one(s.actions);
  if (s.notActions?.length) out.NotAction = one(s.notActions);
  if (s.resources?.length) out.Resource = one(s.resources);
  if (s.notResources?.length) out.NotResource = one(s.notResources);
  const principals = (list: Array<{ type: string; identifiers: string[] }> | undefined) => {
    if (!list?.length) return undefined;
    const p: Record<string, unknown> = {};
    for (const { type, identifiers } of list) {
      if (type === "*") return "*";
      p[type] = one(identifiers);
    }
    return p;
  };
  const pr = principals(s.principals);
  if (pr) out.Principal = pr;
  const npr = principals(s.notPrincipals);
  if (npr) out.NotPrincipal = npr;
  if (s.conditions?.length) {
    const cond: Record<string, Record<string, unknown>> = {};
    for (const c of s.conditions as Array<{ test: string; variable: string; values: string[] }>) {
      (cond[c.test] ??= {})[c.variable] = one(c.values);
    }
    out.Condition = cond;
  }
  return out;
}

/**
 * The account's default VPC as AWS creates it (https://docs.aws.amazon.com/vpc/latest/userguide/default-vpc.html):
 * 172.31.0.0/16, one /20 default subnet per zone that assigns public IPv4 addresses (mapPublicIpOnLaunch),
 * an internet gateway and a "default" security group. Ids are deterministic per account and region so
 * records are stable and a program's references to them can be traced back to this answer.
 */
export function defaultVpc(ctx: InvokeContext) {
  const vpcId = `vpc-${stableHex(`default-vpc:${ctx.accountId}:${ctx.region}`, 17)}`;
  const subnets = zoneLetters(ctx.region).map((l, i) => {
    const az = `${ctx.region}${l}`;
    const id = `subnet-${stableHex(`default-subnet:${ctx.accountId}:${az}`, 17)}`;
    return {
      id,
      arn: `arn:aws:ec2:${ctx.region}:${ctx.accountId}:subnet/${id}`,
      availabilityZone: az,
      availabilityZoneId: `${zoneIdPrefix(ctx.region)}-az${i + 1}`,
      cidrBlock: `172.31.${i * 16}.0/20`,
      defaultForAz: true,
      mapPublicIpOnLaunch: true,
      assignIpv6AddressOnCreation: false,
      availableIpAddressCount: 4091,
      ipv6CidrBlock: "",
      ipv6Native: false,
      ownerId: ctx.accountId,
      region: ctx.region,
      state: "available",
      tags: {},
      vpcId,
    };
  });
  const vpc = {
    id: vpcId,
    arn: `arn:aws:ec2:${ctx.region}:${ctx.accountId}:vpc/${vpcId}`,
    cidrBlock: "172.31.0.0/16",
    cidrBlockAssociations: [{ associationId: `vpc-cidr-assoc-${stableHex(vpcId, 17)}`, cidrBlock: "172.31.0.0/16", state: "associated" }],
    default: true,
    dhcpOptionsId: `dopt-${stableHex(vpcId + ":dopt", 17)}`,
    enableDnsHostnames: true,
    enableDnsSupport: true,
    enableNetworkAddressUsageMetrics: false,
    instanceTenancy: "default",
    ipv6AssociationId: "",
    ipv6CidrBlock: "",
    ipv6CidrBlockAssociations: [],
    mainRouteTableId: `rtb-${stableHex(vpcId + ":main", 17)}`,
    ownerId: ctx.accountId,
    region: ctx.region,
    state: "available",
    tags: {},
  };
  return { vpc, subnets };
}

/** Every VPC's "default" group: all traffic from members of the group itself, all traffic out. */
function defaultSecurityGroup(vpcId: string, ctx: InvokeContext) {
  const id = `sg-${stableHex(`default-sg:${vpcId}`, 17)}`;
  return {
    id,
    arn: `arn:aws:ec2:${ctx.region}:${ctx.accountId}:security-group/${id}`,
    name: "default",
    description: "default VPC security group",
    vpcId,
    ownerId: ctx.accountId,
    region: ctx.region,
    tags: {},
  };
}

type Filter = { name: string; values: string[] };

/** The filters' values by name; throws NoAnswer for a filter the offline answer cannot evaluate. */
function filterValues(inputs: Record<string, any>, understood: string[], what: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of (inputs.filters ?? []) as Filter[]) {
    if (!understood.includes(f.name)) throw new NoAnswer(`${what} filtered on "${f.name}" depends on your account`);
    out.set(f.name, (f.values ?? []).map(String));
  }
  return out;
}

function noTags(inputs: Record<string, any>, what: string): void {
  if (inputs.tags && Object.keys(inputs.tags).length) throw new NoAnswer(`${what} found by tags depends on your account`);
}

/** The default-VPC subnets selected by getSubnets/getSubnet/getSubnetIds arguments, or NoAnswer. */
function defaultSubnetsFor(inputs: Record<string, any>, ctx: InvokeContext, what: string) {
  const { vpc, subnets } = defaultVpc(ctx);
  noTags(inputs, what);
  const f = filterValues(inputs, ["vpc-id", "default-for-az", "defaultForAz", "availability-zone", "availabilityZone", "availability-zone-id", "subnet-id", "map-public-ip-on-launch"], what);
  const vpcIds = [...(f.get("vpc-id") ?? []), ...(inputs.vpcId ? [String(inputs.vpcId)] : [])];
  const onlyDefault = [...(f.get("default-for-az") ?? []), ...(f.get("defaultForAz") ?? [])].includes("true") || inputs.defaultForAz === true;
  if (vpcIds.some((v) => v !== vpc.id)) throw new NoAnswer(`${what} of VPC ${vpcIds.find((v) => v !== vpc.id)} (not the default VPC) depends on your account`);
  if (!vpcIds.length && !onlyDefault && !inputs.id && !f.has("subnet-id")) {
    throw new NoAnswer(`${what} without a vpc-id or default-for-az filter would list every subnet of your account`);
  }
  const zones = [...(f.get("availability-zone") ?? []), ...(f.get("availabilityZone") ?? []), ...(inputs.availabilityZone ? [inputs.availabilityZone] : [])];
  const zoneIds = [...(f.get("availability-zone-id") ?? []), ...(inputs.availabilityZoneId ? [inputs.availabilityZoneId] : [])];
  const ids = [...(f.get("subnet-id") ?? []), ...(inputs.id ? [String(inputs.id)] : [])];
  if (ids.some((id) => !subnets.some((s) => s.id === id))) throw new NoAnswer(`${what} for subnet ${ids.find((id) => !subnets.some((s) => s.id === id))} (not a default subnet) depends on your account`);
  const mapPublic = f.get("map-public-ip-on-launch");
  return subnets.filter(
    (s) =>
      (!zones.length || zones.includes(s.availabilityZone)) &&
      (!zoneIds.length || zoneIds.includes(s.availabilityZoneId)) &&
      (!ids.length || ids.includes(s.id)) &&
      (!mapPublic || mapPublic.includes(String(s.mapPublicIpOnLaunch))),
  );
}

export const INVOKES: Record<string, { answer: InvokeAnswer; returns: string }> = {
  "aws:ec2/getVpc:getVpc": {
    returns: "the default VPC (default: true, or its id): 172.31.0.0/16; any other VPC depends on your account",
    answer: (inputs, ctx) => {
      const { vpc } = defaultVpc(ctx);
      noTags(inputs, "a VPC");
      const f = filterValues(inputs, ["isDefault", "is-default", "vpc-id"], "a VPC");
      const ids = [...(f.get("vpc-id") ?? []), ...(inputs.id ? [String(inputs.id)] : [])];
      const wantsDefault = inputs.default === true || [...(f.get("isDefault") ?? []), ...(f.get("is-default") ?? [])].includes("true");
      if (ids.some((id) => id !== vpc.id)) throw new NoAnswer(`VPC ${ids.find((id) => id !== vpc.id)} is not the default VPC`);
      if (!wantsDefault && !ids.length) throw new NoAnswer("a VPC chosen by anything but default: true or its id depends on your account");
      return vpc;
    },
  },
  "aws:ec2/getSubnets:getSubnets": {
    returns: "the default VPC's subnets (filter vpc-id = the default VPC, or default-for-az = true): one public /20 per zone",
    answer: (inputs, ctx) => {
      const subnets = defaultSubnetsFor(inputs, ctx, "a subnet list");
      return { id: ctx.region, ids: subnets.map((s) => s.id), filters: inputs.filters ?? [], tags: inputs.tags ?? {} };
    },
  },
  "aws:ec2/getSubnetIds:getSubnetIds": {
    returns: "(@pulumi/aws 6 and older) the default VPC's subnet ids",
    answer: (inputs, ctx) => {
      const subnets = defaultSubnetsFor(inputs, ctx, "a subnet list");
      return { id: String(inputs.vpcId ?? ctx.region), ids: subnets.map((s) => s.id), vpcId: inputs.vpcId, filters: inputs.filters ?? [] };
    },
  },
  "aws:ec2/getSubnet:getSubnet": {
    returns: "a default subnet (by id, or default-for-az/availability zone in the default VPC) with mapPublicIpOnLaunch: true",
    answer: (inputs, ctx) => {
      const subnets = defaultSubnetsFor(inputs, ctx, "a subnet");
      if (subnets.length !== 1) throw new NoAnswer(`the arguments select ${subnets.length} default subnets; AWS requires exactly one (add an availability zone)`);
      return subnets[0];
    },
  },
  "aws:ec2/getSecurityGroup:getSecurityGroup": {
    returns: 'a VPC\'s "default" security group (name or group-name filter "default"); any other group depends on your account',
    answer: (inputs, ctx) => {
      noTags(inputs, "a security group");
      const f = filterValues(inputs, ["group-name", "vpc-id"], "a security group");
      const name = inputs.name ?? f.get("group-name")?.[0];
      if (name !== "default") throw new NoAnswer(`security group ${inputs.id ?? name ?? "(no name)"} is not a VPC's default group`);
      const vpcId = inputs.vpcId ?? f.get("vpc-id")?.[0] ?? defaultVpc(ctx).vpc.id;
      return defaultSecurityGroup(String(vpcId), ctx);
    },
  },
  "aws:ec2/getInternetGateway:getInternetGateway": {
    returns: "the default VPC's internet gateway (filter attachment.vpc-id = the default VPC)",
    answer: (inputs, ctx) => {
      const { vpc } = defaultVpc(ctx);
      noTags(inputs, "an internet gateway");
      const f = filterValues(inputs, ["attachment.vpc-id"], "an internet gateway");
      if (f.get("attachment.vpc-id")?.[0] !== vpc.id) throw new NoAnswer("an internet gateway not attached to the default VPC depends on your account");
      const id = `igw-${stableHex(vpc.id + ":igw", 17)}`;
      return { id, internetGatewayId: id, arn: `arn:aws:ec2:${ctx.region}:${ctx.accountId}:internet-gateway/${id}`, attachments: [{ state: "available", vpcId: vpc.id }], ownerId: ctx.accountId, tags: {} };
    },
  },
  "awsx:ec2:getDefaultVpc": {
    returns: "(@pulumi/awsx) the default VPC's id and its default subnets as publicSubnetIds (no private subnets)",
    answer: (_in, ctx) => {
      const { vpc, subnets } = defaultVpc(ctx);
      return { vpcId: vpc.id, publicSubnetIds: subnets.map((s) => s.id), privateSubnetIds: [] };
    },
  },
  "aws:organizations/getOrganization:getOrganization": {
    returns: "an organization o-… whose management account is this account, all features enabled",
    answer: (_in, ctx) => {
      const id = `o-${stableHex(`org:${ctx.accountId}`, 10)}`;
      return {
        id,
        arn: `arn:aws:organizations::${ctx.accountId}:organization/${id}`,
        featureSet: "ALL",
        masterAccountId: ctx.accountId,
        masterAccountArn: `arn:aws:organizations::${ctx.accountId}:account/${id}/${ctx.accountId}`,
        masterAccountEmail: "management@example.com",
        masterAccountName: "management",
        awsServiceAccessPrincipals: [],
        enabledPolicyTypes: [],
        accounts: [],
        nonMasterAccounts: [],
        roots: [{ id: `r-${stableHex(id, 4)}`, arn: `arn:aws:organizations::${ctx.accountId}:root/${id}/r-${stableHex(id, 4)}`, name: "Root", policyTypes: [] }],
      };
    },
  },
  "pulumi:providers:aws/terraformConfig": {
    returns: "the provider's own configuration (aws.Provider#terraformConfig)",
    answer: (inputs, ctx) => ({ result: { region: ctx.region, ...(inputs.__providerInputs ?? {}) } }),
  },
  "aws:index/getAvailabilityZones:getAvailabilityZones": {
    returns: "names/zoneIds of the region's zones (us-east-1: a–f, elsewhere a–c)",
    answer: (_in, { region }) => {
      const letters = zoneLetters(region);
      return {
        id: region,
        names: letters.map((l) => `${region}${l}`),
        zoneIds: letters.map((_, i) => `${zoneIdPrefix(region)}-az${i + 1}`),
        groupNames: [region],
        state: "available",
      };
    },
  },
  "aws:index/getAvailabilityZone:getAvailabilityZone": {
    returns: "the named zone in the region",
    answer: (inputs, { region }) => {
      const name = inputs.name ?? `${region}a`;
      return { id: name, name, region, zoneId: `${zoneIdPrefix(region)}-az1`, state: "available", groupName: region };
    },
  },
  "aws:index/getRegion:getRegion": {
    returns: "the configured region (aws:region, default us-east-1)",
    answer: (inputs, { region }) => {
      const name = inputs.region ?? inputs.name ?? region;
      return { id: name, name, region: name, endpoint: `ec2.${name}.amazonaws.com`, description: name };
    },
  },
  "aws:index/getCallerIdentity:getCallerIdentity": {
    returns: "account 123456789012, an assumed-role ARN",
    answer: (_in, { accountId }) => ({
      id: accountId,
      accountId,
      arn: `arn:aws:sts::${accountId}:assumed-role/bulkhead-offline/preview`,
      userId: "AROAOFFLINEPREVIEW:preview",
    }),
  },
  "aws:index/getPartition:getPartition": {
    returns: "partition aws, dnsSuffix amazonaws.com",
    answer: () => ({ id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" }),
  },
  "aws:ec2/getAmi:getAmi": {
    returns: "a deterministic ami-… id derived from the filters, x86_64, hvm, ebs",
    answer: (inputs) => {
      const id = `ami-${stableHex(JSON.stringify(inputs), 17)}`;
      return {
        id,
        imageId: id,
        architecture: "x86_64",
        name: "al2023-ami-offline-x86_64",
        ownerId: "137112412989",
        rootDeviceName: "/dev/xvda",
        rootDeviceType: "ebs",
        virtualizationType: "hvm",
        state: "available",
        blockDeviceMappings: [],
      };
    },
  },
  "aws:ssm/getParameter:getParameter": {
    returns: "AMI parameters (/aws/service/…ami…) give an ami-… id; any other parameter fails (its value is yours, not AWS's)",
    answer: (inputs) => {
      const name = String(inputs.name ?? "");
      if (!/^\/aws\/service\/.*ami/.test(name)) {
        throw new NoAnswer(`parameter "${name}" is yours, not AWS's: only public AMI parameters (/aws/service/…ami…) are answered`);
      }
      const value = `ami-${stableHex(name, 17)}`;
      return { id: name, name, type: "String", value, insecureValue: value, version: 1, arn: `arn:aws:ssm:::parameter${name}` };
    },
  },
  "aws:iam/getPolicyDocument:getPolicyDocument": {
    returns: "the policy JSON rendered from the statements, as the provider does",
    answer: (inputs) => {
      const doc = {
        Version: inputs.version ?? "2012-10-17",
        ...(inputs.policyId ? { Id: inputs.policyId } : {}),
        Statement: (inputs.statements ?? []).map(renderStatement),
      };
      const json = JSON.stringify(doc, null, 2);
      return { id: stableHex(json, 10), json, minifiedJson: JSON.stringify(doc) };
    },
  },
  "aws:elb/getServiceAccount:getServiceAccount": {
    returns: "the us-east-1 ELB log-delivery account",
    answer: () => ({ id: "127311923021", arn: "arn:aws:iam::127311923021:root" }),
  },
  "aws:ec2/getManagedPrefixList:getManagedPrefixList": {
    returns: "the named AWS-managed prefix list with a deterministic id",
    answer: (inputs, { region }) => {
      const name = inputs.name ?? `com.amazonaws.${region}.s3`;
      return { id: `pl-${stableHex(name, 8)}`, name, addressFamily: "IPv4", maxEntries: 0, entries: [], ownerId: "AWS" };
    },
  },
};


/**
 * An answer the user supplied with `--invokes FILE`: used for `token` when `match` (if given) is a subset
 * of the call's arguments. User answers come before the built-in ones: the user knows their account.
 */
export interface UserInvokeAnswer {
  token: string;
  match?: Record<string, unknown>;
  result: Record<string, unknown>;
  /** `FILE: TOKEN[i]`, for messages. */
  origin: string;
}

/** True when every key of `want` is in `have` with a matching value (objects: recursively; arrays: equal). */
function matches(want: unknown, have: unknown): boolean {
  if (want === null || typeof want !== "object") return want === have || (have !== undefined && String(want) === String(have) && typeof have !== "object");
  if (Array.isArray(want)) return Array.isArray(have) && want.length === have.length && want.every((w, i) => matches(w, have[i]));
  if (have === null || typeof have !== "object" || Array.isArray(have)) return false;
  return Object.entries(want).every(([k, v]) => matches(v, (have as Record<string, unknown>)[k]));
}

export class UnansweredInvokeError extends Error {
  constructor(
    public readonly token: string,
    public readonly reason: string,
  ) {
    super(`invoke ${token} has no offline answer${reason ? ` (${reason})` : ""}`);
  }
}

/** How an invoke was answered: kept in the run so reports (and the pack) can tell answered values from the account's own. */
export interface InvokeRecord {
  token: string;
  args: Record<string, unknown>;
  answeredBy: "built-in" | string;
  result: Record<string, unknown>;
}

/** The one answer path for every invoke form (getX, getXOutput, runtime.invoke/invokeOutput/invokeSingle, provider calls). */
export function answerInvoke(token: string, inputs: Record<string, any>, ctx: InvokeContext, user: UserInvokeAnswer[] = []): InvokeRecord {
  const mine = user.filter((u) => u.token === token);
  const hit = mine.find((u) => !u.match || matches(u.match, inputs));
  if (hit) return { token, args: inputs, answeredBy: hit.origin, result: hit.result };
  const entry = INVOKES[token];
  let reason = entry ? "" : "not in the built-in table";
  if (entry) {
    try {
      return { token, args: inputs, answeredBy: "built-in", result: entry.answer(inputs, ctx) };
    } catch (e) {
      if (!(e instanceof NoAnswer)) throw e;
      reason = e.message;
    }
  }
  if (mine.length) reason += `${reason ? "; " : ""}none of the --invokes answers ${mine.map((u) => u.origin).join(", ")} matches its arguments ${JSON.stringify(inputs)}`;
  throw new UnansweredInvokeError(token, reason);
}

const TOKEN = /^[A-Za-z0-9_-]+:[A-Za-z0-9_./-]*:[A-Za-z0-9_]+$|^pulumi:providers:[A-Za-z0-9_-]+\/[A-Za-z0-9_]+$/;
/**
 * Every problem of an `--invokes` file. One problem is the whole first line; several are counted there and
 * listed below, each naming its entry and field. `tokens` are the entries at fault, to locate the first one.
 */
export class InvokesFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(problems.length === 1 ? `--invokes ${file}: ${problems[0]}` : `--invokes ${file}: ${problems.length} problems\n  - ${problems.join("\n  - ")}`);
  }
  /** The shape of an answer, for the hint. */
  static readonly example = "an answer is  <token>: [{ match: { <arguments> }, result: { <outputs> } }], e.g.  aws:ec2/getVpc:getVpc: [{ match: { tags: { Name: prod } }, result: { id: vpc-0123456789abcdef0, cidrBlock: 10.0.0.0/16 } }]";
}

const EXAMPLE = `e.g.\n  aws:ec2/getVpc:getVpc:\n    - match: { tags: { Name: prod } }\n      result: { id: vpc-0123456789abcdef0, cidrBlock: 10.0.0.0/16 }`;

/**
 * Validates the parsed `--invokes FILE` document: a map of invoke token to one answer or a list of answers,
 * each `{ match?: {...args}, result: {...outputs} }`. Every problem is collected and reported at once.
 */
export function parseUserInvokes(doc: unknown, file: string): UserInvokeAnswer[] {
  const problems: string[] = [];
  const out: UserInvokeAnswer[] = [];
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
  if (!isObject(doc)) {
    throw new Error(`--invokes ${file}: the file must be a map of invoke token to answer, got ${Array.isArray(doc) ? "a list" : JSON.stringify(doc)}; ${EXAMPLE}`);
  }
  for (const [token, raw] of Object.entries(doc)) {
    if (!TOKEN.test(token)) problems.push(`"${token}": not an invoke token; use the token the SDK calls, like aws:ec2/getVpc:getVpc (module/function:function)`);
    const list = Array.isArray(raw) ? raw : [raw];
    if (!list.length) problems.push(`${token}: an empty list answers nothing; give at least one { result: {...} }`);
    list.forEach((entry, i) => {
      const at = Array.isArray(raw) ? `${token}[${i}]` : token;
      if (!isObject(entry)) return problems.push(`${at}: must be an object { match?: {...}, result: {...} }, got ${JSON.stringify(entry)}`);
      for (const k of Object.keys(entry)) if (k !== "match" && k !== "result") problems.push(`${at}.${k}: unknown field; an answer has only "match" (arguments to match) and "result" (the outputs)`);
      if (!("result" in entry)) problems.push(`${at}.result: missing; give the invoke's outputs, e.g. result: { id: "…" }`);
      else if (!isObject(entry.result)) problems.push(`${at}.result: must be an object of the invoke's outputs, got ${JSON.stringify(entry.result)}`);
      if ("match" in entry && !isObject(entry.match)) problems.push(`${at}.match: must be an object of arguments (a subset of what the program passes), got ${JSON.stringify(entry.match)}`);
      if (isObject(entry.result) && (!("match" in entry) || isObject(entry.match))) {
        out.push({ token, ...(entry.match ? { match: entry.match as Record<string, unknown> } : {}), result: entry.result, origin: `${file}: ${at}` });
      }
    });
  }
  if (problems.length) throw new InvokesFileError(file, problems);
  return out;
}

/**
 * What an answer tells the pack about subnets outside the stack (policies/model/offline-facts.ts): each
 * subnet the program received, with whether it assigns public IPs. Only values the answer states are passed.
 */
export function subnetFacts(record: InvokeRecord, ctx: InvokeContext): Array<{ id: string; vpcId?: string; mapPublicIpOnLaunch?: boolean; defaultForAz?: boolean }> {
  const r = record.result as Record<string, any>;
  if (record.token === "aws:ec2/getSubnet:getSubnet" && typeof r.id === "string") {
    return [{ id: r.id, vpcId: r.vpcId, mapPublicIpOnLaunch: typeof r.mapPublicIpOnLaunch === "boolean" ? r.mapPublicIpOnLaunch : undefined, defaultForAz: r.defaultForAz === true }];
  }
  const listed = { "aws:ec2/getSubnets:getSubnets": "ids", "aws:ec2/getSubnetIds:getSubnetIds": "ids", "awsx:ec2:getDefaultVpc": "publicSubnetIds" }[record.token];
  if (listed && record.answeredBy === "built-in") {
    const ids = new Set((r[listed] ?? []) as string[]);
    return defaultVpc(ctx)
      .subnets.filter((s) => ids.has(s.id))
      .map((s) => ({ id: s.id, vpcId: s.vpcId, mapPublicIpOnLaunch: s.mapPublicIpOnLaunch, defaultForAz: true }));
  }
  return [];
}
