/**
 * Does a set of statements allow one action on one resource for one principal? Matches Action / NotAction and
 * Resource / NotResource with IAM's wildcards, applies explicit denies, and reads the conditions that decide
 * tenancy (tag conditions on the resource, the principal and the request) as AWS's policy evaluation logic defines
 * them (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html). A condition on
 * a key the evaluation can't know (source IP, VPC endpoint, time…) is taken as satisfiable: it narrows the caller,
 * not the tenant, so it never separates two tenants.
 *
 * This is the door rules' evaluation entry point; it is kept to one function (`evaluate`) so the pack's IAM
 * evaluation can take its place.
 */

/** What the evaluation knows about one request. */
export interface RequestContext {
  /** Tags of the principal (the role). */
  principalTags: Record<string, string>;
  /** Tags of the resource acted on (undefined: not known, e.g. a resource outside the stack). */
  resourceTags?: Record<string, string>;
  /** Tags the request would set (tagging actions); undefined: any tags (the worst case). */
  requestTags?: Record<string, string>;
}

export interface Match {
  statement: Record<string, any>;
  /** Sid, or the statement's position. */
  sid: string;
}

const list = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

const globCache = new Map<string, RegExp>();
/** IAM glob (`*`, `?`), case-insensitive for actions, case-sensitive for ARNs. */
export function glob(pattern: string, caseInsensitive: boolean): RegExp {
  const key = `${caseInsensitive ? "i" : "s"}${pattern}`;
  let re = globCache.get(key);
  if (!re) {
    const esc = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    re = new RegExp(`^${esc}$`, caseInsensitive ? "i" : "");
    globCache.set(key, re);
  }
  return re;
}

export function actionMatches(patterns: unknown, action: string): boolean {
  return list(patterns).some((p) => typeof p === "string" && glob(p, true).test(action));
}

/**
 * Resource ARNs of the stack are often unknown in part at preview (account, region, a generated name suffix);
 * those parts are written `\u0000` here and match any pattern segment.
 */
export const ANY = "\u0000";
export function resourceMatches(patterns: unknown, arn: string): boolean {
  return list(patterns).some((p) => {
    if (typeof p !== "string") return false;
    if (p === "*") return true;
    // Every ANY part of the ARN may be whatever the pattern needs there: test with the pattern's own text.
    if (!arn.includes(ANY)) return glob(p, false).test(arn);
    const parts = arn.split(ANY);
    // Build a regex from the ARN (ANY → .*) and test the pattern's literal form against it, then the reverse: a
    // match either way means some value of the unknown parts satisfies the pattern.
    const arnRe = new RegExp(`^${parts.map((x) => x.replace(/[.+^${}()|[\]\\*?]/g, "\\$&")).join(".*")}$`);
    return arnRe.test(p.replace(/[*?]/g, "")) || glob(p, false).test(parts.join("x"));
  });
}

/** Substitutes `${aws:PrincipalTag/k}` policy variables; undefined when a variable has no value. */
function substitute(v: string, ctx: RequestContext): string | undefined {
  let missing = false;
  const out = v.replace(/\$\{([^}]+)\}/g, (_w, name: string) => {
    const m = /^aws:PrincipalTag\/(.+)$/i.exec(name);
    if (m && ctx.principalTags[m[1]] !== undefined) return ctx.principalTags[m[1]];
    if (name === "*" || name === "?" || name === "$") return name;
    missing = true;
    return "";
  });
  return missing ? undefined : out;
}

/** The value of a condition key the evaluation knows, or "unknown-key" for keys it can't know. */
function keyValue(key: string, ctx: RequestContext): string | undefined | "unknown-key" {
  let m = /^(?:aws|[a-z0-9-]+):ResourceTag\/(.+)$/i.exec(key);
  if (m) return ctx.resourceTags ? ctx.resourceTags[m[1]] : "unknown-key";
  m = /^aws:PrincipalTag\/(.+)$/i.exec(key);
  if (m) return ctx.principalTags[m[1]];
  m = /^aws:RequestTag\/(.+)$/i.exec(key);
  if (m) return ctx.requestTags ? ctx.requestTags[m[1]] : "unknown-key";
  return "unknown-key";
}

