import { isUnknown, type IngressGrant, type NetworkModel, type RuleDefinition } from "../model";
import { adminPathMatched } from "../model/admin-paths";
import { HOP_TYPES, type TargetGroupHop } from "../model/hops";
import { configPorts, Findings, list, PORTS_SCHEMA } from "./util";

const ENDPOINT_SERVICE = "aws:ec2/vpcEndpointService:VpcEndpointService";
const ALLOWED_PRINCIPAL = "aws:ec2/vpcEndpointServiceAllowedPrinciple:VpcEndpointServiceAllowedPrinciple";
const DISTRIBUTION = "aws:cloudfront/distribution:Distribution";
const NLB_DOC = "https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-target-groups.html#client-ip-preservation";

const isFalse = (v: unknown) => v === false || v === "false";
const coversPort = (g: IngressGrant, port: number) => (g.protocol === "tcp" || g.protocol === "all" || g.protocol === "-1" || g.protocol === "6") && g.ports.from <= port && port <= g.ports.to;

export const rule: RuleDefinition = {
  meta: {
    id: "no-hidden-internet-paths",
    severity: "critical",
    enforcementLevel: "mandatory",
    controls: ["ELB.1", "EC2.19"],
    why: "Some paths from the internet pass through a hop that no security group rule shows: a network load balancer that hides the client's address behind its own private one, a public load balancer forwarding to a database port, an endpoint service any AWS account can connect to, a CDN or an API route without authorization in front of an internal admin endpoint (through a VPC origin or VPC link).",
    fix: "Keep client IP preservation on (or admit only the bastion's group) for admin ports behind a network load balancer; never forward a public listener to a data port; require acceptance and name the principals of an endpoint service; authenticate viewers and API callers before any internal admin endpoint.",
    messages: {
      "nlb-masks-client-ip":
        "{resource} sends traffic from internet-facing network load balancer {lb} to {target} on admin port {port} without client IP preservation ({clientIpSource}), and {group} admits {cidrs}, which holds the load balancer's own addresses, on that port: the targets see the load balancer's address, so port {port} is open to the world ({path}). " +
        NLB_DOC +
        " Fix: set preserveClientIp \"true\" (or use instance targets), admit admin ports only from the bastion's security group, and do not put admin ports behind a public load balancer.",
      "public-lb-to-admin-port":
        "{resource} on internet-facing {lb} forwards to {targetGroup} on admin port {port}, and {group} on {target} admits the load balancer ({cidrs}) on that port: the admin port is open to the world through the load balancer ({path}). https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/how-elastic-load-balancing-works.html Fix: never forward a public listener to an admin port; reach admin ports from the bastion's security group only.",
      "public-lb-to-data-port":
        "{resource} on internet-facing {lb} forwards to {targetGroup} on data port {port}: the database port is reachable from the internet through the load balancer ({path}), whatever the database's group says. https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/how-elastic-load-balancing-works.html Fix: make the load balancer internal (internal: true) or remove the listener; reach databases from the application tier only.",
      "endpoint-service-open":
        "{resource} lets any AWS account connect ({where} allows \"*\") and accepts connections automatically (acceptanceRequired false): anyone can reach the service behind it from their own VPC. https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html Fix: list the account or role ARNs that may connect and set acceptanceRequired true.",
      "api-fronts-internal-admin":
        "{resource} ({entry}) has no authorization and reaches {target} through {link}, an internal endpoint that is {why}: the API puts it on the internet ({path}). https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-private.html Fix: require authorization on the route or method (JWT / Cognito, AWS_IAM or a Lambda authorizer), or keep the admin endpoint out of the API.",
      "api-to-data-port":
        "{resource} ({entry}) has no authorization and reaches {target} through {link} on data port {port}: the database port is callable from the internet through the API ({path}). https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-private-integration.html Fix: never integrate an API with a data port; reach databases from the application tier only.",
      "cdn-fronts-internal-admin":
        "{resource} serves {behavior} from {origin}, an internal endpoint that is {why}, with no viewer authentication (no viewer-request function or Lambda@Edge, no trusted key groups, no web ACL): the CDN puts the internal admin endpoint on the internet. https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-load-balancer.html Fix: authenticate viewers (a viewer-request function or Lambda@Edge, signed URLs with trusted key groups, or a web ACL) or keep admin endpoints off the distribution.",
    },
    configSchema: {
      adminPorts: { ...PORTS_SCHEMA, description: "Extra admin ports (added to the model's admin ports)." },
      dataPorts: { ...PORTS_SCHEMA, description: "Extra data ports (added to the fixed list and the stack's database ports)." },
    },
  },
  check(model, config) {
    const out = new Findings();
    const admin = new Set([...model.adminPorts, ...configPorts(config, "adminPorts")]);
    const data = new Set([...model.dataPorts, ...configPorts(config, "dataPorts")]);
    const hops = model.hops();
    const label = (u: string) => model.label(u);

    for (const l of hops.listeners) {
      const lb = hops.lbByUrn(l.lbUrn);
      if (!lb || lb.internetFacing === false || !worldReaches(model, lb.securityGroups, l.port)) continue;
      for (const tgUrn of l.targetGroups) {
        const tg = hops.tgByUrn(tgUrn);
        if (!tg) continue;
        const path = hops.pathText(l, tg);
        // (b) A public listener whose target group delivers to a data port.
        for (const port of tg.targetPorts.filter((p) => data.has(p)))
          out.report(l.urn, "public-lb-to-data-port", { resource: label(l.urn), lb: label(lb.urn), targetGroup: label(tg.urn), port, path }, l.urn.includes("ListenerRule") ? "actions" : "defaultActions");
        // (a) The targets admit the load balancer itself on an admin port: by its group, or by a CIDR covering its
        // subnets where the targets see its address (an NLB without client-IP preservation; an ALB always proxies).
        for (const hit of adminReach(model, tg, lb.subnetCidrs, lb.securityGroups, admin)) {
          const data = { resource: label(tg.urn), lb: label(lb.urn), target: label(hit.target), port: hit.port, clientIpSource: tg.clientIpSource, group: label(hit.sgUrn), cidrs: hit.text, path };
          if (hit.by === "cidr" && lb.type === "network" && tg.clientIp !== "preserved") out.report(tg.urn, "nlb-masks-client-ip", data, "preserveClientIp");
          else if (hit.by === "sg" || (hit.by === "cidr" && lb.type === "application"))
            out.report(l.urn, "public-lb-to-admin-port", { ...data, resource: label(l.urn), targetGroup: label(tg.urn) }, l.urn.includes("ListenerRule") ? "actions" : "defaultActions");
        }
      }
    }

    // (c) Endpoint services any principal may connect to without acceptance.
    const services = model.ofType(ENDPOINT_SERVICE);
    const starFrom = new Map<string, string[]>();
    for (const s of services) if (list(s.props.allowedPrincipals).includes("*")) starFrom.set(s.urn, ["allowedPrincipals"]);
    for (const p of model.ofType(ALLOWED_PRINCIPAL)) {
      if (p.props.principalArn !== "*") continue;
      const owners = model.resolve(p, "vpcEndpointServiceId", p.props.vpcEndpointServiceId, [ENDPOINT_SERVICE]).urns;
      // A principal grant on a service outside the stack: its acceptance setting is unknown, so the grant is the door.
      if (!owners.length) out.report(p.urn, "endpoint-service-open", { resource: label(p.urn), where: `${label(p.urn)} principalArn` }, "principalArn");
      for (const o of owners) starFrom.set(o, [...(starFrom.get(o) ?? []), `${label(p.urn)} principalArn`]);
    }
    for (const s of services) {
      const where = starFrom.get(s.urn);
      if (!where) continue;
      const acc = s.props.acceptanceRequired;
      if (isFalse(acc) || isUnknown(acc) || acc === undefined) out.report(s.urn, "endpoint-service-open", { resource: label(s.urn), where }, "acceptanceRequired");
    }
    cdnFrontsAdmin(model, out);
    apiFrontsInternal(model, out, admin, data);
    return out.list;
  },
};

