/**
 * A REST API defined by its OpenAPI body has no Method resources; `no-public-entry-points` judges each operation of
 * the body as it judges a Method: callable by anyone unless it carries AWS_IAM (`x-amazon-apigateway-auth`) or a
 * security requirement naming a defined authorizer / Cognito pool / API key
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-to-api.html,
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions.html).
 */
import { describe, expect, it } from "vitest";
import { evaluate } from "../../policies/pack";
import { openOperations } from "../../policies/rules/no-public-entry-points";
import { Stack, UNKNOWN } from "./fixtures";

const RULE = "no-public-entry-points";
const doc = (paths: Record<string, unknown>, extra: Record<string, unknown> = {}) => JSON.stringify({ swagger: "2.0", info: { title: "t", version: "1" }, paths, ...extra });
const lambda = { "x-amazon-apigateway-integration": { type: "aws_proxy", httpMethod: "POST", uri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn/invocations" } };
const authorizer = { type: "apiKey", name: "Authorization", in: "header", "x-amazon-apigateway-authtype": "custom" };

function findings(body: unknown, props: Record<string, unknown> = {}): string[] {
  const s = new Stack();
  s.add("aws:apigateway/restApi:RestApi", "api", { name: "api", body, ...props });
  return evaluate(s.resources)
    .filter((d) => d.policy === RULE && d.enforcement === "mandatory")
    .map((d) => `${d.kind} ${d.message.split(" of its OpenAPI body")[0]}`);
}

describe("REST API OpenAPI bodies (apigateway-control-access-to-api.html)", () => {
  it("an operation without authorization is open to anyone", () => {
    expect(findings(doc({ "/date": { get: lambda } }))).toEqual(["unauthenticated-api-method apigateway.RestApi api: GET /date"]);
  });

  it("a Lambda authorizer, an API key, AWS_IAM or the document's default security close it; OPTIONS is left out", () => {
    expect(findings(doc({ "/a": { "x-amazon-apigateway-any-method": { ...lambda, security: [{ jwt: [] }] } } }, { securityDefinitions: { jwt: authorizer } }))).toEqual([]);
    expect(findings(doc({ "/k": { post: { ...lambda, security: [{ api_key: [] }] } } }, { securityDefinitions: { api_key: { type: "apiKey", name: "x-api-key", in: "header" } } }))).toEqual([]);
    expect(findings(doc({ "/i": { get: { ...lambda, "x-amazon-apigateway-auth": { type: "AWS_IAM" } } } }))).toEqual([]);
    expect(findings(doc({ "/d": { get: lambda, options: lambda } }, { securityDefinitions: { jwt: authorizer }, security: [{ jwt: [] }] }))).toEqual([]);
  });

  it("a requirement naming no defined scheme, or an empty one, leaves the operation open", () => {
    expect(openOperations(doc({ "/x": { get: { ...lambda, security: [{ nowhere: [] }] } } }))).toEqual([{ method: "GET", path: "/x" }]);
    expect(openOperations(doc({ "/y": { put: { ...lambda, security: [] } } }, { securityDefinitions: { jwt: authorizer }, security: [{ jwt: [] }] }))).toEqual([{ method: "PUT", path: "/y" }]);
  });

  it("a PRIVATE API is callable only through VPC endpoints: no finding", () => {
    expect(findings(doc({ "/date": { get: lambda } }), { endpointConfiguration: { types: "PRIVATE" } })).toEqual([]);
  });

  it("a non-JSON body cannot be verified and fails closed", () => {
    expect(findings("swagger: '2.0'\npaths: {}\n").map((f) => f.split(" ")[0])).toEqual(["cannot-verify"]);
  });

  it("a body unknown at preview is deferred to Analyze at deploy, not blocked (see preview-unknowns.test.ts)", () => {
    expect(findings(UNKNOWN)).toEqual([]);
    const s = new Stack();
    s.add("aws:apigateway/restApi:RestApi", "api", { name: "api", body: UNKNOWN });
    expect(evaluate(s.resources).filter((d) => d.policy === RULE).map((d) => [d.kind, d.enforcement])).toEqual([["deferred", "advisory"]]);
  });
});
