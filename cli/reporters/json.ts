/** The JSON contract of docs/contract.md: stable keys, extended only. */
import type { CheckResult, ProgramRun } from "../engine/types";
import { displayWire } from "../engine/wire";
import { summariseCost } from "../cost/summary";
import { checkCounts } from "./counts";

/**
 * `violations` keeps one entry per rule and resource, each naming its `door`; `doors` counts the doors (what text,
 * markdown and SARIF list) and `counts` is the summary every format prints (cli/reporters/counts.ts).
 */
export function checkJson(result: CheckResult): string {
  const counts = checkCounts(result);
  const doc = { resources: result.run.resources.length, doors: counts.doors, counts, violations: result.violations, unexpanded: result.run.unexpanded ?? [] };
  // The estimated fixed monthly cost (docs/contract.md): what `review --cost-baseline` compares against.
  return JSON.stringify({ ...doc, cost: summariseCost(result.run) }, null, 2) + "\n";
}

export function previewJson(run: ProgramRun, violations?: CheckResult["violations"]): string {
  const doc: Record<string, unknown> = {
    resources: run.resources.map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      parent: r.parent ?? null,
      provider: r.provider ?? null,
      inputs: displayWire(r.inputs),
      source: r.source,
    })),
    outputs: displayWire(run.outputs),
    unexpanded: run.unexpanded ?? [],
  };
  // What the engine answered in the account's place (README: Invokes answered offline).
  if (run.invokes?.length) doc.invokes = run.invokes.map((i) => ({ token: i.token, answeredBy: i.answeredBy, args: displayWire(i.args), result: displayWire(i.result) }));
  if (violations) {
    doc.doors = checkCounts({ run, violations }).doors;
    doc.violations = violations;
  }
  return JSON.stringify(doc, null, 2) + "\n";
}
