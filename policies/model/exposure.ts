/**
 * Model stage 5, exposure: which grants together open a group — and an endpoint, over all its groups — to the
 * whole internet, the public hop in front of it, data ports, and the paths rules print.
 */
import { CidrSet } from "./cidr";
import { LB_TYPES, LB_V2, T } from "./aws-types";
import type { Endpoint, EndpointStage } from "./endpoints";
import type { IngressStage } from "./ingress";
import { DATA_PORTS, enginePort, formatPorts } from "./ports";
import type { ResourceIndex } from "./resource-index";
import type { RoutingStage } from "./routing";
import type { IngressGrant, ReachEdge, WorldExposure } from "./types";

/** Ports, per protocol, that something accepts connections on. */
export type OpenPorts = Array<{ protocol: "tcp" | "udp"; port: number }>;

/**
 * Keeps of world exposures only the ports a load balancer accepts connections on: a group that only load balancers
 * use is open to the world only where they listen. An ALB or NLB accepts connections on its listeners' ports and
 * protocols only (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html,
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-listeners.html), a Classic Load
 * Balancer on its listeners' `lbPort` (https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/elb-listener-config.html);
 * AWS's own recommended load balancer group rules admit just the listener (and health-check) ports
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-update-security-groups.html).
 * Exposures of other protocols (ICMP, …) are kept as they are.
 */
export function clipToListeners(exposures: WorldExposure[], open: OpenPorts): WorldExposure[] {
  const out: WorldExposure[] = [];
  for (const e of exposures) {
    if (e.protocol !== "tcp" && e.protocol !== "udp") {
      out.push(e);
      continue;
    }
    const ports = [...new Set(open.filter((o) => o.protocol === e.protocol && o.port >= e.ports.from && o.port <= e.ports.to).map((o) => o.port))].sort((a, b) => a - b);
    let cur: WorldExposure | undefined;
    for (const port of ports) {
      if (cur && cur.ports.to + 1 === port) cur.ports = { from: cur.ports.from, to: port };
      else out.push((cur = { ...e, ports: { from: port, to: port } }));
    }
  }
  return out;
}

/** A world-wide exposure of one endpoint: the grants, over every group attached to it, that together open it. */
export interface EndpointExposure {
  endpointUrn: string;
  protocol: string;
  ports: { from: number; to: number };
  grants: IngressGrant[];
  cidrText: string[];
  /** Distinct grant targets (groups, or the endpoint for AWS-opened ports) the blamed grants sit on. */
  groups: string[];
  /** Only grants on different groups TOGETHER open it: no group alone does (those are in worldExposures). */
  acrossGroups: boolean;
}

export interface ExposureStage {
  worldExposures(): WorldExposure[];
  isWorldGrant(g: IngressGrant): boolean;
  endpointExposures(urn: string): EndpointExposure[];
  allEndpointExposures(): EndpointExposure[];
  /** Endpoint exposures that only grants on different groups open together (none of those groups alone does). */
  acrossGroupExposures(): EndpointExposure[];
  /**
   * The ports a group can be reached on at all when only load balancers use it: their listeners' (see
   * {@link clipToListeners}). Undefined when anything else uses it or a listener's port is unknown.
   */
  listenedPorts(sgUrn: string): OpenPorts | undefined;
  publicHop(target: string): string[] | undefined;
  pathOf(g: IngressGrant, port?: number): string;
  reachability(): ReachEdge[];
  dataPorts: number[];
}

const cidrsOf = (g: IngressGrant) => (g.source as { cidrs: CidrSet }).cidrs;

/**
 * World exposures of one target from its grants: per protocol, the port segments where the union of the covering
 * grants' CIDRs covers the public internet. Blame: grants world-wide alone, else each grant without which the rest
 * isn't world-wide (each half of 0.0.0.0/1 + 128.0.0.0/1), else (redundant covers) all of them.
 */
export function exposuresOf(target: string, all: IngressGrant[]): WorldExposure[] {
  const grants = all.filter((g) => g.source.kind === "cidr" && g.source.cidrs.intersectsPublic());
  if (!grants.length) return [];
  const out: WorldExposure[] = [];
  const blame = (covering: IngressGrant[]): IngressGrant[] => {
    const alone = covering.filter((g) => cidrsOf(g).coversPublicInternet());
    if (alone.length) return alone;
    const needed = covering.filter((g) => !covering.reduce((acc, o) => (o === g ? acc : acc.union(cidrsOf(o))), CidrSet.empty).coversPublicInternet());
    return needed.length ? needed : [...covering];
  };
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
          out.push(open);
        }
      } else open = undefined;
    }
  }
  for (const e of out) e.cidrText = [...new Set(e.grants.flatMap((g) => (g.source as { text: string[] }).text))];
  return out;
}

