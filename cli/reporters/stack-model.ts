/**
 * The pack's network model for an offline run, so reports draw exactly what the rules reasoned about:
 * the same raw view the analyzer got (wire inputs with secrets unwrapped and unknowns kept as sentinels).
 */
import { stackResources } from "../engine/wire";
import type { ProgramRun, RegisteredResource } from "../engine/types";
import { buildModel, type NetworkModel } from "../../policies/model";

export const TENANT_TAG = "bulkhead:tenant";

export { stackResources };

/** The network model of a run; build once per report (it indexes every resource). */
export function modelOf(run: Pick<ProgramRun, "resources">): NetworkModel {
  return buildModel(stackResources(run.resources));
}

/** True for resources the cloud provider creates: not components, not providers, not the stack. */
export { isCreatedResource } from "./counts";
import { isCreatedResource } from "./counts";

/**
 * Owner of every created resource: its own `bulkhead:tenant` tag, else the tenant of the nearest enclosing
 * component whose tagged descendants all belong to one tenant (so a tenant's untaggable policies, aliases and
 * attachments count toward it), else undefined (the shared platform).
 */
export function ownersOf(resources: readonly RegisteredResource[], model: NetworkModel): Map<string, string | undefined> {
  const parentOf = new Map<string, string | undefined>();
  for (const r of resources) parentOf.set(r.urn, r.parent);
  const tenantsBelow = new Map<string, Set<string>>();
  for (const r of resources) {
    const t = model.tenantOf(r.urn);
    if (t === undefined) continue;
    const seen = new Set<string>();
    for (let p = r.parent; p !== undefined && !seen.has(p); p = parentOf.get(p)) {
      seen.add(p);
      let s = tenantsBelow.get(p);
      if (!s) tenantsBelow.set(p, (s = new Set()));
      s.add(t);
    }
  }
  const owners = new Map<string, string | undefined>();
  for (const r of resources) {
    if (!isCreatedResource(r)) continue;
    let owner = model.tenantOf(r.urn);
    // Declared shared (e.g. a pooled database server): never inherited from the one tenant below its component.
    const shared = owner === undefined && typeof (r.inputs as { tags?: Record<string, unknown> })?.tags?.["bulkhead:shared"] === "string";
    const seen = new Set<string>();
    for (let p = r.parent; owner === undefined && !shared && p !== undefined && !seen.has(p); p = parentOf.get(p)) {
      seen.add(p);
      const s = tenantsBelow.get(p);
      if (s && s.size === 1) owner = [...s][0];
      else if (s && s.size > 1) break;
    }
    owners.set(r.urn, owner);
  }
  return owners;
}

/** `aws:ec2/securityGroup:SecurityGroup` → `ec2.SecurityGroup`, `random:index/randomPassword:RandomPassword` → `random.RandomPassword`. */
export function shortType(type: string): string {
  const m = /^([^:]+):([^/:]+)\/[^:]*:([A-Za-z0-9]+)$/.exec(type);
  if (!m) return type;
  return m[2] === "index" ? `${m[1]}.${m[3]}` : `${m[2]}.${m[3]}`;
}
