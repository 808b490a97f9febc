/**
 * Condition operators as the IAM reference defines them:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 *
 * - Values of one key are ORed; keys and operators of one block are ANDed.
 * - A key missing from the request: a positive operator is false, a negated one (StringNot…, ArnNot…, NotIpAddress,
 *   NumericNotEquals, DateNotEquals) is true; `…IfExists` is true; `Null` tests exactly presence.
 * - `ForAnyValue:` is true when some request value matches (false when the key is missing or empty);
 *   `ForAllValues:` when every request value matches (true when the key is missing or empty).
 */
import { CidrSet } from "../cidr";
import type { ConditionEntry } from "./document";
import { arnMatches, stringLike } from "./match";

/** Request context: lower-cased condition key → value(s). A key that is absent is not in the request. */
export type RequestContext = Record<string, string | string[] | undefined>;

const NEGATED = new Set(["stringnotequals", "stringnotequalsignorecase", "stringnotlike", "numericnotequals", "datenotequals", "notipaddress", "arnnotequals", "arnnotlike"]);

/** The operators AWS defines (lower-cased base names). Any other operator makes AWS reject the policy. */
export const OPERATORS = new Set([
  "stringequals", "stringnotequals", "stringequalsignorecase", "stringnotequalsignorecase", "stringlike", "stringnotlike",
  "numericequals", "numericnotequals", "numericlessthan", "numericlessthanequals", "numericgreaterthan", "numericgreaterthanequals",
  "dateequals", "datenotequals", "datelessthan", "datelessthanequals", "dategreaterthan", "dategreaterthanequals",
  "bool", "binaryequals", "ipaddress", "notipaddress", "arnequals", "arnlike", "arnnotequals", "arnnotlike", "null",
]);

export function isNegated(e: ConditionEntry): boolean {
  return NEGATED.has(e.base.toLowerCase());
}

function num(v: string): number {
  return Number(v);
}
function date(v: string): number {
  // Dates may be ISO 8601 or epoch seconds.
  return /^\d+$/.test(v) ? Number(v) * 1000 : Date.parse(v);
}
function inCidr(range: string, ip: string): boolean {
  try {
    const r = CidrSet.of([range]);
    const a = CidrSet.of([ip.includes("/") ? ip : ip.includes(":") ? `${ip}/128` : `${ip}/32`]);
    return r.covers(a);
  } catch {
    return false;
  }
}

/** Numeric and date operators: the comparison after the `Numeric` / `Date` prefix (negations compare for equality). */
const ORDER: Record<string, (v: number, p: number) => boolean> = {
  equals: (v, p) => v === p,
  notequals: (v, p) => v === p,
  lessthan: (v, p) => v < p,
  lessthanequals: (v, p) => v <= p,
  greaterthan: (v, p) => v > p,
  greaterthanequals: (v, p) => v >= p,
};

/** Does one request value match one policy value under the operator's positive form? */
function positiveMatch(base: string, policy: string, value: string): boolean {
  const ordered = /^(numeric|date)(.+)$/.exec(base);
  if (ordered && ORDER[ordered[2]]) {
    const parse = ordered[1] === "numeric" ? num : date;
    return ORDER[ordered[2]](parse(value), parse(policy));
  }
  switch (base) {
    case "stringequals":
    case "stringnotequals":
      return policy === value;
    case "stringequalsignorecase":
    case "stringnotequalsignorecase":
      return policy.toLowerCase() === value.toLowerCase();
    case "stringlike":
    case "stringnotlike":
      return stringLike(policy, value);
    case "bool":
      return policy.toLowerCase() === value.toLowerCase();
    case "binaryequals":
      return policy === value;
    case "ipaddress":
    case "notipaddress":
      return inCidr(policy, value);
    case "arnequals":
    case "arnlike":
    case "arnnotequals":
    case "arnnotlike":
      return arnMatches(policy, value);
    default:
      return false;
  }
}

/** Evaluates one condition entry against a request context. */
export function evalEntry(e: ConditionEntry, ctx: RequestContext): boolean {
  const base = e.base.toLowerCase();
  const raw = ctx[e.key];
  const present = raw !== undefined && !(Array.isArray(raw) && raw.length === 0);
  if (base === "null") {
    // "true": the key must be absent; "false": present.
    return e.values.some((v) => (v.toLowerCase() === "true" ? !present : present));
  }
  if (!OPERATORS.has(base)) return false;
  const negated = NEGATED.has(base);
  const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const matchesAny = (v: string) => e.values.some((p) => positiveMatch(base, p, v));
  if (e.set === "ForAllValues") {
    if (!present) return true;
    return values.every((v) => (negated ? !matchesAny(v) : matchesAny(v)));
  }
  if (e.set === "ForAnyValue") {
    if (!present) return e.ifExists;
    return values.some((v) => (negated ? !matchesAny(v) : matchesAny(v)));
  }
  if (!present) return e.ifExists || negated;
  const any = values.some(matchesAny);
  return negated ? !any : any;
}

/** All entries of a statement's Condition hold (AND). An empty condition holds. */
export function evalConditions(entries: readonly ConditionEntry[], ctx: RequestContext): boolean {
  return entries.every((e) => evalEntry(e, ctx));
}
