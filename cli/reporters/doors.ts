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

/** Control ids from a policy description's `Controls: A, B` sentence. */
export function controlsOf(policy: PolicyInfo | undefined): string[] {
  const m = policy ? /Controls: ([^\n]+?)\.?\s*$/m.exec(policy.description) : null;
  return m ? m[1].split(/,\s*/).filter((c) => Boolean(c) && !c.startsWith("none")) : [];
}

/** Every control a door's rules map to, each once. */
export function doorControls(door: Door, policies: ReadonlyMap<string, PolicyInfo>): string[] {
  return [...new Set(door.policies.flatMap((p) => controlsOf(policies.get(p))))];
}

/** A rule's fix from its description (`… Fix: … Controls: …`). */
export function ruleFix(policy: PolicyInfo | undefined): string | undefined {
  const m = policy ? /Fix: (.+?)(?: Controls: |$)/s.exec(policy.description) : null;
  return m?.[1].trim();
}

/**
 * Rules whose fix names the exact replacement, most specific first: an admin port opened to the world is fixed by
 * admitting the bastion's group (bastion-only-admin), not by the general "remove the world-wide CIDR"; a data port by
 * admitting the tenant's own group. Rules not listed follow in report order.
 */
const SPECIFIC_FIRST = ["bastion-only-admin", "data-ports-tenant-only", "tenant-isolation", "no-world-open-sensitive-port", "only-lbs-face-world"];

/** The rule whose fix the door shows: a live finding's, the most specific one. */
export function fixPolicy(door: Door): string {
  const live = door.findings.filter((v) => !v.exemption).map((v) => v.policy);
  const candidates = live.length ? live : door.policies;
  const rank = (p: string) => {
    const i = SPECIFIC_FIRST.indexOf(p);
    return i < 0 ? SPECIFIC_FIRST.length : i;
  };
  return [...candidates].sort((a, b) => rank(a) - rank(b))[0];
}

/** The door's one fix, naming the entry it applies to: "ingress[0] of ssh-open: Replace the CIDR …". */
export function doorFix(door: Door, policies: ReadonlyMap<string, PolicyInfo>): string {
  const policy = fixPolicy(door);
  const fix = ruleFix(policies.get(policy)) ?? splitFix(door.findings.find((v) => v.policy === policy)!.message).fix ?? "";
  return door.path ? `${door.path} of ${door.resource.name}: ${fix}` : fix;
}

/** Splits a finding's text into what is wrong and its rule's fix (the pack's templates end with `Fix: …`). */
export function splitFix(message: string): { finding: string; fix?: string } {
  const i = message.lastIndexOf(" Fix: ");
  if (i < 0) return { finding: message };
  return { finding: message.slice(0, i).trim(), fix: message.slice(i + 6).trim() };
}
