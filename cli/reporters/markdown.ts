/**
 * The pull-request comment: verdict, findings with their controls and source lines, exemptions, the reachability
 * map and what the stack creates per tenant — within GitHub's comment limit, shedding the longest optional
 * sections first and never the verdict or a mandatory finding.
 */
import { unexpandedLine } from "../engine/remote/unexpanded";
import { checkCounts, countsText, findingsText } from "./counts";
import { controlsOf, doorControls, doorFix, doorsOf, findingText, type Door } from "./doors";
import type { CheckResult, PolicyInfo, RegisteredResource } from "../engine/types";
import type { NetworkModel } from "../../policies/model";
import { tenancyIam } from "../../policies/model/tenancy-iam";
import { mermaidMap, type MapOptions } from "./mermaid";
import { isCreatedResource, modelOf, ownersOf, shortType } from "./stack-model";
import { costSections, type CostBaseline } from "./cost";

export { controlsOf, findingText };

/** GitHub rejects issue and pull-request comments longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65536;

export interface MarkdownOptions extends MapOptions {
  /** Base URL for source links, e.g. `https://github.com/o/r/blob/<sha>`; `file:line` becomes a link to `#L<line>`. */
  sourceUrl?: string;
  /** Character budget for the whole comment (default 65,536, GitHub's limit). */
  maxLength?: number;
  /** Heading level of the stack title (default 3). */
  headingLevel?: number;
  /** The base branch's cost of this stack (null: the base has no such stack); absent: absolute cost only. */
  costBaseline?: CostBaseline;
}

function cell(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\|/g, "\\|").replace(/\r?\n+/g, "<br>");
}

