/**
 * Model stage 2, attachments and endpoints. An endpoint is anything that gets an ENI or a public address (an
 * instance, the instances an auto-scaling group or node group launches, a database, a load balancer, a VPC endpoint,
 * a Lambda in a VPC, an awsvpc ECS service…). Its effective ingress is the UNION of every security group attached
 * to it through every path: its own group properties, its launch template or launch configuration, the ENIs it is
 * launched on or attached to, `NetworkInterfaceSecurityGroupAttachment` resources, and the groups AWS itself
 * creates for it (EKS remote access, Elastic Beanstalk, Lightsail's firewall: see the ingress stage).
 *
 * Which properties attach groups is read from the props, not from a fixed list: every plural
 * `securityGroups` / `securityGroupIds` / `vpcSecurityGroupIds` key, at any depth, of any resource that is not a
 * security group or a rule. That covers the resource types the provider adds without this file changing; the table
 * below only adds what the props cannot say (the role, launch templates, attachment resources).
 */
import { LB_TYPES, SG_TYPES, T } from "./aws-types";
import type { ResourceIndex } from "./resource-index";
import { asList, tagEntries } from "./resource-index";
import { markEksGroups } from "./eks";
import { isUnknown, type SecurityGroupNode, type StackResource } from "./types";

export type EndpointRole = "compute" | "database" | "load-balancer" | "interface" | "function" | "container" | "service";

export interface EndpointGroup {
  /** The security group; for ports AWS opens by itself (EKS remote access, Beanstalk, Lightsail) the endpoint's own URN. */
  sgUrn: string;
  /** The resource whose property attaches the group: the endpoint, its launch template, an ENI, an attachment resource. */
  via: string;
  /** That property, e.g. `vpcSecurityGroupIds`, `networkInterfaces[0].securityGroups`, `securityGroupId`. */
  path: string;
}

export interface Endpoint {
  urn: string;
  type: string;
  name: string;
  role: EndpointRole;
  /** Every group that reaches the endpoint, one entry per attachment path (a group may appear more than once). */
  groups: EndpointGroup[];
  /** Group references that name nothing in this stack: an id outside it, or unknown at preview. */
  unresolvedGroups: Array<{ via: string; path: string; external?: string; unknown?: true }>;
  /** Launch templates and launch configurations it launches from (auto-scaling groups, instances, node groups, fleets). */
  launchedFrom: string[];
  /** Declared tenant: the endpoint's own `bulkhead:tenant` tag, else the one its launch template stamps. */
  tenant: string | undefined;
  isBastion: boolean;
  /** Load balancers: true unless `internal` is true; "unknown" when `internal` is unknown at preview. */
  internetFacing?: boolean | "unknown";
  /** No group named anywhere: AWS attaches the VPC's default security group. */
  usesDefaultGroup: boolean;
}

/** Metadata-service settings a launch ends up with, and where each came from (see configuring-IMDS-new-instances). */
export interface MetadataSettings {
  httpTokens: unknown;
  httpEndpoint: unknown;
  /** Where httpTokens came from: the resource, its launch template, the account-level default, or AWS's default. */
  source: "own" | "launch-template" | "account-default" | "aws-default";
  /** The launch template or InstanceMetadataDefaults resource the value came from. */
  from?: string;
}

export interface EndpointStage {
  endpoints: Endpoint[];
  endpointByUrn(urn: string): Endpoint | undefined;
  /** Endpoints a group (or implicit AWS-managed group) reaches. */
  endpointsOfGroup(sgUrn: string): Endpoint[];
  sgNodes: Map<string, SecurityGroupNode>;
  /** Launchers (auto-scaling groups, instances, node groups, fleets) of each launch template / configuration. */
  launchersOf(specUrn: string): string[];
  /** Effective IMDS settings of an instance, spot request, launch template or launch configuration. */
  metadataOf(urn: string): MetadataSettings | undefined;
  isBastion(urn: string): boolean;
  /**
   * VPCs of the stack whose default security group is not adopted, with the endpoints that name no group there:
   * AWS's default rule on that group admits all traffic among them.
   */
  unadoptedDefaultGroups: Array<{ vpcUrn: string; members: string[] }>;
}

