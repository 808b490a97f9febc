/**
 * The network model: built once per stack, the one place that knows who can reach what. Built in stages, each in
 * its own file and tested alone:
 *   1. resource-index.ts  resources by URN / type / id / name, tags, reference resolution
 *   2. endpoints.ts       security groups, every attachment path, endpoints and their groups, IMDS inheritance
 *   3. ingress.ts         grants (rules of every kind, prefix lists, ports AWS opens by itself)
 *   4. routing.ts         subnets, route tables, gateways, peering, transit (transit.ts)
 *   5. exposure.ts        world exposure per group and per endpoint, public hops, paths, data ports
 *   6. hops.ts            load balancer → listener → target group → targets, client-IP preservation (on demand)
 * Everything is indexed with maps so building and querying stay O(n) in the number of resources.
 */
import { T } from "./aws-types";
import { buildEndpoints, type Endpoint, type MetadataSettings } from "./endpoints";
import { buildExposure, type EndpointExposure, type OpenPorts } from "./exposure";
import { buildHops, type Hops } from "./hops";
import { buildIngress } from "./ingress";
import { ADMIN_PORTS } from "./ports";
import { indexResources, type ResourceIndex } from "./resource-index";
import { buildRouting, type PeeringNode } from "./routing";
import { servicePortsByTarget, type ServicePorts } from "./service-ports";
import { analyseTransit, type TransitAnalysis } from "./transit";
import type { CidrSet } from "./cidr";
import type { IngressGrant, ReachEdge, Resolved, SecurityGroupNode, StackResource, SubnetNode, WorldExposure } from "./types";

export * from "./types";
export type { TransitAnalysis, TransitAttachment, TransitPath, TransitUnverifiable } from "./transit";
export type { Endpoint, EndpointGroup, EndpointRole, MetadataSettings } from "./endpoints";
export type { EndpointExposure } from "./exposure";
export type { ServicePorts } from "./service-ports";
export type { Hops, ListenerHop, LoadBalancerHop, TargetGroupHop, ClientIp } from "./hops";
export type { PeeringEnd, PeeringNode } from "./routing";
export { CidrSet } from "./cidr";
export { T, LB_TYPES, SG_TYPES, TENANT_TAG, ROLE_TAG } from "./aws-types";

/** The model rules, reporters and tests read: the index (stage 1) plus what the later stages compute. */
export interface NetworkModel extends Omit<ResourceIndex, "taggedBastion"> {
  /** A bastion's group, a bastion-tagged resource, or a launcher of a bastion-tagged template. */
  isBastion(urn: string): boolean;
  /**
   * The resources an offline-engine placeholder in `value` names (an id, ARN, name or endpoint AWS gives that
   * resource; see ./placeholders), or undefined when it names none: such a value is a reference, never a literal.
   */
  placeholderOwners(value: string): string[] | undefined;
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
  /** Ports a group used only by load balancers is reachable on: their listeners' (undefined: not only LBs, or unknown). */
  listenedPorts(sgUrn: string): OpenPorts | undefined;
  /** `internet → igw web-igw → subnet web-a → sg app-sg:22/tcp` for a grant and a port. */
  pathOf(grant: IngressGrant, port?: number): string;
  /** Admin ports (fixed list). */
  adminPorts: readonly number[];
  /** Data ports: the fixed list plus the listener ports of database resources in the stack. */
  dataPorts: readonly number[];
  /**
   * What the managed services behind a grant target serve (./service-ports): their data ports, whatever the number
   * (an OpenSearch domain's 443), and the ports every member serves with no shell behind them (Transfer Family's 22).
   */
  servicePorts(targetUrn: string): ServicePorts;
  /** VPCs whose default group is not adopted, with the endpoints that name no group there (AWS's self rule joins them). */
  unadoptedDefaultGroups: Array<{ vpcUrn: string; members: string[] }>;

