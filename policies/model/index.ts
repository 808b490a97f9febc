/**
 * The network model: built once per stack, the one place that knows who can reach what.
 * Everything is indexed with maps so building and querying stay O(n) in the number of resources.
 */
import { CidrIndex, CidrSet } from "./cidr";
import { ADMIN_PORTS, DATA_PORTS, enginePort, formatPorts, normaliseProtocol, portRange } from "./ports";
import { analyseTransit, TGW_TYPES, type TransitAnalysis } from "./transit";
import { PlaceholderIndex, provenanceText } from "./placeholders";
import {
  containsUnknown,
  isUnknown,
  type GrantSource,
  type IngressGrant,
  type PortRange,
  type ReachEdge,
  type Resolved,
  type SecurityGroupNode,
  type StackResource,
  type SubnetNode,
  type WorldExposure,
} from "./types";

export * from "./types";
export type { TransitAnalysis, TransitAttachment, TransitPath, TransitUnverifiable } from "./transit";
export { CidrSet } from "./cidr";

export const T = {
  vpc: "aws:ec2/vpc:Vpc",
  subnet: "aws:ec2/subnet:Subnet",
  routeTable: "aws:ec2/routeTable:RouteTable",
  route: "aws:ec2/route:Route",
  rtAssoc: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  mainRtAssoc: "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation",
  defaultRt: "aws:ec2/defaultRouteTable:DefaultRouteTable",
  igw: "aws:ec2/internetGateway:InternetGateway",
  igwAttachment: "aws:ec2/internetGatewayAttachment:InternetGatewayAttachment",
  nat: "aws:ec2/natGateway:NatGateway",
  peering: "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
  tgwAttachment: TGW_TYPES.vpcAttachment,
  tgw: TGW_TYPES.tgw,
  sg: "aws:ec2/securityGroup:SecurityGroup",
  defaultSg: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  sgRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  sgIngress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  sgEgress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  nacl: "aws:ec2/networkAcl:NetworkAcl",
  naclRule: "aws:ec2/networkAclRule:NetworkAclRule",
  defaultNacl: "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl",
  instance: "aws:ec2/instance:Instance",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  asg: "aws:autoscaling/group:Group",
  eni: "aws:ec2/networkInterface:NetworkInterface",
  eniAttachment: "aws:ec2/networkInterfaceAttachment:NetworkInterfaceAttachment",
  eip: "aws:ec2/eip:Eip",
  eipAssoc: "aws:ec2/eipAssociation:EipAssociation",
  lb: "aws:lb/loadBalancer:LoadBalancer",
  alb: "aws:alb/loadBalancer:LoadBalancer",
  rdsInstance: "aws:rds/instance:Instance",
  rdsCluster: "aws:rds/cluster:Cluster",
  rdsClusterInstance: "aws:rds/clusterInstance:ClusterInstance",
  redshift: "aws:redshift/cluster:Cluster",
  cacheCluster: "aws:elasticache/cluster:Cluster",
  cacheRg: "aws:elasticache/replicationGroup:ReplicationGroup",
  opensearch: "aws:opensearch/domain:Domain",
  opensearchPolicy: "aws:opensearch/domainPolicy:DomainPolicy",
  elasticsearch: "aws:elasticsearch/domain:Domain",
  elasticsearchPolicy: "aws:elasticsearch/domainPolicy:DomainPolicy",
  eks: "aws:eks/cluster:Cluster",
  lightsail: "aws:lightsail/instance:Instance",
  lightsailPorts: "aws:lightsail/instancePublicPorts:InstancePublicPorts",
  lightsailDb: "aws:lightsail/database:Database",
  lambda: "aws:lambda/function:Function",
  ecsService: "aws:ecs/service:Service",
  eksNodeGroup: "aws:eks/nodeGroup:NodeGroup",
  ecsTask: "aws:ecs/taskDefinition:TaskDefinition",
  docdb: "aws:docdb/cluster:Cluster",
  prefixList: "aws:ec2/managedPrefixList:ManagedPrefixList",
  prefixListEntry: "aws:ec2/managedPrefixListEntry:ManagedPrefixListEntry",
} as const;

const LB_TYPES = [T.lb, T.alb];
const SG_TYPES = [T.sg, T.defaultSg];

/** Properties through which a resource uses security groups: [resource type, top-level property, path below it]. */
const SG_USES: Array<[string, string, string[]]> = [
  [T.instance, "vpcSecurityGroupIds", []],
  [T.instance, "securityGroups", []],
  [T.launchTemplate, "vpcSecurityGroupIds", []],
  [T.launchTemplate, "networkInterfaces", ["*", "securityGroups"]],
  [T.eni, "securityGroups", []],
  [T.lb, "securityGroups", []],
  [T.alb, "securityGroups", []],
  [T.rdsInstance, "vpcSecurityGroupIds", []],
  [T.rdsCluster, "vpcSecurityGroupIds", []],
  [T.redshift, "vpcSecurityGroupIds", []],
  [T.cacheCluster, "securityGroupIds", []],
  [T.cacheRg, "securityGroupIds", []],
  [T.opensearch, "vpcOptions", ["securityGroupIds"]],
  [T.elasticsearch, "vpcOptions", ["securityGroupIds"]],
  [T.eks, "vpcConfig", ["securityGroupIds"]],
  [T.lambda, "vpcConfig", ["securityGroupIds"]],
  [T.ecsService, "networkConfiguration", ["securityGroups"]],
  [T.docdb, "vpcSecurityGroupIds", []],
];

