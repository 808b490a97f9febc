/**
 * Which identity-based policies reach each principal of the stack, through every way the provider attaches them:
 * a role's `inlinePolicies` / `managedPolicyArns` / `permissionsBoundary`, `iam.RolePolicy`,
 * `iam.RolePolicyAttachment`, `iam.PolicyAttachment`, `iam.RolePolicyAttachmentsExclusive`,
 * `iam.RolePoliciesExclusive` (which removes inline policies it does not list), and the user / group equivalents
 * with group membership. A policy ARN resolves to an in-stack `iam.Policy` whether it is a reference or a literal
 * `arn:aws:iam::<account>:policy/<path><name>`; AWS managed policies come from aws-managed.ts.
 */
import type { NetworkModel } from "../index";
import { isUnknown, type StackResource } from "../types";
import { awsManagedName, awsManagedPolicy } from "./aws-managed";
import { list, parsePolicy, type PolicyDocument } from "./document";
import type { PermissionSet, PolicySource, SourcedStatement, UnreadablePolicy } from "./evaluate";

export const IAM = {
  role: "aws:iam/role:Role",
  user: "aws:iam/user:User",
  group: "aws:iam/group:Group",
  policy: "aws:iam/policy:Policy",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  userPolicy: "aws:iam/userPolicy:UserPolicy",
  groupPolicy: "aws:iam/groupPolicy:GroupPolicy",
  rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  userPolicyAttachment: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
  groupPolicyAttachment: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
  policyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
  roleAttachmentsExclusive: "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
  userAttachmentsExclusive: "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive",
  groupAttachmentsExclusive: "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive",
  rolePoliciesExclusive: "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive",
  userGroupMembership: "aws:iam/userGroupMembership:UserGroupMembership",
  groupMembership: "aws:iam/groupMembership:GroupMembership",
  instanceProfile: "aws:iam/instanceProfile:InstanceProfile",
} as const;

/** A policy ARN (or reference) as attached, resolved to what it contains. */
export interface ResolvedPolicy {
  doc?: PolicyDocument;
  /** Human name: `iam.Policy deploy`, `AWS managed AdministratorAccess`, the literal ARN… */
  name: string;
  awsManaged?: string;
  /** Why it cannot be read, when it cannot. */
  unreadable?: string;
}

/** One attachment of a policy to a principal, before reading it. */
interface Attached {
  source: PolicySource;
  /** A document given inline… */
  doc?: unknown;
  /** …or a policy ARN / reference to resolve. */
  arn?: { res: StackResource; prop: string; value: unknown };
  /** Inline policy name, for RolePoliciesExclusive. */
  inlineName?: unknown;
}

interface IamIndex {
  attached: Map<string, Attached[]>;
  boundaries: Map<string, Attached>;
  /** group urn → member user urns; user urn → group urns. */
  groupsOf: Map<string, string[]>;
  exclusiveInline: Map<string, Set<string> | "unknown">;
  perms: Map<string, PermissionSet>;
  policies: Map<string, ResolvedPolicy>;
}

const indexes = new WeakMap<NetworkModel, IamIndex>();

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

const ARN_POLICY = /^arn:aws[a-z-]*:iam::(\d{12}|aws):policy(\/.*\/|\/)([^/]+)$/;

