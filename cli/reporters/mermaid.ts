/**
 * The reachability map: who can reach which security group on which port, drawn from the pack's own network
 * model so the picture and the findings cannot disagree. Edges the pack blamed are red (exempted ones orange,
 * dashed), tenants are subgraphs, and at many tenants identical per-tenant patterns collapse into one subgraph.
 */
import type { ProgramRun, Violation } from "../engine/types";
import { T, type IngressGrant, type NetworkModel, type PortRange } from "../../policies/model";
import { grantDoor } from "../../policies/model/doors";
import { tenancyIam } from "../../policies/model/tenancy-iam";
import { modelOf } from "./stack-model";

export type NodeKind = "internet" | "lb" | "bastion" | "app" | "data" | "shared" | "source" | "vpc" | "hop" | "iam";

export interface MapNode {
  /** Mermaid id (`n0`, `n1`, …): stable for one input. */
  id: string;
  /** What the node stands for: a URN, `internet`, `cidr:…`, `external:…`, `prefix-list:…`, `unknown`. */
  key: string;
  kind: NodeKind;
  /** First line of the label (group name, CIDR, …). */
  title: string;
  /** Second line: what uses the group, e.g. `rds.Instance acme-db`. */
  detail?: string;
  tenant?: string;
  /** Subgraph id, undefined for top-level nodes. */
  group?: string;
  /** A finding not tied to a single edge names this node (e.g. a public database). */
  violation: boolean;
}

export type EdgeState = "ok" | "violation" | "exempted";

export interface MapEdge {
  from: string;
  to: string;
  /** Ports, e.g. ["443/tcp"], one entry per distinct grant range; for a VPC peering `peering <name>`. */
  ports: string[];
  state: EdgeState;
  /** World-open but nothing attached is publicly routed yet (drawn dotted). */
  latent: boolean;
  /** Rule ids that blamed this edge. */
  rules: string[];
  /** Set on a collapsed pattern: the edge exists once per tenant of the pattern. */
  each?: number;
  /**
   * What the edge is: a security-group grant, peering or transit route ("network", the default); a hop no group
   * shows (load balancer, CloudFront, API, PrivateLink forwarding, from the model's hop data); a cross-tenant IAM
   * path (a principal's permission on another tenant's resource).
   */
  layer?: "hop" | "iam";
}

export interface MapGroup {
  id: string;
  title: string;
  /** Tenants drawn by this subgraph (more than one when their patterns were collapsed). */
  tenants: string[];
}

export interface ReachMap {
  nodes: MapNode[];
  edges: MapEdge[];
  groups: MapGroup[];
  /** Groups with no ingress edge at all, left out of the drawing. */
  omittedIsolated: number;
}

export interface MapOptions {
  /** Collapse tenants with identical patterns once there are more tenants than this (default 6). */
  collapseAbove?: number;
}

/** What the map needs: a CheckResult fits, so does a ProgramRun with the violations of a check. */
export interface MapInput {
  run: Pick<ProgramRun, "resources">;
  violations: readonly Violation[];
}

const DATA_TYPES: readonly string[] = [
  T.rdsInstance, T.rdsCluster, T.rdsClusterInstance, T.redshift, T.cacheCluster, T.cacheRg,
  T.opensearch, T.elasticsearch, T.docdb, T.lightsailDb,
];
/** Mandatory rules whose findings name a node rather than a grant (databases made public, public IPs on the wrong thing). */
const NODE_RULES = new Set(["no-public-databases", "public-ip-only-bastion-lb", "private-eks-api"]);

export const COLORS = { violation: "#cf222e", exempted: "#bc4c00" } as const;

export function portText(protocol: string, ports: PortRange): string {
  if (protocol === "all") return "all traffic";
  if (protocol !== "tcp" && protocol !== "udp") return protocol;
  if (ports.from === 0 && ports.to === 65535) return `all ${protocol}`;
  return `${ports.from === ports.to ? ports.from : `${ports.from}-${ports.to}`}/${protocol}`;
}

/**
 * Grants of the blamed resource the finding is about: the ones whose door it names (findings about a grant carry the
 * grant's door, policies/model/doors.ts); all of them when none does (a finding about the resource as a whole).
 */
function blamedGrants(grants: IngressGrant[], v: Violation): IngressGrant[] {
  const hit = grants.filter((g) => grantDoor(g) === v.door);
  return hit.length ? hit : grants;
}

