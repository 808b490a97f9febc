/**
 * IAM policy documents read the way AWS reads them: a JSON string or an object, `Statement` one object or a list,
 * every element (Principal/NotPrincipal, Action/NotAction, Resource/NotResource, Condition) in its documented shape.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
 */
import { isUnknown } from "../types";

/** Who a Principal / NotPrincipal element names. */
export interface PrincipalSpec {
  /** `"*"` or `{AWS: "*"}` (or `{CanonicalUser: "*"}`): everyone, anonymous callers included. */
  star: boolean;
  /** AWS principals: account ids, account root / role / user / assumed-role ARNs. */
  aws: string[];
  service: string[];
  federated: string[];
  canonicalUser: string[];
  /** Some principal value was unknown at preview. */
  unknown: boolean;
}

/** One condition entry: `{ "<operator>": { "<key>": values } }` split into one entry per key. */
export interface ConditionEntry {
  /** The operator as written, e.g. `ForAnyValue:StringLikeIfExists`. */
  operator: string;
  /** The operator without set qualifier and IfExists, e.g. `StringLike`. */
  base: string;
  set?: "ForAnyValue" | "ForAllValues";
  ifExists: boolean;
  /** The key as written and lower-cased (condition keys are case-insensitive). */
  keyText: string;
  key: string;
  /** Values as strings (booleans and numbers as AWS stringifies them). */
  values: string[];
  /** A value was unknown at preview. */
  unknown: boolean;
}

export interface Statement {
  /** Position in the document (0-based) and Sid, so findings can point at the statement. */
  index: number;
  sid?: string;
  effect: "Allow" | "Deny";
  principal?: PrincipalSpec;
  notPrincipal?: PrincipalSpec;
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
  conditions: ConditionEntry[];
  /** Elements whose value was (partly) unknown at preview: evaluated worst-case (see evaluate.ts). */
  unknown: string[];
}

export type PolicyDocument =
  | { kind: "known"; statements: Statement[] }
  /** The document (or its Statement list) is unknown at preview. */
  | { kind: "unknown" }
  /** AWS would reject it (not JSON, no statements, a statement without Effect/Action…). */
  | { kind: "invalid"; why: string };

