/**
 * Model stage 4, routing: subnets, the route tables and internet gateways they lead to (IPv4 and IPv6), where each
 * resource sits, VPC peering ends with their owners, and transit-gateway routing (transit.ts, on first use).
 */
import { CidrIndex, CidrSet } from "./cidr";
import { LB_TYPES, T } from "./aws-types";
import type { EndpointStage } from "./endpoints";
import { asList, getPath, type ResourceIndex } from "./resource-index";
import { isUnknown, type Resolved, type StackResource, type SubnetNode } from "./types";

export interface PeeringEnd {
  /** The VPC's URN, or `external:<id>` for a VPC outside the stack, or "unknown". */
  urn: string;
  /** Its tenant: "" for the shared platform, undefined when it cannot be known (tags unknown, outside the stack). */
  owner: string | undefined;
}
export interface PeeringNode {
  urn: string;
  name: string;
  requester: PeeringEnd[];
  accepter: PeeringEnd[];
}

export interface RoutingStage {
  subnets: Map<string, SubnetNode>;
  subnetsOf(urn: string): Resolved;
  subnetsOverlapping(cidrs: CidrSet): SubnetNode[];
  peerings: PeeringNode[];
  /** Tenant of a VPC ("" for the shared platform), or undefined when its tags are unknown. */
  vpcOwner(urn: string): string | undefined;
}

const SUBNET_KEY = /^(subnetIds?|subnets|vpcZoneIdentifiers)$/;

