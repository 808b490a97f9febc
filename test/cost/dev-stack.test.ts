/**
 * The estimator over the REAL dev stack (one engine run, in a worker as `bulkhead check` does) agrees with the
 * reference bill of materials the README's cost tables are generated from (cli/cost/bom.ts): per tenant (by
 * kind), for the platform, and for every shared pool. When the components change what a tenant or the platform
 * creates, this fails until bom.ts (and so the README) says the same.
 */
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { jobFor, runJobs } from "../../cli/engine";
import type { CheckResult } from "../../cli/engine/types";
import { estimateCost, type CostEstimate } from "../../cli/cost/estimate";
import { referenceStack, type ReferenceKind } from "../../cli/cost/bom";
import { checkMarkdown } from "../../cli/reporters/markdown";
import { money } from "../../cli/reporters/cost";

const ROOT = path.resolve(__dirname, "..", "..");
let dev: CheckResult;
let e: CostEstimate;

beforeAll(async () => {
  // The records are all the estimate needs: the policy pack is not run (its findings are test/review's).
  const [r] = await runJobs([jobFor(ROOT, { stack: "dev", displayRoot: ROOT, policyPack: false }).job]);
  if (!r.ok) throw new Error(`engine job failed: ${r.message} ${r.location ?? ""}`);
  dev = { run: r.run, policyPack: { name: "none", version: "0", policies: [] }, violations: [] };
  e = estimateCost(dev.run.resources);
}, 120_000);

const kinds: ReferenceKind[] = ["pooled", "dedicated-db", "silo"];
const ref = referenceStack(0, "pooled", { extra: kinds.map((k) => ({ tenant: k, kind: k })) });
const refEstimate = estimateCost(ref.resources, { owners: ref.owners });
const cents = (n: number) => Math.round(n * 100);

/** A tenant's own priced resources as `type $monthly`, sorted: what it pays for, engine names aside. */
function ownBill(est: CostEstimate, tenant: string): string[] {
  return est.resources
    .filter((r) => r.owner === tenant)
    .map((r) => `${r.type} ${money(r.monthly)}`)
    .sort();
}

describe("the dev stack's cost agrees with the README's reference bill of materials", () => {
  it("every resource the dev stack creates is priced or known to cost nothing (nothing unpriced)", () => {
    expect(e.unpriced).toEqual([]);
    expect(e.region).toBe("us-east-1");
  });

  it("each dev tenant owns exactly what the reference tenant of its kind owns, at the same cost", () => {
    expect(e.tenants.length).toBeGreaterThan(0);
    for (const t of e.tenants) {
      expect(kinds).toContain(t.kind);
      expect(ownBill(e, t.tenant), `tenant ${t.tenant} (${t.kind}) vs cli/cost/bom.ts`).toEqual(ownBill(refEstimate, t.kind));
      expect(cents(t.own)).toBe(cents(refEstimate.tenants.find((x) => x.tenant === t.kind)!.own));
    }
  });

  it("the platform and every shared pool cost what the reference's do", () => {
    const platform = e.pools.find((p) => p.id === "platform")!;
    // The reference's platform groups (network, NAT, endpoints, bastion, keys), without its pooled clusters.
    const platformUrns = new Set(ref.platform.flatMap((g) => g.records.map((r) => r.urn)));
    const refPlatform = refEstimate.resources.filter((r) => platformUrns.has(r.urn)).reduce((a, r) => a + r.monthly, 0);
    expect(cents(platform.monthly)).toBe(cents(refPlatform));
    // A shared resource tenants use (a shard's ALB, a pooled cluster and its instance) matches a reference pool
    // of the same type and cost.
    const refPools = refEstimate.pools.filter((p) => p.rule === "uses").map((p) => `${ref.resources.find((r) => r.urn === p.id)!.type} ${money(p.monthly)}`);
    for (const p of e.pools.filter((x) => x.rule === "uses")) {
      const type = dev.run.resources.find((r) => r.urn === p.id)!.type;
      expect(refPools, `${p.label}`).toContain(`${type} ${money(p.monthly)}`);
    }
  });

  it("the dev stack's review comment shows the same total and every tenant", () => {
    const md = checkMarkdown(dev, { headingLevel: 4 });
    expect(md).toContain(`##### Estimated fixed monthly cost: ${money(e.total)}\n`);
    for (const t of e.tenants) expect(md).toContain(`| ${t.tenant} | ${t.kind} | ${money(t.own)} | ${money(t.shared)} | ${money(t.total)} |`);
  });
});