/** Resolves a policy ARN (literal or reference) to an in-stack iam.Policy, an AWS managed policy, or why not. */
export function resolvePolicyArn(model: NetworkModel, res: StackResource, prop: string, value: unknown): ResolvedPolicy {
  if (typeof value === "string" && !isUnknown(value)) {
    const managed = awsManagedName(value);
    if (managed) {
      const p = awsManagedPolicy(managed);
      return p
        ? { doc: parsePolicy({ Statement: p.statements }), name: `AWS managed ${managed}`, awsManaged: managed }
        : { name: `AWS managed ${managed}`, awsManaged: managed, unreadable: `AWS managed policy ${managed} is not in bulkhead's table (policies/model/iam/aws-managed.ts)` };
    }
    const m = ARN_POLICY.exec(value);
    if (m) {
      // A literal customer-managed ARN names the in-stack policy with that name and path.
      const [, , path, name] = m;
      const hit = model.ofType(IAM.policy).find((p) => p.props.name === name && (p.props.path ?? "/") === path);
      if (hit) return { doc: parsePolicy(hit.props.policy), name: `${model.label(hit.urn)} (by literal ARN)` };
    }
  }
  const r = model.resolve(res, prop, value, [IAM.policy]);
  if (r.urns.length === 1) {
    const p = model.byUrn(r.urns[0])!;
    return { doc: parsePolicy(p.props.policy), name: model.label(p.urn) };
  }
  if (r.urns.length > 1) {
    // Several candidates: read as one document holding every candidate's statements (worst case).
    const docs = r.urns.map((u) => parsePolicy(model.byUrn(u)!.props.policy));
    const unknown = docs.find((d) => !d || d.kind !== "known");
    if (unknown) return { doc: unknown, name: r.urns.map(model.label).join(" or ") };
    return { doc: { kind: "known", statements: docs.flatMap((d) => (d as { statements: any[] }).statements) }, name: r.urns.map(model.label).join(" or ") };
  }
  if (r.unknown) return { name: "a policy ARN unknown at preview", unreadable: "the policy ARN is unknown at preview and no iam.Policy of the stack explains it" };
  return { name: String(value), unreadable: `policy ${String(value)} is not defined in this stack` };
}

function buildIndex(model: NetworkModel): IamIndex {
  const ix: IamIndex = { attached: new Map(), boundaries: new Map(), groupsOf: new Map(), exclusiveInline: new Map(), perms: new Map(), policies: new Map() };
  const targets = (r: StackResource, prop: string, types: string[]) => model.resolveList(r, prop, r.props[prop], types).urns;
  const label = (u: string) => model.label(u);
  const arnsAttach = (r: StackResource, prop: string, principals: string[], pathOf: (i: number) => string) => {
    const v = r.props[prop];
    const items = isUnknown(v) ? [v] : list(v);
    items.forEach((arn, i) => {
      for (const p of principals) push(ix.attached, p, { source: { urn: r.urn, via: label(r.urn), path: pathOf(i) }, arn: { res: r, prop, value: arn } });
    });
  };
  for (const t of [IAM.role, IAM.user, IAM.group]) {
    for (const r of model.ofType(t)) {
      const inline = r.props.inlinePolicies;
      if (isUnknown(inline)) push(ix.attached, r.urn, { source: { urn: r.urn, via: "inlinePolicies", path: "inlinePolicies" }, doc: inline });
      else
        list(inline).forEach((p: any, i) => {
          if (p?.policy === undefined && p?.name === undefined) return;
          push(ix.attached, r.urn, { source: { urn: r.urn, via: `inline policy ${JSON.stringify(p?.name ?? i)}`, path: `inlinePolicies[${i}].policy` }, doc: p?.policy ?? "", inlineName: p?.name });
        });
      if (r.props.managedPolicyArns !== undefined) arnsAttach(r, "managedPolicyArns", [r.urn], (i) => `managedPolicyArns[${i}]`);
      const b = r.props.permissionsBoundary;
      if (b !== undefined && b !== null && b !== "") ix.boundaries.set(r.urn, { source: { urn: r.urn, via: "permissionsBoundary", path: "permissionsBoundary" }, arn: { res: r, prop: "permissionsBoundary", value: b } });
    }
  }
  const inlineRes: Array<[string, string, string[]]> = [
    [IAM.rolePolicy, "role", [IAM.role]],
    [IAM.userPolicy, "user", [IAM.user]],
    [IAM.groupPolicy, "group", [IAM.group]],
  ];
  for (const [type, prop, types] of inlineRes)
    for (const r of model.ofType(type)) for (const p of targets(r, prop, types)) push(ix.attached, p, { source: { urn: r.urn, via: label(r.urn), path: "policy" }, doc: r.props.policy, inlineName: r.props.name });
  const attachRes: Array<[string, string, string[]]> = [
    [IAM.rolePolicyAttachment, "role", [IAM.role]],
    [IAM.userPolicyAttachment, "user", [IAM.user]],
    [IAM.groupPolicyAttachment, "group", [IAM.group]],
  ];
  for (const [type, prop, types] of attachRes) for (const r of model.ofType(type)) arnsAttach(r, "policyArn", targets(r, prop, types), () => "policyArn");
  for (const r of model.ofType(IAM.policyAttachment)) {
    const ps = [...targets(r, "roles", [IAM.role]), ...targets(r, "users", [IAM.user]), ...targets(r, "groups", [IAM.group])];
    arnsAttach(r, "policyArn", ps, () => "policyArn");
  }
  const exclusive: Array<[string, string, string[]]> = [
    [IAM.roleAttachmentsExclusive, "roleName", [IAM.role]],
    [IAM.userAttachmentsExclusive, "userName", [IAM.user]],
    [IAM.groupAttachmentsExclusive, "groupName", [IAM.group]],
  ];
  for (const [type, prop, types] of exclusive) for (const r of model.ofType(type)) arnsAttach(r, "policyArns", targets(r, prop, types), (i) => `policyArns[${i}]`);
  for (const r of model.ofType(IAM.rolePoliciesExclusive)) {
    const names = r.props.policyNames;
    const known = !isUnknown(names) && list(names).every((n) => typeof n === "string" && !isUnknown(n));
    for (const role of targets(r, "roleName", [IAM.role])) ix.exclusiveInline.set(role, known ? new Set(list(names) as string[]) : "unknown");
  }
  for (const r of model.ofType(IAM.userGroupMembership)) for (const u of targets(r, "user", [IAM.user])) for (const g of targets(r, "groups", [IAM.group])) push(ix.groupsOf, u, g);
  for (const r of model.ofType(IAM.groupMembership)) for (const g of targets(r, "group", [IAM.group])) for (const u of targets(r, "users", [IAM.user])) push(ix.groupsOf, u, g);
  return ix;
}

