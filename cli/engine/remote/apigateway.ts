/**
 * @pulumi/aws-apigateway 2.x–3.x (`aws-apigateway:index:RestAPI`): the REST API with its OpenAPI body, deployment,
 * stage and one Lambda permission per event-handler route; for static routes (`localPath`) the bucket, one object per
 * file and the route's role (API Gateway's, with AmazonS3FullAccess); for Lambda authorizers given as a function the
 * authorizer's role (Lambda and API Gateway) and its invocation policy — per pulumi/pulumi-aws-apigateway
 * `provider/cmd/pulumi-resource-aws-apigateway/apigateway/{api,lambdaAuthorizer}.ts`.
 */
import * as fs from "node:fs";
import * as fspath from "node:path";
import { type Child, ConstructContext, Outputs, ref, valueOf } from "./context";
import { ASSET_SIG, SPECIAL_SIG_KEY } from "../wire";
import { compact, derive, field, items, plain, referencedUrn, type Wire, sha1 } from "./wire";

/** The trust policy of a static route's role (the provider's `apigatewayAssumeRolePolicyDocument`). */
const APIGATEWAY_TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Sid: "", Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

/** The trust policy of a Lambda authorizer's role (`aws.iam.assumeRolePolicyForPrincipal` of both services). */
const AUTHORIZER_TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Sid: "AllowAssumeRole", Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com", "apigateway.amazonaws.com"] }, Action: "sts:AssumeRole" }],
});

/** Files under `dir`, recursively, as the provider walks them. */
function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of fs.readdirSync(dir)) {
    const p = fspath.join(dir, name);
    const st = fs.statSync(p);
    if (st.isDirectory()) out.push(...walk(p));
    else if (st.isFile()) out.push(p);
  }
  return out;
}

/**
 * A static route's children: the route's role with AmazonS3FullAccess and one bucket object per file (a directory is
 * walked; its role and object keys hang off `<api><sha1("get:<path>/")>`). The local path is read relative to the
 * program's directory, where the engine runs it, as the provider reads it relative to its working directory.
 */
async function staticRoute(ctx: ConstructContext, bucket: Child, route: Wire): Promise<void> {
  const localPath = String(plain(field(route, "localPath")));
  let routePath = String(plain(field(route, "path")) ?? "/");
  if (!routePath.startsWith("/")) routePath = `/${routePath}`;
  const full = fspath.resolve(process.cwd(), localPath);
  const st = fs.statSync(full); // a missing path fails the expansion, as it fails the provider's construct
  const dir = st.isDirectory();
  const key = ctx.name + sha1(`get:${dir && !routePath.endsWith("/") ? `${routePath}/` : routePath}`);
  const role = await ctx.child("aws:iam/role:Role", key, { assumeRolePolicy: APIGATEWAY_TRUST });
  await ctx.child("aws:iam/rolePolicyAttachment:RolePolicyAttachment", key, { role: ref(role), policyArn: "arn:aws:iam::aws:policy/AmazonS3FullAccess" });
  const files = dir ? walk(full) : [full];
  for (const f of files) {
    const objectKey = dir ? `${key}/${fspath.relative(full, f).split(fspath.sep).join("/")}` : key;
    const contentType = dir ? undefined : plain(field(route, "contentType"));
    await ctx.child("aws:s3/bucketObject:BucketObject", objectKey, compact({ bucket: ref(bucket), key: objectKey, source: { [SPECIAL_SIG_KEY]: ASSET_SIG, path: f }, contentType }));
  }
}

/**
 * The OpenAPI document the provider builds: one operation per route (a static directory route: GET on its path for
 * the index file and ANY on `<path>/{proxy+}`), the routes' authorizers and API keys as security requirements with
 * their definitions, `iamAuthEnabled` as `x-amazon-apigateway-auth`. Integration URIs and credentials of static
 * routes are not reproduced: nothing judges them.
 */