/** Evaluates one operator block; false only when a known key certainly fails it. */
function conditionHolds(op: string, block: Record<string, unknown>, ctx: RequestContext): boolean {
  const m = /^(ForAnyValue:|ForAllValues:)?(.+?)(IfExists)?$/.exec(op);
  if (!m) return true;
  const base = m[2];
  const ifExists = !!m[3];
  for (const [key, raw] of Object.entries(block ?? {})) {
    const actual = keyValue(key, ctx);
    if (actual === "unknown-key") continue;
    const wanted = list(raw).map((x) => (typeof x === "string" ? substitute(x, ctx) : String(x)));
    if (base === "Null") {
      const isNull = actual === undefined;
      if (wanted.some((w) => String(w) === String(isNull))) continue;
      return false;
    }
    if (actual === undefined) {
      if (ifExists) continue;
      // A missing key makes every positive operator false, every negated one true.
      if (/^String(Not|.*Not)|^ArnNot/.test(base)) continue;
      return false;
    }
    const eq = (w: string | undefined, ci: boolean) => w !== undefined && (ci ? w.toLowerCase() === actual.toLowerCase() : w === actual);
    const like = (w: string | undefined) => w !== undefined && glob(w, false).test(actual);
    let ok: boolean;
    switch (base) {
      case "StringEquals":
      case "ArnEquals":
        ok = wanted.some((w) => eq(w, false));
        break;
      case "StringEqualsIgnoreCase":
        ok = wanted.some((w) => eq(w, true));
        break;
      case "StringLike":
      case "ArnLike":
        ok = wanted.some(like);
        break;
      case "StringNotEquals":
      case "ArnNotEquals":
        ok = !wanted.some((w) => eq(w, false));
        break;
      case "StringNotEqualsIgnoreCase":
        ok = !wanted.some((w) => eq(w, true));
        break;
      case "StringNotLike":
      case "ArnNotLike":
        ok = !wanted.some(like);
        break;
      default:
        ok = true;
    }
    if (!ok) return false;
  }
  return true;
}

export function conditionsHold(cond: unknown, ctx: RequestContext): boolean {
  if (!cond || typeof cond !== "object") return true;
  return Object.entries(cond as Record<string, unknown>).every(([op, block]) => conditionHolds(op, (block ?? {}) as Record<string, unknown>, ctx));
}

function statementApplies(s: Record<string, any>, action: string, arn: string, ctx: RequestContext): boolean {
  if (s.Action !== undefined && !actionMatches(s.Action, action)) return false;
  if (s.NotAction !== undefined && actionMatches(s.NotAction, action)) return false;
  if (s.Action === undefined && s.NotAction === undefined) return false;
  if (s.Resource !== undefined && !resourceMatches(s.Resource, arn)) return false;
  if (s.NotResource !== undefined && resourceMatches(s.NotResource, arn)) return false;
  return conditionsHold(s.Condition, ctx);
}

/**
 * The Allow statements that grant `action` on `arn`, or [] when none does or an explicit Deny (in `statements`
 * or `denies`) applies. A Deny with a condition the evaluation can't know is not counted (it may not apply).
 */
export function evaluate(statements: Array<Record<string, any>>, action: string, arn: string, ctx: RequestContext): Match[] {
  const allows: Match[] = [];
  for (const [i, s] of statements.entries()) {
    const effect = String(s.Effect ?? "");
    if (effect === "Deny") {
      if (statementApplies(s, action, arn, ctx) && !hasUnknownKey(s.Condition, ctx)) return [];
    } else if (effect === "Allow" && statementApplies(s, action, arn, ctx)) {
      allows.push({ statement: s, sid: typeof s.Sid === "string" && s.Sid ? s.Sid : `Statement[${i}]` });
    }
  }
  return allows;
}

function hasUnknownKey(cond: unknown, ctx: RequestContext): boolean {
  if (!cond || typeof cond !== "object") return false;
  return Object.values(cond as Record<string, unknown>).some((block) => Object.keys((block ?? {}) as object).some((k) => keyValue(k, ctx) === "unknown-key"));
}
