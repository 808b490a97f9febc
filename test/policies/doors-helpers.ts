/** Shared by the doors*.test.ts tables: mandatory findings as sorted "rule resource kind" lines. */
import { evaluate } from "../../policies/pack";
import { expect, it } from "vitest";
import { hardened, type Stack } from "./fixtures";

const nameOf = (urn?: string) => (urn ? urn.slice(urn.lastIndexOf("::") + 2) : "<stack>");

/** Every mandatory finding, or only those of the given rules (other rules' verdicts on a door are theirs to test). */
export function mandatoryFindings(s: Stack, rules?: string[]): string[] {
  return evaluate(s.resources)
    .filter((d) => d.enforcement === "mandatory" && (!rules || rules.includes(d.policy)))
    .map((d) => `${d.policy} ${nameOf(d.urn)} ${d.kind}`)
    .sort();
}

export type Triple = [rule: string, resource: string, kind: string];

/** Every mandatory finding as [rule, resource, kind], sorted and de-duplicated. */
export function mandatoryTriples(s: Stack): Triple[] {
  const t = evaluate(s.resources)
    .filter((d) => d.enforcement === "mandatory")
    .map((d) => [d.policy, nameOf(d.urn), d.kind ?? ""] as Triple);
  return [...new Map(t.map((x) => [x.join("|"), x])).values()].sort((a, b) => a.join("|").localeCompare(b.join("|")));
}

/** An IAM policy document of the given statements, as a program would write it. */
export const policyDoc = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });

export type Case = [title: string, build: (s: Stack) => void, expected: string[]];

/** One test per row: the hardened baseline plus the row's resources gives exactly the expected findings. */
export function findingsTable(cases: Case[], judge: (s: Stack) => string[]): void {
  for (const [title, build, expected] of cases)
    it(title, () => {
      const s = hardened();
      build(s);
      expect(judge(s)).toEqual([...expected].sort());
    });
}