export function buildExposure(ix: ResourceIndex, ep: EndpointStage, ing: IngressStage, routing: RoutingStage): ExposureStage {
  // ---- Data ports: fixed list plus the listener ports of database resources -------------------------
  const dataPorts = new Set<number>(DATA_PORTS);
  for (const db of ix.ofType(T.rdsInstance, T.rdsCluster, T.redshift, T.cacheCluster, T.cacheRg, T.docdb, T.docdbElastic, T.neptune, T.memorydb, T.redshiftWorkgroup)) {
    const port = typeof db.props.port === "number" ? db.props.port : enginePort(db.type, db.props.engine);
    // 80/443 are web ports (OpenSearch-style HTTPS endpoints): treating them as data ports would forbid every LB.
    if (port !== undefined && port !== 80 && port !== 443) dataPorts.add(port);
  }

  // MSK brokers: plaintext, TLS, SASL/SCRAM and IAM listeners (https://docs.aws.amazon.com/msk/latest/developerguide/port-info.html).
  if (ix.ofType(T.msk, T.mskServerless).length) for (const p of [9092, 9094, 9096, 9098]) dataPorts.add(p);

  const publicHop = (target: string): string[] | undefined => {
    const node = ep.sgNodes.get(target);
    const users = node ? [...node.attachedTo, ...node.members] : [target];
    if (!node && ix.byUrn(target)?.type === T.lightsail) return ["lightsail public IP"];
    for (const a of users) {
      for (const s of routing.subnetsOf(a).urns) {
        const sn = routing.subnets.get(s);
        if (sn?.igw) return [`igw ${sn.igw}`, `subnet ${sn.name}`];
      }
    }
    return undefined;
  };

  // ---- Listener ports of the stack's load balancers (undefined: some port or protocol is not known) ---------
  const lbOpen = new Map<string, OpenPorts | undefined>();
  const listenerProtocols = (proto: unknown): Array<"tcp" | "udp"> => {
    const p = typeof proto === "string" ? proto.toUpperCase() : undefined;
    if (p === "UDP") return ["udp"];
    if (p === "TCP_UDP" || p === undefined) return ["tcp", "udp"];
    return ["tcp"]; // HTTP, HTTPS, TCP, TLS
  };
  const addOpen = (lb: string, ports: OpenPorts | undefined) => {
    const had = lbOpen.get(lb);
    lbOpen.set(lb, lbOpen.has(lb) && had === undefined ? undefined : ports === undefined ? undefined : [...(had ?? []), ...ports]);
  };
  for (const l of ix.ofType(...LB_V2.listeners)) {
    const port = l.props.port;
    const ports = typeof port === "number" ? listenerProtocols(l.props.protocol).map((protocol) => ({ protocol, port })) : undefined;
    for (const lb of ix.resolve(l, "loadBalancerArn", l.props.loadBalancerArn, LB_V2.lbs).urns) addOpen(lb, ports);
  }
  for (const elb of ix.ofType(T.elb)) {
    const ls = Array.isArray(elb.props.listeners) ? (elb.props.listeners as Array<Record<string, unknown>>) : undefined;
    addOpen(elb.urn, ls?.every((x) => typeof x?.lbPort === "number") ? ls.map((x) => ({ protocol: "tcp" as const, port: x.lbPort as number })) : undefined);
  }
  /**
   * What the users of a group (or an endpoint) listen on, when they are load balancers only, each with every listener
   * port known; undefined otherwise — a load balancer without listeners in this stack may get them from elsewhere.
   */
  const listenedBy = (users: string[]): OpenPorts | undefined => {
    if (!users.length || !users.every((u) => LB_TYPES.includes(ix.byUrn(u)?.type ?? "") && lbOpen.get(u) !== undefined)) return undefined;
    return users.flatMap((u) => lbOpen.get(u)!);
  };
  const groupListened = (t: string): OpenPorts | undefined => {
    const node = ep.sgNodes.get(t);
    return node ? listenedBy([...new Set([...node.attachedTo, ...node.members])]) : undefined;
  };

  let exposures: WorldExposure[] | undefined;
  const worldGrants = new Set<IngressGrant>();
  const worldExposures = (): WorldExposure[] => {
    if (exposures) return exposures;
    exposures = [];
    const targets = new Set(ing.ingress.map((g) => g.targetSgUrn));
    for (const t of targets) {
      const raw = exposuresOf(t, ing.grantsTo(t));
      const open = raw.length ? groupListened(t) : undefined;
      exposures.push(...(open ? clipToListeners(raw, open) : raw));
    }
    for (const e of exposures) e.grants.forEach((g) => worldGrants.add(g));
    return exposures;
  };
  const byTarget = new Map<string, WorldExposure[]>();
  const groupExposures = (t: string) => {
    if (!byTarget.size) for (const e of worldExposures()) (byTarget.get(e.targetSgUrn) ?? byTarget.set(e.targetSgUrn, []).get(e.targetSgUrn)!).push(e);
    return byTarget.get(t) ?? [];
  };

  // Endpoints sharing one set of groups share one answer.
  const bySet = new Map<string, WorldExposure[]>();
  const hasPublic = new Map<string, boolean>();
  const publicGrants = (t: string) => {
    let v = hasPublic.get(t);
    if (v === undefined) hasPublic.set(t, (v = ing.grantsTo(t).some((g) => g.source.kind === "cidr" && g.source.cidrs.intersectsPublic())));
    return v;
  };
  /** Distinct targets of an endpoint's groups that carry public CIDR grants. */
  const publicTargets = (e: Endpoint): string[] => {
    const out: string[] = [];
    for (const g of e.groups) if (!out.includes(g.sgUrn) && publicGrants(g.sgUrn)) out.push(g.sgUrn);
    return out;
  };
  const endpointExposures = (urn: string): EndpointExposure[] => {
    const e: Endpoint | undefined = ep.endpointByUrn(urn);
    if (!e) return [];
    const targets = publicTargets(e);
    if (!targets.length) return [];
    let raw: WorldExposure[] | undefined;
    if (targets.length === 1) raw = groupExposures(targets[0]);
    else {
      const key = targets.sort().join("\u0000");
      raw = bySet.get(key);
      if (!raw) {
        raw = exposuresOf(urn, targets.flatMap((t) => ing.grantsTo(t)));
        const open = raw.length ? listenedBy([urn]) : undefined;
        bySet.set(key, (raw = open ? clipToListeners(raw, open) : raw));
      }
    }
    return raw.map((x) => {
      const groups = [...new Set(x.grants.map((g) => g.targetSgUrn))];
      return {
        endpointUrn: urn,
        protocol: x.protocol,
        ports: x.ports,
        grants: x.grants,
        cidrText: x.cidrText,
        groups,
        acrossGroups: groups.length > 1 && !x.grants.some((g) => cidrsOf(g).coversPublicInternet()),
      };
    });
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

  let edges: ReachEdge[] | undefined;
  return {
    worldExposures,
    isWorldGrant(g) {
      worldExposures();
      return worldGrants.has(g);
    },
    endpointExposures,
    allEndpointExposures: () => ep.endpoints.flatMap((e) => endpointExposures(e.urn)),
    acrossGroupExposures: () => ep.endpoints.flatMap((e) => (publicTargets(e).length > 1 ? endpointExposures(e.urn).filter((x) => x.acrossGroups) : [])),
    listenedPorts: groupListened,
    publicHop,
    pathOf(g, port) {
      const from = fromOf(g);
      const hops = from === "internet" ? publicHop(g.targetSgUrn) : undefined;
      const start = from === "internet" ? "internet" : from.startsWith("cidr:") ? from.slice(5) : ix.byUrn(from) ? ix.label(from) : from;
      const portText = port !== undefined ? String(port) : formatPorts(g.ports);
      const target = `${ix.label(g.targetSgUrn)}:${portText}/${g.protocol}`;
      const path = [start, ...(hops ?? []), target].join(" → ");
      // A world-open group with no publicly routed attachment is latent: one public IP or route away from open.
      return from === "internet" && !hops ? `${path} (latent: nothing attached is publicly routed yet)` : path;
    },
    reachability() {
      if (edges) return edges;
      edges = ing.ingress.map((g) => {
        const from = fromOf(g);
        const via = from === "internet" ? publicHop(g.targetSgUrn) : undefined;
        return { from, to: g.targetSgUrn, ports: g.ports, protocol: g.protocol, grantUrn: g.grantUrn, ...(via ? { via } : {}) };
      });
      return edges;
    },
    dataPorts: [...dataPorts].sort((a, b) => a - b),
  };
}
