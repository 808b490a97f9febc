/**
 * no-workload-admin-tools: a workload role (assumed by EC2, Lambda, ECS tasks, EKS nodes…) holding the platform's
 * admin tools (policies/model/admin-tools.ts) beyond its own resources is blocked; admin principals the stack marks
 * (bulkhead:role=bastion|admin) and non-workload roles are not. Cases from AWS's documentation (cited per case).
 */
import { describe, expect, it } from "vitest";
import { ADMIN_TOOLS } from "../../policies/model/admin-tools";
import { hardened, Stack, UNKNOWN } from "./fixtures";
import { mandatoryFindings } from "./doors-helpers";

const RULE = "no-workload-admin-tools";
const TY = {
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  policy: "aws:iam/policy:Policy",
  attach: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  profile: "aws:iam/instanceProfile:InstanceProfile",
  instance: "aws:ec2/instance:Instance",
  lambda: "aws:lambda/function:Function",
  task: "aws:ecs/taskDefinition:TaskDefinition",
};
const doc = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const trust = (service: string) => doc({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" });
const OIDC_TRUST = doc({ Effect: "Allow", Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "token.actions.githubusercontent.com:sub": "repo:acme/infra:ref:refs/heads/main" } } });

/** A role with a RolePolicy holding `statements`. */
function roleWith(s: Stack, name: string, service: string, statements: object[], tags?: Record<string, string>): void {
  s.add(TY.role, name, { assumeRolePolicy: service.includes("oidc") ? OIDC_TRUST : trust(service), ...(tags ? { tags } : {}) });
  s.add(TY.rolePolicy, `${name}-policy`, { role: UNKNOWN, policy: doc(...statements) }, { role: [name] });
}

