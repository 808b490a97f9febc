/**
 * External access through a resource-based policy, judged as IAM Access Analyzer does
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-resources.html): a statement grants external
 * access when it allows a principal outside the zone of trust (the stack's account(s) and the organizations named in
 * config) - `"*"`, a NotPrincipal, another account - and no condition really pins the caller or its source back
 * inside the zone. A condition pins only with its operator's semantics: a positive operator (StringEquals,
 * StringLike, ArnLike, ForAnyValue:…) on a key that names the caller or its source, every value inside the zone and
 * free of wildcards that reach outside it. Negated operators, `ForAllValues:` (true when the key is absent),
 * `…IfExists` on a key a caller can leave out, `Null`, and wildcard values (`StringLike "*"`) pin nothing.
 * An explicit Deny that applies to every outside caller (e.g. `StringNotEquals aws:PrincipalOrgID`) takes its
 * actions away again (deny overrides allow).
 * Condition keys: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
 */
import type { NetworkModel } from "../index";
import { isUnknown } from "../types";
import { expandAction, serviceActions, type CatalogueAction } from "./catalogue";
import { isNegated } from "./conditions";
import type { ConditionEntry, PolicyDocument, PrincipalSpec, Statement } from "./document";
import { actionMatches, arnAccount, arnMatches, arnParts, hasWildcard } from "./match";

/** The accounts and organizations inside which access is not external. */
export interface TrustZone {
  accounts: Set<string>;
  organizations: Set<string>;
  /** False when no account of the stack could be found: named accounts can't be told inside from outside. */
  ownerKnown: boolean;
}

const ACCOUNT_RE = /^\d{12}$/;