const nonEmpty = (v: unknown) => (Array.isArray(v) ? v.length > 0 : v !== undefined && v !== null && v !== "");
/** A viewer-request function or Lambda@Edge, or signed URLs/cookies, stand between the viewer and the origin. */
const viewerAuthenticated = (b: any) =>
  [...list(b?.functionAssociations), ...list(b?.lambdaFunctionAssociations)].some((a: any) => a?.eventType === "viewer-request" || isUnknown(a?.eventType)) ||
  nonEmpty(b?.trustedKeyGroups) ||
  nonEmpty(b?.trustedSigners);

/**
 * (d) CloudFront in front of an internal endpoint: a VPC origin (internal load balancer or instance) or a custom
 * origin naming an internal load balancer, serving an admin path or an endpoint tagged bulkhead:role=admin.
 */
function cdnFrontsAdmin(model: NetworkModel, out: Findings): void {
  const hops = model.hops();
  const isAdminTagged = (u: string) => model.tagsOf(u)?.["bulkhead:role"] === "admin";
  const adminBehind = (u: string) => isAdminTagged(u) || hops.listeners.some((l) => l.lbUrn === u && l.targetGroups.some(isAdminTagged));
  for (const d of model.ofType(DISTRIBUTION)) {
    // A web ACL (set at all, even by reference) is the distribution-wide gate AWS offers; judge its rules elsewhere.
    if (nonEmpty(d.props.webAclId)) continue;
    // The origins the model resolved into the stack (policies/model/hops.ts): a VPC origin is internal by
    // construction (its endpoint, or the VPC origin itself when the endpoint is not in the stack); a custom origin
    // counts when it is an internal load balancer.
    const origins = hops.cdn.filter((c) => c.distributionUrn === d.urn);
    const internalOf = (c: (typeof origins)[number]): string[] =>
      c.vpcOriginUrn ? (c.endpoints.length ? c.endpoints : [c.vpcOriginUrn]) : c.endpoints.filter((u) => hops.lbByUrn(u)?.internetFacing === false);
    const behaviors: Array<[string, any]> = [["defaultCacheBehavior", d.props.defaultCacheBehavior], ...list(d.props.orderedCacheBehaviors).map((b: any, i: number): [string, any] => [`orderedCacheBehaviors[${i}]`, b])];
    for (const [path, b] of behaviors) {
      if (!b || viewerAuthenticated(b)) continue;
      const target = b.targetOriginId;
      const own = origins.filter((o) => isUnknown(target) || o.originId === target);
      // CloudFront patterns may omit the leading slash ("admin/*"); the admin-path list is written with one.
      const pattern = typeof b.pathPattern === "string" ? (b.pathPattern.startsWith("/") || b.pathPattern.startsWith("*") ? b.pathPattern : `/${b.pathPattern}`) : "*";
      const adminPath = adminPathMatched(pattern);
      for (const o of own)
        for (const ep of internalOf(o)) {
          const why = adminPath ? `serving admin path ${pattern} (${adminPath})` : adminBehind(ep) ? "tagged bulkhead:role=admin" : undefined;
          if (why) out.report(d.urn, "cdn-fronts-internal-admin", { resource: model.label(d.urn), behavior: path === "defaultCacheBehavior" ? "the default behavior" : `path ${pattern}`, origin: model.label(ep), why }, path);
        }
    }
  }
}