function indexOf(model: NetworkModel): IamIndex {
  let ix = indexes.get(model);
  if (!ix) indexes.set(model, (ix = buildIndex(model)));
  return ix;
}

/** Reads one attachment into statements, or records why it cannot be read. */
function read(model: NetworkModel, ix: IamIndex, a: Attached, out: SourcedStatement[], unreadable: UnreadablePolicy[]): void {
  let doc: PolicyDocument | undefined;
  let source = a.source;
  if (a.arn) {
    const key = `${a.arn.res.urn}\u0000${a.arn.prop}\u0000${String(a.arn.value)}`;
    let p = ix.policies.get(key);
    if (!p) ix.policies.set(key, (p = resolvePolicyArn(model, a.arn.res, a.arn.prop, a.arn.value)));
    source = { ...source, via: `${source.via}: ${p.name}`, ...(p.awsManaged ? { awsManaged: p.awsManaged } : {}) };
    if (p.unreadable) {
      unreadable.push({ source, why: p.unreadable });
      return;
    }
    doc = p.doc;
  } else doc = parsePolicy(a.doc);
  if (!doc) return;
  if (doc.kind === "unknown") unreadable.push({ source, why: "the policy document is unknown at preview" });
  else if (doc.kind === "invalid") unreadable.push({ source, why: `AWS would reject the policy document: ${doc.why}` });
  else for (const statement of doc.statements) out.push({ statement, source });
}

/**
 * Every identity-based statement that applies to a role, user (including its groups' policies) or group, with the
 * resource to blame for each; the permissions boundary when there is one; and what could not be read.
 */
export function effectivePermissions(principalUrn: string, model: NetworkModel): PermissionSet {
  const ix = indexOf(model);
  const cached = ix.perms.get(principalUrn);
  if (cached) return cached;
  const statements: SourcedStatement[] = [];
  const unreadable: UnreadablePolicy[] = [];
  const exclusive = ix.exclusiveInline.get(principalUrn);
  const sources = [principalUrn, ...(ix.groupsOf.get(principalUrn) ?? [])];
  for (const p of sources) {
    for (const a of ix.attached.get(p) ?? []) {
      // RolePoliciesExclusive deletes inline policies it does not name.
      if (p === principalUrn && exclusive instanceof Set && a.inlineName !== undefined && typeof a.inlineName === "string" && !isUnknown(a.inlineName) && !exclusive.has(a.inlineName)) continue;
      read(model, ix, a, statements, unreadable);
    }
  }
  const perms: PermissionSet = { principalUrn, statements, unreadable };
  const b = ix.boundaries.get(principalUrn);
  if (b) {
    const bs: SourcedStatement[] = [];
    const bu: UnreadablePolicy[] = [];
    read(model, ix, b, bs, bu);
    // An unreadable boundary caps nothing we can see: judge without it (worst case) and say so.
    if (bu.length) unreadable.push(...bu);
    else perms.boundary = bs;
  }
  ix.perms.set(principalUrn, perms);
  return perms;
}