const ARN_IN_TEXT = /arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):([^"\s,\]}]+)/g;
/** A placeholder token of the offline engine (see model/placeholders.ts): it names one resource of this stack. */
const PLACEHOLDER_TOKEN = /b1d[0-9a-f]{14}/;
const accountCache = new WeakMap<NetworkModel, Set<string>>();

/**
 * Accounts the stack's own resources live in: the account of every known `arn` of an in-stack resource, and of every
 * ARN written anywhere in the stack that names an in-stack resource (by the engine's placeholder token or by the
 * resource's name) - e.g. a role policy over `logGroup.arn`.
 */
export function stackAccounts(model: NetworkModel): Set<string> {
  const cached = accountCache.get(model);
  if (cached) return cached;
  const out = new Set<string>();
  const names = new Set<string>();
  for (const r of model.resources) if (typeof r.props?.name === "string" && r.props.name.length > 2) names.add(r.props.name);
  for (const r of model.resources) {
    const arn = r.props?.arn;
    if (typeof arn === "string" && !isUnknown(arn)) {
      const acct = arnAccount(arn);
      if (acct && ACCOUNT_RE.test(acct)) out.add(acct);
    }
    let text: string;
    try {
      text = JSON.stringify(r.props ?? {});
    } catch {
      continue;
    }
    if (!text.includes("arn:")) continue;
    ARN_IN_TEXT.lastIndex = 0;
    for (let m = ARN_IN_TEXT.exec(text); m; m = ARN_IN_TEXT.exec(text)) {
      const rest = m[2].replace(/\\+$/, "");
      const last = rest.split(/[/:]/).filter(Boolean).pop() ?? "";
      if (PLACEHOLDER_TOKEN.test(rest) || names.has(last)) out.add(m[1]);
    }
  }
  accountCache.set(model, out);
  return out;
}

/**
 * The zone of trust: accounts from the rule config plus the accounts the stack's own resources live in
 * (stackAccounts), organizations from config.
 */
export function trustZone(model: NetworkModel, config: { trustedAccounts?: unknown; trustedOrganizations?: unknown } = {}): TrustZone {
  const accounts = new Set<string>();
  for (const a of Array.isArray(config.trustedAccounts) ? config.trustedAccounts : []) if (typeof a === "string" && ACCOUNT_RE.test(a)) accounts.add(a);
  for (const a of stackAccounts(model)) accounts.add(a);
  const organizations = new Set<string>();
  for (const o of Array.isArray(config.trustedOrganizations) ? config.trustedOrganizations : []) if (typeof o === "string") organizations.add(o);
  return { accounts, organizations, ownerKnown: accounts.size > 0 };
}

/** Account of an AWS principal entry: an account id, or the account segment of a principal ARN. */
export function principalAccount(p: string): string | undefined {
  if (ACCOUNT_RE.test(p)) return p;
  const a = arnAccount(p);
  return a && ACCOUNT_RE.test(a) ? a : undefined;
}

/**
 * Accounts AWS itself owns to deliver Elastic Load Balancing access logs, one per Region opened before August 2022
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html#attach-bucket-policy):
 * a bucket policy naming one lets AWS's log delivery write, not another customer.
 */
export const ELB_LOG_DELIVERY_ACCOUNTS: ReadonlySet<string> = new Set([
  "127311923021", "033677994240", "027434742980", "797873946194", "098369216593", "754344448648", "718504428378",
  "383597477331", "600734575887", "114774131450", "783225319266", "582318560864", "985666609251", "054676820928",
  "156460612806", "652711504416", "635631232127", "009996457667", "897822967062", "076674570225", "507241528517",
  "048591011584", "190560391635",
]);

export type Outsider =
  | { kind: "public" }
  | { kind: "accounts"; accounts: string[] }
  /** The principal is unknown at preview. */
  | { kind: "unknown" };

/** Who outside the zone a statement's principal lets in (undefined: nobody outside). */
export function outsiders(s: Statement, zone: TrustZone): Outsider | undefined {
  if (s.notPrincipal) return { kind: "public" };
  const p = s.principal;
  if (!p) return undefined;
  if (p.star) return { kind: "public" };
  const foreign = new Set<string>();
  let unknown = p.unknown;
  for (const a of p.aws) {
    if (hasWildcard(a)) return { kind: "public" };
    // A CloudFront origin access identity is AWS's own service identity for one distribution, not another account.
    if (/^arn:aws[a-z-]*:iam::cloudfront:user\/CloudFront Origin Access Identity /.test(a)) continue;
    const acct = principalAccount(a);
    if (!acct) {
      // Unique ids (AROA…/AIDA…) and other forms name a principal whose account the document doesn't say.
      unknown = true;
      continue;
    }
    if (zone.ownerKnown && !zone.accounts.has(acct) && !ELB_LOG_DELIVERY_ACCOUNTS.has(acct)) foreign.add(acct);
  }
  if (foreign.size) return { kind: "accounts", accounts: [...foreign].sort() };
  return unknown ? { kind: "unknown" } : undefined;
}

/** Keys that name the calling principal's account / organization / identity. */
const PRINCIPAL_ACCOUNT_KEYS = new Set(["aws:principalaccount", "kms:calleraccount"]);
const PRINCIPAL_ARN_KEYS = new Set(["aws:principalarn"]);
const ORG_KEYS = new Set(["aws:principalorgid", "aws:sourceorgid"]);
const ORG_PATH_KEYS = new Set(["aws:principalorgpaths", "aws:sourceorgpaths"]);
/** Keys that name the resource or account on whose behalf a service calls (confused-deputy protection). */
const SOURCE_ACCOUNT_KEYS = new Set(["aws:sourceaccount", "aws:sourceowner"]);
const SOURCE_ARN_KEYS = new Set(["aws:sourcearn"]);
/** Keys that pin the network path to the stack's own VPC / VPC endpoint. */
const NETWORK_KEYS = new Set(["aws:sourcevpc", "aws:sourcevpce", "aws:sourcevpcarn"]);
/**
 * S3 keys naming the access point a request came through: a bucket policy that delegates to the account's access
 * points (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-policies.html#access-points-delegating-control)
 * lets in only what those access points' own policies let in; S3 counts fixed values of both as not public
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status).
 */
const ACCESS_POINT_ACCOUNT_KEYS = new Set(["s3:dataaccesspointaccount"]);
const ACCESS_POINT_ARN_KEYS = new Set(["s3:dataaccesspointarn"]);
/** Keys present in every authenticated request, so `…IfExists` on them still pins. */
const ALWAYS_PRESENT = new Set(["aws:principalaccount", "aws:principalarn", "kms:calleraccount"]);

export const PINNING_KEYS: readonly string[] = [...PRINCIPAL_ACCOUNT_KEYS, ...PRINCIPAL_ARN_KEYS, ...ORG_KEYS, ...ORG_PATH_KEYS, ...SOURCE_ACCOUNT_KEYS, ...SOURCE_ARN_KEYS, ...NETWORK_KEYS, ...ACCESS_POINT_ACCOUNT_KEYS, ...ACCESS_POINT_ARN_KEYS];

const POSITIVE = new Set(["stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"]);

/** Is one condition value inside the zone for its key? Wildcards that can reach outside make it not. */
function valueTrusted(key: string, v: string, zone: TrustZone): boolean {
  if (v.includes("${")) return false;
  if (PRINCIPAL_ACCOUNT_KEYS.has(key) || SOURCE_ACCOUNT_KEYS.has(key) || ACCESS_POINT_ACCOUNT_KEYS.has(key)) return ACCOUNT_RE.test(v) && (!zone.ownerKnown || zone.accounts.has(v));
  if (PRINCIPAL_ARN_KEYS.has(key) || SOURCE_ARN_KEYS.has(key) || ACCESS_POINT_ARN_KEYS.has(key)) {
    const parts = arnParts(v);
    if (!parts) return false;
    const acct = parts[4];
    if (acct === "") {
      // Account-less ARNs (S3 buckets): one named resource pins; a wildcard in its name reaches anyone's.
      return !hasWildcard(parts[5]) && !hasWildcard(parts[2]);
    }
    return ACCOUNT_RE.test(acct) && (!zone.ownerKnown || zone.accounts.has(acct));
  }
  if (ORG_KEYS.has(key)) return /^o-[a-z0-9]{10,32}$/.test(v) && (zone.organizations.size === 0 || zone.organizations.has(v));
  if (ORG_PATH_KEYS.has(key)) {
    const org = v.split("/")[0];
    return /^o-[a-z0-9]{10,32}$/.test(org) && (zone.organizations.size === 0 || zone.organizations.has(org));
  }
  if (NETWORK_KEYS.has(key)) return v !== "" && !hasWildcard(v);
  return false;
}

/** True when the entry can only hold for callers (or sources) inside the zone: it pins the statement. */
export function pins(e: ConditionEntry, zone: TrustZone, extra: ReadonlySet<string> = new Set()): boolean {
  if (e.unknown || e.set === "ForAllValues" || isNegated(e)) return false;
  const base = e.base.toLowerCase();
  if (!POSITIVE.has(base)) return false;
  if (e.ifExists && !ALWAYS_PRESENT.has(e.key)) return false;
  if (!e.values.length) return false;
  if (extra.has(e.key)) return e.values.every((v) => v !== "" && !(base === "stringlike" && hasWildcard(v)));
  if (!PINNING_KEYS.includes(e.key)) return false;
  return e.values.every((v) => valueTrusted(e.key, v, zone));
}

/**
 * An account-less source ARN (an S3 bucket's) names a bucket, not its owner: a bucket deleted by its owner can be
 * created again by any account, so it pins only together with the source account
 * (https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html, SourceAccount;
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html).
 */
function ownerless(e: ConditionEntry): boolean {
  return SOURCE_ARN_KEYS.has(e.key) && e.values.length > 0 && e.values.every((v) => arnParts(v)?.[4] === "");
}

/** Do the statement's conditions (those `only` selects) pin it inside the zone? */
export function pinnedBy(conditions: readonly ConditionEntry[], zone: TrustZone, extra: ReadonlySet<string> = new Set(), only: (e: ConditionEntry) => boolean = () => true): boolean {
  return conditions.some((e) => only(e) && pins(e, zone, extra) && !ownerless(e));
}

/** True when the entry holds for EVERY caller outside the zone (a Deny guarded by it denies them all). */
function trueForOutsiders(e: ConditionEntry, zone: TrustZone): boolean {
  if (e.unknown || e.set === "ForAnyValue") return false;
  // The data-perimeter guard `BoolIfExists aws:PrincipalIsAWSService false` exempts only AWS service principals
  // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalisawsservice):
  // it holds for every IAM principal and anonymous caller, so it leaves the Deny's other conditions to decide.
  if (e.key === "aws:principalisawsservice" && e.base.toLowerCase() === "bool") return e.values.length > 0 && e.values.every((v) => v.toLowerCase() === "false");
  if (!isNegated(e)) return false;
  if (![...PRINCIPAL_ACCOUNT_KEYS, ...PRINCIPAL_ARN_KEYS, ...ORG_KEYS, ...ORG_PATH_KEYS, ...NETWORK_KEYS].includes(e.key)) return false;
  return e.values.length > 0 && e.values.every((v) => valueTrusted(e.key, v, zone));
}

export interface ExternalVerdict {
  who: Outsider;
  /** The statement's conditions, when they exist but pin nothing (for messages). */
  unpinnedConditions: string[];
  /** A condition that would pin the statement has values unknown at preview: whether it pins can't be told yet. */
  pinUnknown?: boolean;
}

/**
 * Does this statement (on its own) grant access to someone outside the zone? `extraPins` adds keys that pin in the
 * caller's context (sts:ExternalId for a named account in a role trust policy).
 */
export function isExternalAccess(s: Statement, zone: TrustZone, extraPins: ReadonlySet<string> = new Set()): ExternalVerdict | undefined {
  if (s.effect !== "Allow" || s.unknown.includes("Effect")) return undefined;
  const who = outsiders(s, zone);
  if (!who) return undefined;
  const pinKeys = who.kind === "accounts" ? extraPins : new Set<string>();
  if (pinnedBy(s.conditions, zone, pinKeys)) return undefined;
  // An unknown value under a pinning key and a positive operator may well pin (it is usually an in-stack ARN).
  const pinUnknown =
    s.conditions.some((e) => e.unknown && (PINNING_KEYS.includes(e.key) || pinKeys.has(e.key)) && POSITIVE.has(e.base.toLowerCase()) && e.set !== "ForAllValues") ||
    (s.unknown.includes("Condition") && !s.conditions.length);
  return { who, unpinnedConditions: s.conditions.map((e) => `${e.operator} ${e.keyText}`), ...(pinUnknown ? { pinUnknown } : {}) };
}

/** Does a Deny statement take `action` on the allow's resources away from every outside caller? */
function denyCovers(d: Statement, allow: Statement, action: string, zone: TrustZone): boolean {
  if (d.effect !== "Deny" || d.unknown.length) return false;
  const p = d.principal;
  const everyone = d.notPrincipal ? d.notPrincipal.aws.every((a) => zone.accounts.has(principalAccount(a) ?? "")) : !!p?.star;
  if (!everyone) return false;
  const actionOk = d.action ? d.action.some((x) => actionMatches(x, action)) : !(d.notAction ?? []).some((x) => actionMatches(x, action));
  if (!actionOk) return false;
  const targets = allow.resource ?? ["*"];
  const resOk = d.resource
    ? targets.every((r) => d.resource!.some((x) => arnMatches(x, r)))
    : d.notResource
      ? targets.every((r) => !d.notResource!.some((x) => arnMatches(x, r)))
      : true;
  return resOk && d.conditions.every((e) => trueForOutsiders(e, zone));
}

export interface ExternalGrant {
  statement: Statement;
  verdict: ExternalVerdict;
  /** Real actions (of the policy's services) granted to outsiders after Deny statements are applied. */
  actions: CatalogueAction[];
  /** Access levels among those actions (Read, Write, List, Tagging, Permissions management). */
  levels: string[];
}

/** Actions of a statement, expanded against the catalogue within the services the policy governs. */
export function statementActions(s: Statement, services: readonly string[]): CatalogueAction[] {
  if (s.unknown.includes("Action") || s.unknown.includes("NotAction")) return services.flatMap((x) => serviceActions(x));
  if (s.action) {
    const seen = new Set<string>();
    const out: CatalogueAction[] = [];
    for (const p of s.action) for (const a of expandAction(p, services)) if (!seen.has(a.name)) seen.add(a.name), out.push(a);
    return out;
  }
  const not = s.notAction ?? [];
  return services.flatMap((x) => serviceActions(x)).filter((a) => !not.some((p) => actionMatches(p, a.name)));
}

/**
 * Every statement of a resource-based policy that grants outsiders at least one real action of `services`, with
 * those actions; Deny statements of the same document that cover every outsider are applied first.
 */
export function externalGrants(doc: PolicyDocument & { kind: "known" }, zone: TrustZone, services: readonly string[], extraPins?: ReadonlySet<string>): ExternalGrant[] {
  const out: ExternalGrant[] = [];
  const denies = doc.statements.filter((s) => s.effect === "Deny");
  for (const s of doc.statements) {
    const verdict = isExternalAccess(s, zone, extraPins);
    if (!verdict) continue;
    const actions = statementActions(s, services).filter((a) => !denies.some((d) => denyCovers(d, s, a.name, zone)));
    if (!actions.length) continue;
    const levels = [...new Set(actions.flatMap((a) => a.accessLevels))].sort();
    out.push({ statement: s, verdict, actions, levels });
  }
  return out;
}

/**
 * Federated (web identity) principals of a trust statement that no exact claim condition pins: an OIDC provider
 * needs its `:sub` claim (which repository / service account may assume), Cognito identity pools their `:aud`
 * (which pool). https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html,
 * https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html
 */
export function unpinnedFederation(s: Statement): string[] {
  if (s.effect !== "Allow" || !s.principal) return [];
  const out: string[] = [];
  const exact = (e: ConditionEntry) =>
    !e.unknown && !isNegated(e) && e.set !== "ForAllValues" && !e.ifExists && POSITIVE.has(e.base.toLowerCase()) && e.values.length > 0 && e.values.every((v) => v !== "*" && !/^[^:]*:\*$/.test(v) && ownerLiteral(e.key, v));
  for (const f of s.principal.federated) {
    const cognito = f === "cognito-identity.amazonaws.com";
    // Every IAM identity provider that is not SAML is an OIDC provider (the offline engine's placeholder ARN of an
    // in-stack aws.iam.OpenIdConnectProvider does not spell `oidc-provider/<host>`).
    const oidc = f.startsWith("arn:") ? /^arn:aws[a-z-]*:iam::[^:]*:(?!saml-provider\/)[a-z-]+\//.test(f) : !cognito && f.includes(".");
    if (!cognito && !oidc) continue; // SAML providers: not judged here.
    const claim = cognito ? ":aud" : ":sub";
    // The provider ARN of an in-stack provider may not spell its host (offline placeholders), so any `<host>:sub` counts.
    if (!s.conditions.some((e) => e.key.endsWith(claim) && exact(e))) out.push(f);
  }
  return out;
}

/**
 * A wildcard claim value pins only when the part that says WHOSE identity it is comes before the first wildcard:
 * GitHub's `sub` is `repo:<owner>/<repo>:<context>`, one issuer for every GitHub account
 * (https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect#example-subject-claims),
 * so `repo:*` or `repo:*` + `/acme-infra:*` lets any owner's workflow in; an EKS service account's `sub` is
 * `system:serviceaccount:<namespace>:<name>` (https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html),
 * so a wildcard namespace lets every workload of the cluster in.
 */
function ownerLiteral(key: string, v: string): boolean {
  if (!hasWildcard(v)) return true;
  const prefix = v.split(/[*?]/)[0];
  if (key.startsWith("token.actions.githubusercontent.com")) return /^repo:[^/:]+\//.test(prefix) || /^(repository_owner|repository_owner_id|repository_id):[^:]+:/.test(prefix);
  if (/^oidc\.eks\./.test(key) && v.startsWith("system:serviceaccount:")) return /^system:serviceaccount:[^:]+:/.test(prefix);
  return true;
}

export type { PrincipalSpec };