function swagger(name: string, routes: Array<Record<string, any>>, apiKeySource: unknown): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const securityDefinitions: Record<string, unknown> = {};
  const method = (m: unknown) => (String(m ?? "ANY").toLowerCase() === "any" ? "x-amazon-apigateway-any-method" : String(m).toLowerCase());
  for (const r of routes) {
    const security: Array<Record<string, string[]>> = [];
    for (const a of Array.isArray(r.authorizers) ? r.authorizers : r.authorizers ? [r.authorizers] : []) {
      const authName = String(a.authorizerName ?? `${name}-authorizer-${Object.keys(securityDefinitions).length}`);
      const lambda = a.handler !== undefined;
      securityDefinitions[authName] ??= compact({
        type: "apiKey",
        name: a.parameterName,
        in: lambda ? a.parameterLocation : "header",
        "x-amazon-apigateway-authtype": lambda ? a.authType : "cognito_user_pools",
      });
      security.push({ [authName]: [] });
    }
    if (r.apiKeyRequired) {
      securityDefinitions.api_key = { type: "apiKey", name: "x-api-key", in: "header" };
      security.push({ api_key: [] });
    }
    const op = (integration: unknown) =>
      compact({
        "x-amazon-apigateway-integration": integration,
        "x-amazon-apigateway-auth": r.iamAuthEnabled ? { type: "AWS_IAM" } : undefined,
        security: security.length ? security : undefined,
      });
    const p = String(r.path ?? "/").startsWith("/") ? String(r.path ?? "/") : `/${r.path}`;
    if (r.localPath !== undefined && r.localPath !== null) {
      const s3 = { type: "aws", httpMethod: "GET", passthroughBehavior: "when_no_match" };
      let dir = false;
      try {
        dir = fs.statSync(fspath.resolve(process.cwd(), String(r.localPath))).isDirectory();
      } catch {
        // the route's expansion reports a missing path
      }
      if (!dir) (paths[p] ??= {}).get = op(s3);
      else {
        const d = p.endsWith("/") ? p : `${p}/`;
        const index = r.index === false ? undefined : typeof r.index === "string" ? r.index : "index.html";
        if (index !== undefined && fs.existsSync(fspath.resolve(process.cwd(), String(r.localPath), index))) paths[d] = { get: op(s3) };
        (paths[`${d}{proxy+}`] ??= {})["x-amazon-apigateway-any-method"] = op(s3);
      }
      continue;
    }
    (paths[p] ??= {})[method(r.method)] = op(
      r.eventHandler
        ? { type: "aws_proxy", httpMethod: "POST", passthroughBehavior: "when_no_match", uri: r.eventHandler }
        : r.target
          ? { type: r.target.type ?? "http_proxy", uri: r.target.uri, httpMethod: r.target.httpMethod ?? "ANY" }
          : undefined,
    );
  }
  return compact({
    swagger: "2.0",
    info: { title: name, version: "1.0" },
    paths,
    securityDefinitions: Object.keys(securityDefinitions).length ? securityDefinitions : undefined,
    "x-amazon-apigateway-api-key-source": apiKeySource ?? "HEADER",
  });
}