export function buildRouting(ix: ResourceIndex, ep: EndpointStage): RoutingStage {
  /** Subnet-valued properties at any depth (vpcConfig.subnetIds, networkConfiguration.subnets, …). */
  const genericSubnets = (r: StackResource): Resolved => {
    const urns = new Set<string>();
    let unknown = false;
    let found = false;
    const walk = (v: any, top: string, depth: number) => {
      if (depth > 3 || v === null || typeof v !== "object" || isUnknown(v)) return;
      if (Array.isArray(v)) return v.forEach((x) => walk(x, top, depth + 1));
      for (const [k, x] of Object.entries(v)) {
        if (k === "tags" || k === "tagsAll") continue;
        if (SUBNET_KEY.test(k)) {
          found = true;
          const res = ix.resolveList(r, top || k, x, [T.subnet]);
          res.urns.forEach((u) => urns.add(u));
          if (res.unknown || res.externals.length) unknown = true;
        } else if (x && typeof x === "object") walk(x, top || k, depth + 1);
      }
    };
    walk(r.props, "", 0);
    return found ? { urns: [...urns], ...(unknown ? { unknown } : {}) } : { urns: [] };
  };

  const igwNames = new Map<string, string>();
  for (const g of ix.ofType(T.igw)) igwNames.set(g.urn, g.name);
  const tableIgw = new Map<string, string>();
  const tableOf = (r: StackResource, prop: string) => ix.resolve(r, prop, r.props[prop], [T.routeTable, T.defaultRt]).urns;
  // IPv6 routes to an internet gateway make every IPv6 address behind them reachable from the internet (an
  // egress-only gateway does not), so they are tracked apart.
  const tableIgw6 = new Map<string, string>();
  const noteIgw = (table: string, r: StackResource, prop: string, value: unknown, ipv6: boolean) => {
    const g = ix.resolve(r, prop, value, [T.igw]);
    const name = g.urns.length ? igwNames.get(g.urns[0])! : typeof value === "string" && value.startsWith("igw-") ? value : undefined;
    if (!name) return;
    tableIgw.set(table, name);
    if (ipv6) tableIgw6.set(table, name);
  };
  const isSet = (v: unknown) => v !== undefined && v !== null && v !== "";
  for (const rt of ix.ofType(T.routeTable, T.defaultRt)) {
    for (const route of asList(rt.props.routes))
      if (route && typeof route === "object") noteIgw(rt.urn, rt, "routes", (route as any).gatewayId, isSet((route as any).ipv6CidrBlock));
  }
  for (const r of ix.ofType(T.route)) for (const t of tableOf(r, "routeTableId")) noteIgw(t, r, "gatewayId", r.props.gatewayId, isSet(r.props.destinationIpv6CidrBlock));
  const mainTable = new Map<string, string>();
  for (const r of ix.ofType(T.defaultRt)) {
    for (const v of ix.resolve(r, "defaultRouteTableId", r.props.defaultRouteTableId, [T.vpc]).urns) mainTable.set(v, r.urn);
  }
  for (const r of ix.ofType(T.mainRtAssoc)) {
    const v = ix.resolve(r, "vpcId", r.props.vpcId, [T.vpc]).urns;
    const t = tableOf(r, "routeTableId");
    if (v.length === 1 && t.length) mainTable.set(v[0], t[0]);
  }
  const subnetTable = new Map<string, string>();
  for (const r of ix.ofType(T.rtAssoc)) {
    const s = ix.resolve(r, "subnetId", r.props.subnetId, [T.subnet]).urns;
    const t = tableOf(r, "routeTableId");
    if (t.length) for (const su of s) subnetTable.set(su, t[0]);
  }
  const subnetNodes = new Map<string, SubnetNode>();
  for (const s of ix.ofType(T.subnet)) {
    const texts: string[] = [];
    for (const k of ["cidrBlock", "ipv6CidrBlock"]) if (typeof s.props[k] === "string" && !isUnknown(s.props[k])) texts.push(s.props[k]);
    let cidrs = CidrSet.empty;
    try {
      cidrs = CidrSet.of(texts);
    } catch {
      // An invalid subnet CIDR can't be created by AWS; leave it empty rather than fail the whole model.
    }
    const vpc = ix.resolve(s, "vpcId", s.props.vpcId, [T.vpc]).urns;
    const table = subnetTable.get(s.urn) ?? (vpc.length === 1 ? mainTable.get(vpc[0]) : undefined);
    const m = s.props.mapPublicIpOnLaunch;
    const v6 = s.props.assignIpv6AddressOnCreation;
    subnetNodes.set(s.urn, {
      urn: s.urn,
      name: s.name,
      tenant: ix.tenantOf(s.urn),
      vpcUrn: vpc.length === 1 ? vpc[0] : undefined,
      cidrs,
      mapPublicIpOnLaunch: isUnknown(m) ? "unknown" : m === true,
      ...(table && tableIgw.has(table) ? { igw: tableIgw.get(table) } : {}),
      assignIpv6OnCreation: isUnknown(v6) ? "unknown" : v6 === true,
      ...(table && tableIgw6.has(table) ? { igw6: tableIgw6.get(table) } : {}),
      members: [],
      memberTenants: [],
      tenants: [],
    });
  }

  // Where a resource sits: instances/ENIs by subnetId, LBs by subnets/subnetMappings, ASGs by vpcZoneIdentifiers,
  // launch templates through what launches them, anything else by its subnet-valued properties.
  const subnetsOf = (urn: string): Resolved => {
    const r = ix.byUrn(urn);
    if (!r) return { urns: [], missing: true };
    if (r.type === T.instance || r.type === T.eni || r.type === T.spotInstance) return ix.resolve(r, "subnetId", r.props.subnetId, [T.subnet]);
    if (r.type === T.asg) return ix.resolveList(r, "vpcZoneIdentifiers", r.props.vpcZoneIdentifiers, [T.subnet]);
    if (r.type === T.eksNodeGroup) return ix.resolveList(r, "subnetIds", r.props.subnetIds, [T.subnet]);
    if (LB_TYPES.includes(r.type)) {
      const a = ix.resolveList(r, "subnets", r.props.subnets, [T.subnet]);
      const b = ix.resolveList(r, "subnetMappings", getPath(r.props.subnetMappings, ["*", "subnetId"]), [T.subnet]);
      return { urns: [...new Set([...a.urns, ...b.urns])], unknown: a.unknown || b.unknown };
    }
    if (r.type === T.launchTemplate || r.type === T.launchConfiguration) {
      const urns = new Set<string>();
      for (const a of ep.launchersOf(urn)) for (const s of subnetsOf(a).urns) urns.add(s);
      return { urns: [...urns] };
    }
    return genericSubnets(r);
  };


  // Tenancy by membership: a subnet's tenants are its own tag and the tenants of the endpoints placed in it.
  for (const e of ep.endpoints) {
    for (const s of subnetsOf(e.urn).urns) {
      const sn = subnetNodes.get(s);
      if (!sn) continue;
      sn.members.push(e.urn);
      if (e.tenant !== undefined && !sn.memberTenants.includes(e.tenant)) sn.memberTenants.push(e.tenant);
    }
  }
  for (const sn of subnetNodes.values()) sn.tenants = [...new Set([...(sn.tenant !== undefined ? [sn.tenant] : []), ...sn.memberTenants])].sort();

  const vpcOwner = (urn: string): string | undefined => {
    if (ix.tagsUnknown(urn)) return undefined;
    return ix.tenantOf(urn) ?? "";
  };
  const peerings: PeeringNode[] = ix.ofType(T.peering).map((p) => {
    const ends = (prop: string): PeeringEnd[] => {
      const r = ix.resolve(p, prop, p.props[prop], [T.vpc]);
      return r.urns.length ? r.urns.map((u) => ({ urn: u, owner: vpcOwner(u) })) : [{ urn: r.external ? `external:${r.external}` : "unknown", owner: undefined }];
    };
    return { urn: p.urn, name: p.name, requester: ends("vpcId"), accepter: ends("peerVpcId") };
  });

  let subnetIndex: CidrIndex<SubnetNode> | undefined;
  return {
    subnets: subnetNodes,
    subnetsOf,
    subnetsOverlapping(cidrs) {
      subnetIndex ??= new CidrIndex([...subnetNodes.values()].map((s) => ({ cidrs: s.cidrs, value: s })));
      return subnetIndex.overlapping(cidrs);
    },
    peerings,
    vpcOwner,
  };
}
