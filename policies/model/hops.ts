/**
 * Stage 6: hops a security group cannot see. Load balancer → listener (and listener rules) → target group →
 * targets, with each target group's protocol, port and client-IP preservation, as AWS documents them:
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-target-groups.html#client-ip-preservation
 * A target that does not see the client's address sees the load balancer's private address, so a group rule that
 * admits "the VPC" admits everyone the load balancer admits.
 */
import { LB_V2 } from "./aws-types";
import { CidrSet } from "./cidr";
import { entryExternal } from "./external-access";
import { parsePolicy } from "./iam";
import { isUnknown, type StackResource } from "./types";
import type { NetworkModel } from "./index";

export const HOP_TYPES = {
  ...LB_V2,
  asgAttachment: "aws:autoscaling/attachment:Attachment",
  asg: "aws:autoscaling/group:Group",
  ecsService: "aws:ecs/service:Service",
  instance: "aws:ec2/instance:Instance",
  eni: "aws:ec2/networkInterface:NetworkInterface",
  httpApi: "aws:apigatewayv2/api:Api",
  route: "aws:apigatewayv2/route:Route",
  integrationV2: "aws:apigatewayv2/integration:Integration",
  vpcLinkV2: "aws:apigatewayv2/vpcLink:VpcLink",
  restApi: "aws:apigateway/restApi:RestApi",
  restApiPolicy: "aws:apigateway/restApiPolicy:RestApiPolicy",
  restResource: "aws:apigateway/resource:Resource",
  method: "aws:apigateway/method:Method",
  integration: "aws:apigateway/integration:Integration",
  vpcLink: "aws:apigateway/vpcLink:VpcLink",
  distribution: "aws:cloudfront/distribution:Distribution",
  vpcOrigin: "aws:cloudfront/vpcOrigin:VpcOrigin",
  endpointService: "aws:ec2/vpcEndpointService:VpcEndpointService",
  endpointServicePrincipal: "aws:ec2/vpcEndpointServiceAllowedPrinciple:VpcEndpointServiceAllowedPrinciple",
} as const;

/**
 * A CloudFront origin inside the stack: a VPC origin (internal load balancer or instance) or a custom origin whose
 * domain is a load balancer of the stack. https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html
 */
export interface CdnHop {
  distributionUrn: string;
  originId: string;
  vpcOriginUrn?: string;
  /** Load balancers or instances the origin reaches. */
  endpoints: string[];
  /** Path patterns of the behaviors served from this origin (`*` for the default behavior). */
  patterns: string[];
}

/** An endpoint service: consumers in other VPCs (the allowed principals) reach its network load balancers. */
export interface EndpointServiceHop {
  urn: string;
  nlbs: string[];
  /** Allowed principals (the service's list and separate grants); "*" is any AWS account. */
  principals: string[];
  acceptanceRequired: boolean | "unknown";
}

/** Whether an API entry (an HTTP API route, a REST method) asks the caller to authenticate before it integrates. */
export type EntryAuth = "none" | "authorized" | "unknown";

/**
 * An API Gateway private integration: an entry of a public API reaching a load balancer inside the VPC through a
 * VPC link (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-private.html,
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-private-integration.html). The VPC link is a
 * hop no security group shows: the load balancer sees the link's interfaces, not the caller.
 */
export interface ApiHop {
  /** The route (HTTP API) or method (REST API) callers invoke. */
  entryUrn: string;
  /** `ANY /admin/{proxy+}` or `GET /admin/users`. */
  entryKey: string;
  /** The request path the entry serves (`/admin/{proxy+}`; `$default` serves every path). */
  entryPath: string;
  auth: EntryAuth;
  /** Why: `authorizationType NONE`, `authorization AWS_IAM`, `private API`, … */
  authSource: string;
  apiUrn?: string;
  integrationUrn: string;
  vpcLinkUrn?: string;
  /** Listeners the integration reaches (an HTTP API names one by ARN; a REST VPC link reaches its NLBs' listeners on the URI's port). */
  listeners: ListenerHop[];
}

/** Why a target group does or does not pass the client's address on. */
export type ClientIp = "preserved" | "lost" | "unknown";

