/**
 * Doors: what a finding is about, as data. One grant (a security-group rule entry, a listener's forward, an IAM policy
 * document) can break several rules at once — a world-open SSH entry breaks no-world-open-sensitive-port,
 * bastion-only-admin and only-lbs-face-world — and it is one door with one fix. Reports group findings by door; the
 * JSON keeps one entry per rule and names the door.
 */
import { createHash } from "node:crypto";
import type { Finding, IngressGrant } from "./types";

/** A short, stable id of a door from its parts (same parts, same id, in every process and run). */
export function doorId(parts: readonly string[]): string {
  return "door-" + createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 12);
}

/**
 * A network door: the resource that declares the permission, the entry on it (`ingress[1]`; the resource itself for
 * a SecurityGroupRule), the protected target, and the opened protocol and port range. Every rule that blames a grant
 * reports it with this door, whichever of its ports or consequences the rule is about.
 */
export function grantDoor(g: IngressGrant): string {
  return doorId(["grant", g.grantUrn, g.entry ?? "", g.targetSgUrn, String(g.protocol), `${g.ports.from}-${g.ports.to}`]);
}

/**
 * The door of a finding that names none: its property path on its resource (findings of several rules blaming the same
 * IAM policy document or listener action meet there); without a path the finding alone is its door.
 */
export function findingDoor(rule: string, f: Pick<Finding, "urn" | "kind" | "data" | "path" | "door">): string {
  if (f.door) return f.door;
  if (f.path !== undefined) return doorId(["path", f.urn, f.path]);
  return doorId(["finding", f.urn, rule, f.kind, JSON.stringify(f.data)]);
}
