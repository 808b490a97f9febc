/**
 * IAM and resource-policy shapes written from AWS's documentation (issue 11), one row per shape: insecure rows
 * assert the exact (rule, resource, kind) of every mandatory finding, hardened rows assert none. Each row cites
 * the AWS page whose documented behaviour makes the shape a door (or not).
 */
import { describe, expect, it } from "vitest";
import { mandatoryTriples, policyDoc, type Triple } from "./doors-helpers";
import { hardened, Stack, TYPES as T, UNKNOWN } from "./fixtures";

const OWN = "123456789012";
const FOREIGN = "999999999999";
const ORG = "o-a1b2c3d4e5";
const found = mandatoryTriples;
const doc = policyDoc;
const trust = (Principal: object, extra: object = {}) => doc({ Effect: "Allow", Principal, Action: "sts:AssumeRole", ...extra });

/** The hardened fixture with its app role's ARN known (the stack's account is then known: 123456789012). */
function base(): Stack {
  return hardened().set("acme-app-role", { arn: `arn:aws:iam::${OWN}:role/acme-app`, name: "acme-app" });
}
const withPolicy = (policy: string) => base().set("acme-app-policy", { policy });
function addMany(...rs: Array<[string, string, Record<string, any>, Record<string, string[]>?]>): Stack {
  const s = base();
  for (const [type, name, props, deps] of rs) s.add(type, name, props, deps ?? {});
  return s;
}
const add = (type: string, name: string, props: Record<string, any>, deps: Record<string, string[]> = {}) => addMany([type, name, props, deps]);

type Case = [name: string, build: () => Stack, expected: Triple[]];
const run = (cases: Case[]) =>
  it.each(cases)("%s", (_n, build, expected) => {
    expect(found(build())).toEqual(expected);
  });

const AW = "no-admin-workloads";
const IAMT = {
  user: "aws:iam/user:User",
  accessKey: "aws:iam/accessKey:AccessKey",
  group: "aws:iam/group:Group",
  groupMembership: "aws:iam/groupMembership:GroupMembership",
  userGroups: "aws:iam/userGroupMembership:UserGroupMembership",
  groupAttach: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
  userPolicy: "aws:iam/userPolicy:UserPolicy",
};
const RP = "no-public-resource-policy";
const ESC: Triple = [AW, "acme-app-policy", "escalation"];
const ADMIN: Triple = [AW, "acme-app-policy", "admin-policy"];

