/** A pull-request comment: verdict and findings table. The review report extends this. */
import type { CheckResult } from "../engine/types";
import { summarise } from "./text";

function cell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\n+/g, "<br>");
}

export function checkMarkdown(result: CheckResult): string {
  const s = summarise(result.violations);
  const verdict = s.mandatory ? "❌ **Blocked**" : "✅ **Passes**";
  const lines = [
    `### bulkhead: ${result.run.project}/${result.run.stack}`,
    "",
    `${verdict} — ${s.mandatory} mandatory, ${s.advisory} advisory, ${s.exempted} exempted; ${result.run.resources.length} resources checked.`,
    "",
  ];
  if (result.violations.length) {
    lines.push("| Rule | Level | Resource | Source | Finding |", "| --- | --- | --- | --- | --- |");
    for (const v of result.violations) {
      const level = v.exemption ? `exempted until ${v.exemption.expires}: ${v.exemption.reason}` : v.enforcement;
      lines.push(`| \`${v.policy}\` | ${cell(level)} | \`${cell(v.resource.name)}\` | ${v.resource.source ? `\`${v.resource.source}\`` : ""} | ${cell(v.message)} |`);
    }
  }
  return lines.join("\n") + "\n";
}