const TENANT_TAG = "bulkhead:tenant";
const ROLE_TAG = "bulkhead:role";

export interface NetworkModel {
  resources: StackResource[];
  byUrn(urn: string): StackResource | undefined;
  /** Resources of any of the given types, in stack order. */
  ofType(...types: string[]): StackResource[];
  /** Known tags (unknown tag values are dropped); undefined when the resource has none. */
  tagsOf(urn: string): Record<string, string> | undefined;
  /** True when the tags (or the tenant/role tag) are unknown at preview. */
  tagsUnknown(urn: string): boolean;
  tenantOf(urn: string): string | undefined;
  isBastion(urn: string): boolean;
  /** Short human label, e.g. `sg app-sg`, for messages and paths. */
  label(urn: string): string;
  /**
   * Resolves a reference-valued property (id, ARN, name) to stack resources of the given types: a known id/ARN/URN
   * matches directly; an unknown value (or a known value matching no id) falls back to the property's dependencies.
   */
  resolve(res: StackResource, topProp: string, value: unknown, types: readonly string[]): Resolved;
  /** Like `resolve` for list-valued references; candidates of every element are merged. */
  resolveList(res: StackResource, topProp: string, value: unknown, types: readonly string[]): Resolved & { externals: string[] };
  securityGroups: SecurityGroupNode[];
  sgByUrn(urn: string): SecurityGroupNode | undefined;
  ingress: IngressGrant[];
  subnets: SubnetNode[];
  subnetByUrn(urn: string): SubnetNode | undefined;
  /** Subnets whose CIDRs intersect the given set (interval index: O(log n + hits)). */
  subnetsOverlapping(cidrs: CidrSet): SubnetNode[];
  /** Subnets a resource (instance, ENI, LB, ASG, launch template via its ASGs) is placed in. */
  subnetsOf(urn: string): Resolved;
  reachability(): ReachEdge[];
  /** Transit-gateway routing between VPC attachments (computed on first use, then kept). */
  transit(): TransitAnalysis;
  /** World-wide exposures, with CIDRs united across every grant on the same group, protocol and ports. */
  worldExposures(): WorldExposure[];
  /** True when the grant's CIDRs are part of a world-wide exposure (alone or together with other grants). */
  isWorldGrant(grant: IngressGrant): boolean;
  /** `internet → igw web-igw → subnet web-a → sg app-sg:22/tcp` for a grant and a port. */
  pathOf(grant: IngressGrant, port?: number): string;
  /** Admin ports (fixed list). */
  adminPorts: readonly number[];
  /** Data ports: the fixed list plus the listener ports of database resources in the stack. */
  dataPorts: readonly number[];
  /** True when any resource carries `bulkhead:role=bastion`. */
  hasBastion: boolean;
}

function tagEntries(raw: unknown): Array<[unknown, unknown]> {
  if (!raw || typeof raw !== "object" || isUnknown(raw)) return [];
  // autoscaling.Group uses a list of {key, value}; everything else a map.
  return Array.isArray(raw) ? raw.map((t: any) => [t?.key, t?.value] as [unknown, unknown]) : Object.entries(raw);
}

/** Tags from `tags`, over `tagsAll` (provider default tags) when that is known too. */
function tagsFromProps(props: Record<string, any>): { tags: Record<string, string> | undefined; unknown: boolean } {
  const raw = props.tags;
  const all = props.tagsAll;
  const has = (v: unknown) => v !== undefined && v !== null;
  if (!has(raw) && !has(all)) return { tags: undefined, unknown: false };
  // Unknown `tags` hides the tenant/role; an unknown `tagsAll` (computed at preview) is expected and ignored.
  if (isUnknown(raw)) return { tags: undefined, unknown: true };
  const tags: Record<string, string> = {};
  let unknown = false;
  for (const [k, v] of [...tagEntries(all), ...tagEntries(raw)]) {
    if (typeof k !== "string") continue;
    if (isUnknown(v)) {
      if (k === TENANT_TAG || k === ROLE_TAG || k.startsWith("bulkhead:")) unknown = true;
      continue;
    }
    if (typeof v === "string") tags[k] = v;
  }
  return { tags, unknown };
}

function shortType(type: string): string {
  const t: Record<string, string> = {
    [T.sg]: "sg",
    [T.defaultSg]: "default-sg",
    [T.subnet]: "subnet",
    [T.igw]: "igw",
    [T.vpc]: "vpc",
    [T.instance]: "instance",
    [T.lightsail]: "lightsail",
  };
  if (t[type]) return t[type];
  // Otherwise module.Type as in the program (rds.Instance, iam.RolePolicy), so an RDS instance isn't an "instance".
  const m = /^[^:]+:([^/:]+)\/[^:]*:([A-Za-z0-9]+)$/.exec(type);
  return m ? `${m[1]}.${m[2]}` : type;
}