type Case = [name: string, build: (s: Stack) => void, expected: string[]];
const insecure: Case[] = [
  ["ECS task role may ssm:SendCommand on every instance (https://docs.aws.amazon.com/systems-manager/latest/userguide/run-command.html)", (s) => {
    roleWith(s, "reports-task-role", "ecs-tasks.amazonaws.com", [{ Effect: "Allow", Action: ["ssm:SendCommand", "ssm:GetCommandInvocation"], Resource: "*" }]);
    s.add(TY.task, "reports-task", { family: "reports", taskRoleArn: UNKNOWN, containerDefinitions: "[]" }, { taskRoleArn: ["reports-task-role"] });
  }, ["no-admin-workloads reports-task-role-policy escalation"]],
  ["Lambda role with ssm:* through a customer policy attached by reference: the wildcard covers Session Manager (https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-getting-started-restrict-access.html)", (s) => {
    s.add(TY.role, "ops-fn-role", { assumeRolePolicy: trust("lambda.amazonaws.com") });
    s.add(TY.policy, "ops-ssm", { policy: doc({ Effect: "Allow", Action: "ssm:*", Resource: "*" }) });
    s.add(TY.attach, "ops-ssm-attach", { role: UNKNOWN, policyArn: UNKNOWN }, { role: ["ops-fn-role"], policyArn: ["ops-ssm"] });
  }, ["no-admin-workloads ops-ssm-attach escalation"]],
  ["EC2 role may push SSH keys to every instance with EC2 Instance Connect (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-connect-configure-IAM-role.html)", (s) => {
    s.add(TY.role, "ci-runner-role", { assumeRolePolicy: trust("ec2.amazonaws.com"), inlinePolicies: [{ name: "connect", policy: doc({ Effect: "Allow", Action: "ec2-instance-connect:SendSSHPublicKey", Resource: "arn:aws:ec2:eu-west-1:123456789012:instance/*" }) }] });
  }, [`${RULE} ci-runner-role workload-admin-tool`]],
  ["Lambda role may replace the code of every function (https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionCode.html)", (s) =>
    roleWith(s, "deployer-fn-role", "lambda.amazonaws.com", [{ Effect: "Allow", Action: "lambda:Update*", Resource: "arn:aws:lambda:eu-west-1:123456789012:function:*" }]),
  [`${RULE} deployer-fn-role-policy workload-admin-tool`]],
  ["NotAction iam:* on * still holds ecs:ExecuteCommand (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html)", (s) =>
    roleWith(s, "worker-role", "ec2.amazonaws.com", [{ Effect: "Allow", NotAction: ["iam:*", "organizations:*"], Resource: "*" }]),
  ["no-admin-workloads worker-role-policy escalation"]],
  ["EC2 role may pass any role to new compute (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html)", (s) =>
    roleWith(s, "builder-role", "ec2.amazonaws.com", [{ Effect: "Allow", Action: ["ec2:RunInstances", "iam:PassRole"], Resource: "*" }]),
  ["no-admin-workloads builder-role-policy escalation"]],
  ["workload with the AWS-managed AmazonSSMFullAccess (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonSSMFullAccess.html)", (s) =>
    s.add(TY.role, "patcher-role", { assumeRolePolicy: trust("ec2.amazonaws.com"), managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonSSMFullAccess"] }),
  [`${RULE} patcher-role workload-admin-managed`]],
  ["Lambda role with PowerUserAccess: NotAction iam:* still holds Run Command and function updates (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/PowerUserAccess.html)", (s) =>
    s.add(TY.role, "report-fn-role", { assumeRolePolicy: trust("lambda.amazonaws.com"), managedPolicyArns: ["arn:aws:iam::aws:policy/PowerUserAccess"] }),
  ["no-admin-workloads report-fn-role escalation"]],
  ["ECS task role may exec into every task of the cluster (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html#ecs-exec-best-practices-limit-access-execute-command)", (s) => {
    roleWith(s, "api-task-role", "ecs-tasks.amazonaws.com", [{ Sid: "Exec", Effect: "Allow", Action: "ecs:ExecuteCommand", Resource: "arn:aws:ecs:eu-west-1:123456789012:task/shared-cluster/*" }]);
    s.add(TY.task, "api-task", { family: "api", taskRoleArn: UNKNOWN, containerDefinitions: "[]" }, { taskRoleArn: ["api-task-role"] });
  }, [`${RULE} api-task-role-policy workload-admin-tool`]],
  ["Session Manager on every instance tagged for the same tenant is still other compute (https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-restrict-access-examples.html)", (s) =>
    roleWith(s, "acme-batch-role", "ec2.amazonaws.com", [{ Effect: "Allow", Action: "ssm:StartSession", Resource: "arn:aws:ec2:*:*:instance/*", Condition: { StringEquals: { "ssm:resourceTag/bulkhead:tenant": "acme" } } }], { "bulkhead:tenant": "acme" }),
  [`${RULE} acme-batch-role-policy workload-admin-tool`]],
  ["a tenant-tagged role used by an instance, swapping instance profiles on *(https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/attach-iam-role.html)", (s) => {
    roleWith(s, "acme-ops-role", "ec2.amazonaws.com", [{ Sid: "SwapRoles", Effect: "Allow", Action: "ec2:ReplaceIamInstanceProfileAssociation", Resource: "*" }], { "bulkhead:tenant": "acme" });
  }, [`${RULE} acme-ops-role-policy workload-admin-tool`]],
];

const hardenedCases: Case[] = [
  ["the bastion's role (tagged bulkhead:role=bastion) may start sessions (https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-getting-started-restrict-access.html)", (s) =>
    roleWith(s, "bastion-role", "ec2.amazonaws.com", [{ Effect: "Allow", Action: ["ssm:StartSession", "ssm:SendCommand"], Resource: "*" }], { "bulkhead:role": "bastion" }), []],
  ["an untagged role used only by the bastion instance (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/iam-roles-for-amazon-ec2.html)", (s) => {
    roleWith(s, "jump-role", "ec2.amazonaws.com", [{ Effect: "Allow", Action: "ecs:ExecuteCommand", Resource: "*" }]);
    s.add(TY.profile, "jump-profile", { role: UNKNOWN }, { role: ["jump-role"] });
    s.set("bastion", { iamInstanceProfile: UNKNOWN }, { iamInstanceProfile: ["jump-profile"] });
  }, []],
  ["a Lambda may reconfigure only itself, named by exact ARN (https://docs.aws.amazon.com/lambda/latest/dg/lambda-api-permissions-ref.html)", (s) =>
    roleWith(s, "tuner-role", "lambda.amazonaws.com", [{ Effect: "Allow", Action: "lambda:UpdateFunctionConfiguration", Resource: "arn:aws:lambda:eu-west-1:123456789012:function:tuner" }]), []],
  ["a managed instance with AmazonSSMManagedInstanceCore (the agent's side, not Run Command) (https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-instance-permissions.html)", (s) =>
    s.add(TY.role, "web-role", { assumeRolePolicy: trust("ec2.amazonaws.com"), managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"] }), []],
  ["a CI deploy role assumed through GitHub OIDC is not a workload (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html)", (s) =>
    roleWith(s, "deploy-role", "oidc", [{ Effect: "Allow", Action: ["lambda:UpdateFunctionCode", "iam:PassRole"], Resource: "*" }]), []],
  ["ssm:* on * under an explicit Deny of ssm:SendCommand etc. is not a door for the denied actions (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html)", (s) =>
    roleWith(s, "reader-role", "ec2.amazonaws.com", [
      { Effect: "Allow", Action: "ssm:GetParameter*", Resource: "arn:aws:ssm:eu-west-1:123456789012:parameter/reader/*" },
      { Effect: "Deny", Action: ["ssm:SendCommand", "ssm:StartSession"], Resource: "*" },
    ]), []],
];

describe(`${RULE}: insecure programs are blocked on the resource to fix`, () => {
  it.each(insecure)("%s", (_n, build, expected) => {
    const s = hardened();
    build(s);
    // Admin tools that are also privilege escalations are no-admin-workloads' finding (one finding per door).
    expect(mandatoryFindings(s, [RULE, "no-admin-workloads"])).toEqual([...expected].sort());
  });
});
describe(`${RULE}: hardened programs pass`, () => {
  it.each(hardenedCases)("%s", (_n, build, expected) => {
    const s = hardened();
    build(s);
    expect(mandatoryFindings(s, [RULE])).toEqual(expected);
  });
});
describe(`${RULE}: the catalogue`, () => {
  it("names each action once, each with an AWS documentation link", () => {
    expect(new Set(ADMIN_TOOLS.map((t) => t.action.toLowerCase())).size).toBe(ADMIN_TOOLS.length);
    for (const t of ADMIN_TOOLS) expect(t.doc).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
  });
  it("an unknown Resource is a resource of the stack; unknown actions fail closed (in no-admin-workloads)", () => {
    const s = hardened();
    s.add(TY.role, "etl-role", { assumeRolePolicy: trust("lambda.amazonaws.com") });
    s.add(TY.rolePolicy, "etl-policy", { role: UNKNOWN, policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: [UNKNOWN], Resource: "*" }] } }, { role: ["etl-role"] });
    s.add(TY.rolePolicy, "etl-own", { role: UNKNOWN, policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "lambda:UpdateFunctionCode", Resource: [UNKNOWN] }] } }, { role: ["etl-role"], policy: ["acme-fn"] });
    expect(mandatoryFindings(s, [RULE])).toEqual([]);
    expect(mandatoryFindings(s, ["no-admin-workloads"])).toContain("no-admin-workloads etl-policy unknown-document");
  });
  it("leaves full admin and unknown documents to no-admin-workloads (one finding per door)", () => {
    const s = hardened();
    s.add(TY.role, "etl-role", { assumeRolePolicy: trust("lambda.amazonaws.com"), managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] });
    s.add(TY.rolePolicy, "etl-policy", { role: UNKNOWN, policy: UNKNOWN }, { role: ["etl-role"] });
    expect(mandatoryFindings(s, [RULE])).toEqual([]);
    expect(mandatoryFindings(s, ["no-admin-workloads"]).length).toBeGreaterThan(0);
  });
});
