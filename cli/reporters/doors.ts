/**
 * One door, one finding (issue 13): the violations about the same grant — same resource, same rule entry, same opened
 * ports, as the pack's `door` id says — are presented as one finding listing every rule and control it breaks, with
 * one fix. The JSON keeps one entry per rule; text, markdown and SARIF show doors.
 */
import type { PolicyInfo, Violation } from "../engine/types";

export interface Door {
  id: string;
  resource: Violation["resource"];
  /** Property path of the entry that opens the door, when the findings name one. */
  path?: string;
  /** The findings, one per rule (and kind), in report order. */
  findings: Violation[];
  /** The rules it breaks, in report order, each once. */
  policies: string[];
  /** "mandatory" when a live finding is; "advisory" when every live one is; "exempted" when all are exempted. */
  status: "mandatory" | "advisory" | "exempted";
}

/** Groups violations by door, in the order their first finding was reported. */
export function doorsOf(violations: readonly Violation[]): Door[] {
  const byId = new Map<string, Door>();
  for (const v of violations) {
    let d = byId.get(v.door);
    if (!d) {
      d = { id: v.door, resource: v.resource, ...(v.path !== undefined ? { path: v.path } : {}), findings: [], policies: [], status: "exempted" };
      byId.set(v.door, d);
    }
    d.findings.push(v);
    if (!d.policies.includes(v.policy)) d.policies.push(v.policy);
    if (!v.exemption) d.status = v.enforcement === "mandatory" || d.status === "mandatory" ? "mandatory" : "advisory";
  }
  return [...byId.values()];
}

/** Control ids a rule maps to (data from the pack; a pack that is not bulkhead's gives none). */
export function controlsOf(policy: PolicyInfo | undefined): string[] {
  return policy?.controls ?? [];
}

/** Every control a door's rules map to, each once. */
export function doorControls(door: Door, policies: ReadonlyMap<string, PolicyInfo>): string[] {
  return [...new Set(door.policies.flatMap((p) => controlsOf(policies.get(p))))];
}

/**
 * The finding whose fix the door shows: among the live findings (all, when every one is exempted), the one whose
 * rule's fix also clears the most of the door's other rules (`resolves` in each rule's metadata): an admin port open
 * to the world is fixed by admitting the bastion's group, which also ends the general "world-open port" finding.
 * Ties go to the first reported.
 */
export function fixFinding(door: Door, policies: ReadonlyMap<string, PolicyInfo>): Violation {
  const live = door.findings.filter((v) => !v.exemption);
  const candidates = live.length ? live : door.findings;
  const clears = (v: Violation) => (policies.get(v.policy)?.resolves ?? []).filter((p) => p !== v.policy && door.policies.includes(p)).length;
  return candidates.reduce((best, v) => (clears(v) > clears(best) ? v : best));
}

/** The rule whose fix the door shows (see fixFinding). */
export function fixPolicy(door: Door, policies: ReadonlyMap<string, PolicyInfo>): string {
  return fixFinding(door, policies).policy;
}

/** The door's one fix, naming the entry it applies to: "ingress[0] of ssh-open: Replace the CIDR …". */
export function doorFix(door: Door, policies: ReadonlyMap<string, PolicyInfo>): string {
  const v = fixFinding(door, policies);
  const fix = v.fix ?? policies.get(v.policy)?.fix ?? "";
  return door.path ? `${door.path} of ${door.resource.name}: ${fix}` : fix;
}

/** What a finding says is wrong: its text without its fix, which reports show once per door. */
export function findingText(v: Violation): string {
  const tail = v.fix !== undefined ? ` Fix: ${v.fix}` : undefined;
  return tail && v.message.endsWith(tail) ? v.message.slice(0, -tail.length).trim() : v.message;
}
