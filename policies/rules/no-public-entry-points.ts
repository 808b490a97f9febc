import { CidrSet, DEFERRED_KIND, isUnknown, type NetworkModel, type RuleDefinition, type StackResource } from "../model";
import { adminPathMatched } from "../model/admin-paths";
import { LB_V2 } from "../model/aws-types";
import { restApiPinned } from "../model/hops";
import { entryExternal, statementOf } from "../model/external-access";
import { effectivePermissions, parsePolicy, statementRef, type PermissionSet } from "../model/iam";
import { Findings, list } from "./util";

const TY = {
  amiLaunch: "aws:ec2/amiLaunchPermission:AmiLaunchPermission",
  imageBlock: "aws:ec2/imageBlockPublicAccess:ImageBlockPublicAccess",
  imageBuilderDist: "aws:imagebuilder/distributionConfiguration:DistributionConfiguration",
  snapshotVolume: "aws:ec2/snapshotCreateVolumePermission:SnapshotCreateVolumePermission",
  snapshotBlock: "aws:ebs/snapshotBlockPublicAccess:SnapshotBlockPublicAccess",
  dbSnapshots: ["aws:rds/snapshot:Snapshot", "aws:rds/clusterSnapshot:ClusterSnapshot", "aws:rds/snapshotCopy:SnapshotCopy", "aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy"],
  ssmDocument: "aws:ssm/document:Document",
  functionUrl: "aws:lambda/functionUrl:FunctionUrl",
  permission: "aws:lambda/permission:Permission",
  httpApi: "aws:apigatewayv2/api:Api",
  route: "aws:apigatewayv2/route:Route",
  restApi: "aws:apigateway/restApi:RestApi",
  restApiPolicy: "aws:apigateway/restApiPolicy:RestApiPolicy",
  method: "aws:apigateway/method:Method",
  listeners: LB_V2.listeners,
  listenerRules: LB_V2.listenerRules,
  targetGroups: LB_V2.targetGroups,
  lbs: LB_V2.lbs,
  identityPool: "aws:cognito/identityPool:IdentityPool",
  poolRoles: "aws:cognito/identityPoolRoleAttachment:IdentityPoolRoleAttachment",
} as const;

/**
 * Actions a guest (unauthenticated identity-pool) role may hold without data rights: the client-telemetry and
 * map-tile APIs AWS documents guest access for (CloudWatch RUM, Pinpoint/Mobile Analytics events, Amazon Location
 * maps and places, Cognito Sync of the guest's own dataset).
 */
const GUEST_SAFE = [
  "rum:PutRumEvents",
  "mobileanalytics:PutEvents",
  "mobiletargeting:PutEvents",
  "mobiletargeting:UpdateEndpoint",
  "cognito-sync:*",
  "cognito-identity:*",
  "geo:GetMap*",
  "geo:SearchPlaceIndex*",
  "geo:GetPlace",
  "geo:CalculateRoute*",
  "personalize:PutEvents",
  "polly:SynthesizeSpeech",
];
const guestSafe = (a: string) => GUEST_SAFE.some((p) => new RegExp(`^${p.replace(/\*/g, ".*")}$`, "i").test(a));

const AUTH_ACTIONS = new Set(["authenticate-oidc", "authenticate-cognito", "jwt-validation"]);
const isTrue = (v: unknown) => v === true || v === "true";

