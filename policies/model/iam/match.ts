/**
 * Wildcard matching as IAM does it: `*` any run of characters, `?` one character.
 * Actions are case-insensitive; resource ARNs and string conditions are case-sensitive, ARN segments are matched
 * one by one (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN).
 */
const cache = new Map<string, RegExp>();

export function globRegex(pattern: string, caseInsensitive: boolean): RegExp {
  const key = `${caseInsensitive ? "i" : "s"}${pattern}`;
  let re = cache.get(key);
  if (!re) {
    const esc = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[\\s\\S]*").replace(/\?/g, "[\\s\\S]");
    re = new RegExp(`^${esc}$`, caseInsensitive ? "i" : "");
    if (cache.size > 10_000) cache.clear();
    cache.set(key, re);
  }
  return re;
}

/** Turns an IAM action pattern (wildcards * and ?) into a case-insensitive regex. */
export function actionRegex(pattern: string): RegExp {
  return globRegex(pattern, true);
}

export function actionMatches(pattern: string, action: string): boolean {
  if (pattern === "*") return true;
  return globRegex(pattern, true).test(action);
}

export function hasWildcard(s: string): boolean {
  return s.includes("*") || s.includes("?");
}

/** `arn:partition:service:region:account:resource` split into its six parts (resource keeps its colons). */
export function arnParts(arn: string): string[] | undefined {
  if (!arn.startsWith("arn:")) return undefined;
  const parts = arn.split(":");
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(":")];
}

/** The account segment of an ARN ("" for S3 buckets and other account-less ARNs), undefined when not an ARN. */
export function arnAccount(arn: string): string | undefined {
  return arnParts(arn)?.[4];
}

/** Resource element / ArnLike matching: segment by segment, each segment a case-sensitive glob. */
export function arnMatches(pattern: string, value: string): boolean {
  if (pattern === "*") return true;
  const p = arnParts(pattern);
  const v = arnParts(value);
  if (!p || !v) return globRegex(pattern, false).test(value);
  for (let i = 0; i < 6; i++) if (!globRegex(p[i], false).test(v[i])) return false;
  return true;
}

export function stringLike(pattern: string, value: string): boolean {
  return globRegex(pattern, false).test(value);
}