export interface TargetGroupHop {
  urn: string;
  protocol: string;
  /** The group's port (undefined for Lambda targets or when unknown at preview). */
  port?: number;
  targetType: string;
  /** Client-IP preservation after AWS's defaults: on for instance targets and UDP/TCP_UDP, off for IP and ALB targets. */
  clientIp: ClientIp;
  /** Where that came from: "preserveClientIp", "default for <targetType> targets", "protocol <p>". */
  clientIpSource: string;
  /** Endpoints (instances, ENIs, auto-scaling groups, ECS services) registered as targets. */
  targets: string[];
  /** Ports the targets receive on (attachment overrides, else the group's port). */
  targetPorts: number[];
  /** Targets named by a literal that matches nothing in the stack (an IP address, an instance id outside it). */
  externalTargets: string[];
}

export interface ListenerHop {
  /** The listener or listener rule that forwards. */
  urn: string;
  lbUrn: string;
  /** Listener port (undefined when unknown). */
  port?: number;
  targetGroups: string[];
}

export interface LoadBalancerHop {
  urn: string;
  type: "application" | "network" | "gateway" | string;
  /** true unless `internal` is true; "unknown" when `internal` is unknown at preview. */
  internetFacing: boolean | "unknown";
  /** The load balancer's private addresses lie in these CIDRs (its subnets), or undefined when unknown. */
  subnetCidrs?: CidrSet;
  securityGroups: string[];
}

export interface Hops {
  loadBalancers: LoadBalancerHop[];
  lbByUrn(urn: string): LoadBalancerHop | undefined;
  listeners: ListenerHop[];
  targetGroups: TargetGroupHop[];
  tgByUrn(urn: string): TargetGroupHop | undefined;
  /** `internet → nlb web-nlb:22 → tg admin-tg (client IP lost) → instance app` for messages and the map. */
  pathText(l: ListenerHop, tg: TargetGroupHop): string;
  /** Private integrations of API Gateway APIs: entry → VPC link → listener. */
  apis: ApiHop[];
  /** `internet → api shop-api "ANY /admin" (no authorization) → vpc link ops-link → alb ops-alb:443 → tg …`. */
  apiPathText(a: ApiHop, l: ListenerHop, tg?: TargetGroupHop): string;
  cdn: CdnHop[];
  endpointServices: EndpointServiceHop[];
}