function code(s: string): string {
  return "`" + s.replace(/`/g, "'").replace(/\|/g, "\\|") + "`";
}

/** `components/x.ts:12` → a link to `BASE/components/x.ts#L12` when a base URL is given. */
export function sourceCell(source: string | null, base?: string): string {
  if (!source) return "";
  const m = /^(.*):(\d+)$/.exec(source);
  if (!base || !m) return code(source);
  const file = m[1].split(/[\\/]/).map(encodeURIComponent).join("/");
  return `[${cell(source)}](${base.replace(/\/+$/, "")}/${file}#L${m[2]})`;
}


/** One section of the comment; `rows` can be shed from the end when the comment is too long. */
interface Section {
  head: string[];
  rows: string[];
  tail: string[];
  /** Never shortened (verdict, mandatory findings). */
  keep?: boolean;
  /** Shed as a whole, replaced by `dropNote` (the map: half a diagram does not parse). */
  whole?: boolean;
  dropNote?: string;
  /** Where the shed rows can be read instead. */
  fullList?: string;
  /** Heading shown alone when every row was shed (defaults to the first head line). */
  title?: string;
  /** Rows shown after truncation, for the note. */
  shown?: number;
}

const render = (s: Section): string => {
  if (s.shown === undefined) return [...s.head, ...s.rows, ...s.tail].join("\n");
  if (s.whole) return s.dropNote ?? "";
  const hidden = s.rows.length - s.shown;
  const note = `\n_${hidden} more row${hidden === 1 ? "" : "s"} not shown to stay within GitHub's comment limit; ${s.fullList ?? "the full list is in the SARIF results (code scanning) and `bulkhead check`"}._`;
  if (s.shown === 0) return `${s.title ?? s.head[0]}\n${note}`;
  return [...s.head, ...s.rows.slice(0, s.shown), ...s.tail, note].join("\n");
};

function fit(sections: Section[], max: number): string {
  const join = () => sections.map(render).filter((x) => x !== "").join("\n\n") + "\n";
  let text = join();
  while (text.length > max) {
    const candidates = sections.filter((s) => !s.keep && (s.shown === undefined || s.shown > 0) && !(s.whole && s.shown !== undefined));
    if (!candidates.length) break;
    const longest = candidates.reduce((a, b) => (render(b).length > render(a).length ? b : a));
    if (longest.whole) longest.shown = 0;
    else {
      // Drop whole rows until the overflow is paid for (the note costs a little, hence the margin).
      let over = text.length - max + 200;
      let shown = longest.shown ?? longest.rows.length;
      while (shown > 0 && over > 0) over -= longest.rows[--shown].length + 1;
      longest.shown = shown;
    }
    text = join();
  }
  return text;
}

/**
 * One row per door: every rule it breaks, their controls, each rule's finding, one fix. `shorten` (the last resort
 * when even the mandatory doors overflow the comment) cuts each finding and leaves controls and fix out.
 */
function doorRows(doors: Door[], policies: Map<string, PolicyInfo>, base?: string, shorten?: (t: string) => string): string[] {
  return doors.map((d) => {
    const r = d.resource;
    const rules = d.policies.map(code).join("<br>");
    const findings = d.findings.map((v) => `${code(v.policy)}${v.exemption ? " (exempted)" : ""}: ${cell((shorten ?? String)(findingText(v)))}`).join("<br>");
    const where = `${code(r.name)}${d.path ? ` ${code(d.path)}` : ""}<br>${cell(shortType(r.type))}`;
    if (shorten) return `| ${rules} | | ${where} | ${sourceCell(r.source, base)} | ${findings} | |`;
    return `| ${rules} | ${cell(doorControls(d, policies).join(", "))} | ${where} | ${sourceCell(r.source, base)} | ${findings} | ${cell(doorFix(d, policies))} |`;
  });
}

const FINDING_HEAD = ["| Rules | Controls | Resource | Source | Findings | Fix |", "| --- | --- | --- | --- | --- | --- |"];

const doorCount = (n: number) => `${n} door${n === 1 ? "" : "s"}`;

function ownerName(o: string | undefined): string {
  return o === undefined ? "shared platform" : `tenant ${o}`;
}

function countText(m: Map<string, number>): string {
  return [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([t, n]) => `${t} ×${n}`).join(", ");
}

/** Resources to create, by owner (tenant tag or tenant component) and by type, with totals. */
function resourceSections(resources: RegisteredResource[], model: NetworkModel, h: string): Section[] {
  const owners = ownersOf(resources, model);
  const created = resources.filter(isCreatedResource);
  // "" is the shared platform (Array#sort would move undefined keys last without asking the comparator).
  const byOwner = new Map<string, Map<string, number>>();
  const byType = new Map<string, Map<string, number>>();
  for (const r of created) {
    const o = owners.get(r.urn) ?? "";
    const t = shortType(r.type);
    const om = byOwner.get(o) ?? new Map<string, number>();
    om.set(t, (om.get(t) ?? 0) + 1);
    byOwner.set(o, om);
    const tm = byType.get(t) ?? new Map<string, number>();
    tm.set(o, (tm.get(o) ?? 0) + 1);
    byType.set(t, tm);
  }
  const sum = (m: Map<unknown, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const ownerList = [...byOwner.keys()].sort((a, b) => a.localeCompare(b));
  const ownerRows = ownerList.map((o) => `| ${cell(ownerName(o || undefined))} | ${sum(byOwner.get(o)!)} | ${cell(countText(byOwner.get(o)!))} |`);
  const long = ownerRows.length > 8;
  const byOwnerSection: Section = {
    head: [
      `${h} Resources to create: ${created.length}`,
      "",
      `${ownerList.length} owner${ownerList.length === 1 ? "" : "s"} (the \`bulkhead:tenant\` tag, or the tenant component a resource belongs to; the rest is the shared platform), ${byType.size} types.`,
      "",
      ...(long ? [`<details><summary>By owner (${ownerList.length})</summary>`, ""] : []),
      "| Owner | Resources | By type |",
      "| --- | ---: | --- |",
    ],
    rows: ownerRows,
    fullList: "`bulkhead preview` lists every resource",
    tail: [`| **Total** | **${created.length}** | ${byType.size} types |`, ...(long ? ["", "</details>"] : [])],
  };
  const typeRows = [...byType]
    .sort((a, b) => sum(b[1]) - sum(a[1]) || a[0].localeCompare(b[0]))
    .map(([t, m]) => `| ${code(t)} | ${sum(m)} | ${cell(ownerList.filter((o) => m.has(o)).map((o) => `${o || "platform"} ${m.get(o)}`).join(", "))} |`);
  const byTypeSection: Section = {
    fullList: "`bulkhead preview` lists every resource",
    title: `${h} Resources by type (${byType.size} types)`,
    head: [`<details><summary>By type (${byType.size} types)</summary>`, "", "| Type | Total | Per owner |", "| --- | ---: | --- |"],
    rows: typeRows,
    tail: [`| **Total** | **${created.length}** | |`, "", "</details>"],
  };
  return [byOwnerSection, byTypeSection];
}

/** The comment for one checked stack. */
/** Cross-tenant IAM paths (tenant-isolation's IAM half), shown beside the network map. */
function iamPathsSection(model: NetworkModel, h2: string): Section {
  const t = tenancyIam(model);
  const owner = (o: string) => (o === "" ? "shared platform" : `tenant ${o}`);
  const rows = [
    ...t.accesses.map((a) => `| ${code(model.label(a.principalUrn))} (tenant ${cell(a.principalTenant)}) | ${code(a.action)} | ${code(model.label(a.resourceUrn))} (${owner(a.owner)}) | ${code(model.label(a.by.source.urn))} ${cell(a.statement)} |`),
    ...t.retags.map((r) => `| ${code(model.label(r.principalUrn))} (tenant ${cell(r.principalTenant)}) | \`iam:TagRole\` | itself: its bulkhead:tenant tag | ${code(model.label(r.by.source.urn))} ${cell(r.statement)} |`),
    ...t.shared.map((x) => `| ${code(model.label(x.roleUrn))} (tenants ${cell(x.tenants.join(", "))}) | runs the compute of | ${cell(x.users.map((u) => model.label(u)).join(", "))} | one role for several tenants |`),
  ];
  const head = `${h2} Cross-tenant IAM paths`;
  if (!rows.length) return { head: [head, "", `No IAM permission of a tenant's principals, and no resource policy naming them, reaches another tenant's secrets, keys, parameters, roles or data stores (${t.principals} tenant principals evaluated).`], rows: [], tail: [] };
  return { head: [head, "", "| Principal | Action | Resource (owner) | Allowed by |", "| --- | --- | --- | --- |"], rows, tail: [], title: head, fullList: "the tenant-isolation findings" };
}

export function checkMarkdown(result: CheckResult, opts: MarkdownOptions = {}): string {
  const max = opts.maxLength ?? GITHUB_COMMENT_LIMIT;
  const h = "#".repeat(Math.min(6, Math.max(1, opts.headingLevel ?? 3)));
  const h2 = "#".repeat(Math.min(6, (opts.headingLevel ?? 3) + 1));
  const counts = checkCounts(result);
  const policies = new Map(result.policyPack.policies.map((p) => [p.name, p]));
  const verdict = counts.mandatory ? "❌ **Blocked**" : "✅ **Passes**";
  const sections: Section[] = [
    {
      keep: true,
      head: [
        `${h} bulkhead: ${result.run.project}/${result.run.stack}`,
        "",
        `${verdict} — ${findingsText(counts)} · ${countsText(result.run)} · policy pack ${result.policyPack.name} ${result.policyPack.version}`,
        ...(unexpandedLine(result.run) ? ["", `⚠️ ${unexpandedLine(result.run)} (their children are not checked)`] : []),
      ],
      rows: [],
      tail: [],
    },
  ];
  // One row per door (issue 13): a door with a live mandatory finding blocks; the exemptions stay listed per finding.
  const doors = doorsOf(result.violations);
  const mandatory = doors.filter((d) => d.status === "mandatory");
  if (mandatory.length)
    sections.push({ keep: true, head: [`${h2} Mandatory findings (${doorCount(mandatory.length)}) — block the deploy`, "", ...FINDING_HEAD], rows: doorRows(mandatory, policies, opts.sourceUrl), tail: [] });
  const advisory = doors.filter((d) => d.status === "advisory");
  if (advisory.length)
    sections.push({ head: [`${h2} Advisory findings (${doorCount(advisory.length)})`, "", ...FINDING_HEAD], rows: doorRows(advisory, policies, opts.sourceUrl), tail: [] });
  const exempted = result.violations.filter((v) => v.exemption);
  if (exempted.length)
    sections.push({
      head: [`${h2} Exemptions (${exempted.length})`, "", "| Rule | Level | Resource | Source | Reason | Expires |", "| --- | --- | --- | --- | --- | --- |"],
      rows: exempted.map(
        (v) => `| ${code(v.policy)} | ${v.enforcement} | ${code(v.resource.name)} | ${sourceCell(v.resource.source, opts.sourceUrl)} | ${cell(v.exemption!.reason)} | ${cell(v.exemption!.expires)} |`,
      ),
      tail: [],
    });
  const model = modelOf(result.run);
  const map = mermaidMap(result, opts, model);
  const mapHead = `${h2} Reachability map`;
  sections.push({
    whole: true,
    head: [
      mapHead,
      "",
      "Who can reach which security group, on which port, as the policy pack sees it. " +
        `Thick red: an edge a rule blames; dotted orange: an exempted finding; dotted: open to the world but nothing attached is publicly routed yet. ` +
        "Hops no security group shows are edges too: `forwards to tg …` (load balancer → targets), `origin …` (CloudFront), `vpc link …` (API Gateway), `PrivateLink` (endpoint services); `IAM …` edges are cross-tenant permissions (listed below).",
      "",
      "```mermaid",
    ],
    rows: [map.trimEnd()],
    tail: ["```"],
    dropNote: `${mapHead}\n\n_The map (${map.length} characters) does not fit in this comment; run \`bulkhead diagram PATH --stack ${result.run.stack}\` to print it._`,
  });
  sections.push(iamPathsSection(model, h2));
  sections.push(...costSections(result.run, ownersOf(result.run.resources, model), h2, opts.costBaseline));
  sections.push(...resourceSections(result.run.resources, model, h2));
  let text = fit(sections, max);
  if (text.length > max && mandatory.length) {
    // Only the verdict and the mandatory findings are left and still too long: every finding stays listed,
    // each message shortened to an equal share of the room left.
    const rest = text.length - sections[1].rows.join("\n").length;
    const per = Math.max(80, Math.floor((max - rest - 400) / mandatory.reduce((n, d) => n + d.findings.length, 0)) - 120);
    const short = (t: string) => (t.length > per ? t.slice(0, per - 1) + "…" : t);
    sections[1].rows = doorRows(mandatory, policies, opts.sourceUrl, short);
    sections[1].tail = [`\n_Messages shortened to fit GitHub's comment limit; the full text is in the SARIF results (code scanning) and \`bulkhead check\`._`];
    text = fit(sections, max);
  }
  return text;
}
