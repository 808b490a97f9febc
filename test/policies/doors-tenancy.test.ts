/**
 * tenant-isolation, IAM half (policies/model/tenancy-iam.ts): a tenant's principals evaluated against every other
 * tenant's secrets, keys, parameters and roles. Cases from AWS's documentation on ABAC and cross-tenant access
 * (cited per case); each asserts the exact rule, resource and kind.
 */
import { describe, expect, it } from "vitest";
import { mandatoryFindings } from "./doors-helpers";
import { hardened, Stack, UNKNOWN, urnOf } from "./fixtures";
import { placeholderToken } from "../../policies/model/placeholders";

const RULE = "tenant-isolation";
const TY = {
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  secret: "aws:secretsmanager/secret:Secret",
  key: "aws:kms/key:Key",
  alias: "aws:kms/alias:Alias",
  param: "aws:ssm/parameter:Parameter",
  lambda: "aws:lambda/function:Function",
  profile: "aws:iam/instanceProfile:InstanceProfile",
};
const doc = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const trust = (Principal: object, extra: object = {}) => doc({ Effect: "Allow", Principal, Action: "sts:AssumeRole", ...extra });
const ACCT = "123456789012";
const NS = (t: string) => `bulkhead/shop/dev/${t}/`;

/** The hardened fixture plus a second tenant (globex) with a secret, a key, a parameter and a role. */
function twoTenants(): Stack {
  const s = hardened();
  const globex = { "bulkhead:tenant": "globex" };
  s.add(TY.secret, "acme-api-secret", { namePrefix: `${NS("acme")}api-`, kmsKeyId: UNKNOWN }, { kmsKeyId: ["acme-key"] });
  s.add(TY.key, "globex-key", { enableKeyRotation: true, tags: globex });
  s.add(TY.secret, "globex-db-secret", { namePrefix: `${NS("globex")}db-`, kmsKeyId: UNKNOWN }, { kmsKeyId: ["globex-key"] });
  s.add(TY.param, "globex-smtp", { name: "/bulkhead/shop/dev/globex/smtp", type: "SecureString", value: UNKNOWN, tags: globex }, { value: ["globex-db-secret"] });
  s.add(TY.role, "globex-app-role", { name: "globex-app", assumeRolePolicy: trust({ AWS: `arn:aws:iam::${ACCT}:root` }), tags: globex });
  return s;
}
/** Gives acme's app role (used by acme's launch template instances and function) one more inline policy. */
const acmePolicy = (s: Stack, ...statements: object[]) => s.add(TY.rolePolicy, "acme-extra", { role: UNKNOWN, policy: doc(...statements) }, { role: ["acme-app-role"] });

