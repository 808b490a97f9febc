/**
 * Remote components the engine did not expand: their providers' children are invisible offline, so each instance is
 * reported (advisory by default, mandatory under --strict) and every report lists them by type.
 */
import { doorId } from "../../../policies/model/doors";
import type { ProgramRun, Violation } from "../types";

export const UNEXPANDED_POLICY = "remote-component-expanded";

export function unexpandedViolations(run: ProgramRun, strict: boolean): Violation[] {
  const reasons = run.unexpandedUrns ?? {};
  return run.resources
    .filter((r) => !r.custom && r.urn in reasons)
    .map((r) => ({
      policy: UNEXPANDED_POLICY,
      enforcement: strict ? "mandatory" : "advisory",
      resource: { urn: r.urn, type: r.type, name: r.name, source: r.source },
      kind: "unexpanded-component",
      data: { type: r.type, reason: reasons[r.urn] ?? "" },
      door: doorId(["unexpanded", r.urn]),
      message:
        `${r.type} ${r.name} is a multi-language component that the offline engine does not expand${reasons[r.urn] ? ` (${reasons[r.urn]})` : ""}: the resources its provider creates are not checked. ` +
        "Fix: check this stack with the Pulumi CLI and the pack (pulumi preview --policy-pack), or build it from resources the engine sees; --strict makes this finding mandatory.",
    }));
}

/** "not expanded offline: TYPE × N, …", or "" when every remote component was expanded. */
export function unexpandedLine(run: ProgramRun): string {
  const list = run.unexpanded ?? [];
  return list.length ? `not expanded offline: ${list.map((u) => `${u.type} × ${u.count}`).join(", ")}` : "";
}
