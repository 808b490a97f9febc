/**
 * @pulumi/aws-apigateway 2.x–3.x (`aws-apigateway:index:RestAPI`): the REST API with its OpenAPI body, deployment,
 * stage and one Lambda permission per event-handler route, per pulumi/pulumi-aws-apigateway.
 */
import { ConstructContext, Outputs, ref, valueOf } from "./context";
import { compact, derive, field, items, plain, referencedUrn, type Wire, sha1 } from "./wire";

/** The OpenAPI document the provider builds: one operation per route, its authorizers and API-key requirement. */
function swagger(name: string, routes: Array<Record<string, any>>, apiKeySource: unknown): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const method = String(r.method ?? "ANY").toLowerCase() === "any" ? "x-amazon-apigateway-any-method" : String(r.method).toLowerCase();
    const security: Array<Record<string, string[]>> = [];
    for (const a of r.authorizers ?? []) security.push({ [String(a.authorizerName ?? "authorizer")]: [] });
    if (r.apiKeyRequired) security.push({ api_key: [] });
    const p = String(r.path ?? "/").startsWith("/") ? String(r.path ?? "/") : `/${r.path}`;
    (paths[p] ??= {})[method] = compact({
      "x-amazon-apigateway-integration": r.eventHandler
        ? { type: "aws_proxy", httpMethod: "POST", passthroughBehavior: "when_no_match", uri: r.eventHandler }
        : r.target
          ? { type: r.target.type ?? "http_proxy", uri: r.target.uri, httpMethod: r.target.httpMethod ?? "ANY" }
          : undefined,
      security: security.length ? security : undefined,
    });
  }
  return compact({ swagger: "2.0", info: { title: name, version: "1.0" }, paths, "x-amazon-apigateway-api-key-source": apiKeySource });
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
  const deployment = await ctx.child("aws:apigateway/deployment:Deployment", name, compact({ restApi: ref(api), description: ctx.arg("description"), ...((plain(ctx.arg("deploymentArgs")) as object) ?? {}) }));
  const stageName = ctx.arg("stageName") ?? "stage";
  const stage = await ctx.child("aws:apigateway/stage:Stage", name, compact({ restApi: ref(api), deployment: ref(deployment), stageName, ...((plain(ctx.arg("stageArgs")) as object) ?? {}) }));
  for (const r of routes) {
    const handler = field(r, "eventHandler");
    if (handler === undefined || handler === null) continue;
    const method = String(plain(field(r, "method")) ?? "ANY");
    const p = String(plain(field(r, "path")) ?? "/");
    await ctx.child(
      "aws:lambda/permission:Permission",
      `${name}-${sha1(`${method}:${p}`)}`,
      // The provider pins the permission to this API's deployment (`${deployment.executionArn}*/*`).
      { action: "lambda:invokeFunction", function: handler, principal: "apigateway.amazonaws.com", sourceArn: ref(deployment, "executionArn") },
      { parent: api, deps: { function: referencedUrn(handler) ? [String(referencedUrn(handler))] : [] } },
    );
  }
  out.resource("api", api);
  out.resource("deployment", deployment);
  out.resource("stage", stage);
  // The stage's invoke URL: https://<api id>.execute-api.<region>.amazonaws.com/<stage>/
  out.set("url", derive([valueOf(api), stageName], (id: string, st: string) => `https://${id}.execute-api.${ctx.env.region}.amazonaws.com/${st}/`), [api, stage]);
}