function sgKind(model: NetworkModel, urn: string): NodeKind {
  const sg = model.sgByUrn(urn);
  if (sg?.isLoadBalancer) return "lb";
  if (sg ? sg.isBastion : model.isBastion(urn)) return "bastion";
  const attached = sg ? sg.attachedTo : [urn];
  if (attached.some((a) => DATA_TYPES.includes(model.byUrn(a)?.type ?? ""))) return "data";
  return (sg ? sg.tenant : model.tenantOf(urn)) !== undefined ? "app" : "shared";
}

function attachedText(model: NetworkModel, urn: string): string | undefined {
  const sg = model.sgByUrn(urn);
  if (!sg) return undefined;
  if (!sg.attachedTo.length) return "not attached";
  const first = model.label(sg.attachedTo[0]);
  return sg.attachedTo.length === 1 ? first : `${first} +${sg.attachedTo.length - 1} more`;
}

/** Builds the full map (every tenant drawn), then collapses repeated tenant patterns when there are many. */
export function reachabilityMap(input: MapInput, opts: MapOptions = {}, model: NetworkModel = modelOf(input.run)): ReachMap {
  const nodes = new Map<string, MapNode>();
  const groups = new Map<string, MapGroup>();
  const groupFor = (kind: NodeKind, tenant: string | undefined): string | undefined => {
    if (tenant !== undefined) {
      const id = `tenant:${tenant}`;
      if (!groups.has(id)) groups.set(id, { id, title: `tenant ${tenant}`, tenants: [tenant] });
      return id;
    }
    if (kind === "lb" || kind === "shared") {
      const id = kind === "lb" ? "lbs" : "platform";
      if (!groups.has(id)) groups.set(id, { id, title: kind === "lb" ? "load balancers" : "shared platform", tenants: [] });
      return id;
    }
    return undefined;
  };
  const node = (key: string): MapNode => {
    let n = nodes.get(key);
    if (n) return n;
    if (key === "internet") n = { id: "", key, kind: "internet", title: "internet", violation: false };
    else if (key.startsWith("cidr:")) n = { id: "", key, kind: "source", title: key.slice(5).split(",").join(", "), violation: false };
    else if (key.startsWith("prefix-list:")) n = { id: "", key, kind: "source", title: `prefix list ${key.slice(12)}`, violation: false };
    else if (key.startsWith("external:")) n = { id: "", key, kind: "source", title: `group ${key.slice(9)} (outside the stack)`, violation: false };
    else if (key === "unknown" || key.startsWith("unknown:")) n = { id: "", key, kind: "source", title: "unknown at preview", violation: false };
    else {
      const kind = sgKind(model, key);
      const sg = model.sgByUrn(key);
      const tenant = sg ? sg.tenant : model.tenantOf(key);
      const detail = attachedText(model, key);
      n = {
        id: "",
        key,
        kind,
        title: sg ? sg.name : model.label(key),
        ...(detail ? { detail } : {}),
        ...(tenant !== undefined ? { tenant } : {}),
        violation: false,
      };
      const g = groupFor(kind, tenant);
      if (g) n.group = g;
    }
    nodes.set(key, n);
    return n;
  };

  const grantsByUrn = new Map<string, IngressGrant[]>();
  for (const g of model.ingress) {
    const l = grantsByUrn.get(g.grantUrn);
    if (l) l.push(g);
    else grantsByUrn.set(g.grantUrn, [g]);
  }
  const grantState = new Map<IngressGrant, { state: EdgeState; rules: Set<string> }>();
  const nodeViolations: Violation[] = [];
  for (const v of input.violations) {
    const grants = grantsByUrn.get(v.resource.urn);
    if (!grants || NODE_RULES.has(v.policy)) {
      if (!v.exemption && NODE_RULES.has(v.policy)) nodeViolations.push(v);
      continue;
    }
    for (const g of blamedGrants(grants, v)) {
      const s = grantState.get(g) ?? { state: "ok" as EdgeState, rules: new Set<string>() };
      // One live finding makes the edge red even when another finding on it is exempted.
      s.state = v.exemption ? (s.state === "violation" ? "violation" : "exempted") : "violation";
      s.rules.add(v.policy);
      grantState.set(g, s);
    }
  }

  const edges = new Map<string, MapEdge>();
  const reach = model.reachability();
  model.ingress.forEach((g, i) => {
    const e = reach[i];
    const from = node(e.from);
    const to = node(e.to);
    const s = grantState.get(g);
    const state = s?.state ?? "ok";
    const latent = e.from === "internet" && !e.via;
    const key = `${from.key}\u0000${to.key}\u0000${state}\u0000${latent}`;
    const port = portText(e.protocol, e.ports);
    const edge = edges.get(key);
    if (edge) {
      if (!edge.ports.includes(port)) edge.ports.push(port);
      for (const r of s?.rules ?? []) if (!edge.rules.includes(r)) edge.rules.push(r);
    } else edges.set(key, { from: from.key, to: to.key, ports: [port], state, latent, rules: [...(s?.rules ?? [])] });
  });

  // VPC peerings are network paths too (tenant-isolation blames the peering): drawn between the two VPCs.
  const peeringBlame = new Map<string, EdgeState>();
  for (const v of input.violations) if (v.resource.type === T.peering) peeringBlame.set(v.resource.urn, v.exemption && peeringBlame.get(v.resource.urn) !== "violation" ? "exempted" : "violation");
  const vpcNode = (urn: string): MapNode => {
    const vpc = model.byUrn(urn)!;
    const n = nodes.get(vpc.urn) ?? { id: "", key: vpc.urn, kind: "vpc" as NodeKind, title: `vpc ${vpc.name}`, violation: false };
    const tenant = model.tenantOf(vpc.urn);
    if (tenant !== undefined) n.tenant = tenant;
    const g = groupFor("shared", tenant);
    if (g) n.group = g;
    nodes.set(vpc.urn, n);
    return n;
  };
  for (const p of model.ofType(T.peering)) {
    const end = (prop: string): MapNode => {
      const r = model.resolve(p, prop, p.props[prop], [T.vpc]);
      if (r.urns.length === 1) return vpcNode(r.urns[0]);
      return node(r.external ? `external:${r.external}` : "unknown");
    };
    const from = end("vpcId");
    const to = end("peerVpcId");
    const state = peeringBlame.get(p.urn) ?? "ok";
    edges.set(`peering\u0000${p.urn}`, { from: from.key, to: to.key, ports: [`peering ${p.name}`], state, latent: false, rules: state === "ok" ? [] : ["tenant-isolation"] });
  }

  // Transit-gateway routes between VPCs (one edge per pair of VPCs): red where tenant-isolation blamed an
  // attachment for a route into another tenant.
  const attachmentBlame = new Map<string, EdgeState>();
  for (const v of input.violations)
    if (v.policy === "tenant-isolation" && v.resource.type === T.tgwAttachment)
      attachmentBlame.set(v.resource.urn, v.exemption && attachmentBlame.get(v.resource.urn) !== "violation" ? "exempted" : "violation");
  for (const { from, to } of model.transit().paths) {
    if (!from.vpc || !to.vpc || from.vpc === to.vpc) continue;
    const [a, b] = [from.vpc, to.vpc].sort();
    const key = `transit\u0000${a}\u0000${b}`;
    const ta = model.tenantOf(from.vpc);
    const tb = model.tenantOf(to.vpc);
    const crossing = ta !== undefined && tb !== undefined && ta !== tb;
    const blamed = crossing ? attachmentBlame.get(from.urn) : undefined;
    const gateway = model.byUrn(from.gateway)?.name ?? from.gateway;
    const edge = edges.get(key);
    if (edge) {
      if (blamed === "violation" || (blamed === "exempted" && edge.state === "ok")) edge.state = blamed;
      if (blamed && !edge.rules.includes("tenant-isolation")) edge.rules.push("tenant-isolation");
      continue;
    }
    edges.set(key, { from: vpcNode(a).key, to: vpcNode(b).key, ports: [`transit ${gateway}`], state: blamed ?? "ok", latent: false, rules: blamed ? ["tenant-isolation"] : [] });
  }

  addHops(model, input.violations, node, nodes, edges, groupFor);
  addIamPaths(model, input.violations, nodes, edges, groupFor);

  for (const v of nodeViolations) {
    const hit = [...nodes.values()].find((n) => n.key === v.resource.urn || model.sgByUrn(n.key)?.attachedTo.includes(v.resource.urn));
    if (hit) hit.violation = true;
  }

  const drawn = new Set([...edges.values()].flatMap((e) => [e.from, e.to]));
  const omittedIsolated = model.securityGroups.filter((s) => !drawn.has(s.urn)).length;
  const map: ReachMap = { nodes: [...nodes.values()], edges: [...edges.values()], groups: [...groups.values()], omittedIsolated };
  sortMap(map);
  const collapsed = collapseTenants(map, opts.collapseAbove ?? 6);
  collapsed.nodes.forEach((n, i) => (n.id = `n${i}`));
  return collapsed;
}

