/** Human-readable output: one finding per door (every rule it breaks, one fix), grouped by resource with file:line. */
import { checkCounts, countsText, findingsText, resourceCounts, summarise } from "./counts";
import { createColors } from "picocolors";
import type { CheckResult, ProgramRun } from "../engine/types";
import { doorControls, doorFix, doorsOf, findingText, type Door } from "./doors";
import { unexpandedLine } from "../engine/remote/unexpanded";
import { displayWire } from "../engine/wire";

export { summarise };

export interface TextOptions {
  color: boolean;
}

export function checkText(result: CheckResult, opts: TextOptions): string {
  const c = createColors(opts.color);
  const lines: string[] = [];
  const policies = new Map(result.policyPack.policies.map((p) => [p.name, p]));
  const byResource = new Map<string, Door[]>();
  for (const d of doorsOf(result.violations)) {
    const list = byResource.get(d.resource.urn) ?? [];
    list.push(d);
    byResource.set(d.resource.urn, list);
  }
  for (const doors of byResource.values()) {
    const r = doors[0].resource;
    lines.push(`${c.bold(r.name)} ${c.dim(r.type)}${r.source ? `  ${c.cyan(r.source)}` : ""}`);
    for (const d of doors) {
      const tag = d.status === "exempted" ? c.dim("exempted") : d.status === "mandatory" ? c.red("mandatory") : c.yellow("advisory");
      const controls = doorControls(d, policies);
      const where = d.path ? `${d.path}: ` : "";
      lines.push(`  ${tag} ${where}breaks ${d.policies.map((p) => c.bold(p)).join(", ")}${controls.length ? c.dim(` (controls ${controls.join(", ")})`) : ""}`);
      for (const v of d.findings) {
        const level = v.exemption ? c.dim(`exempted ${v.enforcement}`) : v.enforcement === "mandatory" ? c.red(v.enforcement) : c.yellow(v.enforcement);
        const [first, ...rest] = findingText(v).split("\n");
        lines.push(`    - ${c.bold(v.policy)} (${level}): ${first}`);
        for (const l of rest) lines.push(`        ${l}`);
        if (v.exemption) lines.push(`        ${c.dim(`exempted until ${v.exemption.expires}: ${v.exemption.reason}`)}`);
      }
      const fix = doorFix(d, policies);
      if (fix) lines.push(`    ${c.green("Fix:")} ${fix}`);
    }
    lines.push("");
  }
  const counts = checkCounts(result);
  const verdict = counts.mandatory ? c.red(c.bold("BLOCKED")) : c.green(c.bold("PASSED"));
  lines.push(
    `${verdict} ${result.run.project}/${result.run.stack}: ${countsText(result.run)} by ${result.policyPack.name}@${result.policyPack.version} — ${findingsText(counts)}`,
  );
  const unexpanded = unexpandedLine(result.run);
  if (unexpanded) lines.push(c.yellow(unexpanded));
  return lines.join("\n") + "\n";
}

function shortValue(v: unknown): string {
  const text = JSON.stringify(displayWire(v));
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

/** A `pulumi preview`-like tree of what would be created. */
export function previewText(run: ProgramRun, opts: TextOptions & { details?: boolean }): string {
  const c = createColors(opts.color);
  const children = new Map<string | undefined, typeof run.resources>();
  for (const r of run.resources) {
    const key = r.parent;
    const list = children.get(key) ?? [];
    list.push(r);
    children.set(key, list);
  }
  const lines: string[] = [`Previewing ${run.project}/${run.stack} (offline${run.preview ? "" : ", ids assumed known"})`, ""];
  const walk = (parent: string | undefined, depth: number) => {
    for (const r of children.get(parent) ?? []) {
      const indent = "  ".repeat(depth);
      lines.push(`${c.green("+")} ${indent}${r.type}  ${c.bold(r.name)}${r.source ? c.dim(`  ${r.source}`) : ""}`);
      if (opts.details) for (const [k, v] of Object.entries(r.inputs)) lines.push(`    ${indent}${c.dim(k)}: ${shortValue(v)}`);
      walk(r.urn, depth + 1);
    }
  };
  walk(undefined, 0);
  const outputs = Object.entries(run.outputs);
  if (outputs.length) {
    // Outputs in full: they are what a reviewer reads, and a cut value hides exactly what changed.
    lines.push("", "Outputs:");
    for (const [k, v] of outputs) lines.push(`    ${k}: ${JSON.stringify(displayWire(v), null, 2).replace(/\n/g, "\n    ")}`);
  }
  // The tree's own total; "checked" belongs to the verdict line, and with --no-policy nothing was checked.
  const { checked, toCreate } = resourceCounts(run);
  lines.push("", `Resources: ${c.green(`+ ${toCreate} to create`)} (${checked} in all, with the stack, components and providers)`);
  const unexpanded = unexpandedLine(run);
  if (unexpanded) lines.push(c.yellow(unexpanded));
  return lines.join("\n") + "\n";
}
