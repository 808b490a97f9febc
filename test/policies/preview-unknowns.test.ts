/**
 * What a real `pulumi preview` leaves unknown, and who judges it. A resource's own document built in an apply from
 * ARNs created in the same run (a secret policy naming new roles, an aws-apigateway OpenAPI body naming new
 * functions) is unknown at preview. Pulumi runs resource policies (Analyze) on each resource with its known inputs
 * before the resource is created during `pulumi up`, and a mandatory violation stops the update there
 * (https://www.pulumi.com/docs/insights/policy/): such a judgement is advisory `deferred` at
 * preview and a real verdict in Analyze. A document whose verdict needs other resources (a bucket policy and the
 * S3 Block Public Access resources that may refuse it) stays fail-closed at preview.
 *
 * (a) runs the dev stack once under `--unknowns preview` (the engine in a child process, as test/e2e/stacks.test.ts);
 * the rest are hand-built stacks, each asserting the exact rule, resource, kind and level.
 */
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { jobFor, runJobs, type JobResult } from "../../cli/engine";
import { evaluate, rules, runResourceRule, type Diagnostic, type StackResource } from "../../policies/pack";
import { hardened, Stack, UNKNOWN } from "./fixtures";

const repo = path.resolve(__dirname, "..", "..");
const RP = "no-public-resource-policy";
const EP = "no-public-entry-points";
const TI = "tenant-isolation";
const ACCT = "123456789012";
const T = {
  secretPolicy: "aws:secretsmanager/secretPolicy:SecretPolicy",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  bucket: "aws:s3/bucketV2:BucketV2",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  permission: "aws:lambda/permission:Permission",
  restApi: "aws:apigateway/restApi:RestApi",
  key: "aws:kms/key:Key",
};
const doc = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const nameOf = (urn?: string) => (urn ? urn.slice(urn.lastIndexOf("::") + 2) : "<stack>");
const line = (d: Diagnostic) => `${d.policy} ${nameOf(d.urn)} ${d.kind} ${d.enforcement}`;
const SECRET_ARN = `arn:aws:secretsmanager:us-east-1:${ACCT}:secret:bulkhead/shop/dev/acme/db-AbCdEf`;
const PUBLIC_READ = { Sid: "Everyone", Effect: "Allow", Principal: "*", Action: "secretsmanager:GetSecretValue", Resource: "*" };
const OWN_ROLE_READ = { Sid: "App", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCT}:role/acme-app` }, Action: "secretsmanager:GetSecretValue", Resource: "*" };
const swagger = (op: object) => JSON.stringify({ swagger: "2.0", info: { title: "t", version: "1" }, paths: { "/date": { get: { "x-amazon-apigateway-integration": { type: "aws_proxy", httpMethod: "POST", uri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn/invocations" }, ...op } } } });

/** The whole-stack verdicts of the given rules (offline: stack pass and resource pass together), sorted. */
function stackVerdicts(s: Stack, only: string[]): string[] {
  return evaluate(s.resources).filter((d) => only.includes(d.policy)).map(line).sort();
}

/** What Analyze reports for one resource during `pulumi up`: its own props, no dependencies (policies/pack.ts). */
function analyze(r: StackResource, ruleId: string): string[] {
  const rule = rules.find((x) => x.meta.id === ruleId)!;
  const own: StackResource = { ...r, dependencies: [], propertyDependencies: {} };
  return runResourceRule(own, rule, {}, "mandatory", "2026-01-01").map(line).sort();
}

describe("(a) the dev stack under --unknowns preview (a real first `pulumi preview`)", () => {
  let result: JobResult;
  beforeAll(async () => {
    [result] = await runJobs([jobFor(repo, { stack: "dev", displayRoot: repo, unknowns: "preview" }).job]);
  }, 180_000);

  it("has no mandatory finding; the secret policies built from new role ARNs are deferred to deploy", () => {
    if (!result.ok) throw new Error(`dev did not run: ${result.message}`);
    const v = result.check!.violations;
    expect(v.filter((x) => x.enforcement === "mandatory").map((x) => `${x.policy} ${x.resource.name} ${x.kind}`)).toEqual([]);
    expect(v.filter((x) => !x.exemption).map((x) => `${x.policy} ${x.resource.name} ${x.kind} ${x.enforcement}`).sort()).toEqual([
      `${RP} acme-pooled-database-credential-policy deferred advisory`,
      `${RP} globex-pooled-database-credential-policy deferred advisory`,
    ]);
  });
});

type Row = [name: string, build: () => Stack, stack: string[], analyzed: [resource: string, rule: string, verdicts: string[]] | undefined];

/** Adds an acme secret policy to the hardened fixture. */
function withSecretPolicy(policy: string, deps: string[] = []): Stack {
  const s = hardened();
  s.add(T.secretPolicy, "acme-secret-policy", { secretArn: SECRET_ARN, policy }, deps.length ? { policy: deps } : {});
  return s;
}

const rows: { insecure: Row[]; hardened: Row[] } = {
  insecure: [
    // (b) unknown at preview: deferred; the same resource analyzed with its known public document: blocked.
    ["(b) a secret policy unknown at preview is deferred; analyzed known, Principal \"*\" without a pin is public-access (https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_resource-policies.html)",
      () => withSecretPolicy(UNKNOWN, ["acme-app-role"]), [`${RP} acme-secret-policy deferred advisory`],
      ["acme-secret-policy", RP, [`${RP} acme-secret-policy public-access mandatory`]]],
    ["(b) a trust policy unknown at preview is deferred; analyzed known, Principal \"*\" may assume the role (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous)",
      () => { const s = hardened(); s.add(T.role, "open-role", { assumeRolePolicy: UNKNOWN }, { assumeRolePolicy: ["acme-app-role"] }); return s; },
      [`${RP} open-role deferred advisory`],
      ["open-role", RP, [`${RP} open-role public-access mandatory`]]],
    ["(b) a lambda permission whose principal is unknown at preview is deferred; analyzed known, principal \"*\" is public (https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html)",
      () => { const s = hardened(); s.add(T.permission, "open-invoke", { function: "acme-fn", action: "lambda:InvokeFunction", principal: UNKNOWN }, { principal: ["acme-app-role"] }); return s; },
      [`${RP} open-invoke deferred advisory`],
      ["open-invoke", RP, [`${RP} open-invoke public-access mandatory`]]],
    // (c) a bucket policy's door depends on other resources (Block Public Access), which Analyze does not see.
    ["(c) a bucket policy unknown at preview stays fail-closed: S3 Block Public Access lives in other resources (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html)",
      () => { const s = hardened(); s.add(T.bucket, "shared-bucket", { bucket: "shared-bucket" }); s.add(T.bucketPolicy, "shared-bucket-policy", { bucket: UNKNOWN, policy: UNKNOWN }, { bucket: ["shared-bucket"], policy: ["acme-app-role"] }); return s; },
      [`${RP} shared-bucket-policy unknown-policy mandatory`],
      ["shared-bucket-policy", RP, []]],
    // (d) aws-apigateway's RestAPI: an OpenAPI body naming functions created in the same run.
    ["(d) a REST API body unknown at preview is deferred; analyzed known, an operation without authorization is open (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-to-api.html)",
      () => { const s = hardened(); s.add(T.restApi, "acme-api", { name: "acme-api", body: UNKNOWN }, { body: ["acme-fn"] }); return s; },
      [`${EP} acme-api deferred advisory`],
      ["acme-api", EP, [`${EP} acme-api unauthenticated-api-method mandatory`]]],
    // The pooled rotation role: at preview the shared key's ARN is unknown and resolved through its policy's
    // dependencies; a kms:ViaService of another service still lets the role use the key's data directly.
    ["tenant-isolation: kms:Decrypt on the shared key (Resource unknown, built from it) via EC2 crosses tenants (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service)",
      () => sharedKeyGrant({ StringEquals: { "kms:ViaService": "ec2.us-east-1.amazonaws.com" } }), [`${TI} acme-master-key-policy iam-crosses-tenants mandatory`], undefined],
    ["tenant-isolation: kms:Decrypt on the shared key with no condition crosses tenants (https://docs.aws.amazon.com/kms/latest/developerguide/iam-policies-best-practices.html)",
      () => sharedKeyGrant(undefined), [`${TI} acme-master-key-policy iam-crosses-tenants mandatory`], undefined],
  ],
  hardened: [
    ["(b) a secret policy naming the account's own role: nothing at preview once known, nothing in Analyze",
      () => withSecretPolicy(doc(OWN_ROLE_READ)), [], ["acme-secret-policy", RP, []]],
    ["(b) Principal \"*\" on a secret with blockPublicPolicy: Secrets Manager refuses the policy (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutResourcePolicy.html)",
      () => { const s = withSecretPolicy(doc(PUBLIC_READ)); s.set("acme-secret-policy", { blockPublicPolicy: true }); return s; }, [], ["acme-secret-policy", RP, []]],
    ["(c) a known private bucket policy: nothing",
      () => { const s = hardened(); s.add(T.bucket, "shared-bucket", { bucket: "shared-bucket" }); s.add(T.bucketPolicy, "shared-bucket-policy", { bucket: "shared-bucket", policy: doc({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCT}:role/acme-app` }, Action: "s3:GetObject", Resource: "arn:aws:s3:::shared-bucket/*" }) }); return s; },
      [], ["shared-bucket-policy", RP, []]],
    ["(d) a REST API body whose operation requires AWS_IAM: nothing (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-auth.html)",
      () => { const s = hardened(); s.add(T.restApi, "acme-api", { name: "acme-api", body: swagger({ "x-amazon-apigateway-auth": { type: "AWS_IAM" } }) }); return s; },
      [], ["acme-api", EP, []]],
    ["tenant-isolation: kms:Decrypt on the shared key only via Secrets Manager decrypts only secrets the role may read (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service)",
      () => sharedKeyGrant({ StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } }), [], undefined],
  ],
};