/**
 * (e) API Gateway private integrations: an entry without authorization whose VPC link reaches a load balancer that
 * serves an admin path, an endpoint tagged bulkhead:role=admin, an admin port or a data port. An entry whose
 * authorization is unknown at preview is no-public-entry-points' cannot-verify finding already.
 */
function apiFrontsInternal(model: NetworkModel, out: Findings, admin: Set<number>, data: Set<number>): void {
  const hops = model.hops();
  const isAdminTagged = (u: string) => model.tagsOf(u)?.["bulkhead:role"] === "admin";
  const field = (u: string) => (model.byUrn(u)?.type === HOP_TYPES.method ? "authorization" : "authorizationType");
  for (const a of hops.apis) {
    if (a.auth !== "none") continue;
    // API path templates ({proxy+}, {id}) match any segment: read them as wildcards.
    const adminPath = adminPathMatched(a.entryPath.replace(/\{[^}]*\}/g, "*"));
    for (const l of a.listeners) {
      const base = { resource: model.label(a.entryUrn), entry: a.entryKey, link: a.vpcLinkUrn ? `VPC link ${model.label(a.vpcLinkUrn)}` : "a VPC link" };
      const tgs = l.targetGroups.map((u) => hops.tgByUrn(u)).filter((t) => t !== undefined);
      const tagged = isAdminTagged(l.lbUrn) || isAdminTagged(l.urn) || tgs.some((t) => isAdminTagged(t.urn));
      const adminPort = tgs.flatMap((t) => t.targetPorts.filter((p) => admin.has(p)).map((p) => ({ t, p })))[0];
      const why = adminPath ? `serving admin path ${a.entryPath} (${adminPath})` : tagged ? "tagged bulkhead:role=admin" : adminPort ? `an admin port (${adminPort.p})` : undefined;
      if (why) out.report(a.entryUrn, "api-fronts-internal-admin", { ...base, target: model.label(l.lbUrn), why, path: hops.apiPathText(a, l, adminPort?.t ?? tgs[0]) }, field(a.entryUrn));
      for (const t of tgs)
        for (const port of t.targetPorts.filter((p) => data.has(p)))
          out.report(a.entryUrn, "api-to-data-port", { ...base, target: model.label(t.urn), port, path: hops.apiPathText(a, l, t) }, field(a.entryUrn));
    }
  }
}