type Case = [name: string, build: (s: Stack) => void, expected: string[]];
const insecure: Case[] = [
  ["a wildcard over the whole secrets namespace reads the other tenant's secret (https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples.html)", (s) =>
    acmePolicy(s, { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: `arn:aws:secretsmanager:eu-west-1:${ACCT}:secret:bulkhead/*` }),
  [`${RULE} acme-extra iam-crosses-tenants`]],
  ["kms:Decrypt on every key decrypts with the other tenant's key (https://docs.aws.amazon.com/kms/latest/developerguide/iam-policies-best-practices.html)", (s) =>
    acmePolicy(s, { Sid: "DecryptAll", Effect: "Allow", Action: ["kms:Decrypt", "kms:DescribeKey"], Resource: `arn:aws:kms:eu-west-1:${ACCT}:key/*` }),
  [`${RULE} acme-extra iam-crosses-tenants`]],
  ["sts:AssumeRole on role/* reaches the other tenant's role, which trusts the account (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_permissions-to-switch.html)", (s) =>
    acmePolicy(s, { Effect: "Allow", Action: "sts:AssumeRole", Resource: `arn:aws:iam::${ACCT}:role/*` }),
  [`${RULE} acme-extra iam-crosses-tenants`]],
  ["iam:PassRole of the other tenant's role hands its rights to new compute (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html)", (s) =>
    acmePolicy(s, { Effect: "Allow", Action: "iam:PassRole", Resource: `arn:aws:iam::${ACCT}:role/globex-app` }),
  [`${RULE} acme-extra iam-crosses-tenants`]],
  ["ssm:GetParameter* under /bulkhead/* reads the other tenant's SecureString (https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-access.html)", (s) =>
    acmePolicy(s, { Effect: "Allow", Action: "ssm:GetParameter*", Resource: `arn:aws:ssm:eu-west-1:${ACCT}:parameter/bulkhead/*` }),
  [`${RULE} acme-extra iam-crosses-tenants`]],
  ["tagging rights on every secret can rewrite the tag ABAC relies on (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_tags.html#access_tags_control-tag-keys)", (s) =>
    acmePolicy(s,
      { Sid: "AbacRead", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*", Condition: { StringEquals: { "aws:ResourceTag/bulkhead:tenant": "${aws:PrincipalTag/bulkhead:tenant}" } } },
      { Sid: "Tagging", Effect: "Allow", Action: "secretsmanager:TagResource", Resource: "*" }),
  // The read is hardened ABAC, but tagging any secret bulkhead:tenant=acme makes it acme's: the tagging grant is the door.
  [`${RULE} acme-extra iam-tagging-crosses-tenants`]],
  ["a role that may retag itself while its policies read aws:PrincipalTag (https://docs.aws.amazon.com/IAM/latest/UserGuide/tutorial_attribute-based-access-control.html)", (s) =>
    acmePolicy(s,
      { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*", Condition: { StringEquals: { "secretsmanager:ResourceTag/bulkhead:tenant": "${aws:PrincipalTag/bulkhead:tenant}" } } },
      { Effect: "Allow", Action: "iam:TagRole", Resource: `arn:aws:iam::${ACCT}:role/acme-*` }),
  [`${RULE} acme-extra iam-abac-self-retag`]],
  ["one role for two tenants' compute is a cross-tenant principal (https://docs.aws.amazon.com/whitepapers/latest/saas-tenant-isolation-strategies/iam-isolation.html)", (s) =>
    s.add(TY.lambda, "globex-fn", { runtime: "nodejs20.x", role: UNKNOWN, tags: { "bulkhead:tenant": "globex" } }, { role: ["acme-app-role"] }),
  [`${RULE} acme-app-role iam-shared-principal`]],
];

const hardenedCases: Case[] = [
  ["hardened ABAC: aws:ResourceTag/bulkhead:tenant = ${aws:PrincipalTag/bulkhead:tenant} (https://docs.aws.amazon.com/IAM/latest/UserGuide/introduction_attribute-based-access-control.html)", (s) =>
    acmePolicy(s, { Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "kms:Decrypt"], Resource: "*", Condition: { StringEquals: { "aws:ResourceTag/bulkhead:tenant": "${aws:PrincipalTag/bulkhead:tenant}" } } }), []],
  ["the tenant's own secret namespace and its own key by tag, through Secrets Manager only (components/Tenant.ts; https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service)", (s) =>
    acmePolicy(s,
      { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: `arn:aws:secretsmanager:eu-west-1:${ACCT}:secret:${NS("acme")}*` },
      { Effect: "Allow", Action: "kms:Decrypt", Resource: `arn:aws:kms:eu-west-1:${ACCT}:key/*`, Condition: { StringEquals: { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com", "aws:ResourceTag/bulkhead:tenant": "acme" } } }), []],
  ["assume on role/* where the other tenant's role trusts only a service principal (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-services)", (s) => {
    s.set("globex-app-role", { assumeRolePolicy: trust({ Service: "ec2.amazonaws.com" }) });
    acmePolicy(s, { Effect: "Allow", Action: "sts:AssumeRole", Resource: `arn:aws:iam::${ACCT}:role/*` });
  }, []],
  ["a vendor role trusted with an ExternalId and assumable by acme only by exact ARN (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for_user_externalid.html)", (s) => {
    s.add(TY.role, "acme-vendor-role", { name: "acme-vendor", assumeRolePolicy: trust({ AWS: "arn:aws:iam::999999999999:root" }, { Condition: { StringEquals: { "sts:ExternalId": "acme-7f3e" } } }), tags: { "bulkhead:tenant": "acme" } });
    acmePolicy(s, { Effect: "Allow", Action: "sts:AssumeRole", Resource: `arn:aws:iam::${ACCT}:role/acme-vendor` });
  }, []],
  ["tagging allowed except the tenant key (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-tagkeys)", (s) =>
    acmePolicy(s, { Effect: "Allow", Action: "secretsmanager:TagResource", Resource: "*", Condition: { "ForAllValues:StringNotEquals": { "aws:TagKeys": ["bulkhead:tenant"] }, StringEquals: { "aws:ResourceTag/bulkhead:tenant": "${aws:PrincipalTag/bulkhead:tenant}" } } }), []],
  ["a key scoped by its alias (kms:ResourceAliases) (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-resource-aliases)", (s) => {
    s.add(TY.alias, "acme-key-alias", { name: "alias/bulkhead/dev/acme", targetKeyId: UNKNOWN }, { targetKeyId: ["acme-key"] });
    acmePolicy(s, { Effect: "Allow", Action: "kms:Decrypt", Resource: "*", Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": "alias/bulkhead/dev/acme" } } });
  }, []],
  ["a policy naming the tenant's own secret by its ARN output (unknown at preview, resolved through its dependencies)", (s) =>
    s.add(TY.rolePolicy, "acme-own-secret", { role: UNKNOWN, policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"], Resource: [UNKNOWN] }] } }, { role: ["acme-app-role"], policy: ["acme-api-secret"] }), []],
];

describe(`${RULE} (IAM): insecure programs are blocked on the resource to fix`, () => {
  it.each(insecure)("%s", (_n, build, expected) => {
    const s = twoTenants();
    build(s);
    expect(mandatoryFindings(s, [RULE])).toEqual([...expected].sort());
  });
});
describe(`${RULE} (IAM): hardened programs pass`, () => {
  it.each(hardenedCases)("%s", (_n, build, expected) => {
    const s = twoTenants();
    build(s);
    expect(mandatoryFindings(s, [RULE])).toEqual(expected);
  });
  it("the two-tenant base itself is clean", () => {
    expect(mandatoryFindings(twoTenants())).toEqual([]);
  });
});

// ---- Resource policies naming another tenant's role -------------------------------------------------------------
// Within one account a resource policy that names a principal grants on its own; a permissions boundary still
// limits a grant to a role ARN, and an explicit Deny anywhere wins.
const EVAL = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html";
const EVAL_BASICS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html";
const TY_RP = {
  bucket: "aws:s3/bucketV2:BucketV2",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  secretPolicy: "aws:secretsmanager/secretPolicy:SecretPolicy",
  queue: "aws:sqs/queue:Queue",
  queuePolicy: "aws:sqs/queuePolicy:QueuePolicy",
};
/** acme's app role under a literal name, so a policy can name it by ARN. */
const ACME_ROLE_ARN = `arn:aws:iam::${ACCT}:role/acme-app`;
/** The offline engine's placeholder for acme's role ARN (an in-stack reference: `acmeRole.arn`). */
const ACME_ROLE_REF = `arn:aws:iam::${ACCT}:role/acme-app-role-${placeholderToken(urnOf("aws:iam/role:Role", "acme-app-role"))}`;
const globexBucket = (s: Stack, statement: object) => {
  s.add(TY_RP.bucket, "globex-data", { bucket: "globex-data", tags: { "bulkhead:tenant": "globex" } });
  s.add(TY_RP.bucketPolicy, "globex-data-policy", { bucket: UNKNOWN, policy: doc(statement) }, { bucket: ["globex-data"] });
};
const rpInsecure: Case[] = [
  [`globex's bucket policy names acme's role by literal ARN: s3:GetObject on its objects (${EVAL}; https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies.html)`, (s) => {
    s.set("acme-app-role", { name: "acme-app" });
    globexBucket(s, { Sid: "PartnerRead", Effect: "Allow", Principal: { AWS: ACME_ROLE_ARN }, Action: "s3:GetObject", Resource: "arn:aws:s3:::globex-data/*" });
  }, [`${RULE} globex-data-policy resource-policy-crosses-tenants`]],
  [`globex's key policy names acme's role by in-stack reference: kms:Decrypt (${EVAL}; https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html)`, (s) =>
    s.set("globex-key", { policy: doc(
      { Sid: "EnableIam", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: "kms:*", Resource: "*" },
      { Sid: "AcmeDecrypt", Effect: "Allow", Principal: { AWS: ACME_ROLE_REF }, Action: ["kms:Decrypt", "kms:DescribeKey"], Resource: "*" }) }),
  [`${RULE} globex-key resource-policy-crosses-tenants`]],
  [`globex's secret policy names acme's role by an output unknown at preview (resolved by its dependency) (${EVAL}; https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_resource-policies.html)`, (s) =>
    s.add(TY_RP.secretPolicy, "globex-db-secret-policy", { secretArn: UNKNOWN, policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: UNKNOWN }, Action: "secretsmanager:GetSecretValue", Resource: "*" }] } }, { secretArn: ["globex-db-secret"], policy: ["acme-app-role"] }),
  [`${RULE} globex-db-secret-policy resource-policy-crosses-tenants`]],
  [`globex's queue policy lets acme's role receive its messages (${EVAL}; https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-basic-examples-of-sqs-policies.html)`, (s) => {
    s.add(TY_RP.queue, "globex-jobs", { name: "globex-jobs", tags: { "bulkhead:tenant": "globex" } });
    s.add(TY_RP.queuePolicy, "globex-jobs-policy", { queueUrl: UNKNOWN, policy: doc({ Effect: "Allow", Principal: { AWS: ACME_ROLE_REF }, Action: "sqs:*", Resource: `arn:aws:sqs:eu-west-1:${ACCT}:globex-jobs` }) }, { queueUrl: ["globex-jobs"] });
  }, [`${RULE} globex-jobs-policy resource-policy-crosses-tenants`]],
  [`globex's role trusts acme's role by exact ARN: acme assumes it without any identity grant (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_permissions-to-switch.html)`, (s) => {
    s.set("acme-app-role", { name: "acme-app" });
    s.set("globex-app-role", { assumeRolePolicy: trust({ AWS: ACME_ROLE_ARN }) });
  }, [`${RULE} globex-app-role resource-policy-crosses-tenants`]],
  [`a platform role (untagged) trusts acme's role, named by an output unknown at preview: acme's compute becomes the platform's role (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_permissions-to-switch.html)`, (s) =>
    s.add(TY.role, "platform-deployer", { assumeRolePolicy: trust({ AWS: UNKNOWN }) }, { assumeRolePolicy: ["acme-app-role"] }),
  [`${RULE} platform-deployer resource-policy-crosses-tenants`]],
];
const rpHardened: Case[] = [
  [`globex's key policy names only the account root and globex's own role (${EVAL})`, (s) =>
    s.set("globex-key", { policy: doc(
      { Sid: "EnableIam", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: "kms:*", Resource: "*" },
      { Sid: "GlobexDecrypt", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCT}:role/globex-app` }, Action: "kms:Decrypt", Resource: "*" }) }), []],
  [`a bucket-level grant (no object part) to acme's role does not read globex's objects (https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-arn-format.html)`, (s) => {
    s.set("acme-app-role", { name: "acme-app" });
    globexBucket(s, { Effect: "Allow", Principal: { AWS: ACME_ROLE_ARN }, Action: ["s3:GetObject", "s3:ListBucket"], Resource: "arn:aws:s3:::globex-data" });
  }, []],
  [`the resource policy pins the caller's tenant tag (aws:PrincipalTag/bulkhead:tenant = globex) (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principaltag)`, (s) =>
    s.set("globex-key", { policy: doc({ Effect: "Allow", Principal: { AWS: ACME_ROLE_REF }, Action: "kms:Decrypt", Resource: "*", Condition: { StringEquals: { "aws:PrincipalTag/bulkhead:tenant": "globex" } } }) }), []],
  [`acme's permissions boundary does not allow kms: the grant to its role ARN is capped (${EVAL_BASICS}; https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html)`, (s) => {
    s.add("aws:iam/policy:Policy", "acme-boundary", { policy: doc({ Effect: "Allow", Action: ["s3:*", "logs:*", "secretsmanager:GetSecretValue"], Resource: "*" }) });
    s.set("acme-app-role", { permissionsBoundary: UNKNOWN }, { permissionsBoundary: ["acme-boundary"] });
    s.set("globex-key", { policy: doc({ Effect: "Allow", Principal: { AWS: ACME_ROLE_REF }, Action: "kms:Decrypt", Resource: "*" }) });
  }, []],
  [`an explicit Deny in acme's own policies wins over globex's queue policy (${EVAL})`, (s) => {
    s.add(TY_RP.queue, "globex-jobs", { name: "globex-jobs", tags: { "bulkhead:tenant": "globex" } });
    s.add(TY_RP.queuePolicy, "globex-jobs-policy", { queueUrl: UNKNOWN, policy: doc({ Effect: "Allow", Principal: { AWS: ACME_ROLE_REF }, Action: "sqs:*", Resource: "*" }) }, { queueUrl: ["globex-jobs"] });
    acmePolicy(s, { Effect: "Deny", Action: "sqs:*", Resource: `arn:aws:sqs:*:${ACCT}:globex-*` });
  }, []],
];
describe(`${RULE} (IAM): resource policies naming another tenant's role`, () => {
  it.each(rpInsecure)("%s", (_n, build, expected) => {
    const s = twoTenants();
    build(s);
    // One finding per access (read and write of one queue are two): the set of rule, resource and kind is asserted.
    expect([...new Set(mandatoryFindings(s, [RULE]))]).toEqual([...expected].sort());
  });
  it.each(rpHardened)("hardened: %s", (_n, build, expected) => {
    const s = twoTenants();
    build(s);
    expect(mandatoryFindings(s, [RULE])).toEqual(expected);
  });
  it("the finding names the policy statement, the other tenant's resource and the IAM path", async () => {
    const { evaluate } = await import("../../policies/pack.js");
    const s = twoTenants();
    rpInsecure[1][1](s);
    const d = evaluate(s.resources).find((x: { policy: string; kind?: string }) => x.policy === RULE && x.kind === "resource-policy-crosses-tenants")!;
    expect(d.message).toContain('statement "AcmeDecrypt"');
    expect(d.message).toContain("kms.Key globex-key of tenant globex");
    expect(d.message).toContain("IAM path: iam.Role acme-app-role → kms:Decrypt → kms.Key globex-key");
  });
});

describe(`${RULE} (IAM): the finding names the statement and the other tenant's resource`, () => {
  it("renders the IAM path", async () => {
    const { evaluate } = await import("../../policies/pack.js");
    const s = twoTenants();
    acmePolicy(s, { Sid: "DecryptAll", Effect: "Allow", Action: "kms:Decrypt", Resource: "*" });
    const d = evaluate(s.resources).find((x: { policy: string; kind?: string }) => x.policy === RULE && x.kind === "iam-crosses-tenants")!;
    expect(d.message).toContain('statement "DecryptAll"');
    expect(d.message).toContain("kms.Key globex-key of tenant globex");
    expect(d.message).toContain("IAM path: iam.Role acme-app-role → kms:Decrypt → kms.Key globex-key");
  });
});