  // ---- Endpoints (stage 2) ----
  /** Everything that gets an ENI or a public address, with every group reaching it (see endpoints.ts). */
  endpoints: Endpoint[];
  endpointByUrn(urn: string): Endpoint | undefined;
  /** Endpoints a group reaches through any attachment path. */
  endpointsOfGroup(sgUrn: string): Endpoint[];
  /** Launchers (auto-scaling groups, instances, node groups, fleets) of a launch template or configuration. */
  launchersOf(specUrn: string): string[];
  /** Effective instance-metadata settings (own → launch template → account default → AWS default). */
  metadataOf(urn: string): MetadataSettings | undefined;
  /** Grants whose target is the given group (or endpoint, for ports AWS opens itself). */
  grantsTo(targetUrn: string): IngressGrant[];
  /** World exposures of one endpoint over the union of its groups. */
  endpointExposures(urn: string): EndpointExposure[];
  /** World exposures of every endpoint (endpoints sharing a set of groups share one computation). */
  allEndpointExposures(): EndpointExposure[];
  /** Endpoint exposures that only grants on different groups open together (none of those groups alone does). */
  acrossGroupExposures(): EndpointExposure[];
  /** The public hop (internet gateway and subnet, or Lightsail's public IP) in front of a group or endpoint. */
  publicHop(target: string): string[] | undefined;

  // ---- Routing (stage 4) ----
  /** VPC peering connections with their ends' owners. */
  peerings: PeeringNode[];
  /** Tenant of a VPC ("" for the shared platform), or undefined when its tags are unknown at preview. */
  vpcOwner(urn: string): string | undefined;

  // ---- Hops (stage 6) ----
  /** Load balancer → listener → target group → targets, with client-IP preservation (computed on first use). */
  hops(): Hops;
}


export function buildModel(resources: StackResource[]): NetworkModel {
  const ix = indexResources(resources);
  const ep = buildEndpoints(ix);
  const ing = buildIngress(ix);
  const routing = buildRouting(ix, ep);
  const exp = buildExposure(ix, ep, ing, routing);
  let transit: TransitAnalysis | undefined;
  let hops: Hops | undefined;
  const model: NetworkModel = {
    resources,
    byUrn: ix.byUrn,
    ofType: ix.ofType,
    tagsOf: ix.tagsOf,
    tagsUnknown: ix.tagsUnknown,
    tenantOf: ix.tenantOf,
    isBastion: ep.isBastion,
    label: ix.label,
    // Wrappers, not the functions themselves, so a hook added to the index's resolve is seen by every caller.
    resolve: (res, topProp, value, types) => ix.resolve(res, topProp, value, types),
    resolveList: (res, topProp, value, types) => ix.resolveList(res, topProp, value, types),
    placeholders: ix.placeholders,
    placeholderOwners: (v) => ix.placeholders.owners(v),
    securityGroups: [...ep.sgNodes.values()],
    sgByUrn: (urn) => ep.sgNodes.get(urn),
    ingress: ing.ingress,
    subnets: [...routing.subnets.values()],
    subnetByUrn: (urn) => routing.subnets.get(urn),
    subnetsOf: routing.subnetsOf,
    subnetsOverlapping: routing.subnetsOverlapping,
    worldExposures: exp.worldExposures,
    isWorldGrant: exp.isWorldGrant,
    listenedPorts: exp.listenedPorts,
    transit() {
      return (transit ??= analyseTransit(model));
    },
    reachability: exp.reachability,
    pathOf: exp.pathOf,
    adminPorts: ADMIN_PORTS,
    dataPorts: exp.dataPorts,
    unadoptedDefaultGroups: ep.unadoptedDefaultGroups,
    servicePorts: servicePortsByTarget((t) => (ep.sgNodes.has(t) ? ep.endpointsOfGroup(t).map((e) => e.urn) : ep.endpointByUrn(t) ? [t] : []), ix.byUrn),
    hasBastion: ix.hasBastion,
    endpoints: ep.endpoints,
    endpointByUrn: ep.endpointByUrn,
    endpointsOfGroup: ep.endpointsOfGroup,
    launchersOf: ep.launchersOf,
    metadataOf: ep.metadataOf,
    grantsTo: ing.grantsTo,
    endpointExposures: exp.endpointExposures,
    allEndpointExposures: exp.allEndpointExposures,
    acrossGroupExposures: exp.acrossGroupExposures,
    publicHop: exp.publicHop,
    peerings: routing.peerings,
    vpcOwner: routing.vpcOwner,
    hops() {
      return (hops ??= buildHops(model));
    },
  };
  return model;
}
