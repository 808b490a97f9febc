/**
 * Tenant isolation in IAM, proven per tenant. Every role a tenant's compute can use (tagged `bulkhead:tenant`, or
 * run by tenant-tagged compute) gets its effective permission set from the IAM evaluation (identity policies and
 * the permissions boundary); it is evaluated against every credential-bearing resource of the stack owned by
 * someone else: secrets, KMS keys, SSM parameters, roles (assume / pass), and the tenant data stores (buckets,
 * tables, queues) of other tenants. Resource-based policies count as well: a key, secret, bucket or queue policy, or
 * a role's trust policy, that names a tenant's role (by in-stack reference or literal ARN) grants on its own within
 * one account, capped only by that role's permissions boundary and an explicit Deny
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html); such a grant is
 * blamed on the policy resource.
 *
 * Ownership: the `bulkhead:tenant` tag; else the project's naming (secrets under `bulkhead/<project>/<stack>/<tenant>/`,
 * see components/ManagedSecret.ts; keys behind `alias/bulkhead/<stack>/<tenant>`, see components/Tenant.ts); else
 * the shared platform, its own owner (a tenant reading the platform's secrets or keys, assuming or passing its
 * roles is a crossing; the platform's shared data stores are not judged, tenants may read shared artifacts).
 *
 * Conditions: the tag conditions ABAC relies on are evaluated exactly (`aws:ResourceTag/…`, `<service>:ResourceTag/…`,
 * `aws:PrincipalTag/…`, `aws:RequestTag/…`, `aws:TagKeys`, and `${aws:PrincipalTag/…}` policy variables); a
 * condition on any other key (aws:SourceVpce, kms:ViaService of other services…) narrows the caller, not the tenant, and is
 * taken as satisfiable (kms:ViaService limited to Secrets Manager is evaluated, see secretsManagerOnly), and a Deny guarded by one is not counted (it may not apply).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/introduction_attribute-based-access-control.html
 */
import type { NetworkModel } from "./index";
import { allows, effectivePermissions, IAM, parsePolicy, statementRef, type ConditionEntry, type PermissionSet, type PrincipalSpec, type RequestContext, type SourcedStatement, type Statement } from "./iam";
import { actionMatches, arnMatches, arnParts } from "./iam/match";
import { isUnknown, type StackResource } from "./types";
import { roleUses } from "./workloads";

const TENANT_TAG = "bulkhead:tenant";

export type Access = "read" | "decrypt" | "write" | "assume" | "pass" | "tag";

export interface CrossTenantAccess {
  /** "identity": the principal's own policies allow it; "resource": the resource's policy names the principal. */
  grant: "identity" | "resource";
  principalUrn: string;
  principalTenant: string;
  resourceUrn: string;
  /** Owning tenant, or "" for the shared platform. */
  owner: string;
  access: Access;
  action: string;
  /** The statement that allows it and the resource to blame for it. */
  by: SourcedStatement;
  /** `statement "Sid"` / `statement 2`. */
  statement: string;
}

export interface SharedPrincipal {
  roleUrn: string;
  tenants: string[];
  users: string[];
}

/** A role that may rewrite the tenant tag ABAC reads on itself (iam:TagRole on its own ARN). */
export interface AbacRetag {
  principalUrn: string;
  principalTenant: string;
  by: SourcedStatement;
  statement: string;
}

export interface TenancyIam {
  /** How many tenant principals (roles of exactly one tenant) were evaluated. */
  principals: number;
  accesses: CrossTenantAccess[];
  shared: SharedPrincipal[];
  retags: AbacRetag[];
}

interface Owned {
  urn: string;
  owner: string;
  /** ARNs the actions are probed against, `{region}` / `{account}` filled in per principal. */
  arns: Array<{ arn: string; actions: Array<[Access, string]> }>;
  /** Condition-key service prefix of the resource's own tag keys (`secretsmanager:ResourceTag/…`). */
  service: string;
  /** Only principals the trust policy admits may assume a role: the check for "assume" (undefined: not a role). */
  trustAdmits?: (principalArnOrAccount: string) => boolean;
  /** Platform data stores are shared with tenants on purpose. */
  platformShared?: boolean;
  /** Request-context values the resource itself decides (kms:ResourceAliases of a key). */
  ctx?: RequestContext;
  /** Resource-based policies attached to it (its own `policy` property, a separate policy resource, a trust policy). */
  policies: ResourcePolicy[];
}

