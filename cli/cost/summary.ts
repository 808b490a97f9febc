/**
 * The `cost` section of `bulkhead check --format json` (docs/contract.md) and the change between two of them:
 * the base branch's run (a `--cost-baseline` file) and this one.
 */
import { readFileSync } from "node:fs";
import type { ProgramRun } from "../engine/types";
import { CliError } from "../errors";
import { estimateCost, round2, type CostEstimate, type CostItem, type EstimateOptions, type TenantKind } from "./estimate";

export interface CostSummary {
  project: string;
  stack: string;
  currency: string;
  priceTable: { asOf: string; region: string; hoursPerMonth: number };
  /** Region of the stack's default AWS provider, when known. */
  region: string | null;
  /** Every priced resource, USD a month, rounded to cents. */
  total: number;
  /** Shared cost no tenant pays a share of (a stack without pooled tenants). */
  unallocated: number;
  tenants: Array<{ tenant: string; kind: TenantKind; own: number; shared: number; total: number }>;
  shared: Array<{ id: string; label: string; monthly: number; rule: "uses" | "platform"; tenants: string[]; perTenant: number }>;
  resources: Array<{ urn: string; type: string; name: string; owner: string | null; monthly: number; items: CostItem[] }>;
  unpriced: Array<{ urn: string; type: string; name: string; owner: string | null; reason: string }>;
  usageOnly: Array<{ type: string; count: number; billedBy: string }>;
}

export function summariseCost(run: Pick<ProgramRun, "project" | "stack" | "resources">, estimate?: CostEstimate, opts: EstimateOptions = {}): CostSummary {
  const e = estimate ?? estimateCost(run.resources, opts);
  const r4 = (n: number) => Math.round(n * 10000) / 10000;
  return {
    project: run.project,
    stack: run.stack,
    currency: e.priceTable.currency,
    priceTable: { asOf: e.priceTable.asOf, region: e.priceTable.region, hoursPerMonth: e.priceTable.hoursPerMonth },
    region: e.region ?? null,
    total: round2(e.total),
    unallocated: round2(e.unallocated),
    tenants: e.tenants.map((t) => ({ tenant: t.tenant, kind: t.kind, own: round2(t.own), shared: round2(t.shared), total: round2(t.total) })),
    shared: e.pools.map((p) => ({ id: p.id, label: p.label, monthly: round2(p.monthly), rule: p.rule, tenants: p.tenants, perTenant: round2(p.perTenant) })),
    resources: e.resources.map((c) => ({
      urn: c.urn,
      type: c.type,
      name: c.name,
      owner: c.owner ?? null,
      monthly: round2(c.monthly),
      items: c.items.map((i) => ({ what: i.what, quantity: r4(i.quantity), unit: i.unit, price: i.price, monthly: round2(i.monthly) })),
    })),
    unpriced: e.unpriced.map((u) => ({ urn: u.urn, type: u.type, name: u.name, owner: u.owner ?? null, reason: u.reason })),
    usageOnly: e.usageOnly,
  };
}

/** One tenant's change between the baseline and this run. */
export interface TenantDelta {
  tenant: string;
  status: "added" | "removed" | "changed" | "unchanged";
  before: number;
  after: number;
  delta: number;
}

export interface CostDelta {
  before: number;
  after: number;
  delta: number;
  tenants: TenantDelta[];
  /** Shared cost not paid by any tenant, before and after. */
  unallocated: { before: number; after: number; delta: number };
  /** The baseline was priced with another price table: part of the change may be price, not infrastructure. */
  priceTableChanged: boolean;
}

const cents = (n: number) => Math.round(n * 100) / 100;

export function costDelta(base: CostSummary, now: CostSummary): CostDelta {
  const before = new Map(base.tenants.map((t) => [t.tenant, t.total]));
  const after = new Map(now.tenants.map((t) => [t.tenant, t.total]));
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  const tenants = names.map((tenant): TenantDelta => {
    const b = before.get(tenant);
    const a = after.get(tenant);
    const delta = cents((a ?? 0) - (b ?? 0));
    const status = b === undefined ? "added" : a === undefined ? "removed" : delta === 0 ? "unchanged" : "changed";
    return { tenant, status, before: b ?? 0, after: a ?? 0, delta };
  });
  return {
    before: base.total,
    after: now.total,
    delta: cents(now.total - base.total),
    tenants,
    unallocated: { before: base.unallocated, after: now.unallocated, delta: cents(now.unallocated - base.unallocated) },
    priceTableChanged: base.priceTable.asOf !== now.priceTable.asOf || base.priceTable.region !== now.priceTable.region,
  };
}

function isSummary(v: unknown): v is CostSummary {
  const o = v as Record<string, unknown>;
  return (
    typeof o === "object" &&
    o !== null &&
    typeof o.stack === "string" &&
    typeof o.total === "number" &&
    typeof o.unallocated === "number" &&
    Array.isArray(o.tenants) &&
    (o.tenants as unknown[]).every((t) => typeof (t as any)?.tenant === "string" && typeof (t as any)?.total === "number") &&
    typeof (o.priceTable as any)?.asOf === "string"
  );
}

/**
 * A `--cost-baseline` file: the JSON of `bulkhead check --format json` on the base branch (its `cost` section is
 * read), or a bare cost section. Errors name the file and say how to produce one.
 */
export function readCostBaseline(file: string): CostSummary {
  const fix = "produce it on the base branch with `bulkhead check PATH --stack STACK --format json --output FILE`";
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new CliError("usage", `--cost-baseline ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`, null, fix);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new CliError("usage", `--cost-baseline ${file}: not JSON (${(e as Error).message})`, null, fix);
  }
  const cost = typeof doc === "object" && doc !== null && "cost" in doc ? (doc as { cost: unknown }).cost : doc;
  if (!isSummary(cost)) throw new CliError("usage", `--cost-baseline ${file}: no \`cost\` section with stack, total, unallocated, tenants and priceTable`, null, fix);
  return cost;
}
