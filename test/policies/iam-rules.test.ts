/**
 * no-admin-workloads and no-public-resource-policy over hand-built stacks: each case changes the hardened fixture
 * in one way and asserts the exact (rule, resource, kind) of every mandatory finding. The AWS page that makes each
 * shape a door (or not) is cited per table.
 */
import { describe, expect, it } from "vitest";
import { evaluate } from "../../policies/pack";
import { mandatoryTriples, policyDoc, type Triple } from "./doors-helpers";

const nameOf = (urn?: string) => (urn ? urn.slice(urn.lastIndexOf("::") + 2) : "<stack>");
import { hardened, Stack, TYPES as T, UNKNOWN } from "./fixtures";

const OWN = "123456789012";
const FOREIGN = "999999999999";
const found = mandatoryTriples;
const doc = policyDoc;
const trust = (Principal: object) => doc({ Effect: "Allow", Principal, Action: "sts:AssumeRole" });

/** The hardened fixture with its app role's ARN known (the stack's account is then known: 123456789012). */
function base(): Stack {
  return hardened().set("acme-app-role", { arn: `arn:aws:iam::${OWN}:role/acme-app` });
}
const withPolicy = (policy: string) => base().set("acme-app-policy", { policy });
function add(type: string, name: string, props: Record<string, any>, deps: Record<string, string[]> = {}): Stack {
  const s = base();
  s.add(type, name, props, deps);
  return s;
}
function addMany(...rs: Array<[string, string, Record<string, any>, Record<string, string[]>?]>): Stack {
  const s = base();
  for (const [type, name, props, deps] of rs) s.add(type, name, props, deps ?? {});
  return s;
}

type Case = [name: string, build: () => Stack, expected: Triple[]];
const run = (cases: Case[]) =>
  it.each(cases)("%s", (_n, build, expected) => {
    expect(found(build())).toEqual(expected);
  });

const ADMIN: Triple = ["no-admin-workloads", "acme-app-policy", "admin-policy"];
const ESC: Triple = ["no-admin-workloads", "acme-app-policy", "escalation"];

describe("no-admin-workloads: wildcards, NotAction, NotResource", () => {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
  run([
    ['insecure: Action "*" with NotResource is admin (NotResource doc: "allows everything except")', () => withPolicy(doc({ Effect: "Allow", Action: "*", NotResource: ["arn:aws:s3:::audit/*"] })), [ADMIN]],
    ["insecure: NotAction [s3:*] with Allow on * is not every power (no S3) but allows all of IAM: escalation", () => withPolicy(doc({ Effect: "Allow", NotAction: ["s3:*"], Resource: "*" })), [ESC]],
    ["insecure: NotAction iam:* (PowerUserAccess shape) escalates through lambda/ssm/ec2", () => withPolicy(doc({ Effect: "Allow", NotAction: ["iam:*", "organizations:*"], Resource: "*" })), [ESC]],
    ['insecure: "iam:*Policy*" wildcard reaches iam:PutRolePolicy and friends', () => withPolicy(doc({ Effect: "Allow", Action: "iam:*Policy*", Resource: "*" })), [ESC]],
    ["insecure: \"iam:Pass?ole\" single-character wildcard + ec2:Run* is PassRole + RunInstances", () => withPolicy(doc({ Effect: "Allow", Action: ["iam:Pass?ole", "ec2:Run*"], Resource: "*" })), [ESC]],
    ["secure: s3:Get* / s3:List* on one bucket", () => withPolicy(doc({ Effect: "Allow", Action: ["s3:Get*", "s3:List*"], Resource: ["arn:aws:s3:::acme-assets", "arn:aws:s3:::acme-assets/*"] })), []],
    ["secure: NotResource on a read-only action set", () => withPolicy(doc({ Effect: "Allow", Action: ["logs:PutLogEvents", "logs:CreateLogStream"], NotResource: "arn:aws:logs:*:*:log-group:/audit*" })), []],
  ]);
});