/** A resource-based policy and the resource a reviewer edits to change it. */
interface ResourcePolicy {
  urn: string;
  path: string;
  via: string;
  value: unknown;
  /** The document, read once per model (undefined until first read). */
  doc?: ReturnType<typeof parsePolicy> | null;
  /** Resources the policy's value was built from (an unknown principal names one of them). */
  deps?: Set<string>;
}

const known = (v: unknown): v is string => typeof v === "string" && v !== "" && !isUnknown(v);
/** The name Pulumi gives a resource without one: its logical name plus a random suffix. */
const autoName = (r: StackResource) => `${r.name}-a1b2c3d`;

/** The tenant a name of the project's secret namespace (`bulkhead/<project>/<stack>/<tenant>/…`) belongs to. */
export function tenantFromSecretName(name: string): string | undefined {
  return /^bulkhead\/[^/]+\/[^/]+\/([^/]+)\//.exec(name)?.[1];
}

/** Separate policy resources of a resource type: [policy type, property naming the resource, resource types]. */
const POLICY_RESOURCES: Array<[string, string, string[]]> = [
  ["aws:secretsmanager/secretPolicy:SecretPolicy", "secretArn", ["aws:secretsmanager/secret:Secret"]],
  ["aws:kms/keyPolicy:KeyPolicy", "keyId", ["aws:kms/key:Key"]],
  ["aws:s3/bucketPolicy:BucketPolicy", "bucket", ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"]],
  ["aws:sqs/queuePolicy:QueuePolicy", "queueUrl", ["aws:sqs/queue:Queue"]],
];

/** Resource-based policies of every resource that can carry one (inline `policy`, separate policy resources). */
function resourcePolicies(model: NetworkModel): Map<string, ResourcePolicy[]> {
  const out = new Map<string, ResourcePolicy[]>();
  const add = (owner: string, p: ResourcePolicy) => out.set(owner, [...(out.get(owner) ?? []), p]);
  for (const [policyType, prop, types] of POLICY_RESOURCES) {
    for (const r of model.ofType(...types)) if (r.props.policy !== undefined && r.props.policy !== null && r.props.policy !== "") add(r.urn, { urn: r.urn, path: "policy", via: `the resource policy of ${model.label(r.urn)}`, value: r.props.policy });
    for (const p of model.ofType(policyType))
      for (const owner of model.resolve(p, prop, p.props[prop], types).urns) add(owner, { urn: p.urn, path: "policy", via: model.label(p.urn), value: p.props.policy });
  }
  for (const r of model.ofType(IAM.role)) add(r.urn, { urn: r.urn, path: "assumeRolePolicy", via: `the trust policy of ${model.label(r.urn)}`, value: r.props.assumeRolePolicy });
  return out;
}

function owners(model: NetworkModel): Owned[] {
  const out: Owned[] = [];
  const rps = resourcePolicies(model);
  const policiesOf = (u: string) => rps.get(u) ?? [];
  const tagOwner = (r: StackResource) => model.tenantOf(r.urn);
  // Keys: tag, else an alias in the tenant naming that targets them.
  const keyAliasTenant = new Map<string, string>();
  const keyAliases = new Map<string, string[]>();
  // Only ids some resource of the stack is tagged with are tenants (AdminAccess names its key `<name>-sessions`).
  const tenants = new Set(model.resources.map((r) => model.tenantOf(r.urn)).filter((t): t is string => !!t));
  for (const a of model.ofType("aws:kms/alias:Alias")) {
    const keys = model.resolve(a, "targetKeyId", a.props.targetKeyId, ["aws:kms/key:Key"]).urns;
    if (known(a.props.name)) for (const k of keys) keyAliases.set(k, [...(keyAliases.get(k) ?? []), a.props.name]);
    const m = known(a.props.name) ? /^alias\/bulkhead\/[^/]+\/([^/]+)$/.exec(a.props.name) : null;
    if (!m || !tenants.has(m[1])) continue;
    for (const k of keys) keyAliasTenant.set(k, m[1]);
  }
  for (const r of model.ofType("aws:secretsmanager/secret:Secret")) {
    const name = known(r.props.name) ? r.props.name : known(r.props.namePrefix) ? `${r.props.namePrefix}0bulkheadprobe` : "0bulkheadprobe";
    const owner = tagOwner(r) ?? tenantFromSecretName(name) ?? "";
    const arn = `arn:aws:secretsmanager:{region}:{account}:secret:${name}-AbCdEf`;
    out.push({ urn: r.urn, owner, service: "secretsmanager", policies: policiesOf(r.urn), arns: [{ arn, actions: [["read", "secretsmanager:GetSecretValue"], ["write", "secretsmanager:PutSecretValue"], ["tag", "secretsmanager:TagResource"]] }] });
  }
  for (const r of model.ofType("aws:kms/key:Key")) {
    const owner = tagOwner(r) ?? keyAliasTenant.get(r.urn) ?? "";
    out.push({ urn: r.urn, owner, service: "kms", policies: policiesOf(r.urn), ctx: { "kms:resourcealiases": keyAliases.get(r.urn) ?? [] }, arns: [{ arn: `arn:aws:kms:{region}:{account}:key/0bulkheadprobe-${out.length}`, actions: [["decrypt", "kms:Decrypt"], ["tag", "kms:TagResource"]] }] });
  }
  for (const r of model.ofType("aws:ssm/parameter:Parameter")) {
    const name = known(r.props.name) ? r.props.name.replace(/^\//, "") : autoName(r);
    const owner = tagOwner(r) ?? (known(r.props.name) ? tenantFromSecretName(r.props.name.replace(/^\//, "")) : undefined) ?? "";
    out.push({ urn: r.urn, owner, service: "ssm", policies: [], arns: [{ arn: `arn:aws:ssm:{region}:{account}:parameter/${name}`, actions: [["read", "ssm:GetParameter"], ["write", "ssm:PutParameter"], ["tag", "ssm:AddTagsToResource"]] }] });
  }
  for (const r of model.ofType(IAM.role)) {
    const owner = tagOwner(r) ?? "";
    const name = known(r.props.name) ? r.props.name : autoName(r);
    const path = known(r.props.path) ? r.props.path : "/";
    const trust = parseTrust(r.props.assumeRolePolicy);
    out.push({
      urn: r.urn,
      owner,
      service: "iam",
      policies: policiesOf(r.urn),
      arns: [{ arn: `arn:aws:iam::{account}:role${path}${name}`, actions: [["assume", "sts:AssumeRole"], ["pass", "iam:PassRole"], ["tag", "iam:TagRole"]] }],
      trustAdmits: trust,
    });
  }
  const data: Array<[string, (r: StackResource) => string | undefined, string, Array<[Access, string]>, (n: string) => string]> = [
    ["aws:s3/bucket:Bucket", (r) => r.props.bucket, "s3", [["read", "s3:GetObject"], ["write", "s3:PutObject"]], (n) => `arn:aws:s3:::${n}/0bulkheadprobe`],
    ["aws:s3/bucketV2:BucketV2", (r) => r.props.bucket, "s3", [["read", "s3:GetObject"], ["write", "s3:PutObject"]], (n) => `arn:aws:s3:::${n}/0bulkheadprobe`],
    ["aws:dynamodb/table:Table", (r) => r.props.name, "dynamodb", [["read", "dynamodb:GetItem"], ["write", "dynamodb:PutItem"]], (n) => `arn:aws:dynamodb:{region}:{account}:table/${n}`],
    ["aws:sqs/queue:Queue", (r) => r.props.name, "sqs", [["read", "sqs:ReceiveMessage"], ["write", "sqs:SendMessage"]], (n) => `arn:aws:sqs:{region}:{account}:${n}`],
  ];
  for (const [type, nameOf, service, actions, arn] of data)
    for (const r of model.ofType(type)) {
      const n = nameOf(r);
      const owner = tagOwner(r) ?? "";
      out.push({ urn: r.urn, owner, service, platformShared: owner === "", policies: policiesOf(r.urn), arns: [{ arn: arn(known(n) ? n : autoName(r)), actions }] });
    }
  return out;
}

/** Who a role's trust policy admits from inside the account: a predicate over a role ARN. */
function parseTrust(v: unknown): (principalArn: string) => boolean {
  const doc = parsePolicy(v);
  if (!doc || doc.kind !== "known") return () => doc?.kind === "unknown";
  return (arn: string) =>
    doc.statements.some((s) => {
      if (s.effect !== "Allow" || !s.principal) return false;
      if (s.principal.star || s.principal.unknown) return true;
      // The account root (or account id) delegates to identity policies; a role ARN admits that role.
      return s.principal.aws.some((a) => /^\d{12}$/.test(a) || /:root$/.test(a) || a === arn || isUnknown(a));
    });
}

/** Keys the tenancy check evaluates exactly: tags (ABAC) and a key's aliases (alias-scoped key grants). */
const TAG_KEYS = /^(aws|[a-z0-9-]+):(resourcetag|principaltag|requesttag)\/|^aws:tagkeys$|^kms:resourcealiases$/;

/**
 * A kms:ViaService condition that lets the key be used only through Secrets Manager: StringEquals / StringLike
 * (no IfExists, no set qualifier) on known `secretsmanager.<region>.amazonaws.com` values. AWS puts kms:ViaService in
 * the request context only when an AWS service calls KMS on the principal's behalf
 * (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service), so the
 * principal's own kms:Decrypt with the key is refused; through Secrets Manager it decrypts only secrets it may
 * already read (GetSecretValue, https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html),
 * and reading another owner's secret is its own probe here. So the key grant opens no door of its own and the
 * condition is evaluated exactly (the probe is a direct call). Other services stay satisfiable: the data they would
 * decrypt (volumes, objects, …) is not probed by this check.
 */
function secretsManagerOnly(e: ConditionEntry): boolean {
  return e.key === "kms:viaservice" && /^string(equals|like)$/i.test(e.base) && !e.ifExists && !e.set && !e.unknown && e.values.length > 0 && e.values.every((v) => /^secretsmanager\.[a-z0-9-]+\.amazonaws\.com$/i.test(v));
}

/** Replaces `${aws:PrincipalTag/k}` with the principal's tag value (a never-matching value when it has none). */
function substitute(v: string, tags: Record<string, string>): string {
  return v.replace(/\$\{aws:PrincipalTag\/([^}]+)\}/gi, (_w, k: string) => tags[k] ?? "\u0000no-such-tag");
}

/** The permission set as the tenancy check reads it: tag conditions kept, other keys satisfiable (see above). */
function tenancyView(perms: PermissionSet, tags: Record<string, string>): PermissionSet {
  const view = (sts: SourcedStatement[]): SourcedStatement[] =>
    sts.flatMap((st) => {
      const s = st.statement;
      const exact = (e: ConditionEntry) => TAG_KEYS.test(e.key) || (s.effect === "Allow" && secretsManagerOnly(e));
      const other = s.conditions.filter((e) => !exact(e));
      if (s.effect === "Deny" && (other.length || s.unknown.includes("Condition"))) return [];
      const conditions: ConditionEntry[] = s.conditions.filter(exact).map((e) => ({ ...e, values: e.values.map((x) => substitute(x, tags)) }));
      const statement: Statement = { ...s, conditions, ...(s.resource ? { resource: s.resource.map((r) => substitute(r, tags)) } : {}), ...(s.notResource ? { notResource: s.notResource.map((r) => substitute(r, tags)) } : {}) };
      return [{ statement, source: st.source }];
    });
  return { ...perms, statements: view(perms.statements), ...(perms.boundary ? { boundary: view(perms.boundary) } : {}) };
}

/** Resources a policy's value was built from: its own dependencies and, for an attachment, its policy's. */
function policyDeps(model: NetworkModel, urn: string): Set<string> {
  const out = new Set<string>();
  const add = (u: string, depth: number) => {
    const r = model.byUrn(u);
    for (const d of Object.values(r?.propertyDependencies ?? {}).flat()) {
      if (out.has(d)) continue;
      out.add(d);
      if (depth < 1 && model.byUrn(d)?.type === IAM.policy) add(d, depth + 1);
    }
  };
  add(urn, 0);
  return out;
}

/** Does a Principal entry name this role: its ARN, a session of it, or an offline placeholder of it? */
function namesRole(model: NetworkModel, entry: string, roleUrn: string, name: string, path: string): boolean {
  const owners = model.placeholderOwners(entry);
  if (owners) return owners.includes(roleUrn);
  const arn = /^arn:aws[a-z-]*:iam::\d{12}:role(\/.*)$/.exec(entry);
  if (arn) return arn[1] === `${path}${name}`;
  const session = /^arn:aws[a-z-]*:sts::\d{12}:assumed-role\/([^/]+)\//.exec(entry);
  return !!session && session[1] === name;
}

/** True when a Resource pattern of a resource policy names `res` by an offline placeholder or a value unknown at preview. */
function patternNames(model: NetworkModel, pattern: string, res: Owned): boolean {
  return isUnknown(pattern) || (model.placeholderOwners(pattern) ?? []).includes(res.urn);
}

/**
 * Grants of `res`'s resource policies to `roleUrn`: per policy, a function that says which statement allows a
 * request (action, probe ARN, context). Within one account a resource policy that names a principal allows on its
 * own, whatever the principal's identity policies say; a permissions boundary still limits a grant to a role ARN
 * (an implicit deny there denies); an explicit Deny anywhere wins:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html
 * A Resource pattern naming `res` by reference (placeholder or unknown) covers it; an S3 pattern without an
 * object part names the bucket, not its objects.
 */
function resourceGrants(model: NetworkModel, res: Owned, roleUrn: string, name: string, path: string, tags: Record<string, string>, boundary: SourcedStatement[] | undefined) {
  const out: Array<(action: string, probe: string, ctx: RequestContext) => SourcedStatement | undefined> = [];
  for (const p of res.policies) {
    if (p.doc === undefined) p.doc = parsePolicy(p.value) ?? null;
    const doc = p.doc;
    if (doc?.kind !== "known") continue;
    const deps = (p.deps ??= new Set(Object.values(model.byUrn(p.urn)?.propertyDependencies ?? {}).flat()));
    const names = (spec: PrincipalSpec | undefined) => !!spec && (spec.aws.some((a) => namesRole(model, a, roleUrn, name, path)) || (spec.unknown && deps.has(roleUrn)));
    // Most policies name no role of a tenant at all (trust policies of services): decided before anything is built.
    if (!doc.statements.some((st) => st.effect === "Allow" && names(st.principal))) continue;
    const statements: SourcedStatement[] = [];
    for (const st of doc.statements) {
      const applies = st.effect === "Allow" ? names(st.principal) : !!st.principal?.star || names(st.principal) || (!!st.notPrincipal && !names(st.notPrincipal));
      if (applies) statements.push({ statement: st, source: { urn: p.urn, via: p.via, path: p.path } });
    }
    if (!statements.some((x) => x.statement.effect === "Allow")) continue;
    const view = tenancyView({ principalUrn: roleUrn, statements, unreadable: [] }, tags).statements;
    out.push((action, probe, ctx) => {
      const object = /^arn:aws[a-z-]*:s3:::[^/]+\//.test(probe);
      const covers = (pattern: string) => arnMatches(pattern, probe) || (patternNames(model, pattern, res) && (!object || pattern.includes("/")));
      // Resource decided here (references included); the rest of the statement by the evaluation.
      const scoped = view.flatMap((x) => {
        const s = x.statement;
        const ok = s.resource ? s.resource.some(covers) || s.unknown.includes("Resource") : s.notResource ? !s.notResource.some((r) => arnMatches(r, probe)) : true;
        if (!ok) return [];
        const { resource: _r, notResource: _n, ...rest } = s;
        return [{ ...x, statement: { ...rest, unknown: s.unknown.filter((u) => u !== "Resource" && u !== "NotResource") } }];
      });
      const d = allows({ principalUrn: roleUrn, statements: scoped, ...(boundary ? { boundary } : {}), unreadable: [] }, action, probe, ctx);
      return d.decision === "allow" ? d.by[0] : undefined;
    });
  }
  return out;
}

const regionCache = new WeakMap<Owned, string[]>();
/** Regions a resource's own policies name in their Resource patterns (a queue policy pinned to eu-west-1). */
function policyRegions(res: Owned): string[] {
  let out = regionCache.get(res);
  if (!out) {
    const set = new Set<string>();
    for (const p of res.policies) {
      if (p.doc === undefined) p.doc = parsePolicy(p.value) ?? null;
      const doc = p.doc;
      if (doc?.kind === "known") for (const s of doc.statements) for (const r of s.resource ?? []) {
        const region = arnParts(r)?.[3];
        if (region && !/[*?]/.test(region)) set.add(region);
      }
    }
    regionCache.set(res, (out = [...set]));
  }
  return out;
}

const cache = new WeakMap<NetworkModel, TenancyIam>();

export function tenancyIam(model: NetworkModel): TenancyIam {
  const cached = cache.get(model);
  if (cached) return cached;
  const result: TenancyIam = { principals: 0, accesses: [], shared: [], retags: [] };
  const resources = owners(model);
  for (const use of roleUses(model).values()) {
    const role = model.byUrn(use.urn)!;
    const tenants = new Set<string>();
    const own = model.tenantOf(use.urn);
    if (own) tenants.add(own);
    for (const u of use.usedBy) {
      const t = model.tenantOf(u);
      if (t) tenants.add(t);
    }
    if (tenants.size > 1) result.shared.push({ roleUrn: use.urn, tenants: [...tenants].sort(), users: use.usedBy.filter((u) => model.tenantOf(u)) });
    if (tenants.size !== 1) continue;
    const tenant = [...tenants][0];
    result.principals++;
    const principalTags = { ...(model.tagsOf(use.urn) ?? {}), [TENANT_TAG]: own ?? tenant };
    const perms = tenancyView(effectivePermissions(use.urn, model), principalTags);
    // Regions and accounts the role's own policies name: a pattern pinned to eu-west-1 is judged there.
    const regions = new Set(["us-east-1"]);
    const accounts = new Set(["123456789012"]);
    for (const { statement } of perms.statements)
      for (const r of statement.resource ?? []) {
        const p = arnParts(r);
        if (p?.[3] && !/[*?]/.test(p[3])) regions.add(p[3]);
        if (p?.[4] && /^\d{12}$/.test(p[4])) accounts.add(p[4]);
      }
    const roleName = known(role.props.name) ? role.props.name : autoName(role);
    const selfArns = [...accounts].map((a) => `arn:aws:iam::${a}:role${known(role.props.path) ? role.props.path : "/"}${roleName}`);
    const baseCtx: RequestContext = { "aws:principaltag/bulkhead:tenant": principalTags[TENANT_TAG] };
    for (const [k, v] of Object.entries(principalTags)) baseCtx[`aws:principaltag/${k.toLowerCase()}`] = v;

    // Cheap pre-check per action: some Allow statement's actions can name it at all.
    const allowSts = perms.statements.filter((x) => x.statement.effect === "Allow").map((x) => x.statement);
    const named = new Map<string, boolean>();
    const mayName = (action: string): boolean => {
      let v = named.get(action);
      if (v === undefined) {
        v = allowSts.some((x) => x.unknown.includes("Action") || x.unknown.includes("NotAction") || (x.action ? x.action.some((a) => actionMatches(a, action)) : !(x.notAction ?? []).some((a) => actionMatches(a, action))));
        named.set(action, v);
      }
      return v;
    };
    // A statement whose Resource is unknown at preview names resources of the stack (outputs it was built from):
    // it applies to those, found through the policy's dependencies, and to nothing else.
    const unknownRes = perms.statements.filter((x) => x.statement.unknown.includes("Resource") || x.statement.unknown.includes("NotResource"));
    const depsOf = new Map(unknownRes.map((x) => [x, policyDeps(model, x.source.urn)]));
    for (const res of resources) {
      if (res.urn === use.urn || res.owner === tenant || res.platformShared) continue;
      const scoped = unknownRes.some((x) => !depsOf.get(x)!.has(res.urn))
        ? { ...perms, statements: perms.statements.filter((x) => !depsOf.has(x) || depsOf.get(x)!.has(res.urn)) }
        : perms;
      const rtags = model.tagsOf(res.urn) ?? {};
      const ctx: RequestContext = { ...baseCtx, ...(res.ctx ?? {}) };
      for (const [k, v] of Object.entries(rtags)) {
        ctx[`aws:resourcetag/${k.toLowerCase()}`] = v;
        ctx[`${res.service}:resourcetag/${k.toLowerCase()}`] = v;
      }
      // Resource-based policies that name this principal: within one account they grant on their own.
      const rp = res.policies.length ? resourceGrants(model, res, use.urn, roleName, known(role.props.path) ? role.props.path : "/", principalTags, perms.boundary) : [];
      for (const { arn, actions } of res.arns) {
        for (const [access, action] of actions) {
          const c0: RequestContext = access === "tag" ? { ...ctx, [`aws:requesttag/${TENANT_TAG}`]: tenant, "aws:tagkeys": [TENANT_TAG] } : ctx;
          for (const g of rp) {
            let hit: SourcedStatement | undefined;
            for (const region of new Set([...regions, ...policyRegions(res)]))
              for (const account of accounts) {
                const probe = arn.replace("{region}", region).replace("{account}", account);
                const by = !hit ? g(action, probe, c0) : undefined;
                // An explicit Deny in the principal's own policies still wins.
                if (by && allows(scoped, action, probe, c0).decision !== "deny") hit = by;
              }
            if (hit) result.accesses.push({ grant: "resource", principalUrn: use.urn, principalTenant: tenant, resourceUrn: res.urn, owner: res.owner, access, action, by: hit, statement: statementRef(hit.statement) });
          }
          if (!mayName(action)) continue;
          if (access === "assume" && res.trustAdmits && !selfArns.some((a) => res.trustAdmits!(a))) continue;
          // Tagging: the request would set the tenant tag to the principal's own tenant (claiming the resource).
          const c: RequestContext = access === "tag" ? { ...ctx, [`aws:requesttag/${TENANT_TAG}`]: tenant, "aws:tagkeys": [TENANT_TAG] } : ctx;
          let hit: SourcedStatement | undefined;
          for (const region of regions) {
            for (const account of accounts) {
              const d = allows(scoped, action, arn.replace("{region}", region).replace("{account}", account), c);
              if (d.decision === "allow") hit = d.by[0];
              if (hit) break;
            }
            if (hit) break;
          }
          if (hit) result.accesses.push({ grant: "identity", principalUrn: use.urn, principalTenant: tenant, resourceUrn: res.urn, owner: res.owner, access, action, by: hit, statement: statementRef(hit.statement) });
        }
      }
    }
    // Rewriting its own tenant tag undoes every ABAC condition that reads aws:PrincipalTag.
    const readsPrincipalTag = effectivePermissions(use.urn, model).statements.some(({ statement: s }) => s.conditions.some((e) => e.key.startsWith("aws:principaltag/") || e.values.some((v) => /\$\{aws:PrincipalTag\//i.test(v))) || (s.resource ?? []).some((r) => /\$\{aws:PrincipalTag\//i.test(r)));
    if (readsPrincipalTag) {
      const ctx: RequestContext = { ...baseCtx, "aws:requesttag/bulkhead:tenant": "\u0000another-tenant", "aws:tagkeys": [TENANT_TAG] };
      for (const [k, v] of Object.entries(model.tagsOf(use.urn) ?? {})) ctx[`aws:resourcetag/${k.toLowerCase()}`] = v;
      for (const arn of selfArns) {
        const d = allows(perms, "iam:TagRole", arn, ctx);
        if (d.decision === "allow") {
          result.retags.push({ principalUrn: use.urn, principalTenant: tenant, by: d.by[0], statement: statementRef(d.by[0].statement) });
          break;
        }
      }
    }
  }
  cache.set(model, result);
  return result;
}