export const rule: RuleDefinition = {
  meta: {
    id: "no-public-entry-points",
    severity: "critical",
    enforcementLevel: "mandatory",
    controls: ["EC2.1", "RDS.1", "Lambda.1", "SSM.4", "APIGateway.8", "ELB.16"],
    why: "Resources are made public without any network path: images and snapshots shared with everyone, function URLs and API routes with no authentication, permissions for any account, guest identities with data rights, admin paths behind a public load balancer with no login. Each is a door a security group never sees.",
    fix: "Share with named accounts or your organisation, never \"all\"; use AWS_IAM (or an authorizer / API key) on function URLs, routes and methods; pin service principals with sourceArn / sourceAccount; put an authenticate-oidc or authenticate-cognito action (or a source-IP condition) before admin paths; give guest roles only telemetry actions.",
    messages: {
      "public-ami": "{resource} makes image {image} launchable by every AWS account ({field} = \"all\"): anyone can copy its disks (keys, credentials, code). https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/sharingamis-intro.html Fix: share with named account ids or your organisation ARN.",
      "public-ebs-snapshot": "{resource} lets every AWS account create volumes from snapshot {snapshot} (accountId \"all\"): the disk's data is public. https://docs.aws.amazon.com/ebs/latest/userguide/ebs-modifying-snapshot-permissions.html Fix: share with named account ids only.",
      "public-db-snapshot": "{resource} shares the database snapshot with every AWS account (sharedAccounts contains \"all\"): anyone can restore the database. https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ShareSnapshot.html Fix: list the account ids that need it.",
      "public-ssm-document": "{resource} shares the Systems Manager document with every AWS account (permissions accountIds \"All\"). https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-ssm-sharing.html Fix: share with named accounts.",
      "unauthenticated-function-url": "{resource} gives function {function} a URL with authorizationType NONE: anyone on the internet can invoke it. https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html Fix: use authorizationType AWS_IAM and sign requests (or front it with an authenticated API).",
      "unpinned-service-permission": "{resource} lets service {service} call {action} on function {function} without sourceArn or sourceAccount: any account's {service} resource can invoke it (confused deputy). https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-services.html Fix: set sourceArn to the resource that invokes it (and sourceAccount).",
      "unauthenticated-api-route": "{resource} ({routeKey}) has authorizationType NONE on {api}: anyone on the internet can call it. https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control.html Fix: set authorizationType JWT, AWS_IAM or CUSTOM with an authorizer.",
      "unauthenticated-api-method": "{resource} ({httpMethod}) has authorization NONE and no API key on public REST API {api}: anyone on the internet can call it. https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-to-api.html Fix: use AWS_IAM, COGNITO_USER_POOLS or CUSTOM authorization, make the API PRIVATE, or pin its resource policy.",
      "unauthenticated-admin-path": "{resource} forwards admin path {path} ({pattern}) from internet-facing {lb} with no authenticate action: the admin console is open to the world. https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html Fix: add an authenticate-oidc or authenticate-cognito action before the forward, or a sourceIp condition limited to your ranges.",
      "unauthenticated-admin-target": "{resource} forwards to {targetGroup} (tagged bulkhead:role=admin) from internet-facing {lb} with no authenticate action. https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html Fix: add an authenticate-oidc or authenticate-cognito action before the forward.",
      "guest-data-rights": "{resource} allows unauthenticated identities, and their role {role} may call {action} ({where}): anyone on the internet gets AWS credentials with data rights. https://docs.aws.amazon.com/cognito/latest/developerguide/iam-roles.html Fix: set allowUnauthenticatedIdentities false, or give the guest role only telemetry actions (rum:PutRumEvents…).",
      "guest-data-grant": "{resource} gives {role}, the guest role of identity pool {pool}, {action}: anyone on the internet can use it. https://docs.aws.amazon.com/cognito/latest/developerguide/iam-roles.html Fix: keep data rights on the authenticated role only.",
      "cannot-verify": "{resource}: {field} is unknown at preview, so whether {what} cannot be verified before deploy. Fix: use a literal value.",
    },
  },
  check(model) {
    const out = new Findings();
    const label = (u: string) => model.label(u);
    const ref = (r: StackResource, prop: string, types: readonly string[]) => {
      const x = model.resolve(r, prop, r.props[prop], types);
      return x.urns.length ? x.urns.map(label).join(", ") : typeof r.props[prop] === "string" && !isUnknown(r.props[prop]) ? r.props[prop] : "(unknown at preview)";
    };
    const unknownField = (r: StackResource, field: string, what: string) => out.report(r.urn, "cannot-verify", { resource: label(r.urn), field, what }, field);

    // ---- Public sharing attributes ------------------------------------------------------------------
    // Account-level block public access in the stack stops new public sharing: the grant then fails to apply.
    const amiBlocked = model.ofType(TY.imageBlock).some((b) => b.props.state === "block-new-sharing");
    const snapBlocked = model.ofType(TY.snapshotBlock).some((b) => b.props.state === "block-all-sharing");
    for (const r of model.ofType(TY.amiLaunch)) {
      const g = r.props.group;
      if (isUnknown(g)) unknownField(r, "group", "the image is public");
      else if (String(g).toLowerCase() === "all" && !amiBlocked) out.report(r.urn, "public-ami", { resource: label(r.urn), image: ref(r, "imageId", ["aws:ec2/ami:Ami", "aws:ec2/amiCopy:AmiCopy", "aws:ec2/amiFromInstance:AmiFromInstance"]), field: "group" }, "group");
    }
    for (const r of model.ofType(TY.imageBuilderDist)) {
      for (const [i, d] of list(r.props.distributions).entries()) {
        const groups = (d as any)?.amiDistributionConfiguration?.launchPermission?.userGroups;
        if (list(groups).some((x) => typeof x === "string" && x.toLowerCase() === "all") && !amiBlocked)
          out.report(r.urn, "public-ami", { resource: label(r.urn), image: "the distributed images", field: "launchPermission.userGroups" }, `distributions[${i}].amiDistributionConfiguration.launchPermission.userGroups`);
      }
    }
    for (const r of model.ofType(TY.snapshotVolume)) {
      const a = r.props.accountId;
      if (isUnknown(a)) unknownField(r, "accountId", "the snapshot is public");
      else if (String(a).toLowerCase() === "all" && !snapBlocked) out.report(r.urn, "public-ebs-snapshot", { resource: label(r.urn), snapshot: ref(r, "snapshotId", ["aws:ebs/snapshot:Snapshot", "aws:ebs/snapshotCopy:SnapshotCopy"]) }, "accountId");
    }
    for (const r of model.ofType(...TY.dbSnapshots)) {
      const s = r.props.sharedAccounts;
      if (isUnknown(s) || list(s).some(isUnknown)) unknownField(r, "sharedAccounts", "the snapshot is public");
      else if (list(s).some((x) => typeof x === "string" && x.toLowerCase() === "all")) out.report(r.urn, "public-db-snapshot", { resource: label(r.urn) }, "sharedAccounts");
    }
    for (const r of model.ofType(TY.ssmDocument)) {
      const p = r.props.permissions;
      if (p && typeof p === "object" && !isUnknown(p)) {
        const ids = isUnknown(p.accountIds) ? ["?"] : String(p.accountIds ?? "").split(",").map((x) => x.trim().toLowerCase());
        if (isUnknown(p.accountIds)) unknownField(r, "permissions.accountIds", "the document is public");
        else if (ids.includes("all")) out.report(r.urn, "public-ssm-document", { resource: label(r.urn) }, "permissions.accountIds");
      }
    }
    // ---- Lambda: function URLs and permissions ------------------------------------------------------
    const fnText = (r: StackResource, prop: string) => ref(r, prop, ["aws:lambda/function:Function", "aws:lambda/alias:Alias"]);
    for (const r of model.ofType(TY.functionUrl)) {
      const t = r.props.authorizationType;
      if (isUnknown(t)) unknownField(r, "authorizationType", "the URL requires authentication");
      else if (String(t).toUpperCase() === "NONE") out.report(r.urn, "unauthenticated-function-url", { resource: label(r.urn), function: fnText(r, "functionName") }, "authorizationType");
    }
    for (const r of model.ofType(TY.permission)) {
      const p = r.props;
      // An unknown principal is no-public-resource-policy's: deferred at preview, judged in Analyze at deploy.
      if (isUnknown(p.principal)) continue;
      // The resource-policy statement the permission adds (https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html).
      // A source value unknown at preview that comes from a resource of the stack (an API's execution ARN, a
      // bucket's ARN) pins to that resource: its presence decides, and its provenance is known.
      const fromStack = (prop: string) => isUnknown(p[prop]) && (r.propertyDependencies?.[prop] ?? []).length > 0;
      // A bucket's ARN names no account (see pinnedBy): an in-stack bucket pins only with the source account too.
      const bucketSource = (r.propertyDependencies?.sourceArn ?? []).some((u) => /^aws:s3\/bucket(V2)?:Bucket(V2)?$/.test(model.byUrn(u)?.type ?? ""));
      if (["sourceAccount", "principalOrgId"].some(fromStack) || (fromStack("sourceArn") && !(bucketSource && !p.sourceAccount && !p.principalOrgId))) continue;
      const cond: Record<string, Record<string, unknown>> = {};
      if (p.sourceArn) (cond.ArnLike ??= {})["AWS:SourceArn"] = p.sourceArn;
      if (p.sourceAccount) (cond.StringEquals ??= {})["AWS:SourceAccount"] = p.sourceAccount;
      if (p.principalOrgId) (cond.StringEquals ??= {})["aws:PrincipalOrgID"] = p.principalOrgId;
      const principal = p.principal === "*" ? "*" : /\.amazon(aws)?\.com$/.test(String(p.principal)) ? { Service: p.principal } : { AWS: p.principal };
      const st = statementOf({ Principal: principal, ...(Object.keys(cond).length ? { Condition: cond } : {}) });
      const v = st ? entryExternal(model, st) : { external: true as const, who: "everyone" as const, principal: String(p.principal) };
      // Alexa skills pin with eventSourceToken, the one source check Lambda documents for them.
      if (!v.external || (p.eventSourceToken && v.who === "any-account-service")) continue;
      const data = { resource: label(r.urn), action: String(p.action ?? "lambda:InvokeFunction"), function: fnText(r, "function") };
      // Everyone / another account is the statement no-public-resource-policy judges; the service principal
      // acting for any account (confused deputy) is this rule's.
      if (v.who === "any-account-service") out.report(r.urn, "unpinned-service-permission", { ...data, service: v.principal }, "sourceArn");
    }

    // ---- API Gateway --------------------------------------------------------------------------------
    for (const r of model.ofType(TY.route)) {
      const api = model.resolve(r, "apiId", r.props.apiId, [TY.httpApi]).urns.map((u) => model.byUrn(u)!);
      const ws = api.some((a) => String(a.props.protocolType).toUpperCase() === "WEBSOCKET");
      const key = String(r.props.routeKey ?? "");
      // WebSocket APIs authorize on $connect only; browsers send CORS preflight (OPTIONS) without credentials.
      if ((ws && key !== "$connect") || /^OPTIONS /i.test(key)) continue;
      const t = r.props.authorizationType;
      if (isUnknown(t)) unknownField(r, "authorizationType", "the route requires authentication");
      else if ((t === undefined || t === null || String(t).toUpperCase() === "NONE") && !isTrue(r.props.apiKeyRequired))
        out.report(r.urn, "unauthenticated-api-route", { resource: label(r.urn), routeKey: key, api: api.length ? api.map((a) => label(a.urn)).join(", ") : "its API" }, "authorizationType");
    }
    const apiPinned = (api: StackResource) => restApiPinned(model, api);
    for (const r of model.ofType(TY.method)) {
      const m = String(r.props.httpMethod ?? "").toUpperCase();
      if (m === "OPTIONS") continue;
      const apis = model.resolve(r, "restApi", r.props.restApi, [TY.restApi]).urns.map((u) => model.byUrn(u)!);
      if (apis.length && apis.every(apiPinned)) continue;
      const a = r.props.authorization;
      if (isUnknown(a)) unknownField(r, "authorization", "the method requires authentication");
      else if (String(a ?? "NONE").toUpperCase() === "NONE" && !isTrue(r.props.apiKeyRequired))
        out.report(r.urn, "unauthenticated-api-method", { resource: label(r.urn), httpMethod: m, api: apis.length ? apis.map((x) => label(x.urn)).join(", ") : "its REST API" }, "authorization");
    }

    // A REST API's OpenAPI `body` is the resource pass's (below): judged from the API's own inputs.

    // ---- Load balancers: admin paths and admin target groups without authentication --------------------
    checkLoadBalancers(model, out);

    // ---- Cognito identity pools: guest roles with data rights --------------------------------------------
    for (const att of model.ofType(TY.poolRoles)) {
      const pools = model.resolve(att, "identityPoolId", att.props.identityPoolId, [TY.identityPool]).urns;
      const open = pools.filter((u) => isTrue(model.byUrn(u)!.props.allowUnauthenticatedIdentities));
      if (!open.length) continue;
      const roles = att.props.roles;
      const guest = roles && typeof roles === "object" && !isUnknown(roles) ? roles.unauthenticated : undefined;
      if (guest === undefined) continue;
      for (const roleUrn of model.resolve(att, "roles", guest, ["aws:iam/role:Role"]).urns) {
        for (const g of dataRights(effectivePermissions(roleUrn, model))) {
          for (const pool of open) {
            out.report(pool, "guest-data-rights", { resource: label(pool), role: label(roleUrn), action: g.action, where: g.where }, "allowUnauthenticatedIdentities");
            out.report(g.blame, "guest-data-grant", { resource: label(g.blame), role: label(roleUrn), pool: label(pool), action: g.action });
          }
        }
      }
    }
    return out.list;
  },
  // A REST API defined by its OpenAPI `body` (aws-apigateway's RestAPI, hand-written specs) has no Method resources:
  // each operation of the body is a method, judged the same way. The body is the API's own input, so this is a
  // resource-level judgement: Pulumi runs it in Analyze with the known body before the API is created during
  // `pulumi up`, and a mandatory finding stops the update there (https://www.pulumi.com/docs/insights/policy/,
  // https://www.pulumi.com/docs/discovery-governance/concepts/policy-as-code/policies/). A body built from Lambda ARNs created
  // in the same run (aws-apigateway's integrations) is unknown at preview: deferred, not blocked.
  // Pinned APIs (PRIVATE endpoint, a policy admitting no outsider, https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies.html)
  // are read from the whole stack offline; Analyze sees only the API's own `policy` and endpoint type, so an API
  // pinned only by a separate RestApiPolicy (created after the API) is judged there as its own inputs leave it.
  resource: {
    types: [TY.restApi],
    check(api, model) {
      const out = new Findings();
      const body = api.props.body;
      if (body === undefined || body === null || restApiPinned(model, api)) return out.list;
      const label = model.label(api.urn);
      if (isUnknown(body)) {
        out.report(api.urn, DEFERRED_KIND, { what: "body (the OpenAPI definition)", how: "build the body from values known at preview (integration URIs from function names, the region and the account id of getCallerIdentity)" }, "body");
        return out.list;
      }
      const ops = openOperations(body);
      // YAML bodies are not read (the pack carries no YAML parser): such a body cannot be judged, now or in Analyze.
      if (!ops) out.report(api.urn, "cannot-verify", { resource: label, field: "body", what: "its methods require authentication (a JSON OpenAPI body is read; this one is not JSON)" }, "body");
      for (const op of ops ?? []) out.report(api.urn, "unauthenticated-api-method", { resource: `${label}: ${op.method} ${op.path} of its OpenAPI body`, httpMethod: op.method, api: label }, "body");
      return out.list;
    },
  },
};