describe("no-admin-workloads: explicit deny and boundaries", () => {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html (explicit deny overrides)
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
  run([
    ['insecure: Allow "*" with Deny iam:* is not admin, but lambda:UpdateFunctionCode still escalates', () => withPolicy(doc({ Effect: "Allow", Action: "*", Resource: "*" }, { Effect: "Deny", Action: "iam:*", Resource: "*" })), [ESC]],
    ["insecure: a Deny guarded by a condition the caller avoids (aws:MultiFactorAuthPresent) takes nothing away", () => withPolicy(doc({ Effect: "Allow", Action: "*", Resource: "*" }, { Effect: "Deny", Action: "*", Resource: "*", Condition: { Bool: { "aws:MultiFactorAuthPresent": "false" } } })), [ADMIN]],
    ["insecure: a Deny on other resources leaves PassRole + RunInstances", () => withPolicy(doc({ Effect: "Allow", Action: ["iam:PassRole", "ec2:RunInstances"], Resource: "*" }, { Effect: "Deny", Action: "iam:PassRole", Resource: `arn:aws:iam::${OWN}:role/break-glass` })), [ESC]],
    ["secure: Allow \"*\" with Deny NotAction [s3:GetObject] (only reads survive)", () => withPolicy(doc({ Effect: "Allow", Action: "*", Resource: "*" }, { Effect: "Deny", NotAction: "s3:GetObject", Resource: "*" })), []],
    [
      "secure: AdministratorAccess capped by a permissions boundary allowing only s3 reads",
      () => {
        const s = base().set("acme-app-role", { managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"], permissionsBoundary: `arn:aws:iam::${OWN}:policy/read-only-boundary` });
        s.add(T.policy, "boundary", { name: "read-only-boundary", policy: doc({ Effect: "Allow", Action: ["s3:GetObject"], Resource: "*" }) });
        return s;
      },
      [],
    ],
  ]);
});

describe("no-admin-workloads: escalation sets (Rhino Security Labs methods, pathfinding.cloud)", () => {
  // https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/
  run([
    ["insecure: iam:CreatePolicyVersion alone (method 1)", () => withPolicy(doc({ Effect: "Allow", Action: "iam:CreatePolicyVersion", Resource: `arn:aws:iam::${OWN}:policy/*` })), [ESC]],
    ["insecure: PassRole + lambda:CreateFunction + InvokeFunction (method 15)", () => withPolicy(doc({ Effect: "Allow", Action: ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"], Resource: "*" })), [ESC]],
    ["insecure: sts:AssumeRole on every role of the account", () => withPolicy(doc({ Effect: "Allow", Action: "sts:AssumeRole", Resource: `arn:aws:iam::${OWN}:role/*` })), [ESC]],
    ["insecure: iam:PutRolePolicy on its own role (method 12)", () => withPolicy(doc({ Effect: "Allow", Action: "iam:PutRolePolicy", Resource: `arn:aws:iam::${OWN}:role/acme-app` })), [ESC]],
    ["insecure: ssm:SendCommand on every instance", () => withPolicy(doc({ Effect: "Allow", Action: "ssm:SendCommand", Resource: "*" })), [ESC]],
    ["secure: PassRole of one named role + ec2:RunInstances", () => withPolicy(doc({ Effect: "Allow", Action: "iam:PassRole", Resource: `arn:aws:iam::${OWN}:role/acme-worker` }, { Effect: "Allow", Action: "ec2:RunInstances", Resource: "*" })), []],
    ["secure: lambda:CreateFunction without PassRole or Invoke", () => withPolicy(doc({ Effect: "Allow", Action: ["lambda:CreateFunction", "lambda:GetFunction"], Resource: "*" })), []],
    ["secure: IAM read-only (iam:Get*, iam:List*)", () => withPolicy(doc({ Effect: "Allow", Action: ["iam:Get*", "iam:List*"], Resource: "*" })), []],
  ]);
});

describe("no-admin-workloads: policies attached every way, by reference or by literal ARN", () => {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns (policy ARN: name with path)
  const adminPolicy = doc({ Effect: "Allow", Action: "*", Resource: "*" });
  run([
    ["insecure: RolePolicyAttachment by literal ARN to the in-stack admin policy", () => addMany([T.policy, "ops-admin", { name: "ops-admin", policy: adminPolicy }], [T.rpa, "app-ops", { role: UNKNOWN, policyArn: `arn:aws:iam::${OWN}:policy/ops-admin` }, { role: ["acme-app-role"] }]), [["no-admin-workloads", "app-ops", "admin-policy"]]],
    ["insecure: PolicyAttachment (roles list) by literal ARN with a path", () => addMany([T.policy, "pathed", { name: "deployer", path: "/ci/", policy: doc({ Effect: "Allow", Action: ["iam:AttachRolePolicy"], Resource: "*" }) }], ["aws:iam/policyAttachment:PolicyAttachment", "ci-attach", { roles: [UNKNOWN], policyArn: `arn:aws:iam::${OWN}:policy/ci/deployer` }, { roles: ["acme-app-role"] }]), [["no-admin-workloads", "ci-attach", "escalation"]]],
    ["insecure: managedPolicyArns naming IAMFullAccess (admin-equivalent: every IAM escalation)", () => base().set("acme-app-role", { managedPolicyArns: ["arn:aws:iam::aws:policy/IAMFullAccess"] }), [["no-admin-workloads", "acme-app-role", "escalation"]]],
    ["insecure: RolePolicyAttachmentsExclusive with PowerUserAccess", () => add("aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", "app-exclusive", { roleName: UNKNOWN, policyArns: ["arn:aws:iam::aws:policy/PowerUserAccess"] }, { roleName: ["acme-app-role"] }), [["no-admin-workloads", "app-exclusive", "escalation"]]],
    ["insecure: a document unknown at preview fails closed on the attachment that carries it", () => addMany([T.policy, "later", { name: "later", policy: UNKNOWN }], [T.rpa, "app-later", { role: UNKNOWN, policyArn: UNKNOWN }, { role: ["acme-app-role"], policyArn: ["later"] }]), [["no-admin-workloads", "app-later", "unknown-document"]]],
    ["secure: literal ARN to an in-stack scoped policy", () => addMany([T.policy, "reader", { name: "reader", policy: doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::acme-assets/*" }) }], [T.rpa, "app-reader", { role: UNKNOWN, policyArn: `arn:aws:iam::${OWN}:policy/reader` }, { role: ["acme-app-role"] }]), []],
    ["secure: AWS managed AmazonSSMManagedInstanceCore + CloudWatchAgentServerPolicy", () => base().set("acme-app-role", { managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore", "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"] }), []],
    ["secure: AdministratorAccess on a role only a person in the account can assume", () => add(T.role, "break-glass", { assumeRolePolicy: trust({ AWS: `arn:aws:iam::${OWN}:root` }), managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] }), []],
  ]);
});

const RP = "no-public-resource-policy";
const pub = (resource: string): Triple => [RP, resource, "public-access"];
const xacct = (resource: string): Triple => [RP, resource, "cross-account-access"];

describe("no-public-resource-policy: condition operators and wildcard values", () => {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-resources.html
  const queue = (Condition?: object) => add("aws:sqs/queuePolicy:QueuePolicy", "jobs-policy", { queueUrl: UNKNOWN, policy: doc({ Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: `arn:aws:sqs:us-east-1:${OWN}:jobs`, ...(Condition ? { Condition } : {}) }) });
  run([
    ['insecure: StringLike aws:SourceAccount "*" pins nothing', () => queue({ StringLike: { "aws:SourceAccount": "*" } }), [pub("jobs-policy")]],
    ["insecure: StringNotEquals aws:PrincipalAccount (negated: everyone but us)", () => queue({ StringNotEquals: { "aws:PrincipalAccount": OWN } }), [pub("jobs-policy")]],
    ["insecure: ForAllValues:StringEquals aws:PrincipalOrgID (true when the key is absent)", () => queue({ "ForAllValues:StringEquals": { "aws:PrincipalOrgID": "o-abcdefghij" } }), [pub("jobs-policy")]],
    ["insecure: ArnLikeIfExists aws:SourceArn (a direct caller sends none)", () => queue({ ArnLikeIfExists: { "aws:SourceArn": `arn:aws:sns:us-east-1:${OWN}:uploads` } }), [pub("jobs-policy")]],
    ["insecure: ArnLike aws:SourceArn with a wildcard account", () => queue({ ArnLike: { "aws:SourceArn": "arn:aws:sns:us-east-1:*:uploads" } }), [pub("jobs-policy")]],
    ["secure: StringEquals aws:PrincipalOrgID", () => queue({ StringEquals: { "aws:PrincipalOrgID": "o-abcdefghij" } }), []],
    ["secure: ArnEquals aws:SourceArn naming our topic", () => queue({ ArnEquals: { "aws:SourceArn": `arn:aws:sns:us-east-1:${OWN}:uploads` } }), []],
    ["secure: ForAnyValue:StringEquals aws:SourceVpce with an exact endpoint", () => queue({ "ForAnyValue:StringEquals": { "aws:SourceVpce": "vpce-0a1b2c3d" } }), []],
  ]);
});

describe("no-public-resource-policy: explicit deny", () => {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
  const topic = (...extra: object[]) => add("aws:sns/topicPolicy:TopicPolicy", "alerts-policy", { arn: UNKNOWN, policy: doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: ["sns:Publish", "sns:Subscribe"], Resource: "*" }, ...extra) });
  run([
    ["insecure: a Deny guarded by aws:SecureTransport false only forces TLS", () => topic({ Effect: "Deny", Principal: "*", Action: "sns:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } }), [pub("alerts-policy")]],
    ["insecure: a Deny of sns:Subscribe leaves sns:Publish public", () => topic({ Effect: "Deny", Principal: "*", Action: "sns:Subscribe", Resource: "*" }), [pub("alerts-policy")]],
    ["insecure: a Deny naming one foreign account leaves everyone else", () => topic({ Effect: "Deny", Principal: { AWS: FOREIGN }, Action: "sns:*", Resource: "*" }), [pub("alerts-policy")]],
    ["secure: Deny \"*\" unless aws:PrincipalOrgID is ours", () => topic({ Effect: "Deny", Principal: "*", Action: "sns:*", Resource: "*", Condition: { StringNotEquals: { "aws:PrincipalOrgID": "o-abcdefghij" } } }), []],
    ["secure: Deny \"*\" unless aws:PrincipalAccount is ours (IfExists)", () => topic({ Effect: "Deny", Principal: "*", Action: "*", Resource: "*", Condition: { StringNotEqualsIfExists: { "aws:PrincipalAccount": OWN } } }), []],
  ]);
});

describe("no-public-resource-policy: every resource-policy service", () => {
  // S3 bucket policies: https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status
  // Lambda: https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html
  // KMS: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html
  // Secrets Manager: https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_resource-policies.html
  // ECR: https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html
  // EFS: https://docs.aws.amazon.com/efs/latest/ug/iam-access-control-nfs-efs.html
  // OpenSearch: https://docs.aws.amazon.com/opensearch-service/latest/developerguide/ac.html
  // API Gateway private APIs: https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-api-create.html
  // Role trust: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html
  // OIDC: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub
  run([
    ["insecure: bucket inline policy: Principal * s3:GetObject (public read, S3.2)", () => base().set("acme-assets", { policy: doc({ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::acme-assets/*" }) }), [pub("acme-assets")]],
    ["insecure: S3 access point with its block public access turned off", () => add("aws:s3/accessPoint:AccessPoint", "partner-ap", { bucket: "acme-assets", name: "partner", publicAccessBlockConfiguration: { blockPublicAcls: false, blockPublicPolicy: false, ignorePublicAcls: false, restrictPublicBuckets: false }, policy: doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "s3:GetObject", Resource: `arn:aws:s3:us-east-1:${OWN}:accesspoint/partner/object/*` }) }), [pub("partner-ap")]],
    ["insecure: ECR repository pullable by another account", () => add("aws:ecr/repositoryPolicy:RepositoryPolicy", "api-repo-policy", { repository: "api", policy: doc({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${FOREIGN}:root` }, Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"] }) }), [xacct("api-repo-policy")]],
    ["insecure: SQS queue's own policy argument", () => add("aws:sqs/queue:Queue", "orders", { policy: doc({ Effect: "Allow", Principal: "*", Action: "sqs:*", Resource: "*" }) }), [pub("orders")]],
    ["insecure: SNS topic's own policy with NotPrincipal", () => add("aws:sns/topic:Topic", "billing-events", { policy: doc({ Effect: "Allow", NotPrincipal: { AWS: `arn:aws:iam::${OWN}:root` }, Action: "sns:Publish", Resource: "*" }) }), [pub("billing-events")]],
    ["insecure: lambda.Permission principal \"*\" without sourceArn", () => add("aws:lambda/permission:Permission", "hook-invoke", { function: "hook", action: "lambda:InvokeFunction", principal: "*" }), [pub("hook-invoke")]],
    ["insecure: lambda.Permission for another account without sourceAccount", () => add("aws:lambda/permission:Permission", "partner-invoke", { function: "hook", action: "lambda:InvokeFunction", principal: FOREIGN }), [xacct("partner-invoke")]],
    ["insecure: KMS key policy letting everyone decrypt", () => base().set("acme-key", { policy: doc({ Sid: "Root", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OWN}:root` }, Action: "kms:*", Resource: "*" }, { Sid: "Everyone", Effect: "Allow", Principal: { AWS: "*" }, Action: ["kms:Decrypt"], Resource: "*" }) }), [pub("acme-key")]],
    ["insecure: SecretPolicy sharing a secret with another account", () => add("aws:secretsmanager/secretPolicy:SecretPolicy", "db-secret-policy", { secretArn: UNKNOWN, policy: doc({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${FOREIGN}:role/reader` }, Action: "secretsmanager:GetSecretValue", Resource: "*" }) }), [xacct("db-secret-policy")]],
    ["insecure: EFS file system policy open to \"*\" (ClientMount + ClientWrite)", () => add("aws:efs/fileSystemPolicy:FileSystemPolicy", "shared-fs-policy", { fileSystemId: "fs-123", policy: doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"], Resource: "*" }) }), [pub("shared-fs-policy")]],
    ["insecure: OpenSearch DomainPolicy on a public domain with an IP condition (anyone on that network)", () => addMany([T.opensearch, "logs", { domainName: "logs" }], ["aws:opensearch/domainPolicy:DomainPolicy", "logs-access", { domainName: "logs", accessPolicies: doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "es:ESHttp*", Resource: "*", Condition: { IpAddress: { "aws:SourceIp": "203.0.113.0/24" } } }) }]), [pub("logs-access")]],
    ["insecure: PRIVATE REST API policy without aws:SourceVpce", () => addMany(["aws:apigateway/restApi:RestApi", "internal-api", { name: "internal-api", endpointConfiguration: { types: "PRIVATE" } }], ["aws:apigateway/restApiPolicy:RestApiPolicy", "internal-api-policy", { restApiId: UNKNOWN, policy: doc({ Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*" }) }, { restApiId: ["internal-api"] }]), [pub("internal-api-policy")]],
    ["insecure: role trust policy Principal {AWS: \"*\"}", () => add(T.role, "open-role", { assumeRolePolicy: trust({ AWS: "*" }) }), [pub("open-role")]],
    ["insecure: role trusting another account's root without sts:ExternalId", () => add(T.role, "vendor-role", { assumeRolePolicy: trust({ AWS: `arn:aws:iam::${FOREIGN}:root` }) }), [xacct("vendor-role")]],
    ["insecure: GitHub OIDC trust without a :sub condition", () => add(T.role, "deploy-role", { assumeRolePolicy: doc({ Effect: "Allow", Principal: { Federated: `arn:aws:iam::${OWN}:oidc-provider/token.actions.githubusercontent.com` }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" } } }) }), [[RP, "deploy-role", "unpinned-federation"]]],
    ["insecure: bucket ACL public-read through BucketAclV2", () => add(T.bucketAcl, "assets-acl", { bucket: UNKNOWN, acl: "public-read" }, { bucket: ["acme-assets"] }), [[RP, "assets-acl", "public-acl"]]],
    ["insecure: a bucket policy unknown at preview fails closed", () => base().set("acme-assets-policy", { policy: UNKNOWN }), [[RP, "acme-assets-policy", "unknown-policy"]]],
    ["insecure: Cognito identity pool trust without a cognito-identity.amazonaws.com:aud condition", () => add(T.role, "guest-role", { assumeRolePolicy: doc({ Effect: "Allow", Principal: { Federated: "cognito-identity.amazonaws.com" }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "unauthenticated" } } }) }), [[RP, "guest-role", "unpinned-federation"]]],
    ["insecure: EKS IRSA trust whose :sub is StringLike \"*\"", () => add(T.role, "pods-role", { assumeRolePolicy: doc({ Effect: "Allow", Principal: { Federated: `arn:aws:iam::${OWN}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC123` }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringLike: { "oidc.eks.us-east-1.amazonaws.com/id/ABC123:sub": "*" } } }) }), [[RP, "pods-role", "unpinned-federation"]]],
    ["secure: a public-read canned ACL on a bucket whose ownership controls disable ACLs", () => addMany(["aws:s3/bucketOwnershipControls:BucketOwnershipControls", "assets-ownership", { bucket: UNKNOWN, rule: { objectOwnership: "BucketOwnerEnforced" } }, { bucket: ["acme-assets"] }]).set("acme-assets", { acl: "public-read" }), []],
    ["secure: Cognito trust pinned to one identity pool (:aud)", () => add(T.role, "guest-role", { assumeRolePolicy: doc({ Effect: "Allow", Principal: { Federated: "cognito-identity.amazonaws.com" }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "cognito-identity.amazonaws.com:aud": "us-east-1:12345678-aaaa-bbbb-cccc-123456789012" } } }) }), []],
    ["secure: bucket read by a CloudFront origin access identity (legacy OAI principal)", () => base().set("acme-assets", { policy: doc({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2QWRUHEXAMPLE" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::acme-assets/*" }) }), []],
    ["secure: access-log bucket written by the ELB log-delivery account of us-east-1 (aws.elb.getServiceAccount)", () => base().set("acme-assets", { policy: doc({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::127311923021:root" }, Action: "s3:PutObject", Resource: `arn:aws:s3:::acme-assets/AWSLogs/${OWN}/*` }) }), []],
    ["secure: lambda.Permission for S3 with sourceArn + sourceAccount", () => add("aws:lambda/permission:Permission", "s3-invoke", { function: "hook", action: "lambda:InvokeFunction", principal: "s3.amazonaws.com", sourceArn: "arn:aws:s3:::acme-uploads", sourceAccount: OWN }), []],
    ["secure: lambda.Permission principal \"*\" pinned by principalOrgId", () => add("aws:lambda/permission:Permission", "org-invoke", { function: "hook", action: "lambda:InvokeFunction", principal: "*", principalOrgId: "o-abcdefghij" }), []],
    ["secure: vendor role with an exact sts:ExternalId", () => add(T.role, "vendor-role", { assumeRolePolicy: doc({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${FOREIGN}:root` }, Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": "d2f1e0c9-acme" } } }) }), []],
    ["secure: GitHub OIDC trust pinned to one repository's main branch", () => add(T.role, "deploy-role", { assumeRolePolicy: doc({ Effect: "Allow", Principal: { Federated: `arn:aws:iam::${OWN}:oidc-provider/token.actions.githubusercontent.com` }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:sub": "repo:acme/platform:ref:refs/heads/main" } } }) }), []],
    ["secure: public bucket policy on a bucket whose Block Public Access restricts public buckets", () => addMany(["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "assets-bpa", { bucket: UNKNOWN, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, { bucket: ["acme-assets"] }]).set("acme-assets", { policy: doc({ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::acme-assets/*" }) }), []],
    ["secure: OpenSearch domain inside a VPC with an open access policy", () => add(T.opensearch, "vpc-search", { domainName: "vpc-search", vpcOptions: { subnetIds: [UNKNOWN] }, accessPolicies: doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "es:*", Resource: "*" }) }, { vpcOptions: ["acme-db-a"] }), []],
    ["secure: ECR repository shared within our account's roles only", () => add("aws:ecr/repositoryPolicy:RepositoryPolicy", "api-repo-policy", { repository: "api", policy: doc({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OWN}:role/ci` }, Action: ["ecr:PutImage"] }) }), []],
    ["secure: KMS default key policy (account root) plus CloudWatch Logs service principal", () => base().set("acme-key", { policy: doc({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OWN}:root` }, Action: "kms:*", Resource: "*" }, { Effect: "Allow", Principal: { Service: "logs.us-east-1.amazonaws.com" }, Action: ["kms:Encrypt*", "kms:Decrypt*"], Resource: "*" }) }), []],
  ]);

  it("a named account is judged only once the stack's own account is known (from an in-stack ARN or trustedAccounts)", () => {
    const s = hardened();
    s.add(T.role, "vendor-role", { assumeRolePolicy: trust({ AWS: `arn:aws:iam::${FOREIGN}:root` }) });
    expect(found(s)).toEqual([]);
    const diags = evaluate(s.resources, { [RP]: { trustedAccounts: [OWN] } }).filter((d) => d.enforcement === "mandatory");
    expect(diags.map((d) => [nameOf(d.urn), d.kind])).toEqual([["vendor-role", "cross-account-access"]]);
    expect(diags[0].message).toContain(FOREIGN);
  });
});

describe("the stack's own account (zone of trust) comes from the stack itself", () => {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-concepts.html (zone of trust: the account)
  it("an ARN that names an in-stack resource (offline placeholder token) makes its account the stack's own", () => {
    const s = hardened();
    s.add(T.role, "vendor-role", { assumeRolePolicy: trust({ AWS: `arn:aws:iam::${FOREIGN}:root` }) });
    s.add(T.rolePolicy, "vendor-read", { role: UNKNOWN, policy: doc({ Effect: "Allow", Action: "logs:GetLogEvents", Resource: `arn:aws:logs:us-east-1:${OWN}:log-group:app-b1d525c6e519abcc5:*` }) }, { role: ["vendor-role"] });
    expect(found(s)).toEqual([xacct("vendor-role")]);
  });
  it("an ARN naming a resource by its in-stack name counts too; a foreign root names nothing of the stack", () => {
    const s = hardened().set("acme-app-role", { name: "acme-app" });
    s.add(T.role, "vendor-role", { assumeRolePolicy: trust({ AWS: `arn:aws:iam::${FOREIGN}:root` }) });
    expect(found(s)).toEqual([]);
    s.add(T.rolePolicy, "self-describe", { role: UNKNOWN, policy: doc({ Effect: "Allow", Action: "iam:GetRole", Resource: `arn:aws:iam::${OWN}:role/acme-app` }) }, { role: ["acme-app-role"] });
    expect(found(s)).toEqual([xacct("vendor-role")]);
  });
});

describe("no-public-resource-policy: unknown values resolved by provenance", () => {
  // Unknowns fail closed only where the value itself decides the door (docs/rules.md, "Unknown values fail closed").
  const topicPolicy = (principal: unknown, sourceArn: unknown) =>
    doc({ Effect: "Allow", Principal: { AWS: principal }, Action: "sqs:SendMessage", Resource: "*", Condition: { ArnEquals: { "aws:SourceArn": sourceArn } } });
  run([
    ["secure: a condition value unknown at preview that comes from this stack's topic", () => add("aws:sqs/queuePolicy:QueuePolicy", "q-policy", { queueUrl: UNKNOWN, policy: topicPolicy("*", UNKNOWN) }, { policy: ["acme-key"] }), []],
    ["insecure: the same condition value with no provenance fails closed", () => add("aws:sqs/queuePolicy:QueuePolicy", "q-policy", { queueUrl: UNKNOWN, policy: topicPolicy("*", UNKNOWN) }), [[RP, "q-policy", "unknown-condition"]]],
    // acme's own role (tagged acme): an untagged one would be the platform's, and acme assuming it is tenant-isolation's.
    ["secure: a trust principal unknown at preview built from an in-stack role", () => add(T.role, "assumer", { assumeRolePolicy: trust({ AWS: UNKNOWN }), tags: { "bulkhead:tenant": "acme" } }, { assumeRolePolicy: ["acme-app-role"] }), []],
    ["insecure: a trust principal unknown at preview with no provenance fails closed", () => add(T.role, "assumer", { assumeRolePolicy: trust({ AWS: UNKNOWN }) }), [[RP, "assumer", "unknown-principal"]]],
  ]);
});