/** Rules whose findings blame a hop's own resource (listener, target group, distribution, route, endpoint service). */
const HOP_RULES = new Set(["no-hidden-internet-paths", "no-public-entry-points"]);

type GroupFor = (kind: NodeKind, tenant: string | undefined) => string | undefined;

/** State of a drawn path from the findings on the resources it passes: one live finding makes it red. */
function blameOf(violations: readonly Violation[], rules: Set<string>, urns: readonly string[]): { state: EdgeState; rules: string[] } {
  let state: EdgeState = "ok";
  const hit = new Set<string>();
  for (const v of violations) {
    if (!rules.has(v.policy) || !urns.includes(v.resource.urn)) continue;
    hit.add(v.policy);
    state = v.exemption ? (state === "violation" ? "violation" : "exempted") : "violation";
  }
  return { state, rules: [...hit] };
}

/** A node for a resource that is not a security group (a load balancer without groups, a distribution, a role…). */
function resourceNode(model: NetworkModel, nodes: Map<string, MapNode>, groupFor: GroupFor, urn: string, kind: NodeKind, title: string, tenant = model.tenantOf(urn)): MapNode {
  const old = nodes.get(urn);
  if (old) return old;
  const n: MapNode = { id: "", key: urn, kind, title, ...(tenant !== undefined ? { tenant } : {}), violation: false };
  const g = groupFor(kind === "hop" ? "lb" : kind === "iam" ? "shared" : kind, tenant);
  if (g && kind !== "hop") n.group = g;
  nodes.set(urn, n);
  return n;
}