export function list(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/** Values of a string-list element; `unknown` when any is a preview unknown. */
function strings(v: unknown): { values: string[]; unknown: boolean } {
  if (isUnknown(v)) return { values: [], unknown: true };
  const values: string[] = [];
  let unknown = false;
  for (const x of list(v)) {
    if (isUnknown(x)) unknown = true;
    else if (typeof x === "string") values.push(x);
    else if (typeof x === "number" || typeof x === "boolean") values.push(String(x));
  }
  return { values, unknown };
}

function principalSpec(v: unknown): PrincipalSpec {
  const p: PrincipalSpec = { star: false, aws: [], service: [], federated: [], canonicalUser: [], unknown: false };
  if (isUnknown(v)) return { ...p, unknown: true };
  if (v === "*") return { ...p, star: true };
  if (typeof v === "string") return { ...p, aws: [v] };
  if (!v || typeof v !== "object") return p;
  for (const [k, raw] of Object.entries(v)) {
    const s = strings(raw);
    if (s.unknown) p.unknown = true;
    switch (k.toLowerCase()) {
      case "aws":
        if (s.values.includes("*")) p.star = true;
        p.aws.push(...s.values.filter((x) => x !== "*"));
        break;
      case "service":
        p.service.push(...s.values);
        break;
      case "federated":
        p.federated.push(...s.values);
        break;
      case "canonicaluser":
        if (s.values.includes("*")) p.star = true;
        p.canonicalUser.push(...s.values.filter((x) => x !== "*"));
        break;
    }
  }
  return p;
}

const SET_OPS = ["ForAnyValue", "ForAllValues"] as const;

function conditionEntries(v: unknown, unknown: string[]): ConditionEntry[] | string {
  if (v === undefined || v === null) return [];
  if (isUnknown(v)) {
    unknown.push("Condition");
    return [];
  }
  if (typeof v !== "object" || Array.isArray(v)) return "Condition is not an object";
  const out: ConditionEntry[] = [];
  for (const [operator, block] of Object.entries(v)) {
    let rest = operator;
    let set: ConditionEntry["set"];
    const colon = rest.indexOf(":");
    if (colon > 0) {
      const q = SET_OPS.find((s) => s.toLowerCase() === rest.slice(0, colon).toLowerCase());
      if (q) (set = q), (rest = rest.slice(colon + 1));
    }
    const ifExists = /IfExists$/i.test(rest);
    const base = ifExists ? rest.slice(0, -"IfExists".length) : rest;
    if (isUnknown(block)) {
      unknown.push("Condition");
      continue;
    }
    if (!block || typeof block !== "object") return `Condition operator ${operator} has no key block`;
    for (const [keyText, raw] of Object.entries(block)) {
      const s = strings(raw);
      if (s.unknown) unknown.push("Condition");
      out.push({ operator, base, ...(set ? { set } : {}), ifExists, keyText, key: keyText.toLowerCase(), values: s.values, unknown: s.unknown });
    }
  }
  return out;
}

/** Normalises one statement; a string is why AWS would reject it. */
function statementOf(s: Record<string, any>, index: number): Statement | string {
  const get = (name: string) => s[name] ?? s[name.toLowerCase()];
  const effect = get("Effect");
  const unknown: string[] = [];
  if (isUnknown(effect)) unknown.push("Effect");
  else if (effect !== "Allow" && effect !== "Deny") return `statement ${index} has Effect ${JSON.stringify(effect)} (must be "Allow" or "Deny")`;
  const st: Statement = { index, effect: effect === "Deny" ? "Deny" : "Allow", conditions: [], unknown };
  const sid = get("Sid");
  if (typeof sid === "string") st.sid = sid;
  for (const [el, field] of [["Principal", "principal"], ["NotPrincipal", "notPrincipal"]] as const) {
    const v = get(el);
    if (v === undefined) continue;
    st[field] = principalSpec(v);
    if (st[field]!.unknown) unknown.push(el);
  }
  for (const [el, field] of [["Action", "action"], ["NotAction", "notAction"], ["Resource", "resource"], ["NotResource", "notResource"]] as const) {
    const v = get(el);
    if (v === undefined) continue;
    const x = strings(v);
    st[field] = x.values;
    if (x.unknown) unknown.push(el);
  }
  if (st.action === undefined && st.notAction === undefined) return `statement ${index} has neither Action nor NotAction`;
  const c = conditionEntries(get("Condition"), unknown);
  if (typeof c === "string") return `statement ${index}: ${c}`;
  st.conditions = c;
  st.unknown = [...new Set(unknown)];
  return st;
}

/**
 * Reads a policy given as a JSON string or an object; undefined when nothing is given.
 * An unknown document (or Statement) is `unknown`; unknown values inside a statement stay per element.
 */
export function parsePolicy(v: unknown): PolicyDocument | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  if (isUnknown(v)) return { kind: "unknown" };
  let doc: any = v;
  if (typeof v === "string") {
    try {
      doc = JSON.parse(v);
    } catch (e) {
      return { kind: "invalid", why: `not JSON (${(e as Error).message})` };
    }
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) return { kind: "invalid", why: "not a JSON object" };
  const st = doc.Statement ?? doc.statement ?? doc.statements;
  if (isUnknown(st)) return { kind: "unknown" };
  if (st === undefined) return { kind: "invalid", why: "no Statement" };
  const statements: Statement[] = [];
  const raw = list(st);
  for (let i = 0; i < raw.length; i++) {
    const s = raw[i];
    if (isUnknown(s)) return { kind: "unknown" };
    if (!s || typeof s !== "object") return { kind: "invalid", why: `statement ${i} is not an object` };
    const n = statementOf(s as Record<string, any>, i);
    if (typeof n === "string") return { kind: "invalid", why: n };
    statements.push(n);
  }
  return { kind: "known", statements };
}

/** `Sid` or position, for messages: `statement "AllowAll"` / `statement 2`. */
export function statementRef(s: Statement): string {
  return s.sid ? `statement "${s.sid}"` : `statement ${s.index}`;
}

/** Legacy shape kept for rules that only need raw statements (see policies/rules/util.ts). */
export type Doc = { statements: Record<string, any>[] } | { unknown: true } | { invalid: string };

/** Raw statements of a document (JSON string or object); unknown when any statement value is unknown. */
export function parseDoc(v: unknown): Doc | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  if (isUnknown(v)) return { unknown: true };
  let doc: any = v;
  if (typeof v === "string") {
    try {
      doc = JSON.parse(v);
    } catch (e) {
      return { invalid: (e as Error).message };
    }
  }
  if (!doc || typeof doc !== "object") return { invalid: "not an object" };
  const st = doc.Statement ?? doc.statement ?? doc.statements;
  if (isUnknown(st)) return { unknown: true };
  const statements = (Array.isArray(st) ? st : st ? [st] : []).filter((s: unknown) => s && typeof s === "object");
  if (statements.some((s: any) => Object.values(s).some((x) => isUnknown(x)))) return { unknown: true };
  return { statements };
}

/** True when a raw statement's principal is everyone: "*" or {AWS: "*"} (also inside a list). */
export function isPublicPrincipal(p: unknown): boolean {
  return p !== undefined && principalSpec(p).star;
}