const ROLES: Record<string, EndpointRole> = {
  [T.instance]: "compute",
  [T.spotInstance]: "compute",
  [T.spotFleet]: "compute",
  [T.ec2Fleet]: "compute",
  [T.asg]: "compute",
  [T.launchTemplate]: "compute",
  [T.launchConfiguration]: "compute",
  [T.eksNodeGroup]: "compute",
  [T.lightsail]: "compute",
  [T.beanstalkEnv]: "compute",
  [T.eni]: "interface",
  [T.lb]: "load-balancer",
  [T.alb]: "load-balancer",
  [T.elb]: "load-balancer",
  [T.vpcEndpoint]: "interface",
  [T.instanceConnectEndpoint]: "interface",
  [T.lambda]: "function",
  [T.ecsService]: "container",
  [T.rdsInstance]: "database",
  [T.rdsCluster]: "database",
  [T.rdsProxy]: "database",
  [T.redshift]: "database",
  [T.redshiftWorkgroup]: "database",
  [T.cacheCluster]: "database",
  [T.cacheRg]: "database",
  [T.cacheServerless]: "database",
  [T.memorydb]: "database",
  [T.msk]: "database",
  [T.mskServerless]: "database",
  [T.neptune]: "database",
  [T.docdb]: "database",
  [T.docdbElastic]: "database",
  [T.opensearch]: "database",
  [T.elasticsearch]: "database",
  [T.efsMountTarget]: "database",
  [T.mqBroker]: "database",
  [T.lightsailDb]: "database",
};

/** Types whose group-valued properties are rule targets or sources, never attachments. */
const NOT_ATTACHING = new Set<string>([...SG_TYPES, T.sgRule, T.sgIngress, T.sgEgress, T.eniSgAttachment, T.sgVpcAssociation]);
/** Types that get groups only through something else (launch specs): endpoints only when nothing launches them. */
const LAUNCH_SPECS = new Set<string>([T.launchTemplate, T.launchConfiguration]);
/** Types AWS opens ports on by itself; they are endpoints even when they name no group. */
const SELF_OPENING = new Set<string>([T.eksNodeGroup, T.lightsail, T.beanstalkEnv]);
/** Types that are endpoints even with no group named (AWS then attaches the VPC's default group). */
const ALWAYS_ENDPOINT = new Set<string>([T.instance, T.spotInstance, T.eni, T.asg]);

const DAX_TYPE = "aws:dax/cluster:Cluster";
/** Properties placing a managed database or cache through a subnet group, and the subnet-group types they name. */
const SUBNET_GROUP_PROPS = ["dbSubnetGroupName", "subnetGroupName", "clusterSubnetGroupName", "neptuneSubnetGroupName"];
const SUBNET_GROUP_TYPES = ["rds", "elasticache", "dax", "memorydb", "redshift", "neptune", "docdb"].map((m) => `aws:${m}/subnetGroup:SubnetGroup`);

const SG_KEY = /^(vpc)?securityGroup(Id)?s$/i;
const isPluralSgKey = (k: string) => k.length >= 14 && SG_KEY.test(k);

/** Every group-valued property of a resource, as [top-level prop, display path, value], found at any depth. */
export function groupProps(props: Record<string, any>): Array<[string, string, unknown]> {
  const out: Array<[string, string, unknown]> = [];
  // Path segments are kept on a stack and joined only on a match: most resources have no group property at all.
  const segs: Array<string | number> = [];
  const text = (k: string) => segs.reduce<string>((acc, x) => (typeof x === "number" ? `${acc}[${x}]` : acc ? `${acc}.${x}` : x), "") + (segs.length ? `.${k}` : k);
  const walk = (v: any, depth: number) => {
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        if (x !== null && typeof x === "object") {
          segs.push(i);
          walk(x, depth + 1);
          segs.pop();
        }
      }
      return;
    }
    for (const k in v) {
      const x = v[k];
      if (isPluralSgKey(k)) {
        if (x !== undefined && x !== null) out.push([segs.length ? (segs[0] as string) : k, text(k), x]);
      } else if (x !== null && typeof x === "object" && depth < 4 && k !== "tags" && k !== "tagsAll") {
        segs.push(k);
        walk(x, depth + 1);
        segs.pop();
      }
    }
  };
  if (props && typeof props === "object") walk(props, 0);
  return out;
}