function addEdge(edges: Map<string, MapEdge>, layer: "hop" | "iam", from: MapNode, to: MapNode, label: string, blame: { state: EdgeState; rules: string[] }): void {
  const key = `${layer}\u0000${from.key}\u0000${to.key}\u0000${blame.state}`;
  const e = edges.get(key);
  if (e) {
    if (!e.ports.includes(label)) e.ports.push(label);
    for (const r of blame.rules) if (!e.rules.includes(r)) e.rules.push(r);
  } else edges.set(key, { from: from.key, to: to.key, ports: [label], state: blame.state, latent: false, rules: blame.rules, layer });
}

/**
 * Hops the model follows and no security group shows (policies/model/hops.ts): load balancer → target group →
 * targets, CloudFront → origin, API → VPC link → listener, PrivateLink consumers → endpoint service → NLB. A load
 * balancer is its security group's node when it has one (so the grant edges into it meet the hop edges out of it).
 */
function addHops(model: NetworkModel, violations: readonly Violation[], node: (key: string) => MapNode, nodes: Map<string, MapNode>, edges: Map<string, MapEdge>, groupFor: GroupFor): void {
  const hops = model.hops();
  const internet = () => node("internet");
  const lbNode = (urn: string): MapNode => {
    const lb = hops.lbByUrn(urn);
    if (lb?.securityGroups.length) return node(lb.securityGroups[0]);
    const type = lb?.type === "network" ? "nlb" : lb?.type === "gateway" ? "gwlb" : "alb";
    return resourceNode(model, nodes, groupFor, urn, "lb", `${type} ${model.byUrn(urn)?.name ?? urn}`);
  };
  /** Where a target is drawn: its security groups' nodes, else its own node. */
  const targetNodes = (urn: string): MapNode[] => {
    if (hops.lbByUrn(urn)) return [lbNode(urn)];
    const groups = [...new Set((model.endpointByUrn(urn)?.groups ?? []).map((g) => g.sgUrn))];
    if (groups.length) return groups.map((g) => node(g));
    return [resourceNode(model, nodes, groupFor, urn, "app", model.byUrn(urn)?.name ?? urn)];
  };
  for (const l of hops.listeners) {
    const lb = hops.lbByUrn(l.lbUrn);
    if (!lb) continue;
    const from = lbNode(l.lbUrn);
    // A load balancer without security groups admits everyone on its listeners: the grant edge is this one.
    if (lb.internetFacing !== false && !lb.securityGroups.length) addEdge(edges, "hop", internet(), from, `listener ${l.port ?? "?"}`, blameOf(violations, HOP_RULES, [l.urn]));
    for (const tgUrn of l.targetGroups) {
      const tg = hops.tgByUrn(tgUrn);
      if (!tg) continue;
      const ip = lb.type === "network" && tg.clientIp !== "preserved" ? ` (client IP ${tg.clientIp})` : "";
      const label = `forwards to tg ${model.byUrn(tg.urn)?.name ?? tg.urn}${tg.targetPorts.length ? `:${tg.targetPorts.join(",")}` : ""}${ip}`;
      const blame = blameOf(violations, HOP_RULES, [l.urn, tg.urn]);
      for (const t of tg.targets) for (const to of targetNodes(t)) if (to.key !== from.key) addEdge(edges, "hop", from, to, label, blame);
    }
  }
  for (const c of hops.cdn) {
    const d = model.byUrn(c.distributionUrn)!;
    const cdn = resourceNode(model, nodes, groupFor, d.urn, "hop", `cloudfront ${d.name}`, undefined);
    const blame = blameOf(violations, HOP_RULES, [d.urn]);
    addEdge(edges, "hop", internet(), cdn, "https", blame);
    for (const e of c.endpoints) for (const to of targetNodes(e)) addEdge(edges, "hop", cdn, to, `origin ${c.originId} ${c.patterns.join(", ")}`.trim(), blame);
  }
  for (const a of hops.apis) {
    const api = resourceNode(model, nodes, groupFor, a.apiUrn ?? a.entryUrn, "hop", `api ${model.byUrn(a.apiUrn ?? a.entryUrn)?.name ?? "?"}`, undefined);
    const blame = blameOf(violations, HOP_RULES, [a.entryUrn]);
    addEdge(edges, "hop", internet(), api, `${a.entryKey}${a.auth === "none" ? " (no auth)" : ""}`, blame);
    for (const l of a.listeners) addEdge(edges, "hop", api, lbNode(l.lbUrn), `vpc link ${a.vpcLinkUrn ? model.byUrn(a.vpcLinkUrn)?.name : "?"} :${l.port ?? "?"}`, blame);
  }
  for (const e of hops.endpointServices) {
    const svc = resourceNode(model, nodes, groupFor, e.urn, "hop", `endpoint service ${model.byUrn(e.urn)?.name ?? e.urn}`, undefined);
    const blame = blameOf(violations, HOP_RULES, [e.urn]);
    const consumers = resourceNode(model, nodes, groupFor, `privatelink:${e.urn}`, "source", `PrivateLink consumers: ${e.principals.length ? e.principals.join(", ") : "none allowed"}`, undefined);
    addEdge(edges, "hop", consumers, svc, e.acceptanceRequired === true ? "acceptance required" : e.acceptanceRequired === "unknown" ? "acceptance unknown" : "auto-accept", blame);
    for (const n of e.nlbs) addEdge(edges, "hop", svc, lbNode(n), "PrivateLink", blame);
  }
}

