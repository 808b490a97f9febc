/** Human-readable output: violations grouped by resource with file:line, colour only on a terminal. */
import { countsText, resourceCounts } from "./counts";
import { createColors } from "picocolors";
import type { CheckResult, ProgramRun, Violation } from "../engine/types";
import { unexpandedLine } from "../engine/remote/unexpanded";
import { displayWire } from "../engine/wire";

export interface TextOptions {
  color: boolean;
}

export function summarise(violations: Violation[]): { mandatory: number; advisory: number; exempted: number } {
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

export function checkText(result: CheckResult, opts: TextOptions): string {
  const c = createColors(opts.color);
  const lines: string[] = [];
  const byResource = new Map<string, Violation[]>();
  for (const v of result.violations) {
    const list = byResource.get(v.resource.urn) ?? [];
    list.push(v);
    byResource.set(v.resource.urn, list);
  }
  for (const list of byResource.values()) {
    const r = list[0].resource;
    lines.push(`${c.bold(r.name)} ${c.dim(r.type)}${r.source ? `  ${c.cyan(r.source)}` : ""}`);
    for (const v of list) {
      const tag = v.exemption
        ? c.dim(`exempted ${v.enforcement}`)
        : v.enforcement === "mandatory"
          ? c.red("mandatory")
          : c.yellow("advisory");
      const [first, ...rest] = v.message.split("\n");
      lines.push(`  ${tag} ${c.bold(v.policy)}: ${first}`);
      for (const l of rest) lines.push(`      ${l}`);
      if (v.exemption) lines.push(`      ${c.dim(`exempted until ${v.exemption.expires}: ${v.exemption.reason}`)}`);
    }
    lines.push("");
  }
  const s = summarise(result.violations);
  const verdict = s.mandatory ? c.red(c.bold("BLOCKED")) : c.green(c.bold("PASSED"));
  lines.push(
    `${verdict} ${result.run.project}/${result.run.stack}: ${countsText(result.run)} by ${result.policyPack.name}@${result.policyPack.version} — ` +
      `${s.mandatory} mandatory, ${s.advisory} advisory, ${s.exempted} exempted`,
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
  const { toCreate } = resourceCounts(run);
  lines.push("", `Resources: ${c.green(`+ ${toCreate} to create`)} (${countsText(run)})`);
  const unexpanded = unexpandedLine(run);
  if (unexpanded) lines.push(c.yellow(unexpanded));
  return lines.join("\n") + "\n";
}