/** Beanstalk option settings as a map `namespace:name` → value (settings may be a list or unknown). */
export function beanstalkSettings(r: StackResource): Map<string, unknown> {
  const m = new Map<string, unknown>();
  for (const s of asList(r.props.settings)) {
    const o = s as Record<string, unknown>;
    if (o && typeof o === "object" && typeof o.namespace === "string" && typeof o.name === "string") m.set(`${o.namespace}:${o.name}`, o.value);
  }
  return m;
}

/** Launch-template references of a launcher, as [top-level prop, id-or-name value]. */
function launchTemplateRefs(r: StackResource): Array<[string, unknown]> {
  const p = r.props;
  const refs: Array<[string, unknown]> = [];
  const lt = p.launchTemplate;
  if (lt && typeof lt === "object") refs.push(["launchTemplate", lt.id ?? lt.name ?? lt.launchTemplateId ?? lt.launchTemplateName]);
  const mip = p.mixedInstancesPolicy?.launchTemplate;
  if (mip && typeof mip === "object") {
    const spec = mip.launchTemplateSpecification;
    if (spec) refs.push(["mixedInstancesPolicy", spec.launchTemplateId ?? spec.launchTemplateName]);
    for (const o of asList(mip.override)) {
      const s = (o as any)?.launchTemplateSpecification;
      if (s) refs.push(["mixedInstancesPolicy", s.launchTemplateId ?? s.launchTemplateName]);
    }
  }
  // Fleets: launchTemplateConfigs[].launchTemplateSpecification (ec2.Fleet) / launchTemplateConfigs[].launchTemplateSpecification (spot fleet).
  for (const c of asList(p.launchTemplateConfigs ?? p.launchTemplateConfig)) {
    const s = (c as any)?.launchTemplateSpecification;
    if (s) refs.push(["launchTemplateConfigs", s.launchTemplateId ?? s.id ?? s.launchTemplateName ?? s.name]);
  }
  return refs.filter(([, v]) => v !== undefined && v !== null);
}