/**
 * Cross-tenant IAM paths (policies/model/tenancy-iam.ts) beside the network paths: a tenant's principal → the other
 * tenant's resource it may read, decrypt, write, assume, pass or tag. Red where tenant-isolation blames the
 * statement's resource (exempted: orange).
 */
function addIamPaths(model: NetworkModel, violations: readonly Violation[], nodes: Map<string, MapNode>, edges: Map<string, MapEdge>, groupFor: GroupFor): void {
  const rules = new Set(["tenant-isolation"]);
  const t = tenancyIam(model);
  const label = (u: string) => `${shortLabel(model, u)}`;
  for (const a of t.accesses) {
    const from = resourceNode(model, nodes, groupFor, a.principalUrn, "iam", label(a.principalUrn), a.principalTenant);
    const to = resourceNode(model, nodes, groupFor, a.resourceUrn, "iam", label(a.resourceUrn), a.owner === "" ? undefined : a.owner);
    addEdge(edges, "iam", from, to, `IAM ${a.action}${a.grant === "resource" ? " (resource policy)" : ""}`, blameOf(violations, rules, [a.by.source.urn]));
  }
}

/** `iam.Role acme-app-role` → `role acme-app-role`. */
function shortLabel(model: NetworkModel, urn: string): string {
  const r = model.byUrn(urn);
  if (!r) return urn;
  const kind = /:([A-Za-z0-9]+)$/.exec(r.type)?.[1] ?? r.type;
  return `${kind.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase()} ${r.name}`;
}

