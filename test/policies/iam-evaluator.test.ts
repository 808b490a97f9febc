/**
 * The IAM evaluator (policies/model/iam) against AWS's documented semantics, each table citing the page that defines
 * the behaviour. No Pulumi runtime: statements and hand-built stacks only.
 */
import { describe, expect, it } from "vitest";
import { buildModel, type StackResource } from "../../policies/model";
import {
  actionExists,
  allows,
  effectivePermissions,
  ESCALATION_METHODS,
  evalConditions,
  expandAction,
  externalGrants,
  isExternalAccess,
  parsePolicy,
  privileges,
  type PermissionSet,
  type Statement,
  type TrustZone,
} from "../../policies/model/iam";
import { UNKNOWN } from "./fixtures";

const OWN = "123456789012";
const zone: TrustZone = { accounts: new Set([OWN]), organizations: new Set(), ownerKnown: true };

function perms(...statements: object[]): PermissionSet {
  const doc = parsePolicy({ Version: "2012-10-17", Statement: statements });
  if (doc?.kind !== "known") throw new Error("fixture document not readable");
  return { principalUrn: "u", statements: doc.statements.map((statement) => ({ statement, source: { urn: "u", via: "test" } })), unreadable: [] };
}
function stmt(s: object): Statement {
  const doc = parsePolicy({ Statement: s });
  if (doc?.kind !== "known") throw new Error("fixture statement not readable");
  return doc.statements[0];
}
const cond = (condition: object) => stmt({ Effect: "Allow", Action: "s3:GetObject", Resource: "*", Condition: condition }).conditions;

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html (wildcards, case-insensitive)
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html
describe("actions, NotAction, NotResource (reference_policies_elements_action / notaction / notresource)", () => {
  const table: Array<[string, object[], string, string, "allow" | "deny" | "implicit-deny"]> = [
    ["a service wildcard matches every action of the service", [{ Effect: "Allow", Action: "sqs:*", Resource: "*" }], "sqs:SendMessage", "arn:aws:sqs:us-east-1:1:q", "allow"],
    ["action names are case-insensitive", [{ Effect: "Allow", Action: "S3:getobject", Resource: "*" }], "s3:GetObject", "arn:aws:s3:::b/k", "allow"],
    ["a mid-name wildcard (iam:*Policy*) matches iam:PutRolePolicy", [{ Effect: "Allow", Action: "iam:*Policy*", Resource: "*" }], "iam:PutRolePolicy", "arn:aws:iam::1:role/r", "allow"],
    ["? matches one character only", [{ Effect: "Allow", Action: "s3:?etObject", Resource: "*" }], "s3:PutObject", "arn:aws:s3:::b/k", "implicit-deny"],
    ["NotAction with Allow allows everything not listed", [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }], "ec2:RunInstances", "*", "allow"],
    ["NotAction with Allow does not allow what it lists", [{ Effect: "Allow", NotAction: ["iam:*"], Resource: "*" }], "iam:CreateUser", "arn:aws:iam::1:user/u", "implicit-deny"],
    ["NotResource with Allow allows every other resource", [{ Effect: "Allow", Action: "s3:*", NotResource: "arn:aws:s3:::secret/*" }], "s3:GetObject", "arn:aws:s3:::public/k", "allow"],
    ["NotResource with Allow excludes the listed resource", [{ Effect: "Allow", Action: "s3:*", NotResource: "arn:aws:s3:::secret/*" }], "s3:GetObject", "arn:aws:s3:::secret/k", "implicit-deny"],
    ["resource ARNs are case-sensitive", [{ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::Bucket/*" }], "s3:GetObject", "arn:aws:s3:::bucket/k", "implicit-deny"],
    ["a resource wildcard in the account segment matches any account", [{ Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::*:role/*" }], "iam:PassRole", "arn:aws:iam::999999999999:role/admin", "allow"],
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html: explicit deny overrides allow
    ["an explicit Deny overrides an Allow", [{ Effect: "Allow", Action: "*", Resource: "*" }, { Effect: "Deny", Action: "iam:*", Resource: "*" }], "iam:CreateUser", "arn:aws:iam::1:user/u", "deny"],
    ["a Deny with NotAction denies everything else", [{ Effect: "Allow", Action: "*", Resource: "*" }, { Effect: "Deny", NotAction: "s3:GetObject", Resource: "*" }], "ec2:RunInstances", "*", "deny"],
    ["a Deny on another resource does not deny", [{ Effect: "Allow", Action: "s3:*", Resource: "*" }, { Effect: "Deny", Action: "s3:*", Resource: "arn:aws:s3:::other/*" }], "s3:PutObject", "arn:aws:s3:::mine/k", "allow"],
    ["without an Allow the request is implicitly denied", [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }], "s3:PutObject", "arn:aws:s3:::b/k", "implicit-deny"],
  ];
  it.each(table)("%s", (_name, statements, action, resource, expected) => {
    expect(allows(perms(...statements), action, resource, {}).decision).toBe(expected);
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
  it("a permissions boundary caps identity policies (both must allow; AccessPolicies boundaries doc)", () => {
    const p = perms({ Effect: "Allow", Action: "*", Resource: "*" });
    const bound = perms({ Effect: "Allow", Action: "s3:*", Resource: "*" });
    p.boundary = bound.statements;
    expect(allows(p, "s3:GetObject", "arn:aws:s3:::b/k").decision).toBe("allow");
    expect(allows(p, "iam:CreateUser", "arn:aws:iam::1:user/u").decision).toBe("implicit-deny");
  });

  it("expands wildcards against AWS's catalogue (iam-data): s3:Put* is only real S3 Put actions, unknown names exist nowhere", () => {
    const puts = expandAction("s3:Put*").map((a) => a.name);
    expect(puts).toContain("s3:PutObject");
    expect(puts.every((a) => a.startsWith("s3:Put"))).toBe(true);
    expect(expandAction("iam:*Policy*").map((a) => a.name)).toEqual(expect.arrayContaining(["iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:CreatePolicyVersion"]));
    expect(actionExists("s3:GetObjects")).toBe(false);
    expect(actionExists("S3:GETOBJECT")).toBe(true);
  });

  it("every action of the escalation catalogue exists in AWS's catalogue", () => {
    const missing = ESCALATION_METHODS.flatMap((m) => m.actions).filter((a) => !actionExists(a));
    expect(missing).toEqual([]);
  });
});

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
describe("condition operators (reference_policies_elements_condition_operators)", () => {
  const table: Array<[string, object, Record<string, string | string[] | undefined>, boolean]> = [
    ["StringEquals is case-sensitive", { StringEquals: { "aws:PrincipalTag/team": "Ops" } }, { "aws:principaltag/team": "ops" }, false],
    ["StringEqualsIgnoreCase is not", { StringEqualsIgnoreCase: { "aws:PrincipalTag/team": "Ops" } }, { "aws:principaltag/team": "ops" }, true],
    ["condition keys are case-insensitive", { StringEquals: { "AWS:SOURCEACCOUNT": OWN } }, { "aws:sourceaccount": OWN }, true],
    ["StringLike * matches any value (it pins nothing)", { StringLike: { "aws:SourceAccount": "*" } }, { "aws:sourceaccount": "999999999999" }, true],
    ["values of one key are ORed", { StringEquals: { "aws:SourceVpce": ["vpce-1", "vpce-2"] } }, { "aws:sourcevpce": "vpce-2" }, true],
    ["keys of one block are ANDed", { StringEquals: { "aws:SourceVpce": "vpce-1", "aws:SourceAccount": OWN } }, { "aws:sourcevpce": "vpce-1", "aws:sourceaccount": "1" }, false],
    ["a positive operator on a missing key is false", { StringEquals: { "aws:SourceArn": "arn:aws:sns:us-east-1:1:t" } }, {}, false],
    ["a negated operator on a missing key is true", { StringNotEquals: { "aws:PrincipalOrgID": "o-abcdefghij" } }, {}, true],
    ["…IfExists on a missing key is true", { StringEqualsIfExists: { "aws:SourceVpce": "vpce-1" } }, {}, true],
    ["…IfExists on a present key is the operator", { StringEqualsIfExists: { "aws:SourceVpce": "vpce-1" } }, { "aws:sourcevpce": "vpce-9" }, false],
    ["Null true means the key is absent", { Null: { "aws:TokenIssueTime": "true" } }, {}, true],
    ["Null false means the key is present", { Null: { "aws:TokenIssueTime": "false" } }, {}, false],
    ["Bool compares true/false", { Bool: { "aws:SecureTransport": "false" } }, { "aws:securetransport": "false" }, true],
    ["IpAddress matches inside the CIDR", { IpAddress: { "aws:SourceIp": "203.0.113.0/24" } }, { "aws:sourceip": "203.0.113.9" }, true],
    ["NotIpAddress outside the CIDR", { NotIpAddress: { "aws:SourceIp": "203.0.113.0/24" } }, { "aws:sourceip": "198.51.100.1" }, true],
    ["NumericLessThan", { NumericLessThan: { "s3:max-keys": "10" } }, { "s3:max-keys": "5" }, true],
    ["NumericNotEquals on an equal value is false", { NumericNotEquals: { "s3:max-keys": "10" } }, { "s3:max-keys": "10" }, false],
    ["NumericGreaterThanEquals on an equal value", { NumericGreaterThanEquals: { "aws:MultiFactorAuthAge": "3600" } }, { "aws:multifactorauthage": "3600" }, true],
    ["DateLessThanEquals with epoch seconds", { DateLessThanEquals: { "aws:EpochTime": "1700000000" } }, { "aws:epochtime": "1600000000" }, true],
    ["DateGreaterThan (ISO 8601)", { DateGreaterThan: { "aws:CurrentTime": "2020-01-01T00:00:00Z" } }, { "aws:currenttime": "2019-06-01T00:00:00Z" }, false],
    ["ArnLike matches per segment with wildcards", { ArnLike: { "aws:SourceArn": "arn:aws:s3:::logs-*" } }, { "aws:sourcearn": "arn:aws:s3:::logs-acme" }, true],
    ["ArnNotEquals on a different ARN is true", { ArnNotEquals: { "aws:PrincipalArn": "arn:aws:iam::1:role/a" } }, { "aws:principalarn": "arn:aws:iam::1:role/b" }, true],
    ["ForAnyValue: some request value matches", { "ForAnyValue:StringEquals": { "aws:TagKeys": ["env", "team"] } }, { "aws:tagkeys": ["team", "x"] }, true],
    ["ForAnyValue: a missing key is false", { "ForAnyValue:StringEquals": { "aws:TagKeys": ["env"] } }, {}, false],
    ["ForAllValues: every request value must match", { "ForAllValues:StringEquals": { "aws:TagKeys": ["env", "team"] } }, { "aws:tagkeys": ["team", "x"] }, false],
    ["ForAllValues: a missing key is true (vacuous)", { "ForAllValues:StringEquals": { "aws:TagKeys": ["env"] } }, {}, true],
    ["ForAllValues:StringNotEquals: no request value may match", { "ForAllValues:StringNotEquals": { "aws:TagKeys": ["secret"] } }, { "aws:tagkeys": ["a", "secret"] }, false],
  ];
  it.each(table)("%s", (_name, condition, ctx, expected) => {
    expect(evalConditions(cond(condition), ctx)).toBe(expected);
  });
});

// https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-resources.html (external access)
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html (what each key names)
describe("isExternalAccess (IAM Access Analyzer external access)", () => {
  const allow = (extra: object) => stmt({ Effect: "Allow", Action: "sqs:SendMessage", Resource: "*", ...extra });
  const external: Array<[string, object]> = [
    ["Principal \"*\" without a condition", { Principal: "*" }],
    ["Principal {AWS: \"*\"} pinned only by StringLike \"*\" on aws:SourceAccount", { Principal: { AWS: "*" }, Condition: { StringLike: { "aws:SourceAccount": "*" } } }],
    ["a negated operator: StringNotEquals aws:PrincipalAccount (everyone but us)", { Principal: "*", Condition: { StringNotEquals: { "aws:PrincipalAccount": OWN } } }],
    ["ForAllValues:StringEquals on aws:PrincipalOrgID is true when the key is absent", { Principal: "*", Condition: { "ForAllValues:StringEquals": { "aws:PrincipalOrgID": "o-abcdefghij" } } }],
    ["StringEqualsIfExists on aws:SourceArn (a direct caller omits it)", { Principal: "*", Condition: { StringEqualsIfExists: { "aws:SourceArn": `arn:aws:sns:us-east-1:${OWN}:t` } } }],
    ["ArnLike aws:SourceArn with a wildcard account", { Principal: "*", Condition: { ArnLike: { "aws:SourceArn": "arn:aws:sns:*:*:topic" } } }],
    ["aws:SourceAccount naming another account", { Principal: "*", Condition: { StringEquals: { "aws:SourceAccount": "999999999999" } } }],
    ["aws:SourceIp (anyone on that network)", { Principal: "*", Condition: { IpAddress: { "aws:SourceIp": "203.0.113.0/24" } } }],
    ["NotPrincipal with Allow (everyone else)", { NotPrincipal: { AWS: `arn:aws:iam::${OWN}:root` } }],
    ["another account's root", { Principal: { AWS: "arn:aws:iam::999999999999:root" } }],
    ["another account by bare id", { Principal: { AWS: "999999999999" } }],
  ];
  it.each(external)("external: %s", (_n, extra) => {
    expect(isExternalAccess(allow(extra), zone)).toBeDefined();
  });
  const inside: Array<[string, object]> = [
    ["StringEquals aws:PrincipalOrgID with an exact org id", { Principal: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abcdefghij" } } }],
    ["ForAnyValue:StringEquals aws:PrincipalAccount with our account", { Principal: "*", Condition: { "ForAnyValue:StringEquals": { "aws:PrincipalAccount": OWN } } }],
    ["ArnEquals aws:SourceArn of our topic", { Principal: "*", Condition: { ArnEquals: { "aws:SourceArn": `arn:aws:sns:us-east-1:${OWN}:uploads` } } }],
    ["StringEquals aws:SourceVpce with an exact endpoint", { Principal: "*", Condition: { StringEquals: { "aws:SourceVpce": "vpce-0abc" } } }],
    ["StringEqualsIfExists on aws:PrincipalAccount (always present)", { Principal: "*", Condition: { StringEqualsIfExists: { "aws:PrincipalAccount": OWN } } }],
    ["our own account's role", { Principal: { AWS: `arn:aws:iam::${OWN}:role/app` } }],
    ["a service principal", { Principal: { Service: "sns.amazonaws.com" } }],
  ];
  it.each(inside)("not external: %s", (_n, extra) => {
    expect(isExternalAccess(allow(extra), zone)).toBeUndefined();
  });

  it("a Deny on \"*\" with StringNotEquals aws:PrincipalOrgID takes the Allow's actions away (deny overrides allow)", () => {
    const doc = parsePolicy({
      Statement: [
        { Effect: "Allow", Principal: "*", Action: "sqs:*", Resource: "*" },
        { Effect: "Deny", Principal: "*", Action: "sqs:*", Resource: "*", Condition: { StringNotEquals: { "aws:PrincipalOrgID": "o-abcdefghij" } } },
      ],
    });
    expect(externalGrants(doc as any, zone, ["sqs"])).toEqual([]);
    const partial = parsePolicy({
      Statement: [
        { Effect: "Allow", Principal: "*", Action: "sqs:*", Resource: "*" },
        { Effect: "Deny", Principal: "*", Action: "sqs:DeleteQueue", Resource: "*" },
      ],
    });
    const g = externalGrants(partial as any, zone, ["sqs"]);
    expect(g).toHaveLength(1);
    expect(g[0].actions.map((a) => a.name)).not.toContain("sqs:DeleteQueue");
    expect(g[0].actions.map((a) => a.name)).toContain("sqs:SendMessage");
  });

  it("an unknown principal is reported as unknown, never as inside", () => {
    expect(isExternalAccess(stmt({ Effect: "Allow", Principal: { AWS: UNKNOWN }, Action: "sqs:SendMessage", Resource: "*" }), zone)?.who).toEqual({ kind: "unknown" });
  });
});

const urn = (type: string, name: string) => `urn:pulumi:dev::t::${type}::${name}`;
function stack(...rs: Array<[string, string, Record<string, any>, Record<string, string[]>?]>): StackResource[] {
  return rs.map(([type, name, props, deps]) => ({
    urn: urn(type, name),
    type,
    name,
    props,
    dependencies: [],
    propertyDependencies: Object.fromEntries(Object.entries(deps ?? {}).map(([k, ns]) => [k, ns.map((n) => rs.find((x) => x[1] === n)!).map((x) => urn(x[0], x[1]))])),
  }));
}
const ROLE = "aws:iam/role:Role";
const POLICY = "aws:iam/policy:Policy";
const ec2Trust = { Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] };

describe("effectivePermissions: policies attached every way", () => {
  it("resolves a customer policy attached by literal ARN (name + path) and by reference, and the user's group policies", () => {
    const doc = JSON.stringify({ Statement: [{ Effect: "Allow", Action: "iam:PassRole", Resource: "*" }] });
    const m = buildModel(
      stack(
        [ROLE, "app", { name: "app", assumeRolePolicy: ec2Trust }],
        [POLICY, "pass", { name: "pass-any", path: "/ops/", policy: doc }],
        ["aws:iam/rolePolicyAttachment:RolePolicyAttachment", "lit", { role: "app", policyArn: `arn:aws:iam::${OWN}:policy/ops/pass-any` }],
        ["aws:iam/user:User", "alice", { name: "alice" }],
        ["aws:iam/group:Group", "ops", { name: "ops" }],
        ["aws:iam/groupPolicy:GroupPolicy", "ops-inline", { group: "ops", policy: doc }],
        ["aws:iam/userGroupMembership:UserGroupMembership", "alice-ops", { user: "alice", groups: ["ops"] }],
      ),
    );
    const p = effectivePermissions(urn(ROLE, "app"), m);
    expect(p.statements.map((s) => s.source.urn)).toEqual([urn("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "lit")]);
    expect(p.statements[0].source.via).toContain("(by literal ARN)");
    const alice = effectivePermissions(urn("aws:iam/user:User", "alice"), m);
    expect(alice.statements.map((s) => s.source.urn)).toEqual([urn("aws:iam/groupPolicy:GroupPolicy", "ops-inline")]);
  });

  it("a wrong path in the literal ARN does not resolve to the in-stack policy (it is a policy outside the stack)", () => {
    const m = buildModel(
      stack(
        [ROLE, "app", { name: "app", assumeRolePolicy: ec2Trust }],
        [POLICY, "pass", { name: "pass-any", path: "/ops/", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }) }],
        ["aws:iam/rolePolicyAttachment:RolePolicyAttachment", "lit", { role: "app", policyArn: `arn:aws:iam::${OWN}:policy/pass-any` }],
      ),
    );
    const p = effectivePermissions(urn(ROLE, "app"), m);
    expect(p.statements).toEqual([]);
    expect(p.unreadable[0].why).toContain("not defined in this stack");
  });

  it("RolePoliciesExclusive removes inline policies it does not list", () => {
    const star = JSON.stringify({ Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] });
    const m = buildModel(
      stack(
        [ROLE, "app", { name: "app", assumeRolePolicy: ec2Trust }],
        ["aws:iam/rolePolicy:RolePolicy", "old", { role: "app", name: "old-admin", policy: star }],
        ["aws:iam/rolePoliciesExclusive:RolePoliciesExclusive", "only", { roleName: "app", policyNames: ["reader"] }],
      ),
    );
    expect(effectivePermissions(urn(ROLE, "app"), m).statements).toEqual([]);
  });
});

describe("privileges: administrator and escalation (Rhino Security Labs / pathfinding.cloud catalogue)", () => {
  const judge = (...statements: object[]) => privileges(perms(...statements), OWN, [`arn:aws:iam::${OWN}:role/app`]);
  it('Action "*" with NotResource is administrator (reference_policies_elements_notresource)', () => {
    expect(judge({ Effect: "Allow", Action: "*", NotResource: "arn:aws:s3:::audit-logs/*" }).admin).toBeDefined();
  });
  it("PowerUserAccess-shaped NotAction iam:* is not administrator but escalates through lambda:UpdateFunctionCode", () => {
    const v = judge({ Effect: "Allow", NotAction: ["iam:*", "organizations:*", "account:*"], Resource: "*" });
    expect(v.admin).toBeUndefined();
    expect(v.escalations.map((e) => e.method.id)).toContain("update-function-code");
  });
  it("iam:PassRole + ec2:RunInstances on * escalates; PassRole scoped to one role does not", () => {
    expect(judge({ Effect: "Allow", Action: ["iam:PassRole", "ec2:RunInstances"], Resource: "*" }).escalations.map((e) => e.method.id)).toContain("passrole-ec2");
    expect(judge({ Effect: "Allow", Action: "iam:PassRole", Resource: `arn:aws:iam::${OWN}:role/worker` }, { Effect: "Allow", Action: "ec2:RunInstances", Resource: "*" }).escalations).toEqual([]);
  });
  it("iam:PutRolePolicy on its own role escalates even when scoped to that role", () => {
    expect(judge({ Effect: "Allow", Action: "iam:PutRolePolicy", Resource: `arn:aws:iam::${OWN}:role/app` }).escalations.map((e) => e.method.id)).toEqual(["put-role-policy"]);
  });
  it("an explicit Deny on iam:* removes the IAM escalations", () => {
    expect(judge({ Effect: "Allow", Action: "iam:*", Resource: "*" }, { Effect: "Deny", Action: "iam:*", Resource: "*" }).escalations).toEqual([]);
  });
  it("read-only wildcards do not escalate", () => {
    expect(judge({ Effect: "Allow", Action: ["s3:Get*", "s3:List*", "logs:*"], Resource: "*" })).toEqual({ escalations: [] });
  });
});