/** acme's app role granted kms:Decrypt on the platform's shared key, as a preview sees it (Resource unknown). */
function sharedKeyGrant(Condition: object | undefined): Stack {
  const s = hardened();
  s.add(T.key, "pooled-key", { enableKeyRotation: true });
  s.add(T.rolePolicy, "acme-master-key-policy", { role: UNKNOWN, policy: doc({ Sid: "DecryptTheMasterSecret", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [UNKNOWN], ...(Condition ? { Condition } : {}) }) }, { role: ["acme-app-role"], policy: ["pooled-key"] });
  return s;
}

describe.each(["insecure", "hardened"] as const)("%s", (side) => {
  it.each(rows[side])("%s", (_name, build, stack, analyzed) => {
    const s = build();
    expect(stackVerdicts(s, [RP, EP, TI])).toEqual(stack);
    if (!analyzed) return;
    const [resource, ruleId, verdicts] = analyzed;
    const r = s.get(resource);
    // The same resource at deploy: its own inputs known (the insecure document replaces the unknown one).
    const known = side === "insecure" ? knownInsecure(r) : r;
    expect(analyze(known, ruleId)).toEqual(verdicts);
    // …and the preview's unknown input in Analyze is deferred (advisory), never a mandatory block.
    if (side === "insecure" && verdicts.length) expect(analyze(r, ruleId)).toEqual([`${ruleId} ${resource} deferred advisory`]);
  });
});

/** The insecure rows' resources as `pulumi up` registers them: the document that was unknown at preview, known. */
function knownInsecure(r: StackResource): StackResource {
  const props = { ...r.props };
  if (r.type === T.secretPolicy) props.policy = doc(PUBLIC_READ);
  if (r.type === T.role) props.assumeRolePolicy = doc({ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" });
  if (r.type === T.permission) props.principal = "*";
  if (r.type === T.restApi) props.body = swagger({});
  if (r.type === T.bucketPolicy) props.policy = doc({ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::shared-bucket/*" });
  return { ...r, props };
}