const KIND_ORDER: NodeKind[] = ["internet", "source", "hop", "vpc", "lb", "bastion", "shared", "app", "data", "iam"];

function sortMap(map: ReachMap): void {
  const groupOrder = (g?: string) => (g === undefined ? 0 : g === "lbs" ? 1 : g === "platform" ? 2 : 3);
  map.nodes.sort(
    (a, b) =>
      groupOrder(a.group) - groupOrder(b.group) ||
      (a.tenant ?? "").localeCompare(b.tenant ?? "") ||
      KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
      a.title.localeCompare(b.title),
  );
  const pos = new Map(map.nodes.map((n, i) => [n.key, i]));
  map.edges.sort((a, b) => pos.get(a.from)! - pos.get(b.from)! || pos.get(a.to)! - pos.get(b.to)!);
  for (const e of map.edges) e.ports.sort((a, b) => parseInt(a) - parseInt(b) || a.localeCompare(b));
  map.groups.sort((a, b) => groupOrder(a.id) - groupOrder(b.id) || a.title.localeCompare(b.title));
}

const TENANT_PLACEHOLDER = "‹tenant›";

/** The tenant id as a whole word (so tenant `a` does not rewrite every letter a of `a-app-sg`). */
function untenant(text: string, tenant: string): string {
  const word = new RegExp(`(?<![A-Za-z0-9])${tenant.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![A-Za-z0-9])`, "g");
  return text.replace(word, TENANT_PLACEHOLDER);
}

/** Tenants whose nodes and edges are the same up to the tenant id share a pattern; beyond `limit` tenants they are drawn once. */
function collapseTenants(map: ReachMap, limit: number): ReachMap {
  const tenants = map.groups.filter((g) => g.id.startsWith("tenant:"));
  if (tenants.length <= limit) return map;
  const canon = (n: MapNode, tenant: string) => (n.tenant === tenant ? `${n.kind}:${untenant(n.title, tenant)}:${untenant(n.detail ?? "", tenant)}:${n.violation}` : `@${n.key}`);
  const byKey = new Map(map.nodes.map((n) => [n.key, n]));
  const signatures = new Map<string, string[]>();
  for (const g of tenants) {
    const t = g.tenants[0];
    const own = map.nodes.filter((n) => n.group === g.id);
    const ownKeys = new Set(own.map((n) => n.key));
    const parts = own.map((n) => `N ${canon(n, t)}`);
    for (const e of map.edges) {
      if (!ownKeys.has(e.from) && !ownKeys.has(e.to)) continue;
      // Hop and IAM labels name tenant resources (`forwards to tg acme-tg:8443`): compared up to the tenant id too.
      parts.push(`E ${canon(byKey.get(e.from)!, t)} > ${canon(byKey.get(e.to)!, t)} ${e.ports.map((p) => untenant(p, t)).join(",")} ${e.state} ${e.latent}`);
    }
    const sig = parts.sort().join("\n");
    const l = signatures.get(sig);
    if (l) l.push(t);
    else signatures.set(sig, [t]);
  }
  const dropGroups = new Set<string>();
  const newGroups = new Map<string, MapGroup>();
  const counts = new Map<string, number>();
  for (const members of signatures.values()) {
    if (members.length < 2) continue;
    const [first, ...rest] = members;
    rest.forEach((t) => dropGroups.add(`tenant:${t}`));
    const id = `tenant:${first}`;
    const shown = members.slice(0, 8).join(", ") + (members.length > 8 ? `, +${members.length - 8} more` : "");
    newGroups.set(id, { id, title: `${members.length} tenants, same pattern: ${shown}`, tenants: members });
    counts.set(id, members.length);
  }
  const nodes = map.nodes
    .filter((n) => !n.group || !dropGroups.has(n.group))
    .map((n) => {
      if (!n.group || !newGroups.has(n.group) || n.tenant === undefined) return n;
      const t = n.tenant;
      return { ...n, title: untenant(n.title, t), ...(n.detail ? { detail: untenant(n.detail, t) } : {}) };
    });
  const kept = new Set(nodes.map((n) => n.key));
  const groupOf = new Map(nodes.map((n) => [n.key, n.group]));
  const edges = map.edges
    .filter((e) => kept.has(e.from) && kept.has(e.to))
    .map((e) => {
      const g = [groupOf.get(e.from), groupOf.get(e.to)].find((x) => x && counts.has(x));
      return g ? { ...e, ports: e.ports.map((p) => untenant(p, g.slice("tenant:".length))), each: counts.get(g)! } : e;
    });
  const groups = map.groups.filter((g) => !dropGroups.has(g.id)).map((g) => newGroups.get(g.id) ?? g);
  return { nodes, edges, groups, omittedIsolated: map.omittedIsolated };
}

