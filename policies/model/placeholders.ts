/**
 * Symbolic unknowns: what the offline engine puts where a preview would leave an output unknown, and how the model
 * reads it back. Shared by the engine (which writes placeholders) and the pack (which reads them), so the pack needs
 * no side channel: whether it runs in-process or as its own process (`--isolated`), a placeholder names its
 * resource by a token that is a hash of the resource's URN, and the model hashes every URN of the stack to find it.
 *
 * Two kinds of value:
 * - A reference placeholder (`sg-b1d…`, `arn:aws:iam::123456789012:role/app-b1d…`, a host name …) stands for an
 *   id, ARN, name or endpoint of exactly one resource of the stack. It never contains a wildcard, so a rule reads
 *   it as that one resource.
 * - An opaque unknown (`bulkhead-unknown:publicIp:b1d…`) stands for an output whose value itself decides a door
 *   (an IP address or CIDR). Rules read it as unknown (see isUnknown in ./types), and the model names its provenance
 *   ("output publicIp of aws:ec2/eip:Eip office-ip"). It is not an address and can't be parsed as one.
 * Numbers, booleans, principals and credentials get neither: they stay the SDK's own unknowns (apply callbacks over
 * them never run, as in a preview).
 */
import { createHash } from "node:crypto";

/** Marks a token inside a value: hex, so ids keep AWS's shape (`sg-` + 17 hex digits). */
export const TOKEN_MARK = "b1d";
const TOKEN_HEX = 14;
const TOKEN_RE = new RegExp(`${TOKEN_MARK}(?=([0-9a-f]{${TOKEN_HEX}}))`, "g");

/** Prefix of an opaque unknown: `bulkhead-unknown:<output>:<token>`. */
export const OPAQUE_MARK = "bulkhead-unknown:";
const OPAQUE_RE = new RegExp(`${OPAQUE_MARK}([A-Za-z0-9_]+):${TOKEN_MARK}([0-9a-f]{${TOKEN_HEX}})`, "g");

/** The token naming one resource: `b1d` + 14 hex digits of the SHA-256 of its URN. */
export function placeholderToken(urn: string): string {
  return TOKEN_MARK + createHash("sha256").update(urn).digest("hex").slice(0, TOKEN_HEX);
}

/** The opaque unknown standing for output `prop` of the resource `urn`. */
export function opaqueUnknown(prop: string, urn: string): string {
  return `${OPAQUE_MARK}${prop}:${placeholderToken(urn)}`;
}

/** True when a string carries an opaque unknown anywhere (e.g. `bulkhead-unknown:publicIp:b1d…/32`). */
export function hasOpaqueUnknown(v: string): boolean {
  return v.includes(OPAQUE_MARK);
}

/** Where a value comes from: the outputs and resources its placeholders name. */
export interface Provenance {
  /** The output's name, for an opaque unknown; undefined for a reference placeholder. */
  output?: string;
  urn: string;
}

/** Maps placeholder tokens back to the stack's resources. Built once per stack (one hash per resource). */
export class PlaceholderIndex {
  private readonly byToken = new Map<string, string>();

  constructor(urns: Iterable<string>) {
    for (const u of urns) this.byToken.set(placeholderToken(u).slice(TOKEN_MARK.length), u);
  }

  /**
   * The resources a reference placeholder in `v` names, or undefined when `v` holds no token of this stack (a real
   * literal; a hex string that merely contains "b1d" names nothing).
   */
  owners(v: string): string[] | undefined {
    if (!v.includes(TOKEN_MARK)) return undefined;
    let out: string[] | undefined;
    TOKEN_RE.lastIndex = 0;
    for (let m = TOKEN_RE.exec(v); m; m = TOKEN_RE.exec(v)) {
      const urn = this.byToken.get(m[1]);
      if (urn && !(out ??= []).includes(urn)) out.push(urn);
      TOKEN_RE.lastIndex = m.index + 1;
    }
    return out;
  }

  /** The outputs named by the opaque unknowns in a value (walks lists and objects). */
  provenance(v: unknown): Provenance[] {
    const out: Provenance[] = [];
    const walk = (x: unknown): void => {
      if (typeof x === "string") {
        if (!hasOpaqueUnknown(x)) return;
        OPAQUE_RE.lastIndex = 0;
        for (let m = OPAQUE_RE.exec(x); m; m = OPAQUE_RE.exec(x)) {
          const urn = this.byToken.get(m[2]);
          if (urn && !out.some((p) => p.urn === urn && p.output === m![1])) out.push({ output: m[1], urn });
        }
      } else if (Array.isArray(x)) x.forEach(walk);
      else if (x !== null && typeof x === "object") Object.values(x).forEach(walk);
    };
    walk(v);
    return out;
  }
}

/**
 * "cidrBlocks comes from output publicIp of aws:ec2/eip:Eip office-ip": the provenance of an unknown value, from its
 * opaque unknowns, else from the dependencies of the property it sits in (the engine records them per top-level
 * property, so several candidates may be named). Undefined when nothing is known.
 */
export function provenanceText(
  index: PlaceholderIndex,
  field: string,
  value: unknown,
  deps: readonly string[],
  describe: (urn: string) => string | undefined,
): string | undefined {
  const named = index.provenance(value).filter((p) => describe(p.urn));
  if (named.length) return `${field} comes from ${named.map((p) => `output ${p.output} of ${describe(p.urn)}`).join(" and ")}`;
  const from = deps.map(describe).filter((d): d is string => !!d);
  if (!from.length) return undefined;
  return `${field} comes from an output of ${from.join(" or ")} that is unknown until deploy`;
}