describe("identity policies: escalation sets and the denies/boundaries that really remove them", () => {
  run([
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html (iam:PassedToService limits the service, not the role)
    [
      "insecure: PassRole on every role, limited only by iam:PassedToService ec2, + ec2:RunInstances",
      () => withPolicy(doc({ Effect: "Allow", Action: "iam:PassRole", Resource: "*", Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } } }, { Effect: "Allow", Action: ["ec2:RunInstances", "ec2:AssociateIamInstanceProfile"], Resource: "*" })),
      [ESC],
    ],
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html (a Deny applies only when its conditions match)
    [
      "insecure: a Deny of iam:* guarded by aws:RequestedRegion is avoidable (IAM requests name us-east-1)",
      () => withPolicy(doc({ Effect: "Allow", Action: ["iam:AttachRolePolicy"], Resource: "*" }, { Effect: "Deny", Action: "iam:*", Resource: "*", Condition: { StringNotEquals: { "aws:RequestedRegion": "eu-west-1" } } })),
      [ESC],
    ],
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
    ["insecure: NotAction [iam:*, sts:*] on * still allows lambda:UpdateFunctionCode and ssm:SendCommand everywhere", () => withPolicy(doc({ Effect: "Allow", NotAction: ["iam:*", "sts:*"], Resource: "*" })), [ESC]],
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html (an access key for any user)
    ["insecure: iam:CreateAccessKey on every user of the account", () => withPolicy(doc({ Effect: "Allow", Action: "iam:CreateAccessKey", Resource: `arn:aws:iam::${OWN}:user/*` })), [ESC]],
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html (wildcards in the resource name)
    ["insecure: iam:* on roles named acme-* covers the workload's own role acme-app (PutRolePolicy on itself)", () => withPolicy(doc({ Effect: "Allow", Action: "iam:*", Resource: `arn:aws:iam::${OWN}:role/acme-*` })), [ESC]],
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html (effective = identity ∩ boundary)
    [
      "insecure: AdministratorAccess bounded by PowerUserAccess is still PowerUserAccess (escalates)",
      () => base().set("acme-app-role", { managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"], permissionsBoundary: "arn:aws:iam::aws:policy/PowerUserAccess" }),
      [[AW, "acme-app-role", "escalation"]],
    ],
    // https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambda_FullAccess.html
    ["insecure: AWSLambda_FullAccess attached by RolePolicyAttachment (lambda:* on *: update any function's code)", () => add(T.rpa, "app-lambda-full", { role: UNKNOWN, policyArn: "arn:aws:iam::aws:policy/AWSLambda_FullAccess" }, { role: ["acme-app-role"] }), [[AW, "app-lambda-full", "escalation"]]],
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html
    [
      "insecure: a customer policy given as an object (not a JSON string) with iam:CreatePolicyVersion, attached by reference",
      () => addMany([T.policy, "ops", { name: "ops", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"], Resource: "*" }] } }], [T.rpa, "app-ops", { role: UNKNOWN, policyArn: UNKNOWN }, { role: ["acme-app-role"], policyArn: ["ops"] }]),
      [[AW, "app-ops", "escalation"]],
    ],
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html
    ["insecure: Action * with NotResource naming only the workload's own role is administrator on everything else", () => withPolicy(doc({ Effect: "Allow", Action: "*", NotResource: `arn:aws:iam::${OWN}:role/acme-app` })), [ADMIN]],
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html and https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups_manage_attach-policy.html
    [
      "insecure: a CI user with an access key, administrator through its group (GroupPolicyAttachment AdministratorAccess)",
      () =>
        addMany(
          [IAMT.user, "ci-deployer", { name: "ci-deployer" }],
          [IAMT.accessKey, "ci-deployer-key", { user: UNKNOWN }, { user: ["ci-deployer"] }],
          [IAMT.group, "deployers", { name: "deployers" }],
          [IAMT.groupMembership, "deployers-members", { group: UNKNOWN, users: [UNKNOWN] }, { group: ["deployers"], users: ["ci-deployer"] }],
          [IAMT.groupAttach, "deployers-admin", { group: UNKNOWN, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }, { group: ["deployers"] }],
        ),
      [[AW, "deployers-admin", "admin-policy"]],
    ],
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html
    [
      "insecure: a build user with an access key and a UserPolicy passing any role to CodeBuild projects it creates and starts",
      () => addMany([IAMT.user, "build-bot", { name: "build-bot" }], [IAMT.accessKey, "build-bot-key", { user: UNKNOWN }, { user: ["build-bot"] }], [IAMT.userPolicy, "build-bot-policy", { user: UNKNOWN, policy: doc({ Effect: "Allow", Action: ["iam:PassRole", "codebuild:CreateProject", "codebuild:StartBuild"], Resource: "*" }) }, { user: ["build-bot"] }]),
      [[AW, "build-bot-policy", "escalation"]],
    ],
    // hardened ----------------------------------------------------------------------------------------------
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups.html (people in an admin group sign in; no key is made for them)
    [
      "hardened: operators in a group with AdministratorAccess and no access key in the stack",
      () => addMany([IAMT.user, "alice", { name: "alice" }], [IAMT.group, "operators", { name: "operators" }], [IAMT.userGroups, "alice-groups", { user: UNKNOWN, groups: [UNKNOWN] }, { user: ["alice"], groups: ["operators"] }], [IAMT.groupAttach, "operators-admin", { group: UNKNOWN, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }, { group: ["operators"] }]),
      [],
    ],
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-policies-s3.html
    ["hardened: a static-site deploy user with an access key that may only sync one bucket", () => addMany([IAMT.user, "site-deploy", { name: "site-deploy" }], [IAMT.accessKey, "site-deploy-key", { user: UNKNOWN }, { user: ["site-deploy"] }], [IAMT.userPolicy, "site-deploy-policy", { user: UNKNOWN, policy: doc({ Effect: "Allow", Action: ["s3:PutObject", "s3:DeleteObject", "s3:ListBucket"], Resource: ["arn:aws:s3:::acme-site", "arn:aws:s3:::acme-site/*"] }) }, { user: ["site-deploy"] }]), []],
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html (explicit deny)
    [
      "hardened: PassRole + RunInstances on *, with an unconditional Deny of PassRole on every role but the worker's",
      () => withPolicy(doc({ Effect: "Allow", Action: ["iam:PassRole", "ec2:RunInstances"], Resource: "*" }, { Effect: "Deny", Action: "iam:PassRole", NotResource: `arn:aws:iam::${OWN}:role/acme-worker` })),
      [],
    ],
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html
    [
      "hardened: PassRole of the task's execution role by path, to ECS only, + RunTask of the report task definition",
      () => withPolicy(doc({ Effect: "Allow", Action: "iam:PassRole", Resource: `arn:aws:iam::${OWN}:role/ecs/acme-task-exec`, Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } } }, { Effect: "Allow", Action: "ecs:RunTask", Resource: `arn:aws:ecs:eu-west-1:${OWN}:task-definition/acme-report:*`, Condition: { ArnEquals: { "ecs:cluster": `arn:aws:ecs:eu-west-1:${OWN}:cluster/acme` } } })),
      [],
    ],
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
    [
      "hardened: PowerUserAccess capped by an in-stack boundary (attached by reference) allowing only S3 and logs",
      () => {
        const s = base();
        s.add(T.policy, "app-boundary", { name: "app-boundary", policy: doc({ Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "logs:CreateLogStream", "logs:PutLogEvents"], Resource: "*" }) });
        return s.set("acme-app-role", { managedPolicyArns: ["arn:aws:iam::aws:policy/PowerUserAccess"], permissionsBoundary: UNKNOWN }, { permissionsBoundary: ["app-boundary"] });
      },
      [],
    ],
    // https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonECSTaskExecutionRolePolicy.html
    [
      "hardened: ECS task execution role: AmazonECSTaskExecutionRolePolicy by its service-role path + secrets of one prefix",
      () =>
        addMany(
          [T.role, "acme-exec-role", { assumeRolePolicy: trust({ Service: "ecs-tasks.amazonaws.com" }, { Condition: { ArnLike: { "aws:SourceArn": `arn:aws:ecs:eu-west-1:${OWN}:*` }, StringEquals: { "aws:SourceAccount": OWN } } }), tags: { "bulkhead:tenant": "acme" } }],
          [T.rpa, "acme-exec-managed", { role: UNKNOWN, policyArn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy" }, { role: ["acme-exec-role"] }],
          [T.rolePolicy, "acme-exec-secrets", { role: UNKNOWN, policy: doc({ Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "kms:Decrypt"], Resource: [`arn:aws:secretsmanager:eu-west-1:${OWN}:secret:acme/*`, `arn:aws:kms:eu-west-1:${OWN}:key/1234abcd-12ab-34cd-56ef-1234567890ab`] }) }, { role: ["acme-exec-role"] }],
        ),
      [],
    ],
    // https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-access.html
    ["hardened: ssm:GetParametersByPath and kms:Decrypt with kms:ViaService on the tenant's parameters", () => withPolicy(doc({ Effect: "Allow", Action: ["ssm:GetParameter", "ssm:GetParametersByPath"], Resource: `arn:aws:ssm:eu-west-1:${OWN}:parameter/acme/*` }, { Effect: "Allow", Action: "kms:Decrypt", Resource: "*", Condition: { StringEquals: { "kms:ViaService": "ssm.eu-west-1.amazonaws.com" } } })), []],
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_ec2_tag-owner.html
    ["hardened: ec2 Start/StopInstances on instances tagged for the scheduler (no user-data edit)", () => withPolicy(doc({ Effect: "Allow", Action: ["ec2:StartInstances", "ec2:StopInstances"], Resource: `arn:aws:ec2:*:${OWN}:instance/*`, Condition: { StringEquals: { "aws:ResourceTag/Scheduler": "office-hours" } } }, { Effect: "Allow", Action: "ec2:DescribeInstances", Resource: "*" })), []],
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_permissions-to-switch.html
    ["hardened: sts:AssumeRole of one named role in another account (a reporting hop)", () => withPolicy(doc({ Effect: "Allow", Action: "sts:AssumeRole", Resource: `arn:aws:iam::${FOREIGN}:role/reporting-read` })), []],
    // https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html
    ["hardened: a function updating its own alias and invoking one sibling (no UpdateFunctionCode on others)", () => withPolicy(doc({ Effect: "Allow", Action: ["lambda:InvokeFunction", "lambda:UpdateAlias"], Resource: [`arn:aws:lambda:eu-west-1:${OWN}:function:acme-resize`, `arn:aws:lambda:eu-west-1:${OWN}:function:acme-resize:*`] }, { Effect: "Allow", Action: ["iam:GetRole", "iam:ListRoles"], Resource: "*" })), []],
  ]);
});

describe("resource-based policies: who outside the account a condition really pins", () => {
  run([
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html (ExternalId identifies a named third party, not everyone)
    ["insecure: trust Principal {AWS: \"*\"} guarded only by sts:ExternalId", () => add(T.role, "vendor-role", { assumeRolePolicy: trust({ AWS: "*" }, { Condition: { StringEquals: { "sts:ExternalId": "acme-7f3a" } } }) }), [[RP, "vendor-role", "public-access"]]],
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub
    [
      "insecure: GitHub OIDC trust whose sub wildcard covers every owner (repo:*/*)",
      () => add(T.role, "deploy-role", { assumeRolePolicy: doc({ Effect: "Allow", Principal: { Federated: `arn:aws:iam::${OWN}:oidc-provider/token.actions.githubusercontent.com` }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" }, StringLike: { "token.actions.githubusercontent.com:sub": "repo:*/acme-infra:*" } } }) }),
      [[RP, "deploy-role", "unpinned-federation"]],
    ],
    // https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service (ViaService names a service, not a caller)
    ["insecure: key policy Principal {AWS: \"*\"} kms:Decrypt limited only by kms:ViaService", () => base().set("acme-key", { policy: doc({ Sid: "Root", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OWN}:root` }, Action: "kms:*", Resource: "*" }, { Sid: "ViaS3", Effect: "Allow", Principal: { AWS: "*" }, Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: "*", Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } } }) }), [[RP, "acme-key", "public-access"]]],
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid (…IfExists: a caller without the key passes)
    ["insecure: SecretPolicy Principal \"*\" with StringEqualsIfExists aws:PrincipalOrgID (anonymous callers carry no org)", () => add("aws:secretsmanager/secretPolicy:SecretPolicy", "db-secret-policy", { secretArn: UNKNOWN, policy: doc({ Effect: "Allow", Principal: "*", Action: "secretsmanager:GetSecretValue", Resource: "*", Condition: { StringEqualsIfExists: { "aws:PrincipalOrgID": ORG } } }) }), [[RP, "db-secret-policy", "public-access"]]],
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Null
    ["insecure: bucket policy Principal \"*\" with Null aws:PrincipalOrgID false (any organization's member)", () => base().set("acme-assets-policy", { policy: doc({ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::acme-assets/*", Condition: { Null: { "aws:PrincipalOrgID": "false" } } }) }), [[RP, "acme-assets-policy", "public-access"]]],
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies.html (aws:Referer is not an access control)
    ["insecure: bucket policy Principal \"*\" GetObject limited by aws:Referer", () => base().set("acme-assets-policy", { policy: doc({ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::acme-assets/*", Condition: { StringLike: { "aws:Referer": "https://www.acme.example/*" } } }) }), [[RP, "acme-assets-policy", "public-access"]]],
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html (a wildcard source ARN reaches any account's bucket)
    ["insecure: queue policy for S3 notifications with aws:SourceArn arn:aws:s3:::* (every bucket)", () => add("aws:sqs/queuePolicy:QueuePolicy", "uploads-policy", { queueUrl: UNKNOWN, policy: doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sqs:SendMessage", Resource: `arn:aws:sqs:eu-west-1:${OWN}:uploads`, Condition: { ArnLike: { "aws:SourceArn": "arn:aws:s3:::*" } } }) }), [[RP, "uploads-policy", "public-access"]]],
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html (MFA says how, not who)
    ["insecure: trust of another account's root guarded only by aws:MultiFactorAuthPresent", () => add(T.role, "audit-role", { assumeRolePolicy: trust({ AWS: `arn:aws:iam::${FOREIGN}:root` }, { Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } } }) }), [[RP, "audit-role", "cross-account-access"]]],
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html (an in-stack provider: its ARN, as the offline engine spells it, names no host)
    [
      "insecure: trust of an in-stack OIDC provider whose placeholder ARN names no host, with no :sub claim at all",
      () => add(T.role, "ci-any-repo", { assumeRolePolicy: doc({ Effect: "Allow", Principal: { Federated: `arn:aws:iam::${OWN}:open-id-connect-provider/github-actions-b1d359e0edb9d1e67` }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" } } }) }),
      [[RP, "ci-any-repo", "unpinned-federation"]],
    ],
    // https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html (sub names namespace and service account)
    [
      "insecure: IRSA trust whose sub wildcard covers every namespace of the cluster (system:serviceaccount:*:uploader)",
      () => add(T.role, "uploader-irsa", { assumeRolePolicy: doc({ Effect: "Allow", Principal: { Federated: `arn:aws:iam::${OWN}:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE` }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud": "sts.amazonaws.com" }, StringLike: { "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub": "system:serviceaccount:*:uploader" } } }) }),
      [[RP, "uploader-irsa", "unpinned-federation"]],
    ],
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/iam-access-control-overview-cwl.html (resource policies for log groups)
    ["insecure: CloudWatch Logs resource policy letting {AWS: \"*\"} write every log group", () => add("aws:cloudwatch/logResourcePolicy:LogResourcePolicy", "ingest-logs-policy", { policyName: "ingest", policyDocument: doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `arn:aws:logs:eu-west-1:${OWN}:log-group:*` }) }), [[RP, "ingest-logs-policy", "public-access"]]],
    // https://docs.aws.amazon.com/kms/latest/developerguide/grants.html and https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_KmsGrantConfiguration.html
    ["insecure: a KMS grant letting another account decrypt with the tenant's key", () => add("aws:kms/grant:Grant", "vendor-decrypt", { keyId: UNKNOWN, granteePrincipal: `arn:aws:iam::${FOREIGN}:root`, operations: ["Decrypt", "DescribeKey"] }, { keyId: ["acme-key"] }), [[RP, "vendor-decrypt", "cross-account-access"]]],
    // https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html (SourceAccount: a bucket can be deleted and created again by another account)
    ["insecure: lambda.Permission for s3.amazonaws.com with the bucket's sourceArn but no sourceAccount", () => add("aws:lambda/permission:Permission", "thumbs-from-s3", { function: "acme-fn", action: "lambda:InvokeFunction", principal: "s3.amazonaws.com", sourceArn: "arn:aws:s3:::acme-uploads" }), [["no-public-entry-points", "thumbs-from-s3", "unpinned-service-permission"]]],
    [
      "insecure: the same permission with sourceArn built from the stack's bucket (unknown at preview) and no sourceAccount",
      () => addMany([T.bucket, "uploads", { bucket: "acme-uploads" }], ["aws:lambda/permission:Permission", "thumbs-from-s3", { function: "acme-fn", action: "lambda:InvokeFunction", principal: "s3.amazonaws.com", sourceArn: UNKNOWN }, { sourceArn: ["uploads"] }]),
      [["no-public-entry-points", "thumbs-from-s3", "unpinned-service-permission"]],
    ],
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
    ["insecure: queue policy Principal \"*\" pinned only by a bucket's ARN (names no owner)", () => add("aws:sqs/queuePolicy:QueuePolicy", "uploads-events-policy", { queueUrl: UNKNOWN, policy: doc({ Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: `arn:aws:sqs:eu-west-1:${OWN}:uploads-events`, Condition: { ArnEquals: { "aws:SourceArn": "arn:aws:s3:::acme-uploads" } } }) }), [[RP, "uploads-events-policy", "public-access"]]],
    // hardened ----------------------------------------------------------------------------------------------
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/ways-to-add-notification-config-to-bucket.html (SourceArn + SourceAccount)
    ["hardened: queue policy for S3 notifications pinned by the bucket's ARN and aws:SourceAccount", () => add("aws:sqs/queuePolicy:QueuePolicy", "uploads-events-policy", { queueUrl: UNKNOWN, policy: doc({ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sqs:SendMessage", Resource: `arn:aws:sqs:eu-west-1:${OWN}:uploads-events`, Condition: { ArnEquals: { "aws:SourceArn": "arn:aws:s3:::acme-uploads" }, StringEquals: { "aws:SourceAccount": OWN } } }) }), []],
    ["hardened: lambda.Permission for S3 with the stack's bucket as sourceArn and the account as sourceAccount", () => addMany([T.bucket, "uploads", { bucket: "acme-uploads" }], ["aws:lambda/permission:Permission", "thumbs-from-s3", { function: "acme-fn", action: "lambda:InvokeFunction", principal: "s3.amazonaws.com", sourceArn: UNKNOWN, sourceAccount: OWN }, { sourceArn: ["uploads"] }]), []],
    // https://docs.aws.amazon.com/kms/latest/developerguide/grants.html
    ["hardened: a KMS grant to the stack's own role (grantee built from the role's ARN)", () => add("aws:kms/grant:Grant", "app-decrypt", { keyId: UNKNOWN, granteePrincipal: UNKNOWN, operations: ["Decrypt"] }, { keyId: ["acme-key"], granteePrincipal: ["acme-app-role"] }), []],
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-policies.html#access-points-delegating-control
    ["hardened: bucket policy delegating access control to the account's access points (s3:DataAccessPointAccount)", () => base().set("acme-assets-policy", { policy: doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "*", Resource: ["arn:aws:s3:::acme-assets", "arn:aws:s3:::acme-assets/*"], Condition: { StringEquals: { "s3:DataAccessPointAccount": OWN } } }) }), []],
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalisawsservice (data perimeter)
    [
      "hardened: Principal \"*\" reads behind a data-perimeter Deny (outside the organization and not an AWS service)",
      () =>
        base().set("acme-assets-policy", {
          policy: doc(
            { Sid: "OrgRead", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::acme-assets/*" },
            { Sid: "Perimeter", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: ["arn:aws:s3:::acme-assets", "arn:aws:s3:::acme-assets/*"], Condition: { StringNotEqualsIfExists: { "aws:PrincipalOrgID": ORG }, BoolIfExists: { "aws:PrincipalIsAWSService": "false" } } },
          ),
        }),
      [],
    ],
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalaccount
    ["hardened: trust Principal {AWS: \"*\"} pinned by StringEquals aws:PrincipalAccount (own account)", () => add(T.role, "ops-role", { assumeRolePolicy: trust({ AWS: "*" }, { Condition: { StringEquals: { "aws:PrincipalAccount": OWN } } }) }), []],
    // https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html (CloudWatch alarms publishing to a topic)
    [
      "hardened: topic policy for CloudWatch alarms pinned by aws:SourceArn of this account's alarms + the default owner statement",
      () =>
        add("aws:sns/topicPolicy:TopicPolicy", "alarms-policy", {
          arn: UNKNOWN,
          policy: doc(
            { Sid: "__default_statement_ID", Effect: "Allow", Principal: { AWS: "*" }, Action: ["SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission", "SNS:RemovePermission", "SNS:DeleteTopic", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish"], Resource: `arn:aws:sns:eu-west-1:${OWN}:alarms`, Condition: { StringEquals: { "AWS:SourceOwner": OWN } } },
            { Sid: "Alarms", Effect: "Allow", Principal: { Service: "cloudwatch.amazonaws.com" }, Action: "sns:Publish", Resource: `arn:aws:sns:eu-west-1:${OWN}:alarms`, Condition: { ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:eu-west-1:${OWN}:alarm:*` } } },
          ),
        }),
      [],
    ],
    // https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html (kms:CallerAccount + kms:ViaService, the AWS managed key shape)
    ["hardened: key policy Principal {AWS: \"*\"} pinned by kms:CallerAccount + kms:ViaService", () => base().set("acme-key", { policy: doc({ Sid: "Root", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OWN}:root` }, Action: "kms:*", Resource: "*" }, { Sid: "ViaSecrets", Effect: "Allow", Principal: { AWS: "*" }, Action: ["kms:Decrypt", "kms:GenerateDataKey*"], Resource: "*", Condition: { StringEquals: { "kms:CallerAccount": OWN, "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" } } }) }), []],
    // https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html (pull for the organization)
    ["hardened: ECR repository pullable by the organization (aws:PrincipalOrgID)", () => add("aws:ecr/repositoryPolicy:RepositoryPolicy", "api-repo-policy", { repository: "api", policy: doc({ Sid: "OrgPull", Effect: "Allow", Principal: "*", Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"], Condition: { StringEquals: { "aws:PrincipalOrgID": ORG } } }) }), []],
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-examples.html#apigateway-resource-policies-source-vpc-example
    [
      "hardened: PRIVATE REST API: Allow * then Deny unless aws:SourceVpce is ours",
      () =>
        addMany(
          ["aws:apigateway/restApi:RestApi", "internal-api", { name: "internal-api", endpointConfiguration: { types: "PRIVATE" } }],
          ["aws:apigateway/restApiPolicy:RestApiPolicy", "internal-api-policy", { restApiId: UNKNOWN, policy: doc({ Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*" }, { Effect: "Deny", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*", Condition: { StringNotEquals: { "aws:SourceVpce": "vpce-0a1b2c3d4e5f" } } }) }, { restApiId: ["internal-api"] }],
        ),
      [],
    ],
    // https://docs.aws.amazon.com/efs/latest/ug/iam-access-control-nfs-efs.html (the console's default policy: TLS only, mount through a mount target)
    [
      "hardened: EFS policy Principal {AWS: \"*\"} mount via mount targets of this account only + Deny without TLS",
      () => add("aws:efs/fileSystemPolicy:FileSystemPolicy", "shared-fs-policy", { fileSystemId: "fs-123", policy: doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"], Resource: `arn:aws:elasticfilesystem:eu-west-1:${OWN}:file-system/fs-123`, Condition: { StringEquals: { "aws:PrincipalAccount": OWN }, Bool: { "elasticfilesystem:AccessedViaMountTarget": "true" } } }, { Effect: "Deny", Principal: { AWS: "*" }, Action: "*", Resource: `arn:aws:elasticfilesystem:eu-west-1:${OWN}:file-system/fs-123`, Condition: { Bool: { "aws:SecureTransport": "false" } } }) }),
      [],
    ],
    // https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
    ["hardened: IRSA trust for one namespace, any service account in it (system:serviceaccount:media:*)", () => add(T.role, "media-irsa", { assumeRolePolicy: doc({ Effect: "Allow", Principal: { Federated: `arn:aws:iam::${OWN}:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE` }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringLike: { "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub": "system:serviceaccount:media:*" } } }) }), []],
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_saml.html
    ["hardened: SAML federation trust for the account's own IdP with the documented SAML:aud", () => add(T.role, "sso-admin", { assumeRolePolicy: doc({ Effect: "Allow", Principal: { Federated: `arn:aws:iam::${OWN}:saml-provider/Okta` }, Action: "sts:AssumeRoleWithSAML", Condition: { StringEquals: { "SAML:aud": "https://signin.aws.amazon.com/saml" } } }) }), []],
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub
    ["hardened: GitHub OIDC trust for every branch of one organization's repositories (repo:acme-corp/*)", () => add(T.role, "ci-role", { assumeRolePolicy: doc({ Effect: "Allow", Principal: { Federated: `arn:aws:iam::${OWN}:oidc-provider/token.actions.githubusercontent.com` }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" }, StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme-corp/*" } } }) }), []],
    ["hardened: GitHub OIDC trust pinned to one repository's main branch", () => add(T.role, "deploy-role", { assumeRolePolicy: doc({ Effect: "Allow", Principal: { Federated: `arn:aws:iam::${OWN}:oidc-provider/token.actions.githubusercontent.com` }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" }, StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme-corp/acme-infra:ref:refs/heads/main" } } }) }), []],
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies.html#example-bucket-policies-org
    ["hardened: bucket policy granting a foreign account's role pinned by aws:PrincipalOrgID (a sibling account of the org)", () => base().set("acme-assets-policy", { policy: doc({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${FOREIGN}:role/reporting` }, Action: ["s3:GetObject"], Resource: "arn:aws:s3:::acme-assets/reports/*", Condition: { StringEquals: { "aws:PrincipalOrgID": ORG } } }) }), []],
  ]);
});
