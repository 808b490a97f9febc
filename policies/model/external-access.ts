/**
 * The one semantic call the door rules make about a grant to a principal: does it reach outside the account
 * without a condition that pins it? Public sharing attributes and unauthenticated entry points (launch permissions,
 * `lambda.Permission`, API routes…) are turned into a policy statement and judged here, so they follow the same
 * "outside the account without a pinning condition" semantics as resource policies (IAM Access Analyzer's
 * external-access findings: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-resources.html).
 *
 * A named account (`123456789012`, an account or role ARN) is sharing with that account, on purpose, and is not
 * public. `*` is public unless a condition pins the caller (aws:SourceArn / SourceAccount / PrincipalOrgID /
 * PrincipalAccount / PrincipalArn / SourceVpc(e) / SourceOwner / SourceOrgID / …) with a value that is not itself a
 * wildcard. An AWS service principal acts for whoever configures that service, in any account (the confused deputy:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html), so it needs a source condition too.
 */
import { isUnknown } from "./types";

/** Condition keys that pin who the caller (or the service acting for a caller) is. Lower case. */
const PINNING_KEYS = new Set([
  "aws:sourcearn",
  "aws:sourceaccount",
  "aws:sourceowner",
  "aws:sourceorgid",
  "aws:sourceorgpaths",
  "aws:principalorgid",
  "aws:principalorgpaths",
  "aws:principalaccount",
  "aws:principalarn",
  "aws:sourcevpc",
  "aws:sourcevpce",
  "aws:userid",
  "sts:externalid",
  "lambda:functionurlauthtype",
  "kms:calleraccount",
]);
/** Negated operators don't pin: "not this account" is everyone else. */
const POSITIVE_OPS = /^(ForAnyValue:|ForAllValues:)?(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike|IpAddress)(IfExists)?$/i;

export type Principal = { kind: "public" } | { kind: "service"; service: string } | { kind: "account"; id: string } | { kind: "unknown" };

/** Reads one principal value as written in a statement or a resource argument. */
export function principalOf(v: unknown): Principal[] {
  if (v === undefined || v === null) return [];
  if (isUnknown(v)) return [{ kind: "unknown" }];
  if (v === "*") return [{ kind: "public" }];
  if (typeof v === "string") {
    if (/\.amazonaws\.com(\.cn)?$|\.amazon\.com$/.test(v)) return [{ kind: "service", service: v }];
    return [{ kind: "account", id: v }];
  }
  if (Array.isArray(v)) return v.flatMap(principalOf);
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    const out: Principal[] = [];
    for (const x of [o.AWS, o.CanonicalUser].flatMap((y) => (Array.isArray(y) ? y : y === undefined ? [] : [y]))) {
      out.push(x === "*" ? { kind: "public" } : isUnknown(x) ? { kind: "unknown" } : { kind: "account", id: String(x) });
    }
    for (const s of [o.Service].flatMap((y) => (Array.isArray(y) ? y : y === undefined ? [] : [y]))) out.push(isUnknown(s) ? { kind: "unknown" } : { kind: "service", service: String(s) });
    if (o.Federated !== undefined) out.push({ kind: "account", id: String(o.Federated) });
    return out;
  }
  return [{ kind: "unknown" }];
}

const isWildcardValue = (v: unknown) => typeof v === "string" && /^[*?]+$|^arn:[^:]*:[^:]*:[^:]*:\*/.test(v);

/**
 * True when the condition block pins the caller: a positive operator on a pinning key whose values are not
 * wildcards. A value unknown at preview still pins (it comes from the program, and its presence decides).
 */
export function pinsCaller(condition: unknown): boolean {
  if (!condition || typeof condition !== "object") return false;
  for (const [op, block] of Object.entries(condition as Record<string, unknown>)) {
    if (!POSITIVE_OPS.test(op) || !block || typeof block !== "object") continue;
    for (const [key, value] of Object.entries(block as Record<string, unknown>)) {
      if (!PINNING_KEYS.has(key.toLowerCase())) continue;
      const vals = Array.isArray(value) ? value : [value];
      if (op.toLowerCase().startsWith("ipaddress")) continue;
      if (vals.length && vals.every((x) => x !== undefined && x !== null && x !== "" && !isWildcardValue(x))) return true;
    }
  }
  return false;
}

export type ExternalVerdict = { external: false } | { external: true; who: "everyone" | "any-account-service"; principal: string };

/**
 * Is an Allow statement external access without a pinning condition? `principal` is the statement's Principal
 * (`"*"`, `{AWS: …}`, `{Service: …}`), `condition` its Condition block.
 */
export function isExternalAccess(principal: unknown, condition: unknown): ExternalVerdict {
  const ps = principalOf(principal);
  if (pinsCaller(condition)) return { external: false };
  for (const p of ps) {
    if (p.kind === "public" || p.kind === "unknown") return { external: true, who: "everyone", principal: "*" };
    if (p.kind === "service") return { external: true, who: "any-account-service", principal: p.service };
  }
  return { external: false };
}
