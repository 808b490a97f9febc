/**
 * The one way every format counts (issue 13: counts mean the same thing in every format):
 * - `resources` is every registration the pack saw (the stack, components and providers too); `toCreate` is what a
 *   deployment would create (custom resources, without the stack and providers);
 * - `findings` is one per rule and resource (the JSON's `violations` entries), `mandatory`/`advisory`/`exempted`
 *   split them by level;
 * - `doors` is the findings grouped by the grant they are about (see ./doors.ts): what text, markdown and SARIF list.
 */
import type { CheckResult, ProgramRun, RegisteredResource, Violation } from "../engine/types";
import { doorsOf } from "./doors";

export function isCreatedResource(r: RegisteredResource): boolean {
  return r.custom && !r.type.startsWith("pulumi:providers:") && r.type !== "pulumi:pulumi:Stack";
}

export function resourceCounts(run: ProgramRun): { checked: number; toCreate: number } {
  return { checked: run.resources.length, toCreate: run.resources.filter(isCreatedResource).length };
}

/** "9 resources checked (7 to create)", the same words in every format. */
export function countsText(run: ProgramRun): string {
  const { checked, toCreate } = resourceCounts(run);
  return `${checked} resources checked (${toCreate} to create)`;
}

export interface Counts {
  resources: number;
  toCreate: number;
  doors: number;
  findings: number;
  mandatory: number;
  advisory: number;
  exempted: number;
}

/** Findings by level: an exempted finding counts as exempted whatever its level. */
export function summarise(violations: readonly Violation[]): { mandatory: number; advisory: number; exempted: number } {
  let mandatory = 0;
  let advisory = 0;
  let exempted = 0;
  for (const v of violations) {
    if (v.exemption) exempted++;
    else if (v.enforcement === "mandatory") mandatory++;
    else advisory++;
  }
  return { mandatory, advisory, exempted };
}

export function checkCounts(result: Pick<CheckResult, "run" | "violations">): Counts {
  const { checked, toCreate } = resourceCounts(result.run);
  return { resources: checked, toCreate, doors: doorsOf(result.violations).length, findings: result.violations.length, ...summarise(result.violations) };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "3 findings at 1 door: 3 mandatory, 0 advisory, 0 exempted", the same words in every format. */
export function findingsText(c: Counts): string {
  return `${plural(c.findings, "finding", "findings")} at ${plural(c.doors, "door", "doors")}: ${c.mandatory} mandatory, ${c.advisory} advisory, ${c.exempted} exempted`;
}
