/**
 * Reading a remote component's inputs as they arrive on the wire (secrets wrapped, preview unknowns as sentinels,
 * resource references as signed objects) and building its children's inputs in the same form, so a child's input
 * is exactly as known, as secret and as dependent as the provider's own code would make it.
 */
import { createHash } from "node:crypto";
import { RESOURCE_SIG, SECRET_SIG, SPECIAL_SIG_KEY, UNKNOWN_SENTINELS, isSecretValue, isUnknownValue } from "../wire";

export const UNKNOWN = [...UNKNOWN_SENTINELS][0];

export type Wire = unknown;

export function isUnknown(v: Wire): boolean {
  return isUnknownValue(v);
}

export function secret(v: Wire): Wire {
  return { [SPECIAL_SIG_KEY]: SECRET_SIG, value: v };
}

/** A value with its secret wrapper removed (the caller re-wraps what it derives, see {@link derive}). */
export function plain(v: Wire): Wire {
  return isSecretValue(v) ? plain(v.value) : v;
}

/** The URN a resource reference points at, if `v` is one. */
export function referencedUrn(v: Wire): string | undefined {
  const p = plain(v);
  if (p && typeof p === "object" && (p as Record<string, unknown>)[SPECIAL_SIG_KEY] === RESOURCE_SIG) return String((p as any).urn ?? "");
  return undefined;
}

/** Property `key` of an object value; unknown when the object itself is unknown, secret when either is. */
export function field(obj: Wire, key: string): Wire {
  if (isUnknown(obj)) return UNKNOWN;
  if (isSecretValue(obj)) {
    const inner = field(obj.value, key);
    return inner === undefined ? undefined : secret(inner);
  }
  if (obj && typeof obj === "object" && !Array.isArray(obj)) return (obj as Record<string, unknown>)[key];
  return undefined;
}

export function path(obj: Wire, ...keys: string[]): Wire {
  let v = obj;
  for (const k of keys) v = field(v, k);
  return v;
}

/** Elements of a list value, or undefined when the list itself is unknown. */
export function items(v: Wire): Wire[] | undefined {
  if (isUnknown(v)) return undefined;
  const p = plain(v);
  if (!Array.isArray(p)) return p === undefined || p === null ? [] : [v];
  return isSecretValue(v) ? p.map(secret) : p;
}

/** Does the value hold a preview unknown anywhere? */
export function hasUnknown(v: Wire): boolean {
  if (isUnknown(v)) return true;
  if (Array.isArray(v)) return v.some(hasUnknown);
  if (v && typeof v === "object") return Object.values(v as Record<string, unknown>).some(hasUnknown);
  return false;
}

export function hasSecret(v: Wire): boolean {
  if (isSecretValue(v)) return true;
  if (Array.isArray(v)) return v.some(hasSecret);
  if (v && typeof v === "object") return Object.values(v as Record<string, unknown>).some(hasSecret);
  return false;
}

/** The value with every secret wrapper removed (unknowns stay sentinels). */
export function unwrapAll(v: Wire): Wire {
  if (isSecretValue(v)) return unwrapAll(v.value);
  if (Array.isArray(v)) return v.map(unwrapAll);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (o[SPECIAL_SIG_KEY] === RESOURCE_SIG) return o.id !== undefined && o.id !== "" ? o.id : o.urn;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = unwrapAll(x);
    return out;
  }
  return v;
}

/**
 * A value computed from others with `apply`, as the SDK would send it: unknown when any input is unknown (preview
 * never runs the callback), secret when any input is secret.
 */
export function derive(inputs: Wire[], fn: (...plainInputs: any[]) => Wire): Wire {
  if (inputs.some(hasUnknown)) return UNKNOWN;
  const out = fn(...inputs.map(unwrapAll));
  return inputs.some(hasSecret) ? secret(out) : out;
}

/** Drops undefined members, as the SDK's serialisation does. */
export function compact<T extends Record<string, unknown>>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}

export function truthy(v: Wire): boolean | "unknown" {
  if (isUnknown(plain(v))) return "unknown";
  const p = plain(v);
  return p === true || p === "true";
}

/** The short hash the providers use in child names (awsx's utils.sha1hash: the first 8 hex digits of SHA-1). */
export function sha1(s: string): string {
  return createHash("sha1").update(s).digest("hex").slice(0, 8);
}
