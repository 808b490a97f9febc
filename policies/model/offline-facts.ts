/**
 * Facts the offline engine (bulkhead check) knows about resources outside the stack because it answered the
 * program's lookups itself: the default VPC's subnets, which AWS creates with mapPublicIpOnLaunch: true
 * (https://docs.aws.amazon.com/vpc/latest/userguide/default-vpc.html), and subnets the user described with
 * `--invokes FILE`. The engine passes them in BULKHEAD_OFFLINE_SUBNETS (JSON) to the pack in its own process
 * and to an isolated pack alike. Under the Pulumi CLI the variable is unset and nothing is known: a subnet
 * outside the stack stays unverifiable.
 */
import type { NetworkModel } from "./index";

export interface OfflineSubnet {
  id: string;
  vpcId?: string;
  mapPublicIpOnLaunch?: boolean;
  defaultForAz?: boolean;
}

let cache: { raw: string; byId: Map<string, OfflineSubnet> } | undefined;

export function offlineSubnet(id: unknown): OfflineSubnet | undefined {
  if (typeof id !== "string") return undefined;
  const raw = process.env.BULKHEAD_OFFLINE_SUBNETS ?? "";
  if (cache?.raw !== raw) {
    let list: OfflineSubnet[] = [];
    try {
      list = raw ? JSON.parse(raw) : [];
    } catch {
      list = [];
    }
    cache = { raw, byId: new Map(list.filter((s) => typeof s?.id === "string").map((s) => [s.id, s])) };
  }
  return cache.byId.get(id);
}

/**
 * A security group of another stack whose id that stack's outputs carry, as the offline engine knows it when it
 * answered a `StackReference` by running the referenced stack itself (cli/engine/stack-references.ts): where it
 * comes from and whether the referenced stack's own model makes it the bastion's group (`isBastion` of
 * ./endpoints.ts: tagged `bulkhead:role=bastion` or used only by bastion-tagged resources, and on nothing else).
 * Passed in BULKHEAD_OFFLINE_GROUPS (JSON) like the subnets above. Outputs read from a `--stack-outputs` file
 * carry values only, and under the Pulumi CLI nothing is known: such a group stays unverifiable.
 */
export interface OfflineGroup {
  /** The id as the referencing stack sees it: the referenced run's placeholder (`sg-b1d…`) or a known id. */
  id: string;
  /** The referenced stack, `<project>/<stack>`. */
  stack: string;
  urn: string;
  name: string;
  tags?: Record<string, string>;
  /** The referenced stack's model concludes it is the bastion's group. */
  bastion: boolean;
}

let groupCache: { raw: string; byId: Map<string, OfflineGroup> } | undefined;

export function offlineGroup(id: unknown): OfflineGroup | undefined {
  if (typeof id !== "string") return undefined;
  const raw = process.env.BULKHEAD_OFFLINE_GROUPS ?? "";
  if (groupCache?.raw !== raw) {
    let list: OfflineGroup[] = [];
    try {
      list = raw ? JSON.parse(raw) : [];
    } catch {
      list = [];
    }
    groupCache = { raw, byId: new Map((Array.isArray(list) ? list : []).filter((g) => typeof g?.id === "string" && typeof g.bastion === "boolean").map((g) => [g.id, g])) };
  }
  return groupCache.byId.get(id);
}

/**
 * The facts another stack's run gives about its security groups whose ids appear anywhere in its outputs.
 * `model` is that stack's model (so the bastion verdict is the one its own rules reach), `idOf` the id the run
 * answered for a resource.
 */
export function referencedGroups(
  model: Pick<NetworkModel, "securityGroups" | "tagsOf">,
  idOf: (urn: string) => string | undefined,
  outputs: unknown,
  stack: string,
): OfflineGroup[] {
  const values = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === "string") values.add(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === "object") Object.values(v).forEach(walk);
  };
  walk(outputs);
  const out: OfflineGroup[] = [];
  for (const sg of model.securityGroups) {
    const id = idOf(sg.urn);
    if (!id || !values.has(id)) continue;
    const tags = model.tagsOf(sg.urn);
    out.push({ id, stack, urn: sg.urn, name: sg.name, ...(tags ? { tags } : {}), bastion: sg.isBastion });
  }
  return out;
}