/** Per policy source, the first action beyond guest telemetry that it allows (unreadable policies fail closed). */
function dataRights(perms: PermissionSet): Array<{ blame: string; where: string; action: string }> {
  const out = new Map<string, { blame: string; where: string; action: string }>();
  for (const u of perms.unreadable) if (!out.has(u.source.urn)) out.set(u.source.urn, { blame: u.source.urn, where: u.source.via, action: `a policy that cannot be read (${u.why})` });
  for (const { statement: s, source } of perms.statements) {
    if (s.effect !== "Allow" || out.has(source.urn)) continue;
    const where = `${source.via}, ${statementRef(s)}`;
    if (s.unknown.includes("Action") || s.unknown.includes("NotAction")) out.set(source.urn, { blame: source.urn, where, action: "(actions unknown at preview)" });
    else if (s.notAction) out.set(source.urn, { blame: source.urn, where, action: "every action but those in NotAction" });
    else {
      const a = (s.action ?? []).find((x) => !guestSafe(x));
      if (a) out.set(source.urn, { blame: source.urn, where, action: a });
    }
  }
  return [...out.values()];
}

function checkLoadBalancers(model: NetworkModel, out: Findings): void {
  const lbOf = (listener: StackResource) => model.resolve(listener, "loadBalancerArn", listener.props.loadBalancerArn, TY.lbs).urns;
  const facesWorld = (lbUrn: string) => model.byUrn(lbUrn)!.props.internal !== true;
  const adminTg = (u: string) => model.tagsOf(u)?.["bulkhead:role"] === "admin";
  const forwards = (r: StackResource, prop: string, actions: unknown): string[] => {
    const tgs: string[] = [];
    for (const a of list(actions)) {
      const x = a as Record<string, any>;
      if (String(x?.type ?? "") !== "forward") continue;
      const arns = [x.targetGroupArn, ...list(x.forward?.targetGroups).map((t: any) => t?.arn)].filter((v) => v !== undefined);
      for (const arn of arns) tgs.push(...model.resolve(r, prop, arn, TY.targetGroups).urns);
      if (!arns.length || arns.some(isUnknown)) tgs.push(...(r.propertyDependencies?.[prop] ?? []).filter((u) => (TY.targetGroups as readonly string[]).includes(model.byUrn(u)?.type ?? "")));
    }
    return [...new Set(tgs)];
  };
  const authenticated = (actions: unknown) => list(actions).some((a) => AUTH_ACTIONS.has(String((a as any)?.type ?? "")));
  const forwardsAtAll = (actions: unknown) => list(actions).some((a) => String((a as any)?.type ?? "") === "forward");

  const listeners = new Map<string, StackResource>(model.ofType(...TY.listeners).map((l) => [l.urn, l]));
  for (const l of listeners.values()) {
    const lbs = lbOf(l).filter(facesWorld);
    if (!lbs.length || authenticated(l.props.defaultActions)) continue;
    for (const tg of forwards(l, "defaultActions", l.props.defaultActions).filter(adminTg))
      out.report(l.urn, "unauthenticated-admin-target", { resource: model.label(l.urn), targetGroup: model.label(tg), lb: lbs.map(model.label).join(", ") }, "defaultActions");
  }
  for (const r of model.ofType(...TY.listenerRules)) {
    const ls = model.resolve(r, "listenerArn", r.props.listenerArn, TY.listeners).urns;
    // A rule on a listener outside the stack: the load balancer's scheme is unknown, so assume it faces the world.
    const lbs = ls.length ? ls.flatMap((u) => lbOf(listeners.get(u)!)).filter(facesWorld) : ["external"];
    if (!lbs.length || authenticated(r.props.actions) || !forwardsAtAll(r.props.actions)) continue;
    const conds = list(r.props.conditions) as Array<Record<string, any>>;
    // A source-IP condition whose ranges don't cover the internet keeps the path off the public.
    const ipLimited = conds.some((c) => {
      const v = list(c?.sourceIp?.values).filter((x): x is string => typeof x === "string" && !isUnknown(x));
      if (!v.length) return false;
      try {
        return !CidrSet.of(v).coversPublicInternet();
      } catch {
        return false;
      }
    });
    if (ipLimited) continue;
    const lbText = lbs.map((u) => (u === "external" ? "a load balancer outside this stack" : model.label(u))).join(", ");
    const patterns = conds.flatMap((c) => list(c?.pathPattern?.values)).filter((x): x is string => typeof x === "string");
    const hit = patterns.map((p) => ({ p, path: adminPathMatched(p) })).find((x) => x.path);
    const tgs = forwards(r, "actions", r.props.actions);
    if (hit || model.tagsOf(r.urn)?.["bulkhead:role"] === "admin")
      out.report(r.urn, "unauthenticated-admin-path", { resource: model.label(r.urn), path: hit?.path ?? "(tagged bulkhead:role=admin)", pattern: hit?.p ?? patterns.join(", "), lb: lbText }, "conditions");
    else for (const tg of tgs.filter(adminTg)) out.report(r.urn, "unauthenticated-admin-target", { resource: model.label(r.urn), targetGroup: model.label(tg), lb: lbText }, "actions");
  }
}