export function buildEndpoints(ix: ResourceIndex): EndpointStage {
  // ---- Groups, as nodes ------------------------------------------------------------------------------
  const sgNodes = new Map<string, SecurityGroupNode>();
  for (const r of ix.ofType(...SG_TYPES)) {
    const vpc = ix.resolve(r, "vpcId", r.props.vpcId, [T.vpc]);
    sgNodes.set(r.urn, {
      urn: r.urn,
      name: r.name,
      tenant: ix.tenantOf(r.urn),
      isBastion: ix.taggedBastion(r.urn),
      isInternetFacingLb: false,
      isLoadBalancer: false,
      vpcUrn: vpc.urns.length === 1 ? vpc.urns[0] : undefined,
      attachedTo: [],
      members: [],
      memberTenants: [],
      tenants: [],
      associatedVpcs: [],
    });
  }
  for (const a of ix.ofType(T.sgVpcAssociation)) {
    const vpcs = ix.resolve(a, "vpcId", a.props.vpcId, [T.vpc]).urns;
    for (const g of ix.resolve(a, "securityGroupId", a.props.securityGroupId, SG_TYPES).urns) sgNodes.get(g)!.associatedVpcs.push(...vpcs);
  }

  // ---- Direct attachments: group-valued properties of every resource ---------------------------------
  type Direct = { groups: EndpointGroup[]; unresolved: Endpoint["unresolvedGroups"] };
  const direct = new Map<string, Direct>();
  const attachedSeen = new Set<string>();
  const attach = (sg: string, user: string) => {
    const node = sgNodes.get(sg);
    if (!node || attachedSeen.has(`${sg}\u0000${user}`)) return;
    attachedSeen.add(`${sg}\u0000${user}`);
    node.attachedTo.push(user);
  };
  for (const r of ix.resources) {
    // Only AWS resources attach groups: a component (awsx, eks, bulkhead's own) merely carries its children's
    // group ids in its inputs and outputs; the children it creates are what AWS attaches them to.
    if (NOT_ATTACHING.has(r.type) || !r.props || !r.type.startsWith("aws:")) continue;
    let d: Direct | undefined;
    for (const [top, path, value] of groupProps(r.props)) {
      d ??= { groups: [], unresolved: [] };
      const res = ix.resolveList(r, top, value, SG_TYPES);
      for (const u of res.urns) {
        d.groups.push({ sgUrn: u, via: r.urn, path });
        attach(u, r.urn);
      }
      for (const e of res.externals) d.unresolved.push({ via: r.urn, path, external: e });
      if (res.unknown) d.unresolved.push({ via: r.urn, path, unknown: true });
    }
    if (d) direct.set(r.urn, d);
  }
  // Beanstalk: aws:autoscaling:launchconfiguration SecurityGroups (ids or names, comma-separated).
  for (const r of ix.ofType(T.beanstalkEnv)) {
    const v = beanstalkSettings(r).get("aws:autoscaling:launchconfiguration:SecurityGroups");
    if (v === undefined) continue;
    const d = direct.get(r.urn) ?? { groups: [], unresolved: [] };
    const items = typeof v === "string" && !isUnknown(v) ? v.split(",").map((s) => s.trim()).filter(Boolean) : [v];
    const res = ix.resolveList(r, "settings", items, SG_TYPES);
    for (const u of res.urns) d.groups.push({ sgUrn: u, via: r.urn, path: "settings[SecurityGroups]" }), attach(u, r.urn);
    for (const e of res.externals) d.unresolved.push({ via: r.urn, path: "settings[SecurityGroups]", external: e });
    if (res.unknown) d.unresolved.push({ via: r.urn, path: "settings[SecurityGroups]", unknown: true });
    direct.set(r.urn, d);
  }

  // Extra groups on interfaces by NetworkInterfaceSecurityGroupAttachment: on the ENI, or on an instance whose
  // primaryNetworkInterfaceId it names.
  const extra = new Map<string, EndpointGroup[]>();
  for (const a of ix.ofType(T.eniSgAttachment)) {
    const sgs = ix.resolve(a, "securityGroupId", a.props.securityGroupId, SG_TYPES).urns;
    for (const target of ix.resolve(a, "networkInterfaceId", a.props.networkInterfaceId, [T.eni, T.instance, T.spotInstance]).urns) {
      const l = extra.get(target) ?? [];
      for (const sg of sgs) l.push({ sgUrn: sg, via: a.urn, path: "securityGroupId" }), attach(sg, target);
      extra.set(target, l);
    }
  }
  const eniGroups = (eni: string): EndpointGroup[] => [...(direct.get(eni)?.groups ?? []), ...(extra.get(eni) ?? [])];

  // ENIs attached to instances: inline (networkInterfaces[].networkInterfaceId, primaryNetworkInterface), by
  // NetworkInterfaceAttachment, or by the ENI's own attachments[].instance.
  const enisOf = new Map<string, string[]>();
  const addEni = (inst: string, eni: string) => {
    const l = enisOf.get(inst) ?? [];
    if (!l.includes(eni)) l.push(eni);
    enisOf.set(inst, l);
  };
  for (const i of ix.ofType(T.instance, T.spotInstance)) {
    const ids = [...asList(i.props.networkInterfaces).map((n: any) => n?.networkInterfaceId), i.props.primaryNetworkInterface?.networkInterfaceId];
    for (const [k, v] of [["networkInterfaces", ids.slice(0, -1)], ["primaryNetworkInterface", ids.slice(-1)]] as const)
      for (const id of v) if (id !== undefined && id !== null) for (const e of ix.resolve(i, k, id, [T.eni]).urns) addEni(i.urn, e);
  }
  for (const att of ix.ofType(T.eniAttachment)) {
    const insts = ix.resolve(att, "instanceId", att.props.instanceId, [T.instance, T.spotInstance]).urns;
    for (const e of ix.resolve(att, "networkInterfaceId", att.props.networkInterfaceId, [T.eni]).urns) for (const i of insts) addEni(i, e);
  }
  for (const eni of ix.ofType(T.eni))
    for (const at of asList(eni.props.attachments)) for (const i of ix.resolve(eni, "attachments", (at as any)?.instance, [T.instance, T.spotInstance]).urns) addEni(i, eni.urn);

  // ---- Launch specs and their launchers ---------------------------------------------------------------
  const launchers = new Map<string, string[]>();
  const specsOf = new Map<string, string[]>();
  const link = (launcher: string, spec: string) => {
    const a = launchers.get(spec) ?? [];
    if (!a.includes(launcher)) a.push(launcher);
    launchers.set(spec, a);
    const b = specsOf.get(launcher) ?? [];
    if (!b.includes(spec)) b.push(spec);
    specsOf.set(launcher, b);
  };
  for (const r of ix.ofType(T.asg, T.instance, T.spotInstance, T.eksNodeGroup, T.spotFleet, T.ec2Fleet)) {
    for (const [top, v] of launchTemplateRefs(r)) for (const lt of ix.resolve(r, top, v, [T.launchTemplate]).urns) link(r.urn, lt);
    if (r.type === T.asg && r.props.launchConfiguration !== undefined)
      for (const lc of ix.resolve(r, "launchConfiguration", r.props.launchConfiguration, [T.launchConfiguration]).urns) link(r.urn, lc);
  }

  // ---- Endpoints -------------------------------------------------------------------------------------
  const isBastion = (urn: string): boolean => {
    const node = sgNodes.get(urn);
    if (node) return node.isBastion;
    if (ix.taggedBastion(urn)) return true;
    return (specsOf.get(urn) ?? []).some((s) => ix.taggedBastion(s));
  };
  const stampedTenant = (spec: string): string | undefined => {
    for (const ts of asList(ix.byUrn(spec)?.props.tagSpecifications)) {
      const tags = (ts as any)?.tags;
      if (tags && typeof tags === "object" && typeof tags["bulkhead:tenant"] === "string") return tags["bulkhead:tenant"];
    }
    return undefined;
  };
  const endpoints: Endpoint[] = [];
  const byUrn = new Map<string, Endpoint>();
  for (const r of ix.resources) {
    const d = direct.get(r.urn);
    const isSpec = LAUNCH_SPECS.has(r.type);
    if (isSpec && launchers.has(r.urn)) continue;
    if (!d && !SELF_OPENING.has(r.type) && !ALWAYS_ENDPOINT.has(r.type) && !(isSpec && !launchers.has(r.urn)) && !LB_TYPES.includes(r.type)) continue;
    const groups: EndpointGroup[] = [];
    const unresolved: Endpoint["unresolvedGroups"] = [];
    const own = d?.groups ?? [];
    const specs = specsOf.get(r.urn) ?? [];
    // Groups named on the launch itself override the launch template's (RunInstances parameters win over it).
    const ownNamed = own.length > 0 || (d?.unresolved.length ?? 0) > 0;
    groups.push(...own);
    unresolved.push(...(d?.unresolved ?? []));
    if (!ownNamed || r.type === T.asg || r.type === T.eksNodeGroup)
      for (const s of specs) {
        const sd = direct.get(s);
        if (sd) groups.push(...sd.groups), unresolved.push(...sd.unresolved);
      }
    groups.push(...(extra.get(r.urn) ?? []));
    for (const eni of enisOf.get(r.urn) ?? []) groups.push(...eniGroups(eni));
    if (r.type === T.eni) groups.push(...(extra.get(r.urn) ?? []).filter((g) => !groups.includes(g)));
    if (SELF_OPENING.has(r.type)) groups.push({ sgUrn: r.urn, via: r.urn, path: r.type === T.eksNodeGroup ? "remoteAccess" : r.type === T.beanstalkEnv ? "settings" : "(Lightsail firewall)" });
    const lbInternal = r.props.internal;
    const ep: Endpoint = {
      urn: r.urn,
      type: r.type,
      name: r.name,
      role: ROLES[r.type] ?? "service",
      groups,
      unresolvedGroups: unresolved,
      launchedFrom: specs,
      tenant: ix.tenantOf(r.urn) ?? specs.map(stampedTenant).find((t) => t !== undefined) ?? (isSpec ? stampedTenant(r.urn) : undefined),
      isBastion: isBastion(r.urn),
      ...(LB_TYPES.includes(r.type) ? { internetFacing: isUnknown(lbInternal) ? ("unknown" as const) : lbInternal !== true } : {}),
      usesDefaultGroup: !groups.some((g) => g.sgUrn !== r.urn) && !unresolved.length,
    };
    endpoints.push(ep);
    byUrn.set(r.urn, ep);
  }

  // Endpoints that name no group get their VPC's default security group
  // (https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html). When the stack adopts that group
  // (aws.ec2.DefaultSecurityGroup), its rules reach them like any other group's: a self rule on it joins every
  // group-less endpoint of the VPC, whichever tenant each belongs to.
  const defaultOfVpc = new Map<string, string>();
  for (const d of ix.ofType(T.defaultSg)) {
    const v = ix.resolve(d, "vpcId", d.props.vpcId, [T.vpc]).urns;
    if (v.length === 1) defaultOfVpc.set(v[0], d.urn);
  }
  // Managed databases and caches placed by a subnet group with no group named get the default group too
  // (e.g. https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html,
  // https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_dax_CreateCluster.html): they are endpoints of it.
  const subnetsVia = new Map<string, string[]>();
  for (const r of ix.resources) {
    if (byUrn.has(r.urn) || direct.has(r.urn) || !r.props || (ROLES[r.type] !== "database" && r.type !== DAX_TYPE)) continue;
    const key = SUBNET_GROUP_PROPS.find((k) => r.props[k] !== undefined && r.props[k] !== null);
    if (!key) continue;
    const groups = ix.resolve(r, key, r.props[key], SUBNET_GROUP_TYPES).urns;
    const subnets = groups.flatMap((g) => ix.resolveList(ix.byUrn(g)!, "subnetIds", ix.byUrn(g)!.props.subnetIds, [T.subnet]).urns);
    if (!subnets.length) continue;
    const ep: Endpoint = { urn: r.urn, type: r.type, name: r.name, role: ROLES[r.type] ?? "database", groups: [], unresolvedGroups: [], launchedFrom: [], tenant: ix.tenantOf(r.urn), isBastion: false, usesDefaultGroup: true };
    endpoints.push(ep);
    byUrn.set(r.urn, ep);
    subnetsVia.set(r.urn, subnets);
  }
  // A VPC of the stack whose default group is not adopted keeps AWS's rule admitting all traffic from its members.
  const unadoptedDefault = new Map<string, string[]>();
  for (const ep of endpoints) {
    if (!ep.usesDefaultGroup || ep.groups.length) continue;
    const r = ix.byUrn(ep.urn)!;
    const prop = r.type === T.asg ? "vpcZoneIdentifiers" : "subnetId";
    const subnets = subnetsVia.get(r.urn) ?? ix.resolveList(r, prop, r.props[prop], [T.subnet]).urns;
    const vpcs = new Set(subnets.flatMap((sn) => ix.resolve(ix.byUrn(sn)!, "vpcId", ix.byUrn(sn)!.props.vpcId, [T.vpc]).urns));
    if (vpcs.size !== 1) continue;
    const vpc = [...vpcs][0];
    const dsg = defaultOfVpc.get(vpc);
    if (dsg) {
      ep.groups.push({ sgUrn: dsg, via: ep.urn, path: "(no security group: the VPC's default group)" });
      attach(dsg, ep.urn);
    } else unadoptedDefault.set(vpc, [...(unadoptedDefault.get(vpc) ?? []), ep.urn]);
  }

  // Members of each group, and tenants by membership.
  const ofGroup = new Map<string, Endpoint[]>();
  for (const ep of endpoints) {
    const seen = new Set<string>();
    for (const g of ep.groups) {
      if (seen.has(g.sgUrn)) continue;
      seen.add(g.sgUrn);
      const l = ofGroup.get(g.sgUrn);
      if (l) l.push(ep);
      else ofGroup.set(g.sgUrn, [ep]);
    }
  }
  for (const node of sgNodes.values()) {
    const members = ofGroup.get(node.urn) ?? [];
    node.members = members.map((m) => m.urn);
    node.memberTenants = [...new Set(members.map((m) => m.tenant).filter((t): t is string => t !== undefined))].sort();
    node.tenants = [...new Set([...(node.tenant !== undefined ? [node.tenant] : []), ...node.memberTenants])].sort();
  }

  // Load-balancer flags and bastion groups, as before: over every resource naming the group.
  for (const lb of ix.ofType(...LB_TYPES)) {
    for (const g of direct.get(lb.urn)?.groups ?? []) {
      const node = sgNodes.get(g.sgUrn)!;
      node.isLoadBalancer = true;
      // Unknown `internal` isn't proof of internet-facing; rules treat the group as not an internet LB.
      if (lb.props.internal !== true && !isUnknown(lb.props.internal)) node.isInternetFacingLb = true;
    }
  }
  // A group used only by bastion-tagged resources is the bastion's group even when the tag sits on the instance
  // alone. A bastion-tagged group that is also on something else lets that something take the bastion's admin
  // traffic: it is not the bastion's group then.
  // Users that may share the bastion's group: bastion-tagged resources and what launches from bastion templates,
  // EC2 Instance Connect endpoints (an IAM-authenticated admin path like the bastion itself) and interface VPC
  // endpoints (they only accept connections, never open one from the group).
  const bastionSide = (u: string): boolean => {
    if (ix.taggedBastion(u) || (specsOf.get(u) ?? []).some((s) => ix.taggedBastion(s))) return true;
    const type = ix.byUrn(u)?.type ?? "";
    if (type === T.instanceConnectEndpoint || type === T.vpcEndpoint) return true;
    const ls = launchers.get(u) ?? [];
    return LAUNCH_SPECS.has(type) && ls.length > 0 && ls.every((l) => ix.taggedBastion(l));
  };
  for (const node of sgNodes.values()) {
    const users = [...new Set([...node.attachedTo, ...node.members])];
    const others = users.filter((u) => !bastionSide(u));
    if (node.isBastion && others.length) {
      node.isBastion = false;
      node.bastionTagSharedWith = others;
    } else if (!node.isBastion && users.length && !others.length && users.some((u) => ix.taggedBastion(u) || (specsOf.get(u) ?? []).some((x) => ix.taggedBastion(x)) || (launchers.get(u) ?? []).some((l) => ix.taggedBastion(l))))
      node.isBastion = true;
  }

  markEksGroups(ix, sgNodes, (u) => specsOf.get(u) ?? [], (s) => launchers.get(s) ?? []);

  // ---- Instance metadata: own settings, else the launch template's, else the account default ------------
  const defaults = ix.ofType(T.metadataDefaults);
  const metadataOf = (urn: string): MetadataSettings | undefined => {
    const r = ix.byUrn(urn);
    if (!r || ![T.instance, T.spotInstance, T.launchTemplate, T.launchConfiguration].includes(r.type as any)) return undefined;
    const own = r.props.metadataOptions;
    const field = (o: unknown, k: string) => (isUnknown(o) ? o : o && typeof o === "object" ? (o as any)[k] : undefined);
    const set = (v: unknown) => v !== undefined && v !== null && v !== "" && v !== "no-preference";
    let tokens = field(own, "httpTokens");
    let endpoint = field(own, "httpEndpoint");
    if (set(tokens)) return { httpTokens: tokens, httpEndpoint: endpoint, source: "own" };
    for (const lt of specsOf.get(urn) ?? []) {
      const lo = ix.byUrn(lt)!.props.metadataOptions;
      const lv = field(lo, "httpTokens");
      if (set(lv)) return { httpTokens: lv, httpEndpoint: set(endpoint) ? endpoint : field(lo, "httpEndpoint"), source: "launch-template", from: lt };
      if (!set(endpoint)) endpoint = field(lo, "httpEndpoint");
    }
    for (const d of defaults) {
      const dv = d.props.httpTokens;
      if (set(dv)) return { httpTokens: dv, httpEndpoint: set(endpoint) ? endpoint : d.props.httpEndpoint, source: "account-default", from: d.urn };
    }
    tokens = undefined;
    return { httpTokens: tokens, httpEndpoint: endpoint, source: "aws-default" };
  };

  return {
    endpoints,
    endpointByUrn: (urn) => byUrn.get(urn),
    endpointsOfGroup: (sg) => ofGroup.get(sg) ?? [],
    sgNodes,
    launchersOf: (spec) => launchers.get(spec) ?? [],
    metadataOf,
    isBastion,
    unadoptedDefaultGroups: [...unadoptedDefault].map(([vpcUrn, members]) => ({ vpcUrn, members })),
  };
}