export async function restApi(ctx: ConstructContext, out: Outputs): Promise<void> {
  const name = ctx.name;
  const routes = items(ctx.arg("routes")) ?? [];
  const body: Wire = ctx.has("swaggerString")
    ? ctx.arg("swaggerString")
    : derive([routes, ctx.arg("apiKeySource") ?? null], (rs: Array<Record<string, any>>, src: unknown) => JSON.stringify(swagger(name, rs, src ?? undefined)));
  const restApiArgs = (plain(ctx.arg("restApiArgs")) as Record<string, unknown>) ?? {};
  const api = await ctx.child(
    "aws:apigateway/restApi:RestApi",
    name,
    compact({ name, binaryMediaTypes: ctx.arg("binaryMediaTypes") ?? ["*/*"], ...restApiArgs, body }),
    { deps: { body: ctx.argDeps("routes", "swaggerString") } },
  );
  // Static routes share one bucket (`staticRoutesBucket` when given: not a resource of this component).
  const statics = routes.filter((r) => { const lp = field(r, "localPath"); return lp !== undefined && lp !== null; });
  if (statics.length) {
    const given = ctx.arg("staticRoutesBucket");
    const bucket: Child | undefined = referencedUrn(given)
      ? undefined
      : await ctx.child("aws:s3/bucket:Bucket", name.toLowerCase().replace(/[^a-z0-9-]/g, ""), (plain(given) as Record<string, unknown>) ?? {});
    for (const r of statics) await staticRoute(ctx, bucket ?? givenBucket(given), r);
  }
  // A Lambda authorizer given as a function gets a role API Gateway invokes it with; one given as {uri, credentials}
  // brings its own. One per authorizer name, as the provider's swagger keeps one definition per name.
  const authorizerRoles = new Set<string>();
  for (const r of routes) {
    for (const a of items(field(r, "authorizers")) ?? []) {
      const handler = field(a, "handler");
      if (handler === undefined || handler === null || field(handler, "uri") !== undefined || !referencedUrn(handler)) continue;
      const authName = String(plain(field(a, "authorizerName")) ?? `${name}-authorizer-${authorizerRoles.size}`);
      if (authorizerRoles.has(authName)) continue;
      authorizerRoles.add(authName);
      const role = await ctx.child("aws:iam/role:Role", `${authName}-authorizer-role`, { assumeRolePolicy: AUTHORIZER_TRUST });
      await ctx.child(
        "aws:iam/rolePolicy:RolePolicy",
        `${authName}-invocation-policy`,
        {
          role: ref(role),
          // The function's ARN from its id (a Lambda function's id is its name), as `authorizerLambda.arn` reads.
          policy: derive([field(handler, "id") ?? handler], (fn: string) =>
            JSON.stringify({ Version: "2012-10-17", Statement: [{ Action: "lambda:InvokeFunction", Effect: "Allow", Resource: `arn:aws:lambda:${ctx.env.region}:${ctx.env.accountId}:function:${fn}` }] }),
          ),
        },
        { deps: { policy: [String(referencedUrn(handler))] } },
      );
    }
  }
  const deployment = await ctx.child("aws:apigateway/deployment:Deployment", name, compact({ restApi: ref(api), description: ctx.arg("description"), ...((plain(ctx.arg("deploymentArgs")) as object) ?? {}) }));
  const stageName = ctx.arg("stageName") ?? "stage";
  const stage = await ctx.child("aws:apigateway/stage:Stage", name, compact({ restApi: ref(api), deployment: ref(deployment), stageName, ...((plain(ctx.arg("stageArgs")) as object) ?? {}) }));
  for (const r of routes) {
    const handler = field(r, "eventHandler");
    if (handler === undefined || handler === null) continue;
    const method = String(plain(field(r, "method")) ?? "ANY");
    let p = String(plain(field(r, "path")) ?? "/");
    if (!p.startsWith("/")) p = `/${p}`;
    await ctx.child(
      "aws:lambda/permission:Permission",
      `${name}-${sha1(`${method === "ANY" ? "*" : method}${p}`)}`,
      // The provider lets any stage of this API's deployment invoke the route (`${deployment.executionArn}*/<method><path>`).
      { action: "lambda:invokeFunction", function: handler, principal: "apigateway.amazonaws.com", sourceArn: derive([valueOf(deployment, "executionArn")], (arn: string) => `${arn}*/${method === "ANY" ? "*" : method}${p}`) },
      { parent: api, deps: { function: referencedUrn(handler) ? [String(referencedUrn(handler))] : [], sourceArn: [deployment.urn] } },
    );
  }
  out.resource("api", api);
  out.resource("deployment", deployment);
  out.resource("stage", stage);
  // The stage's invoke URL: https://<api id>.execute-api.<region>.amazonaws.com/<stage>/
  out.set("url", derive([valueOf(api), stageName], (id: string, st: string) => `https://${id}.execute-api.${ctx.env.region}.amazonaws.com/${st}/`), [api, stage]);
}

/** A `staticRoutesBucket` given as a resource: its objects name it by reference. */
function givenBucket(given: Wire): Child {
  return { urn: String(referencedUrn(given)), type: "aws:s3/bucket:Bucket", name: "", id: field(given, "id") ?? String(referencedUrn(given)), outputs: {} };
}