const num = (v: unknown): number | undefined => {
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  return typeof n === "number" && Number.isInteger(n) ? n : undefined;
};
const list = (v: unknown): any[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/** Target groups a listener action (or list of actions) forwards to. */
function forwardArns(actions: unknown): unknown[] {
  return list(actions).flatMap((a: any) => (a && (a.type === undefined || a.type === "forward" || isUnknown(a.type)) ? [a.targetGroupArn, ...list(a.forward?.targetGroups).map((t: any) => t?.arn)] : [])).filter((v) => v !== undefined && v !== null);
}

/** Client-IP preservation of a target group as AWS documents its defaults (see the file comment). */
export function clientIpOf(props: Record<string, any>): { clientIp: ClientIp; source: string } {
  const protocol = String(props.protocol ?? "").toUpperCase();
  const targetType = String(props.targetType ?? "instance");
  if (protocol === "UDP" || protocol === "TCP_UDP") return { clientIp: "preserved", source: `protocol ${protocol}` };
  const own = props.preserveClientIp;
  if (own === true || own === "true") return { clientIp: "preserved", source: "preserveClientIp" };
  if (own === false || own === "false") return { clientIp: "lost", source: "preserveClientIp" };
  if (own !== undefined && own !== null && own !== "") return { clientIp: "unknown", source: "preserveClientIp" };
  if (isUnknown(props.targetType)) return { clientIp: "unknown", source: "targetType" };
  return targetType === "instance" ? { clientIp: "preserved", source: "default for instance targets" } : { clientIp: "lost", source: `default for ${targetType} targets` };
}

export function buildHops(model: NetworkModel): Hops {
  const T = HOP_TYPES;
  const resolveMany = (r: StackResource, prop: string, values: unknown[], types: readonly string[]) => {
    const urns = new Set<string>();
    for (const v of values) for (const u of model.resolve(r, prop, v, types).urns) urns.add(u);
    // An unknown ARN with no usable dependency: take the dependencies of that property of the right type.
    if (!values.length || values.some(isUnknown))
      for (const u of r.propertyDependencies?.[prop] ?? []) if (types.includes(model.byUrn(u)?.type ?? "")) urns.add(u);
    return [...urns];
  };

  const loadBalancers: LoadBalancerHop[] = model.ofType(...T.lbs).map((lb) => {
    const internal = lb.props.internal;
    const subnets = model.subnetsOf(lb.urn);
    const nodes = subnets.urns.map((u) => model.subnetByUrn(u)).filter((s) => s !== undefined);
    const known = !subnets.unknown && !subnets.external && nodes.length > 0;
    return {
      urn: lb.urn,
      type: String(lb.props.loadBalancerType ?? "application"),
      internetFacing: internal === true || internal === "true" ? false : isUnknown(internal) ? "unknown" : true,
      subnetCidrs: known ? nodes.reduce((acc, s) => acc.union(s!.cidrs), CidrSet.empty) : undefined,
      securityGroups: model.resolveList(lb, "securityGroups", lb.props.securityGroups, ["aws:ec2/securityGroup:SecurityGroup"]).urns,
    };
  });
  const lbMap = new Map(loadBalancers.map((l) => [l.urn, l]));

  const tgs = new Map<string, TargetGroupHop>();
  for (const tg of model.ofType(...T.targetGroups)) {
    const { clientIp, source } = clientIpOf(tg.props);
    const port = num(tg.props.port);
    tgs.set(tg.urn, { urn: tg.urn, protocol: String(tg.props.protocol ?? "HTTP").toUpperCase(), port, targetType: String(tg.props.targetType ?? "instance"), clientIp, clientIpSource: source, targets: [], targetPorts: [], externalTargets: [] });
  }
  const addTarget = (tgUrn: string, target: string | undefined, port: number | undefined, external?: string) => {
    const tg = tgs.get(tgUrn);
    if (!tg) return;
    if (target && !tg.targets.includes(target)) tg.targets.push(target);
    if (external && !tg.externalTargets.includes(external)) tg.externalTargets.push(external);
    const p = port ?? tg.port;
    if (p !== undefined && !tg.targetPorts.includes(p)) tg.targetPorts.push(p);
  };
  const byPrivateIp = new Map<string, string>();
  for (const r of model.ofType(T.instance, T.eni))
    for (const ip of [r.props.privateIp, ...list(r.props.privateIps)]) if (typeof ip === "string" && !isUnknown(ip)) byPrivateIp.set(ip, r.urn);
  for (const att of model.ofType(...T.attachments)) {
    const targets = model.resolve(att, "targetId", att.props.targetId, [T.instance, T.eni, "aws:lambda/function:Function", ...T.lbs]);
    const port = num(att.props.port);
    for (const tg of resolveMany(att, "targetGroupArn", [att.props.targetGroupArn], T.targetGroups)) {
      for (const u of targets.urns) addTarget(tg, u, port);
      // IP targets name an address: the instance or interface holding it in the stack is the target.
      const holder = targets.external ? byPrivateIp.get(targets.external) : undefined;
      if (holder) addTarget(tg, holder, port);
      else if (targets.external) addTarget(tg, undefined, port, targets.external);
      if (!targets.urns.length && !targets.external) addTarget(tg, undefined, port);
    }
  }
  for (const asg of model.ofType(T.asg))
    for (const tg of model.resolveList(asg, "targetGroupArns", asg.props.targetGroupArns, T.targetGroups).urns) addTarget(tg, asg.urn, undefined);
  for (const att of model.ofType(T.asgAttachment)) {
    const asgs = model.resolve(att, "autoscalingGroupName", att.props.autoscalingGroupName, [T.asg]).urns;
    for (const tg of resolveMany(att, "lbTargetGroupArn", att.props.lbTargetGroupArn === undefined ? [] : [att.props.lbTargetGroupArn], T.targetGroups)) for (const a of asgs) addTarget(tg, a, undefined);
  }
  for (const svc of model.ofType(T.ecsService))
    for (const lb of list(svc.props.loadBalancers))
      for (const tg of resolveMany(svc, "loadBalancers", [lb?.targetGroupArn], T.targetGroups)) addTarget(tg, svc.urn, num(lb?.containerPort));

  // A group no registration in the stack names a port for still delivers on its own port (targets registered elsewhere).
  for (const tg of tgs.values()) if (!tg.targetPorts.length && tg.port !== undefined) tg.targetPorts.push(tg.port);

  const listeners: ListenerHop[] = [];
  const listenerByUrn = new Map<string, ListenerHop>();
  for (const l of model.ofType(...T.listeners)) {
    for (const lbUrn of model.resolve(l, "loadBalancerArn", l.props.loadBalancerArn, T.lbs).urns) {
      const hop: ListenerHop = { urn: l.urn, lbUrn, port: num(l.props.port), targetGroups: resolveMany(l, "defaultActions", forwardArns(l.props.defaultActions), T.targetGroups) };
      listeners.push(hop);
      listenerByUrn.set(l.urn, hop);
    }
  }
  for (const r of model.ofType(...T.listenerRules)) {
    const arns = forwardArns(r.props.actions);
    if (!arns.length) continue;
    for (const lu of model.resolve(r, "listenerArn", r.props.listenerArn, T.listeners).urns) {
      const parent = listenerByUrn.get(lu);
      if (parent) listeners.push({ urn: r.urn, lbUrn: parent.lbUrn, port: parent.port, targetGroups: resolveMany(r, "actions", arns, T.targetGroups) });
    }
  }

  const apis = buildApiHops(model, listeners);
  const lbText = (l: ListenerHop) => {
    const lb = lbMap.get(l.lbUrn);
    return `${lb?.type === "network" ? "nlb" : lb?.type === "gateway" ? "gwlb" : "alb"} ${model.label(l.lbUrn)}${l.port !== undefined ? `:${l.port}` : ""}`;
  };
  const tgText = (l: ListenerHop, tg: TargetGroupHop) => {
    const lb = lbMap.get(l.lbUrn);
    // An ALB always proxies: its targets see its address whatever the group says (X-Forwarded-For carries the client).
    const ip = lb?.type === "application" ? "proxied" : tg.clientIp === "lost" ? "client IP lost" : tg.clientIp === "preserved" ? "client IP kept" : "client IP unknown";
    const targets = tg.targets.map((t) => model.label(t)).concat(tg.externalTargets);
    return [`tg ${model.label(tg.urn)}${tg.targetPorts.length ? `:${tg.targetPorts.join(",")}` : ""} (${ip})`, ...(targets.length ? [targets.join(", ")] : [])];
  };
  return {
    cdn: buildCdnHops(model),
    endpointServices: buildEndpointServices(model),
    apis,
    apiPathText(a, l, tg) {
      const auth = a.auth === "none" ? "no authorization" : a.auth === "unknown" ? "authorization unknown at preview" : a.authSource;
      return [`internet`, `api ${a.apiUrn ? model.label(a.apiUrn) : "(outside the stack)"} "${a.entryKey}" (${auth})`, ...(a.vpcLinkUrn ? [`vpc link ${model.label(a.vpcLinkUrn)}`] : []), lbText(l), ...(tg ? tgText(l, tg) : [])].join(" → ");
    },
    loadBalancers,
    lbByUrn: (u) => lbMap.get(u),
    listeners,
    targetGroups: [...tgs.values()],
    tgByUrn: (u) => tgs.get(u),
    pathText(l, tg) {
      return [`internet`, lbText(l), ...tgText(l, tg)].join(" → ");
    },
  };
}

const isTrue = (v: unknown) => v === true || v === "true";

/**
 * A REST API that only its account, organisation or VPC endpoints can call: PRIVATE, or a resource policy whose
 * every Allow is pinned (or the documented blanket Deny outside a source range / endpoint).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-examples.html
 */
export function restApiPinned(model: NetworkModel, api: StackResource): boolean {
  const types = list(api.props.endpointConfiguration?.types);
  if (types.some((t) => String(t).toUpperCase() === "PRIVATE")) return true;
  const policies = [api.props.policy, ...model.ofType(HOP_TYPES.restApiPolicy).filter((p) => model.resolve(p, "restApiId", p.props.restApiId, [HOP_TYPES.restApi]).urns.includes(api.urn)).map((p) => p.props.policy)];
  for (const pv of policies) {
    const doc = parsePolicy(pv);
    if (doc?.kind !== "known") continue;
    const allows = doc.statements.filter((x) => x.effect === "Allow");
    if (allows.length && allows.every((x) => !entryExternal(model, x).external)) return true;
    if (doc.statements.some((x) => x.effect === "Deny" && x.principal?.star && x.conditions.some((e) => /^(notipaddress|stringnotequals)$/i.test(e.base) && /^aws:(sourceip|sourcevpce?)$/.test(e.key)))) return true;
  }
  return false;
}

/** Port of an integration URI (`http://host:8080/x`), else the scheme's default; undefined when it can't be read. */
function uriPort(uri: unknown): number | undefined {
  if (typeof uri !== "string" || isUnknown(uri)) return undefined;
  const m = /^(https?):\/\/[^/:]+(?::(\d+))?/i.exec(uri);
  if (!m) return undefined;
  return m[2] ? Number(m[2]) : m[1].toLowerCase() === "https" ? 443 : 80;
}

function buildApiHops(model: NetworkModel, listeners: ListenerHop[]): ApiHop[] {
  const T = HOP_TYPES;
  const out: ApiHop[] = [];
  const viaLink = (r: StackResource) => String(r.props.connectionType ?? "").toUpperCase() === "VPC_LINK" || isUnknown(r.props.connectionType);

  // HTTP APIs: route → integrations/<id> → VPC link → listener ARN (integrationUri).
  const routesByIntegration = new Map<string, StackResource[]>();
  for (const r of model.ofType(T.route))
    for (const i of model.resolve(r, "target", r.props.target, [T.integrationV2]).urns) routesByIntegration.set(i, [...(routesByIntegration.get(i) ?? []), r]);
  for (const integ of model.ofType(T.integrationV2)) {
    if (!viaLink(integ)) continue;
    const reached = model.resolve(integ, "integrationUri", integ.props.integrationUri, [...T.listeners]).urns;
    const ls = listeners.filter((l) => reached.includes(l.urn));
    if (!ls.length) continue;
    const link = model.resolve(integ, "connectionId", integ.props.connectionId, [T.vpcLinkV2]).urns[0];
    for (const route of routesByIntegration.get(integ.urn) ?? []) {
      const api = model.resolve(route, "apiId", route.props.apiId, [T.httpApi]).urns[0];
      const key = String(route.props.routeKey ?? "");
      const t = route.props.authorizationType;
      const auth: EntryAuth = isUnknown(t) ? "unknown" : (t === undefined || t === null || String(t).toUpperCase() === "NONE") && !isTrue(route.props.apiKeyRequired) ? "none" : "authorized";
      const path = key === "$default" ? "/*" : key.replace(/^\S+\s+/, "");
      out.push({ entryUrn: route.urn, entryKey: key, entryPath: path, auth, authSource: isTrue(route.props.apiKeyRequired) ? "API key required" : `authorizationType ${String(t ?? "NONE")}`, ...(api ? { apiUrn: api } : {}), integrationUrn: integ.urn, ...(link ? { vpcLinkUrn: link } : {}), listeners: ls });
    }
  }

  // REST APIs: method ↔ integration (same API, resource and HTTP method) → VPC link → NLBs → listener on the URI's port.
  const restPath = (u: string | undefined, seen = new Set<string>()): string => {
    const r = u ? model.byUrn(u) : undefined;
    if (!r || r.type !== T.restResource || seen.has(r.urn)) return "";
    seen.add(r.urn);
    const parent = model.resolve(r, "parentId", r.props.parentId, [T.restResource]).urns[0];
    return `${restPath(parent, seen)}/${String(r.props.pathPart ?? "")}`;
  };
  const keyOf = (r: StackResource) => {
    const api = model.resolve(r, "restApi", r.props.restApi, [T.restApi]).urns[0] ?? "";
    const res = model.resolve(r, "resourceId", r.props.resourceId, [T.restResource]).urns[0] ?? "";
    return { api, res, method: isUnknown(r.props.httpMethod) ? "?" : String(r.props.httpMethod ?? "").toUpperCase() };
  };
  const methods = model.ofType(T.method).map((m) => ({ m, k: keyOf(m) }));
  for (const integ of model.ofType(T.integration)) {
    if (!viaLink(integ)) continue;
    const links = model.resolve(integ, "connectionId", integ.props.connectionId, [T.vpcLink]).urns;
    const lbs = links.flatMap((l) => model.resolveList(model.byUrn(l)!, "targetArns", model.byUrn(l)!.props.targetArns, T.lbs).urns);
    const port = uriPort(integ.props.uri);
    const ls = listeners.filter((l) => lbs.includes(l.lbUrn) && (port === undefined || l.port === undefined || l.port === port));
    if (!ls.length) continue;
    const k = keyOf(integ);
    // The method the integration was built from (its httpMethod output), else the same API, resource and verb.
    const direct = (integ.propertyDependencies?.httpMethod ?? []).filter((u) => model.byUrn(u)?.type === T.method);
    const ms = methods.filter(({ m, k: mk }) => direct.includes(m.urn) || (!direct.length && mk.api === k.api && mk.res === k.res && (k.method === "?" || mk.method === k.method)));
    for (const { m, k: mk } of ms) {
      const api = mk.api ? model.byUrn(mk.api) : undefined;
      const a = m.props.authorization;
      const pinned = api ? restApiPinned(model, api) : false;
      const auth: EntryAuth = pinned ? "authorized" : isUnknown(a) ? "unknown" : String(a ?? "NONE").toUpperCase() === "NONE" && !isTrue(m.props.apiKeyRequired) ? "none" : "authorized";
      const path = restPath(mk.res) || "/";
      out.push({
        entryUrn: m.urn,
        entryKey: `${mk.method} ${path}`,
        entryPath: path,
        auth,
        authSource: pinned ? "private or pinned API" : isTrue(m.props.apiKeyRequired) ? "API key required" : `authorization ${String(a ?? "NONE")}`,
        ...(api ? { apiUrn: api.urn } : {}),
        integrationUrn: integ.urn,
        ...(links[0] ? { vpcLinkUrn: links[0] } : {}),
        listeners: ls,
      });
    }
  }
  return out;
}

function buildCdnHops(model: NetworkModel): CdnHop[] {
  const T = HOP_TYPES;
  const out: CdnHop[] = [];
  for (const d of model.ofType(T.distribution)) {
    const behaviors = [d.props.defaultCacheBehavior, ...list(d.props.orderedCacheBehaviors)].filter((b) => b && typeof b === "object");
    for (const o of list(d.props.origins)) {
      const originId = String(o?.originId ?? "");
      let vpcOriginUrn: string | undefined;
      let endpoints: string[] = [];
      if (o?.vpcOriginConfig?.vpcOriginId !== undefined) {
        vpcOriginUrn = model.resolve(d, "origins", o.vpcOriginConfig.vpcOriginId, [T.vpcOrigin]).urns[0];
        const vo = vpcOriginUrn ? model.byUrn(vpcOriginUrn) : undefined;
        if (vo) endpoints = model.resolve(vo, "vpcOriginEndpointConfig", vo.props.vpcOriginEndpointConfig?.arn, [...T.lbs, T.instance]).urns;
      } else if (o?.domainName !== undefined) endpoints = model.resolve(d, "origins", o.domainName, T.lbs).urns;
      if (!endpoints.length && !vpcOriginUrn) continue;
      const patterns = behaviors.filter((b: any) => isUnknown(b.targetOriginId) || b.targetOriginId === originId).map((b: any) => (typeof b.pathPattern === "string" ? b.pathPattern : "*"));
      out.push({ distributionUrn: d.urn, originId, ...(vpcOriginUrn ? { vpcOriginUrn } : {}), endpoints, patterns });
    }
  }
  return out;
}

function buildEndpointServices(model: NetworkModel): EndpointServiceHop[] {
  const T = HOP_TYPES;
  const extra = new Map<string, string[]>();
  for (const p of model.ofType(T.endpointServicePrincipal))
    for (const o of model.resolve(p, "vpcEndpointServiceId", p.props.vpcEndpointServiceId, [T.endpointService]).urns) extra.set(o, [...(extra.get(o) ?? []), isUnknown(p.props.principalArn) ? "(unknown at preview)" : String(p.props.principalArn)]);
  return model.ofType(T.endpointService).map((s) => {
    const acc = s.props.acceptanceRequired;
    return {
      urn: s.urn,
      nlbs: model.resolveList(s, "networkLoadBalancerArns", s.props.networkLoadBalancerArns, T.lbs).urns,
      principals: [...list(s.props.allowedPrincipals).map((x) => (isUnknown(x) ? "(unknown at preview)" : String(x))), ...(extra.get(s.urn) ?? [])],
      acceptanceRequired: acc === true || acc === "true" ? true : isUnknown(acc) ? "unknown" : false,
    };
  });
}
