/**
 * Exemptions, handled centrally for every rule: a tag `bulkhead:exempt:<rule-id>` = `<YYYY-MM-DD> <reason>` on the
 * resource, or a per-policy config entry `exemptions: [{resource, reason, expires}]` for resources without tags.
 */
import { isUnknown, type StackResource } from "./types";

export const EXEMPT_TAG_PREFIX = "bulkhead:exempt:";
/** The rule that reports broken exemptions; it can't itself be exempted. */
export const EXEMPTION_RULE = "exemption-valid";

export interface Exemption {
  reason: string;
  expires: string;
}

export interface ExemptionProblem {
  urn?: string;
  /** The problem's text, ending with its fix. */
  message: string;
  /** The fix alone (the text after "Fix: "), for reports that show it apart. */
  fix: string;
}

/** Today's date in UTC as YYYY-MM-DD: exemptions expire at the end of their day, UTC. */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** A real calendar date in YYYY-MM-DD form (rejects 2026-02-30). */
export function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Checks one exemption; returns the problem text, or undefined when it is valid on `today`. */
export function exemptionProblem(e: { reason?: unknown; expires?: unknown }, today: string): string | undefined {
  const expires = typeof e.expires === "string" ? e.expires.trim() : "";
  const reason = typeof e.reason === "string" ? e.reason.trim() : "";
  const problems: string[] = [];
  if (!isIsoDate(expires)) problems.push(`expiry ${JSON.stringify(e.expires ?? null)} is not a YYYY-MM-DD date`);
  else if (expires < today) problems.push(`it expired on ${expires} (today is ${today})`);
  if (!reason) problems.push("it gives no reason");
  return problems.length ? problems.join("; ") : undefined;
}

/** Splits a tag value `<YYYY-MM-DD> <reason>`. */
export function parseTagValue(v: string): { expires: string; reason: string } {
  const m = /^\s*(\S+)\s*(.*)$/.exec(v) ?? [];
  return { expires: m[1] ?? "", reason: (m[2] ?? "").trim() };
}

const TAG_FIX =
  "set the tag value to `<YYYY-MM-DD> <reason>` with a future date (AWS tag values allow letters, digits, spaces and +-=._:/@), or remove the exemption and fix the finding.";
const FIX = `Fix: ${TAG_FIX}`;

export interface ExemptionIndex {
  /** Valid exemption for (resource, rule), if any. */
  lookup(urn: string, rule: string): Exemption | undefined;
  /** Broken tag exemptions, each on the resource that carries it (reported by `exemption-valid`). */
  tagProblems: ExemptionProblem[];
}

/** Reads every `bulkhead:exempt:*` tag once per stack. Unknown tag values are treated as invalid (fail closed). */
export function indexTagExemptions(resources: StackResource[], ruleIds: ReadonlySet<string>, today: string): ExemptionIndex {
  const valid = new Map<string, Exemption>();
  const tagProblems: ExemptionProblem[] = [];
  for (const r of resources) {
    const tags = r.props?.tags;
    if (!tags || typeof tags !== "object") continue;
    // autoscaling.Group tags are a list of {key, value}; everything else a map.
    const entries: Array<[unknown, unknown]> = Array.isArray(tags) ? tags.map((t: any) => [t?.key, t?.value]) : Object.entries(tags);
    for (const [k, v] of entries) {
      if (typeof k !== "string") continue;
      if (!k.startsWith(EXEMPT_TAG_PREFIX)) continue;
      const rule = k.slice(EXEMPT_TAG_PREFIX.length);
      const where = `${r.name} tag ${k}`;
      if (rule === EXEMPTION_RULE || !ruleIds.has(rule)) {
        tagProblems.push({ urn: r.urn, message: `${where}: "${rule}" is not an exemptable rule id. ${FIX}`, fix: TAG_FIX });
        continue;
      }
      if (typeof v !== "string" || isUnknown(v)) {
        tagProblems.push({ urn: r.urn, message: `${where}: the value is unknown at preview, so the exemption cannot be verified before deploy; use a literal value. ${FIX}`, fix: TAG_FIX });
        continue;
      }
      const e = parseTagValue(v);
      const problem = exemptionProblem(e, today);
      if (problem) tagProblems.push({ urn: r.urn, message: `${where} = "${v}" is not a valid exemption: ${problem}. ${FIX}`, fix: TAG_FIX });
      else valid.set(`${r.urn}\u0000${rule}`, { reason: e.reason, expires: e.expires });
    }
  }
  return { lookup: (urn, rule) => valid.get(`${urn}\u0000${rule}`), tagProblems };
}

/** One entry of a policy's `exemptions` config. */
export interface ConfigExemption {
  resource?: unknown;
  reason?: unknown;
  expires?: unknown;
}

/**
 * Resolves a policy's config exemptions to resources (by URN, else by name; a name may match several resources).
 * Returns the valid ones by URN and the problems of the broken ones.
 */
export function configExemptions(
  entries: unknown,
  rule: string,
  today: string,
  byName: (name: string) => string[],
  byUrn: (urn: string) => boolean,
): { valid: Map<string, Exemption>; problems: ExemptionProblem[] } {
  const valid = new Map<string, Exemption>();
  const problems: ExemptionProblem[] = [];
  if (!Array.isArray(entries)) return { valid, problems };
  for (const raw of entries as ConfigExemption[]) {
    const res = typeof raw?.resource === "string" ? raw.resource : "";
    const urns = byUrn(res) ? [res] : byName(res);
    const problem = exemptionProblem(raw ?? {}, today);
    const where = `policy config ${rule}.exemptions entry for "${res}"`;
    if (problem) {
      const fix = "give the entry a non-empty reason and a future expires date (YYYY-MM-DD), or remove it.";
      if (urns.length) for (const u of urns) problems.push({ urn: u, message: `${where} is not a valid exemption: ${problem}. Fix: ${fix}`, fix });
      else problems.push({ message: `${where} is not a valid exemption: ${problem}. Fix: ${fix}`, fix });
      continue;
    }
    for (const u of urns) valid.set(u, { reason: String(raw.reason).trim(), expires: String(raw.expires).trim() });
  }
  return { valid, problems };
}