function getPath(v: any, path: string[]): unknown[] {
  // "*" walks every element of a list; returns every value found (unknowns included).
  let cur: unknown[] = [v];
  for (const p of path) {
    const next: unknown[] = [];
    for (const c of cur) {
      if (c === undefined || c === null) continue;
      if (isUnknown(c)) {
        next.push(c);
        continue;
      }
      if (p === "*") {
        if (Array.isArray(c)) next.push(...c);
      } else if (typeof c === "object") next.push((c as any)[p]);
    }
    cur = next;
  }
  return cur;
}

function asList(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

export function buildModel(resources: StackResource[]): NetworkModel {
  const byUrnMap = new Map<string, StackResource>();
  const byType = new Map<string, StackResource[]>();
  const idIndex = new Map<string, string>();
  // Names are references too (role names, lightsail instanceName, launch template names); not unique across types.
  const nameIndex = new Map<string, string[]>();
  const tagCache = new Map<string, { tags: Record<string, string> | undefined; unknown: boolean }>();
  let hasBastion = false;

  for (const r of resources) {
    byUrnMap.set(r.urn, r);
    let list = byType.get(r.type);
    if (!list) byType.set(r.type, (list = []));
    list.push(r);
    for (const k of ["id", "arn"]) {
      const v = r.props?.[k];
      if (typeof v === "string" && v !== "" && !isUnknown(v)) idIndex.set(v, r.urn);
    }
    const n = r.props?.name;
    if (typeof n === "string" && n !== "" && !isUnknown(n)) {
      const l = nameIndex.get(n);
      if (l) l.push(r.urn);
      else nameIndex.set(n, [r.urn]);
    }
    const t = tagsFromProps(r.props ?? {});
    tagCache.set(r.urn, t);
    if (t.tags?.[ROLE_TAG] === "bastion") hasBastion = true;
  }

  const ofType = (...types: string[]): StackResource[] => {
    if (types.length === 1) return byType.get(types[0]) ?? [];
    return types.flatMap((t) => byType.get(t) ?? []);
  };
  const byUrn = (urn: string) => byUrnMap.get(urn);
  const tagsOf = (urn: string) => tagCache.get(urn)?.tags;
  const tagsUnknown = (urn: string) => tagCache.get(urn)?.unknown ?? false;
  const tenantOf = (urn: string) => tagsOf(urn)?.[TENANT_TAG];
  const isBastionRes = (urn: string): boolean => {
    if (tagsOf(urn)?.[ROLE_TAG] === "bastion") return true;
    const r = byUrnMap.get(urn);
    // A launch template may carry the role on the tags it stamps on instances.
    if (r?.type === T.launchTemplate) {
      for (const spec of asList(r.props.tagSpecifications)) {
        const tags = (spec as any)?.tags;
        if (tags && typeof tags === "object" && tags[ROLE_TAG] === "bastion") return true;
      }
    }
    return false;
  };
  const label = (urn: string): string => {
    const r = byUrnMap.get(urn);
    if (!r) {
      if (urn.startsWith("external:")) return `external ${urn.slice(9)}`;
      if (urn.startsWith("unknown:")) return "an unknown group";
      return urn;
    }
    return `${shortType(r.type)} ${r.name}`;
  };

  const placeholders = new PlaceholderIndex(byUrnMap.keys());
  const resolve = (res: StackResource, topProp: string, value: unknown, types: readonly string[]): Resolved => {
    if (value === undefined || value === null || value === "") return { urns: [], missing: true };
    const fromDeps = () => (res.propertyDependencies?.[topProp] ?? []).filter((u) => {
      const d = byUrnMap.get(u);
      return d !== undefined && types.includes(d.type);
    });
    if (isUnknown(value)) {
      const c = fromDeps();
      return c.length ? { urns: c } : { urns: [], unknown: true };
    }
    if (typeof value === "string") {
      // The offline engine's placeholder names exactly one resource; one of another type is no literal either.
      const owners = placeholders.owners(value);
      if (owners) {
        const hit = owners.filter((u) => types.includes(byUrnMap.get(u)!.type));
        if (hit.length) return { urns: hit };
        const c = fromDeps();
        return c.length ? { urns: c } : { urns: [], unknown: true };
      }
      const direct = idIndex.get(value) ?? (byUrnMap.has(value) ? value : undefined);
      if (direct && types.includes(byUrnMap.get(direct)!.type)) return { urns: [direct] };
      // Known ids are not always echoed in props (ids aren't properties): fall back to the dependencies.
      const c = fromDeps();
      if (c.length) return { urns: c };
      const named = (nameIndex.get(value) ?? []).filter((u) => types.includes(byUrnMap.get(u)!.type));
      if (named.length) return { urns: named };
      return { urns: [], external: value };
    }
    return { urns: [], unknown: true };
  };

  const resolveList = (res: StackResource, topProp: string, value: unknown, types: readonly string[]) => {
    const out = { urns: [] as string[], externals: [] as string[], unknown: false, missing: false };
    if (value === undefined || value === null) return { ...out, missing: true };
    const items = isUnknown(value) ? [value] : asList(value);
    const seen = new Set<string>();
    for (const item of items) {
      const r = resolve(res, topProp, item, types);
      for (const u of r.urns) if (!seen.has(u)) seen.add(u), out.urns.push(u);
      if (r.external) out.externals.push(r.external);
      if (r.unknown) out.unknown = true;
    }
    if (!items.length) out.missing = true;
    return out;
  };

  // ---- Security groups and where they are attached -------------------------------------------------
  const sgNodes = new Map<string, SecurityGroupNode>();
  for (const r of ofType(...SG_TYPES)) {
    const vpc = resolve(r, "vpcId", r.props.vpcId, [T.vpc]);
    sgNodes.set(r.urn, {
      urn: r.urn,
      name: r.name,
      tenant: tenantOf(r.urn),
      isBastion: isBastionRes(r.urn),
      isInternetFacingLb: false,
      isLoadBalancer: false,
      vpcUrn: vpc.urns.length === 1 ? vpc.urns[0] : undefined,
      attachedTo: [],
    });
  }
  const attachedSeen = new Set<string>();
  for (const [type, top, path] of SG_USES) {
    for (const r of ofType(type)) {
      const values = getPath(r.props[top], path);
      for (const v of values) {
        const res = resolveList(r, top, v, SG_TYPES);
        for (const u of res.urns) {
          const node = sgNodes.get(u)!;
          if (node.attachedTo[node.attachedTo.length - 1] !== r.urn && !attachedSeen.has(`${u}\u0000${r.urn}`)) {
            attachedSeen.add(`${u}\u0000${r.urn}`);
            node.attachedTo.push(r.urn);
          }
          if (LB_TYPES.includes(type as any)) {
            node.isLoadBalancer = true;
            // Unknown `internal` isn't proof of internet-facing; rules treat the group as not an internet LB.
            if (r.props.internal !== true && !isUnknown(r.props.internal)) node.isInternetFacingLb = true;
          }
        }
      }
    }
  }

  // A group used only by bastion-tagged resources is the bastion's group even when the tag sits on the
  // instance alone: nothing else can be reached through it. (Never the other way round: a group's tag does not
  // make an untagged instance a bastion.)
  // A bastion-tagged group that is also on something else lets that something take the bastion's admin
  // traffic (and reach what the bastion reaches): it is not the bastion's group then.
  for (const node of sgNodes.values()) {
    const others = node.attachedTo.filter((u) => !isBastionRes(u));
    if (node.isBastion && others.length) {
      node.isBastion = false;
      node.bastionTagSharedWith = others;
    } else if (!node.isBastion && node.attachedTo.length && !others.length) node.isBastion = true;
  }

  // ---- Ingress grants -------------------------------------------------------------------------------
  const ingress: IngressGrant[] = [];
  // CIDR lists may be unknown at preview when they come from a VPC/subnet; their echoed cidrBlocks resolve them.
  const cidrSource = (res: StackResource, fields: Array<[string, unknown, string?]>): GrantSource | undefined => {
    const texts: string[] = [];
    const unknownFields: string[] = [];
    for (const [field, value, shown] of fields) {
      if (value === undefined || value === null) continue;
      if (isUnknown(value) || containsUnknown(value)) {
        const deps = (res.propertyDependencies?.[field] ?? []).filter((u) => {
          const t = byUrnMap.get(u)?.type;
          return t === T.vpc || t === T.subnet;
        });
        const known: string[] = [];
        for (const d of deps) {
          const p = byUrnMap.get(d)!.props;
          for (const k of ["cidrBlock", "ipv6CidrBlock"]) if (typeof p[k] === "string" && !isUnknown(p[k])) known.push(p[k]);
        }
        if (!known.length) unknownFields.push(provenanceText(placeholders, shown ?? field, value, res.propertyDependencies?.[field] ?? [], (u) => byUrnMap.get(u) && `${byUrnMap.get(u)!.type} ${byUrnMap.get(u)!.name}`) ?? `${shown ?? field} unknown at preview`);
        texts.push(...known);
        for (const v of asList(value)) if (typeof v === "string" && !isUnknown(v)) texts.push(v);
        continue;
      }
      for (const v of asList(value)) if (typeof v === "string" && v !== "") texts.push(v);
    }
    if (unknownFields.length) return { kind: "unknown", why: [...new Set(unknownFields)].join("; ") };
    if (!texts.length) return undefined;
    try {
      return { kind: "cidr", cidrs: CidrSet.of(texts), text: texts };
    } catch (e) {
      return { kind: "unknown", why: (e as Error).message };
    }
  };

  /**
   * A prefix list defined in this stack is its entries (inline \`entries\` plus ManagedPrefixListEntry resources):
   * a CIDR source like any other. One outside the stack (AWS-managed, or shared from another account) stays a
   * prefix-list source whose addresses can't be known.
   */
  const entriesOf = new Map<string, StackResource[]>();
  for (const e of ofType(T.prefixListEntry))
    for (const u of resolve(e, "prefixListId", e.props.prefixListId, [T.prefixList]).urns) entriesOf.set(u, [...(entriesOf.get(u) ?? []), e]);
  const prefixListSource = (res: StackResource, field: string, value: unknown): GrantSource => {
    const r = resolve(res, field, value, [T.prefixList]);
    if (r.external) return { kind: "prefix-list", id: r.external };
    if (!r.urns.length) return { kind: "unknown", why: `${field} unknown at preview` };
    // An unknown id with several candidate lists in the property's dependencies: their union (a superset) decides.
    const texts: string[] = [];
    for (const urn of r.urns) {
      const entries = byUrnMap.get(urn)!.props.entries;
      if (isUnknown(entries)) return { kind: "unknown", why: `the entries of ${label(urn)} are unknown at preview` };
      for (const c of [...asList(entries).map((e: any) => e?.cidr), ...(entriesOf.get(urn) ?? []).map((e) => e.props.cidr)]) {
        if (isUnknown(c)) return { kind: "unknown", why: `an entry of ${label(urn)} is unknown at preview` };
        if (typeof c === "string" && c !== "") texts.push(c);
      }
    }
    const name = r.urns.map(label).join(" or ");
    if (!texts.length) return { kind: "prefix-list", id: name };
    try {
      return { kind: "cidr", cidrs: CidrSet.of(texts), text: texts, prefixList: name };
    } catch (e) {
      return { kind: "unknown", why: (e as Error).message };
    }
  };

  const pushGrants = (
    grantUrn: string,
    targets: string[],
    rawProtocol: unknown,
    from: unknown,
    to: unknown,
    sources: GrantSource[],
    implicit?: string,
  ) => {
    const unknownFields: string[] = [];
    let protocol = normaliseProtocol(rawProtocol);
    if (isUnknown(rawProtocol)) (protocol = "all"), unknownFields.push("protocol");
    let ports: PortRange;
    if (isUnknown(from) || isUnknown(to)) {
      ports = { from: 0, to: 65535 };
      unknownFields.push("port range");
    } else ports = portRange(protocol, from, to);
    for (const targetSgUrn of targets)
      for (const source of sources)
        ingress.push({ grantUrn, targetSgUrn, protocol, ports, source, unknownFields, ...(implicit ? { implicit } : {}) });
  };

  const sgSources = (res: StackResource, top: string, value: unknown, selfUrn?: string): GrantSource[] => {
    if (value === undefined || value === null) return [];
    const r = resolveList(res, top, value, SG_TYPES);
    const out: GrantSource[] = r.urns.filter((u) => u !== selfUrn).map((u) => ({ kind: "sg" as const, sgUrn: u }));
    for (const e of r.externals) out.push({ kind: "sg", external: e });
    if (r.unknown) out.push({ kind: "unknown", why: `${top} unknown at preview and not traceable to a group in this stack` });
    return out;
  };

  for (const sg of ofType(...SG_TYPES)) {
    const rules = sg.props.ingress;
    if (rules === undefined || rules === null) continue;
    if (isUnknown(rules)) {
      pushGrants(sg.urn, [sg.urn], "-1", 0, 0, [{ kind: "unknown", why: "ingress unknown at preview" }]);
      continue;
    }
    for (const rule of asList(rules)) {
      if (!rule || typeof rule !== "object") continue;
      const ru = rule as Record<string, any>;
      const sources: GrantSource[] = [];
      const c = cidrSource(sg, [["ingress", ru.cidrBlocks, "ingress.cidrBlocks"], ["ingress", ru.ipv6CidrBlocks, "ingress.ipv6CidrBlocks"]]);
      if (c) sources.push(c);
      sources.push(...sgSources(sg, "ingress", ru.securityGroups, sg.urn));
      if (ru.self === true) sources.push({ kind: "self" });
      // Listing the group's own id is a self reference (sgSources drops it as a group source).
      if (Array.isArray(ru.securityGroups) && ru.securityGroups.some((x: unknown) => x === sg.props.id && x !== undefined)) sources.push({ kind: "self" });
      for (const pl of asList(ru.prefixListIds)) sources.push(prefixListSource(sg, "ingress", pl));
      pushGrants(sg.urn, [sg.urn], ru.protocol, ru.fromPort, ru.toPort, sources);
    }
  }

  const targetsOf = (r: StackResource, prop: string): string[] => {
    const t = resolve(r, prop, r.props[prop], SG_TYPES);
    if (t.urns.length) return t.urns;
    if (t.external) return [`external:${t.external}`];
    return [`unknown:${r.urn}`];
  };

  for (const r of ofType(T.sgRule)) {
    const p = r.props;
    if (p.type !== "ingress" && !isUnknown(p.type)) continue;
    const targets = targetsOf(r, "securityGroupId");
    const sources: GrantSource[] = [];
    const c = cidrSource(r, [["cidrBlocks", p.cidrBlocks], ["ipv6CidrBlocks", p.ipv6CidrBlocks]]);
    if (c) sources.push(c);
    sources.push(...sgSources(r, "sourceSecurityGroupId", p.sourceSecurityGroupId));
    if (p.self === true) sources.push({ kind: "self" });
    if (isUnknown(p.prefixListIds)) sources.push({ kind: "unknown", why: "prefixListIds unknown at preview" });
    else for (const pl of asList(p.prefixListIds)) sources.push(prefixListSource(r, "prefixListIds", pl));
    if (isUnknown(p.self)) sources.push({ kind: "unknown", why: "self unknown at preview" });
    if (!sources.length) sources.push({ kind: "unknown", why: "the rule names no source" });
    pushGrants(r.urn, targets, p.protocol, p.fromPort, p.toPort, sources);
  }

  for (const r of ofType(T.sgIngress)) {
    const p = r.props;
    const targets = targetsOf(r, "securityGroupId");
    const sources: GrantSource[] = [];
    const c = cidrSource(r, [["cidrIpv4", p.cidrIpv4], ["cidrIpv6", p.cidrIpv6]]);
    if (c) sources.push(c);
    sources.push(...sgSources(r, "referencedSecurityGroupId", p.referencedSecurityGroupId));
    if (p.prefixListId !== undefined && p.prefixListId !== null && p.prefixListId !== "") sources.push(prefixListSource(r, "prefixListId", p.prefixListId));
    if (!sources.length) sources.push({ kind: "unknown", why: "the rule names no source" });
    pushGrants(r.urn, targets, p.ipProtocol, p.fromPort, p.toPort, sources);
  }

  // Lightsail instances have their own firewall: explicit public ports, or AWS's default (22 and 80 open to all).
  const lightsailPortsFor = new Set<string>();
  for (const r of ofType(T.lightsailPorts)) {
    const inst = resolve(r, "instanceName", r.props.instanceName, [T.lightsail]);
    const targets = inst.urns.length ? inst.urns : [inst.external ? `external:${inst.external}` : `unknown:${r.urn}`];
    targets.forEach((t) => lightsailPortsFor.add(t));
    const infos = r.props.portInfos;
    if (isUnknown(infos)) {
      pushGrants(r.urn, targets, "-1", 0, 0, [{ kind: "unknown", why: "portInfos unknown at preview" }]);
      continue;
    }
    for (const pi of asList(infos)) {
      const i = pi as Record<string, any>;
      const fields: Array<[string, unknown]> = [["portInfos", i.cidrs], ["portInfos", i.ipv6Cidrs]];
      // No cidrs means "all IPv4 addresses" in Lightsail.
      const none = (i.cidrs === undefined || i.cidrs === null) && (i.ipv6Cidrs === undefined || i.ipv6Cidrs === null) && !i.cidrListAliases;
      const src = none ? cidrSource(r, [["portInfos", ["0.0.0.0/0"]]]) : cidrSource(r, fields);
      pushGrants(r.urn, targets, i.protocol, i.fromPort, i.toPort, src ? [src] : []);
    }
  }
  for (const r of ofType(T.lightsail)) {
    if (lightsailPortsFor.has(r.urn)) continue;
    const world = CidrSet.of(["0.0.0.0/0"]);
    pushGrants(r.urn, [r.urn], "tcp", 22, 22, [{ kind: "cidr", cidrs: world, text: ["0.0.0.0/0"] }], "Lightsail default firewall (no InstancePublicPorts)");
  }

  // ---- Subnets and routing --------------------------------------------------------------------------
  const igwNames = new Map<string, string>();
  for (const g of ofType(T.igw)) igwNames.set(g.urn, g.name);
  const tableIgw = new Map<string, string>();
  const tableOf = (r: StackResource, prop: string) => resolve(r, prop, r.props[prop], [T.routeTable, T.defaultRt]).urns;
  // IPv6 routes to an internet gateway make every IPv6 address behind them reachable from the internet (an
  // egress-only gateway does not), so they are tracked apart.
  const tableIgw6 = new Map<string, string>();
  const noteIgw = (table: string, r: StackResource, prop: string, value: unknown, ipv6: boolean) => {
    const g = resolve(r, prop, value, [T.igw]);
    const name = g.urns.length ? igwNames.get(g.urns[0])! : typeof value === "string" && value.startsWith("igw-") ? value : undefined;
    if (!name) return;
    tableIgw.set(table, name);
    if (ipv6) tableIgw6.set(table, name);
  };
  const isSet = (v: unknown) => v !== undefined && v !== null && v !== "";
  for (const rt of ofType(T.routeTable, T.defaultRt)) {
    for (const route of asList(rt.props.routes))
      if (route && typeof route === "object") noteIgw(rt.urn, rt, "routes", (route as any).gatewayId, isSet((route as any).ipv6CidrBlock));
  }
  for (const r of ofType(T.route)) for (const t of tableOf(r, "routeTableId")) noteIgw(t, r, "gatewayId", r.props.gatewayId, isSet(r.props.destinationIpv6CidrBlock));
  const mainTable = new Map<string, string>();
  for (const r of ofType(T.defaultRt)) {
    for (const v of resolve(r, "defaultRouteTableId", r.props.defaultRouteTableId, [T.vpc]).urns) mainTable.set(v, r.urn);
  }
  for (const r of ofType(T.mainRtAssoc)) {
    const v = resolve(r, "vpcId", r.props.vpcId, [T.vpc]).urns;
    const t = tableOf(r, "routeTableId");
    if (v.length === 1 && t.length) mainTable.set(v[0], t[0]);
  }
  const subnetTable = new Map<string, string>();
  for (const r of ofType(T.rtAssoc)) {
    const s = resolve(r, "subnetId", r.props.subnetId, [T.subnet]).urns;
    const t = tableOf(r, "routeTableId");
    if (t.length) for (const su of s) subnetTable.set(su, t[0]);
  }
  const subnetNodes = new Map<string, SubnetNode>();
  for (const s of ofType(T.subnet)) {
    const texts: string[] = [];
    for (const k of ["cidrBlock", "ipv6CidrBlock"]) if (typeof s.props[k] === "string" && !isUnknown(s.props[k])) texts.push(s.props[k]);
    let cidrs = CidrSet.empty;
    try {
      cidrs = CidrSet.of(texts);
    } catch {
      // An invalid subnet CIDR can't be created by AWS; leave it empty rather than fail the whole model.
    }
    const vpc = resolve(s, "vpcId", s.props.vpcId, [T.vpc]).urns;
    const table = subnetTable.get(s.urn) ?? (vpc.length === 1 ? mainTable.get(vpc[0]) : undefined);
    const m = s.props.mapPublicIpOnLaunch;
    const v6 = s.props.assignIpv6AddressOnCreation;
    subnetNodes.set(s.urn, {
      urn: s.urn,
      name: s.name,
      tenant: tenantOf(s.urn),
      vpcUrn: vpc.length === 1 ? vpc[0] : undefined,
      cidrs,
      mapPublicIpOnLaunch: isUnknown(m) ? "unknown" : m === true,
      ...(table && tableIgw.has(table) ? { igw: tableIgw.get(table) } : {}),
      assignIpv6OnCreation: isUnknown(v6) ? "unknown" : v6 === true,
      ...(table && tableIgw6.has(table) ? { igw6: tableIgw6.get(table) } : {}),
    });
  }

  // Where a resource sits: instances/ENIs by subnetId, LBs by subnets/subnetMappings, ASGs by vpcZoneIdentifiers,
  // launch templates through the ASGs that use them.
  const ltAsgs = new Map<string, string[]>();
  for (const a of ofType(T.asg)) {
    const refs: Array<[string, unknown]> = [
      ["launchTemplate", a.props.launchTemplate?.id],
      ["launchTemplate", a.props.launchTemplate?.name],
      ["mixedInstancesPolicy", a.props.mixedInstancesPolicy?.launchTemplate?.launchTemplateSpecification?.launchTemplateId],
      ["mixedInstancesPolicy", a.props.mixedInstancesPolicy?.launchTemplate?.launchTemplateSpecification?.launchTemplateName],
    ];
    for (const [top, v] of refs) {
      for (const lt of resolve(a, top, v, [T.launchTemplate]).urns) {
        const l = ltAsgs.get(lt) ?? [];
        if (!l.includes(a.urn)) l.push(a.urn);
        ltAsgs.set(lt, l);
      }
    }
  }
  const subnetsOf = (urn: string): Resolved => {
    const r = byUrnMap.get(urn);
    if (!r) return { urns: [], missing: true };
    if (r.type === T.instance || r.type === T.eni) return resolve(r, "subnetId", r.props.subnetId, [T.subnet]);
    if (r.type === T.asg) return resolveList(r, "vpcZoneIdentifiers", r.props.vpcZoneIdentifiers, [T.subnet]);
    if (r.type === T.eksNodeGroup) return resolveList(r, "subnetIds", r.props.subnetIds, [T.subnet]);
    if (LB_TYPES.includes(r.type as any)) {
      const a = resolveList(r, "subnets", r.props.subnets, [T.subnet]);
      const b = resolveList(r, "subnetMappings", getPath(r.props.subnetMappings, ["*", "subnetId"]), [T.subnet]);
      return { urns: [...new Set([...a.urns, ...b.urns])], unknown: a.unknown || b.unknown };
    }
    if (r.type === T.launchTemplate) {
      const urns = new Set<string>();
      for (const a of ltAsgs.get(urn) ?? []) for (const s of subnetsOf(a).urns) urns.add(s);
      return { urns: [...urns] };
    }
    return { urns: [] };
  };

  // ---- Data ports: fixed list plus the listener ports of database resources -------------------------
  const dataPorts = new Set<number>(DATA_PORTS);
  for (const db of ofType(T.rdsInstance, T.rdsCluster, T.redshift, T.cacheCluster, T.cacheRg, T.docdb)) {
    const port = typeof db.props.port === "number" ? db.props.port : enginePort(db.type, db.props.engine);
    // 80/443 are web ports (OpenSearch-style HTTPS endpoints): treating them as data ports would forbid every LB.
    if (port !== undefined && port !== 80 && port !== 443) dataPorts.add(port);
  }

  let subnetIndex: CidrIndex<SubnetNode> | undefined;
  let edges: ReachEdge[] | undefined;
  let transit: TransitAnalysis | undefined;
  const publicHop = (sgUrn: string): string[] | undefined => {
    const node = sgNodes.get(sgUrn);
    if (!node) {
      const r = byUrnMap.get(sgUrn);
      return r?.type === T.lightsail ? ["lightsail public IP"] : undefined;
    }
    for (const a of node.attachedTo) {
      for (const s of subnetsOf(a).urns) {
        const sn = subnetNodes.get(s);
        if (sn?.igw) return [`igw ${sn.igw}`, `subnet ${sn.name}`];
      }
    }
    return undefined;
  };
  let exposures: WorldExposure[] | undefined;
  const worldGrants = new Set<IngressGrant>();
  const worldExposures = (): WorldExposure[] => {
    if (exposures) return exposures;
    exposures = [];
    const byTarget = new Map<string, IngressGrant[]>();
    for (const g of ingress) {
      if (g.source.kind !== "cidr" || !g.source.cidrs.intersectsPublic()) continue;
      const l = byTarget.get(g.targetSgUrn);
      if (l) l.push(g);
      else byTarget.set(g.targetSgUrn, [g]);
    }
    const cidrsOf = (g: IngressGrant) => (g.source as { cidrs: CidrSet }).cidrs;
    // Blame the grants that open the door: world-wide on their own, else those without which the rest isn't
    // world-wide (each half of 0.0.0.0/1 + 128.0.0.0/1), else (redundant covers) all of them.
    const blame = (covering: IngressGrant[]): IngressGrant[] => {
      const alone = covering.filter((g) => cidrsOf(g).coversPublicInternet());
      if (alone.length) return alone;
      const needed = covering.filter((g) => !covering.reduce((acc, o) => (o === g ? acc : acc.union(cidrsOf(o))), CidrSet.empty).coversPublicInternet());
      return needed.length ? needed : [...covering];
    };
    for (const [target, grants] of byTarget) {
      const protos = new Set<string>(["tcp", "udp"]);
      for (const g of grants) if (g.protocol !== "all" && g.protocol !== "tcp" && g.protocol !== "udp") protos.add(g.protocol);
      for (const proto of protos) {
        const relevant = grants.filter((g) => g.protocol === proto || g.protocol === "all");
        if (!relevant.length) continue;
        const ported = proto === "tcp" || proto === "udp";
        // Port segments between rule boundaries have a constant set of covering grants.
        const cuts = ported ? [...new Set(relevant.flatMap((g) => [g.ports.from, g.ports.to + 1]))].sort((a, b) => a - b) : [0, 65536];
        let open: WorldExposure | undefined;
        for (let i = 0; i + 1 < cuts.length; i++) {
          const seg = { from: cuts[i], to: cuts[i + 1] - 1 };
          const covering = ported ? relevant.filter((g) => g.ports.from <= seg.from && g.ports.to >= seg.to) : relevant;
          const union = covering.reduce((acc, g) => acc.union(cidrsOf(g)), CidrSet.empty);
          if (covering.length && union.coversPublicInternet()) {
            const blamed = blame(covering);
            // Adjacent segments merge only when the same grants are to blame, so blame stays per port range.
            if (open && open.ports.to + 1 === seg.from && open.grants.length === blamed.length && blamed.every((g) => open!.grants.includes(g))) {
              open.ports = { from: open.ports.from, to: seg.to };
            } else {
              open = { targetSgUrn: target, protocol: proto, ports: seg, grants: blamed, cidrText: [] };
              exposures.push(open);
            }
          } else open = undefined;
        }
      }
    }
    for (const e of exposures) {
      e.cidrText = [...new Set(e.grants.flatMap((g) => (g.source as { text: string[] }).text))];
      e.grants.forEach((g) => worldGrants.add(g));
    }
    return exposures;
  };

  const fromOf = (g: IngressGrant): string => {
    const s = g.source;
    switch (s.kind) {
      case "cidr":
        worldExposures();
        return worldGrants.has(g) ? "internet" : `cidr:${s.text.join(",")}`;
      case "sg":
        return s.sgUrn ?? `external:${s.external}`;
      case "self":
        return g.targetSgUrn;
      case "prefix-list":
        return `prefix-list:${s.id}`;
      default:
        return "unknown";
    }
  };

  const model: NetworkModel = {
    resources,
    byUrn,
    ofType,
    tagsOf,
    tagsUnknown,
    tenantOf,
    isBastion: (urn) => sgNodes.get(urn)?.isBastion ?? isBastionRes(urn),
    label,
    resolve,
    resolveList,
    securityGroups: [...sgNodes.values()],
    sgByUrn: (urn) => sgNodes.get(urn),
    ingress,
    subnets: [...subnetNodes.values()],
    subnetByUrn: (urn) => subnetNodes.get(urn),
    subnetsOf,
    subnetsOverlapping(cidrs) {
      subnetIndex ??= new CidrIndex([...subnetNodes.values()].map((s) => ({ cidrs: s.cidrs, value: s })));
      return subnetIndex.overlapping(cidrs);
    },
    worldExposures,
    isWorldGrant(g) {
      worldExposures();
      return worldGrants.has(g);
    },
    transit() {
      return (transit ??= analyseTransit(model));
    },
    reachability() {
      if (edges) return edges;
      edges = ingress.map((g) => {
        const from = fromOf(g);
        const via = from === "internet" ? publicHop(g.targetSgUrn) : undefined;
        return { from, to: g.targetSgUrn, ports: g.ports, protocol: g.protocol, grantUrn: g.grantUrn, ...(via ? { via } : {}) };
      });
      return edges;
    },
    pathOf(g, port) {
      const from = fromOf(g);
      const hops = from === "internet" ? publicHop(g.targetSgUrn) : undefined;
      const start = from === "internet" ? "internet" : from.startsWith("cidr:") ? from.slice(5) : byUrnMap.has(from) ? label(from) : from;
      const portText = port !== undefined ? String(port) : formatPorts(g.ports);
      const target = `${label(g.targetSgUrn)}:${portText}/${g.protocol}`;
      const path = [start, ...(hops ?? []), target].join(" → ");
      // A world-open group with no publicly routed attachment is latent: one public IP or route away from open.
      return from === "internet" && !hops ? `${path} (latent: nothing attached is publicly routed yet)` : path;
    },
    adminPorts: ADMIN_PORTS,
    dataPorts: [...dataPorts].sort((a, b) => a - b),
    hasBastion,
  };
  return model;
}