/** Mermaid label text: quotes and angle brackets as entities so names cannot break the syntax. */
function esc(s: string): string {
  return s.replace(/#/g, "#35;").replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;").replace(/[\r\n]+/g, " ");
}

function shape(n: MapNode): string {
  const text = esc(n.title) + (n.detail ? `<br/><i>${esc(n.detail)}</i>` : "");
  switch (n.kind) {
    case "internet":
      return `(("${text}"))`;
    case "source":
      return `>"${text}"]`;
    case "vpc":
      return `[/"${text}"/]`;
    case "lb":
      return `{{"${text}"}}`;
    case "bastion":
      return `[["${text}"]]`;
    case "data":
      return `[("${text}")]`;
    case "hop":
      return `(["${text}"])`;
    case "iam":
      return `[/"${text}"\\]`;
    default:
      return `["${text}"]`;
  }
}

export function edgeLabel(e: MapEdge): string {
  return e.ports.join(", ") + (e.each ? ` (each of ${e.each})` : "") + (e.latent ? " (latent)" : "");
}

/** Mermaid flowchart text for a map. Group ids become `g0…`, node ids are the map's. */
export function renderMermaid(map: ReachMap): string {
  const out = ["flowchart LR"];
  const byGroup = new Map<string | undefined, MapNode[]>();
  for (const n of map.nodes) {
    const l = byGroup.get(n.group);
    if (l) l.push(n);
    else byGroup.set(n.group, [n]);
  }
  for (const n of byGroup.get(undefined) ?? []) out.push(`  ${n.id}${shape(n)}`);
  map.groups.forEach((g, i) => {
    const members = byGroup.get(g.id);
    if (!members?.length) return;
    out.push(`  subgraph g${i} ["${esc(g.title)}"]`);
    for (const n of members) out.push(`    ${n.id}${shape(n)}`);
    out.push("  end");
  });
  const id = new Map(map.nodes.map((n) => [n.key, n.id]));
  const red: number[] = [];
  const orange: number[] = [];
  map.edges.forEach((e, i) => {
    // A blamed edge is always thick (its label still says latent); dotted is for latent or exempted ones; an IAM
    // path is drawn dotted unless blamed (it is a permission, not a connection).
    const arrow = e.state === "violation" ? "==>" : e.latent || e.state === "exempted" || e.layer === "iam" ? "-.->" : "-->";
    out.push(`  ${id.get(e.from)} ${arrow}|"${esc(edgeLabel(e))}"| ${id.get(e.to)}`);
    if (e.state === "violation") red.push(i);
    if (e.state === "exempted") orange.push(i);
  });
  if (red.length) out.push(`  linkStyle ${red.join(",")} stroke:${COLORS.violation},stroke-width:3px,color:${COLORS.violation}`);
  if (orange.length) out.push(`  linkStyle ${orange.join(",")} stroke:${COLORS.exempted},stroke-width:2px,color:${COLORS.exempted}`);
  const bad = map.nodes.filter((n) => n.violation).map((n) => n.id);
  if (bad.length) {
    out.push(`  classDef violation stroke:${COLORS.violation},stroke-width:3px,color:${COLORS.violation}`);
    out.push(`  class ${bad.join(",")} violation`);
  }
  return out.join("\n") + "\n";
}

/**
 * The reachability map of a checked run as Mermaid flowchart text (no fences).
 * Accepts a CheckResult or any `{ run, violations }`; pass `model` when the caller already built it.
 */
export function mermaidMap(input: MapInput, opts: MapOptions = {}, model?: NetworkModel): string {
  return renderMermaid(reachabilityMap(input, opts, model ?? modelOf(input.run)));
}
