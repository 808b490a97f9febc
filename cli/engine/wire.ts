/**
 * Pulumi's wire encoding of property values, as the engine and the analyzer see them.
 * Kept free of @pulumi/pulumi imports so reporters can use it cheaply.
 */
import { OPAQUE_MARK } from "../../policies/model/placeholders";
import type { StackResource } from "../../policies/model/types";
import type { RegisteredResource } from "./types";

export const SPECIAL_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
export const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
export const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
export const OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";

/** Every unknown sentinel the SDKs use (@pulumi/policy/proxy.js lists the typed ones). */
export const UNKNOWN_SENTINELS = new Set([
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "030794c1-ac77-496b-92df-f27374a8bd58",
  "e48ece36-62e2-4504-bad9-02848725956a",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

export function isUnknownValue(v: unknown): boolean {
  return typeof v === "string" && UNKNOWN_SENTINELS.has(v);
}

export function isSecretValue(v: unknown): v is { value: unknown } {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SPECIAL_SIG_KEY] === SECRET_SIG;
}

function isSig(v: unknown, sig: string): boolean {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SPECIAL_SIG_KEY] === sig;
}

/** Unwraps secrets (and resource references to their URN/id) keeping unknowns as sentinels: the analyzer's view. */
export function decodeWire(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decodeWire);
  if (v === null || typeof v !== "object") return v;
  const o = v as Record<string, unknown>;
  if (isSig(o, SECRET_SIG)) return decodeWire(o.value);
  if (isSig(o, OUTPUT_SIG)) return "known" in o || "value" in o ? decodeWire(o.value) : [...UNKNOWN_SENTINELS][0];
  if (isSig(o, RESOURCE_SIG)) return o.id !== undefined && o.id !== "" ? o.id : o.urn;
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(o)) out[k] = decodeWire(val);
  return out;
}

/** `bulkhead-unknown:publicIp:b1d…` (an address the engine will not guess) as a reviewer reads it. */
const OPAQUE_DISPLAY = new RegExp(`${OPAQUE_MARK}([A-Za-z0-9_]+):b1d[0-9a-f]{14}`, "g");

/**
 * Replaces secret values with "[secret]", unknowns with "[unknown]" and the engine's opaque unknowns with
 * "[unknown publicIp]": what a reviewer may see.
 */
export function displayWire(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(displayWire);
  if (isUnknownValue(v)) return "[unknown]";
  if (typeof v === "string" && v.includes(OPAQUE_MARK)) return v.replace(OPAQUE_DISPLAY, "[unknown $1]");
  if (v === null || typeof v !== "object") return v;
  const o = v as Record<string, unknown>;
  if (isSig(o, SECRET_SIG)) return "[secret]";
  if (isSig(o, RESOURCE_SIG)) return { urn: o.urn, ...(o.id !== undefined ? { id: displayWire(o.id) } : {}) };
  if (isSig(o, ASSET_SIG) || isSig(o, ARCHIVE_SIG)) {
    const path = o.path ?? o.uri;
    return path ? `[asset ${String(path)}]` : "[asset]";
  }
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(o)) out[k] = displayWire(val);
  return out;
}

/** RegisteredResource[] → the pack's StackResource[] (props = decoded inputs, as Analyze/AnalyzeStack see them). */
export function stackResources(resources: readonly RegisteredResource[]): StackResource[] {
  return resources.map((r) => {
    const props = decodeWire(r.inputs);
    return {
      urn: r.urn,
      type: r.type,
      name: r.name,
      props: props !== null && typeof props === "object" && !Array.isArray(props) ? (props as Record<string, any>) : {},
      ...(r.parent !== undefined ? { parent: r.parent } : {}),
      dependencies: r.dependencies ?? [],
      propertyDependencies: r.propertyDependencies ?? {},
    };
  });
}