/**
 * True when the world can reach the listener: a load balancer without security groups admits everyone on its
 * listeners; one with groups admits only what they do.
 */
function worldReaches(model: NetworkModel, groups: string[], port: number | undefined): boolean {
  if (!groups.length) return true;
  const set = new Set(groups);
  return model.worldExposures().some((e) => set.has(e.targetSgUrn) && (port === undefined || (e.ports.from <= port && port <= e.ports.to)));
}

/** Grants on the targets' groups that admit the load balancer (its group, or a CIDR holding its addresses) on an admin port. */
function adminReach(model: NetworkModel, tg: TargetGroupHop, lbCidrs: import("../model").CidrSet | undefined, lbGroups: string[], admin: Set<number>) {
  const hits: Array<{ target: string; sgUrn: string; port: number; by: "cidr" | "sg"; text: string[] }> = [];
  const ports = tg.targetPorts.filter((p) => admin.has(p));
  if (!ports.length) return hits;
  for (const target of tg.targets) {
    const ep = model.endpointByUrn(target);
    if (!ep) continue;
    for (const sgUrn of new Set(ep.groups.map((g) => g.sgUrn)))
      for (const g of model.grantsTo(sgUrn)) {
        let by: "cidr" | "sg" | undefined;
        let text: string[] = [];
        if (g.source.kind === "cidr") {
          // The load balancer's address lies in its subnets; unknown subnets fail closed to any private grant.
          if (lbCidrs ? g.source.cidrs.intersects(lbCidrs) : !g.source.cidrs.intersectsPublic()) [by, text] = ["cidr", g.source.text];
        } else if (g.source.kind === "sg" && g.source.sgUrn && lbGroups.includes(g.source.sgUrn)) [by, text] = ["sg", [`group ${model.label(g.source.sgUrn)}`]];
        if (by) for (const port of ports.filter((p) => coversPort(g, p))) hits.push({ target, sgUrn, port, by, text });
      }
  }
  return hits;
}
