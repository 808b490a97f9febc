/**
 * The review comment's cost sections: the estimated fixed monthly cost per tenant and in total, what a change
 * adds or removes against the base branch's run (`--cost-baseline`), how shared costs were split, what could
 * not be priced, and (collapsed) every priced resource as units × price.
 */
import type { RegisteredResource } from "../engine/types";
import { estimateCost } from "../cost/estimate";
import { costDelta, summariseCost, type CostSummary, type TenantDelta } from "../cost/summary";

/** Same shape as the markdown reporter's sections: `rows` can be shed from the end to fit the comment. */
export interface CostSection {
  head: string[];
  rows: string[];
  tail: string[];
  title?: string;
  fullList?: string;
}

/**
 * The base branch's cost for the stack being reviewed: a summary, or null when baselines were given but none is
 * for this stack (a stack the change adds: everything in it is new).
 */
export type CostBaseline = CostSummary | null;

/** `$1,234.56`; negative as `−$3.00`. */
export function money(n: number): string {
  const s = `$${Math.abs(n).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  return n < 0 ? `−${s}` : s;
}

/** `+$9.19`, `−$3.00`, `±$0.00`. */
export function signed(n: number): string {
  const c = Math.round(n * 100) / 100;
  return c > 0 ? `+${money(c)}` : c < 0 ? money(c) : "±$0.00";
}

function price(p: number): string {
  return `$${p.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 6 })}`;
}

const STATUS: Record<TenantDelta["status"], string> = { added: " (new)", removed: " (removed)", changed: "", unchanged: "" };

const EMPTY_BASE = (now: CostSummary): CostSummary => ({ ...now, total: 0, unallocated: 0, tenants: [], shared: [], resources: [], unpriced: [], usageOnly: [] });

function cell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * The cost sections of one stack's comment. `baseline` undefined: absolute figures only; a summary (or null
 * for a stack the base branch does not have): the change per tenant and in total as well.
 */
export function costSections(
  run: { project: string; stack: string; resources: RegisteredResource[] },
  /** Owner of each created resource (`ownersOf`, already computed by the caller); derived when undefined. */
  owners: Map<string, string | undefined> | undefined,
  h2: string,
  baseline?: CostBaseline,
): CostSection[] {
  const now = summariseCost(run, estimateCost(run.resources, owners ? { owners } : {}));
  const base = baseline === undefined ? undefined : baseline ?? EMPTY_BASE(now);
  const delta = base ? costDelta(base, now) : undefined;
  const title = `${h2} Estimated fixed monthly cost: ${money(now.total)}${delta ? ` (${signed(delta.delta)})` : ""}`;
  const head = [
    title,
    "",
    ...(delta
      ? [
          baseline === null
            ? `No \`--cost-baseline\` is for the \`${now.stack}\` stack (the base branch has no such stack): everything here counts as new.`
            : `${signed(delta.delta)} a month against the base branch (${money(delta.before)} → ${money(delta.after)}).` +
              (delta.priceTableChanged ? ` ⚠️ The base run used the price table of ${base!.priceTable.asOf}: part of the change is prices.` : ""),
          "",
        ]
      : []),
    `What runs at zero traffic, at ${now.priceTable.region} on-demand list prices as of ${now.priceTable.asOf} (\`cli/cost/prices.ts\`), ${now.priceTable.hoursPerMonth} h a month; ` +
      `traffic, requests, log ingestion and data growth are not included.` +
      (now.region && now.region !== now.priceTable.region ? ` ⚠️ This stack deploys to ${now.region}: its prices differ.` : ""),
  ];
  const tenantRows: string[] = [];
  const byTenant = new Map(now.tenants.map((t) => [t.tenant, t]));
  if (delta) {
    const order = [...delta.tenants].sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || a.tenant.localeCompare(b.tenant));
    for (const d of order) {
      const t = byTenant.get(d.tenant);
      const kind = t?.kind ?? base!.tenants.find((x) => x.tenant === d.tenant)?.kind ?? "";
      tenantRows.push(
        t
          ? `| ${cell(d.tenant)} | ${kind} | ${money(t.own)} | ${money(t.shared)} | ${money(t.total)} | ${signed(d.delta)}${STATUS[d.status]} |`
          : `| ~~${cell(d.tenant)}~~ | ${kind} | | | ${money(0)} | ${signed(d.delta)}${STATUS[d.status]} |`,
      );
    }
  } else for (const t of now.tenants) tenantRows.push(`| ${cell(t.tenant)} | ${t.kind} | ${money(t.own)} | ${money(t.shared)} | ${money(t.total)} |`);

  const tableHead = delta
    ? ["| Tenant | Kind | Own | Share of shared | Total | Change |", "| --- | --- | ---: | ---: | ---: | ---: |"]
    : ["| Tenant | Kind | Own | Share of shared | Total |", "| --- | --- | ---: | ---: | ---: |"];
  const unallocated = now.unallocated || delta?.unallocated.before ? [`| _shared, no tenant to split it across_ | | | | ${money(now.unallocated)} |${delta ? ` ${signed(delta.unallocated.delta)} |` : ""}`] : [];
  const totalRow = `| **Total** | | | | **${money(now.total)}** |${delta ? ` **${signed(delta.delta)}** |` : ""}`;
  const shared = now.shared.map((p) => `${p.label} ${money(p.monthly)}${p.tenants.length ? ` ÷ ${p.tenants.length} = ${money(p.perTenant)} each` : " (unallocated)"}`);
  const notes = [
    ...(shared.length
      ? [
          "",
          `Shared costs are split equally: a shared resource among the tenants whose resources depend on it, the rest of the platform among the tenants on the shared network (silo tenants run their own): ${shared.join("; ")}.`,
        ]
      : []),
    ...(now.unpriced.length ? ["", `⚠️ **Not priced** (${now.unpriced.length}, not counted as $0): ${unpricedText(now)}.`] : []),
    ...(now.usageOnly.length ? ["", `Billed by use only ($0 fixed): ${now.usageOnly.map((u) => `${u.count} × \`${shortType(u.type)}\` (${u.billedBy})`).join(", ")}.`] : []),
  ];
  const summary: CostSection = {
    title,
    head: [...head, "", ...(tenantRows.length ? tableHead : [])],
    rows: tenantRows,
    tail: tenantRows.length ? [...unallocated, totalRow, ...notes] : [`No tenant (\`bulkhead:tenant\`) in this stack: ${money(now.total)} is shared.`, ...notes],
    fullList: "`bulkhead check --format json` has every tenant's cost",
  };
  const detail = breakdown(now, h2, baseline === undefined ? undefined : base);
  return detail.rows.length ? [summary, detail] : [summary];
}