const OPENAPI_METHODS: Record<string, string> = { get: "GET", put: "PUT", post: "POST", delete: "DELETE", head: "HEAD", patch: "PATCH", "x-amazon-apigateway-any-method": "ANY" };

/**
 * Operations of a REST API's OpenAPI body (Swagger 2.0 or OpenAPI 3) that anyone may call, as API Gateway imports
 * them (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions.html): no
 * `x-amazon-apigateway-auth` other than NONE, and no security requirement (the operation's, else the document's)
 * naming a defined scheme — an authorizer, a Cognito user pool or an API key. CORS preflight (OPTIONS) is left
 * out as for Method resources. Undefined when the body is not a JSON object with `paths`.
 */
export function openOperations(body: unknown): Array<{ method: string; path: string }> | undefined {
  let doc: any = body;
  if (typeof body === "string") {
    try {
      doc = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if (!doc || typeof doc !== "object" || typeof doc.paths !== "object" || doc.paths === null) return undefined;
  const schemes = { ...(doc.securityDefinitions ?? {}), ...(doc.components?.securitySchemes ?? {}) };
  const requires = (sec: unknown) => Array.isArray(sec) && sec.length > 0 && sec.every((req) => req && typeof req === "object" && Object.keys(req).some((k) => k in schemes));
  const out: Array<{ method: string; path: string }> = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, any>)) {
    if (!item || typeof item !== "object") continue;
    for (const [key, op] of Object.entries(item as Record<string, any>)) {
      const method = OPENAPI_METHODS[key.toLowerCase()];
      if (!method || !op || typeof op !== "object") continue;
      const auth = op["x-amazon-apigateway-auth"]?.type;
      if (typeof auth === "string" && auth.toUpperCase() !== "NONE") continue;
      if (requires(op.security ?? doc.security)) continue;
      out.push({ method, path });
    }
  }
  return out;
}
