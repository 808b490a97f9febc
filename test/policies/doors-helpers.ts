/** Shared by the doors*.test.ts tables: mandatory findings as sorted "rule resource kind" lines. */
import { evaluate } from "../../policies/pack";
import type { Stack } from "./fixtures";

const nameOf = (urn?: string) => (urn ? urn.slice(urn.lastIndexOf("::") + 2) : "<stack>");

/** Every mandatory finding, or only those of the given rules (other rules' verdicts on a door are theirs to test). */
export function mandatoryFindings(s: Stack, rules?: string[]): string[] {
  return evaluate(s.resources)
    .filter((d) => d.enforcement === "mandatory" && (!rules || rules.includes(d.policy)))
    .map((d) => `${d.policy} ${nameOf(d.urn)} ${d.kind}`)
    .sort();
}