function shortType(type: string): string {
  const m = /^([^:]+):([^/:]+)\/[^:]*:([A-Za-z0-9]+)$/.exec(type);
  return m ? `${m[2] === "index" ? m[1] : m[2]}.${m[3]}` : type;
}

function unpricedText(now: CostSummary): string {
  const groups = new Map<string, number>();
  for (const u of now.unpriced) {
    const k = `\`${shortType(u.type)}\`: ${u.reason}`;
    groups.set(k, (groups.get(k) ?? 0) + 1);
  }
  return [...groups].map(([k, n]) => `${n} × ${k}`).join("; ");
}

/** Every priced resource as units × price (without a baseline), or only what the change adds, removes or alters. */
function breakdown(now: CostSummary, h2: string, base?: CostSummary): CostSection {
  const owner = (o: string | null) => (o === null ? "shared" : cell(o));
  const items = (r: CostSummary["resources"][number]) => r.items.map((i) => `${cell(i.what)}: ${i.quantity.toLocaleString("en-US")} ${i.unit} × ${price(i.price)}`).join("<br>");
  let rows: string[];
  let what: string;
  if (!base) {
    what = `How the figure was computed (${now.resources.length} priced resources)`;
    rows = [...now.resources]
      .sort((a, b) => (a.owner ?? "").localeCompare(b.owner ?? "") || b.monthly - a.monthly || a.name.localeCompare(b.name))
      .map((r) => `| \`${cell(r.name)}\` | ${owner(r.owner)} | ${items(r)} | ${money(r.monthly)} |`);
  } else {
    const before = new Map(base.resources.map((r) => [r.urn, r]));
    const after = new Map(now.resources.map((r) => [r.urn, r]));
    rows = [];
    for (const r of now.resources) {
      const b = before.get(r.urn);
      if (!b || Math.round((r.monthly - b.monthly) * 100) !== 0) rows.push(`| \`${cell(r.name)}\`${b ? "" : " (new)"} | ${owner(r.owner)} | ${items(r)} | ${signed(r.monthly - (b?.monthly ?? 0))} |`);
    }
    for (const b of base.resources) if (!after.has(b.urn)) rows.push(`| ~~\`${cell(b.name)}\`~~ (removed) | ${owner(b.owner)} | ${items(b)} | ${signed(-b.monthly)} |`);
    what = `Resources that change the cost (${rows.length})`;
  }
  const headRow = base ? "| Resource | Owner | Units × price (now) | Change |" : "| Resource | Owner | Units × price | Monthly |";
  return {
    title: `${h2} ${what}`,
    head: [`<details><summary>${what}</summary>`, "", headRow, "| --- | --- | --- | ---: |"],
    rows,
    tail: ["", "</details>"],
    fullList: "`bulkhead check --format json` has every resource's cost",
  };
}
