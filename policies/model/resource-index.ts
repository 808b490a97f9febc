/**
 * Model stage 1, the index: resources by URN, type, id/ARN and name; tags; reference resolution. Every later stage
 * reads the stack only through this, so lookups stay O(1) and the whole model O(n) in the number of resources.
 */
import { ROLE_TAG, T, TENANT_TAG } from "./aws-types";
import { PlaceholderIndex } from "./placeholders";
import { offlineGroup } from "./offline-facts";
import { isUnknown, type Resolved, type StackResource } from "./types";

export interface ResourceIndex {
  resources: StackResource[];
  byUrn(urn: string): StackResource | undefined;
  /** Resources of any of the given types, in stack order. */
  ofType(...types: string[]): StackResource[];
  /** Known tags (unknown tag values are dropped); undefined when the resource has none. */
  tagsOf(urn: string): Record<string, string> | undefined;
  /** True when the tags (or the tenant/role tag) are unknown at preview. */
  tagsUnknown(urn: string): boolean;
  /** The declared tenant (`bulkhead:tenant` tag) of a resource. */
  tenantOf(urn: string): string | undefined;
  /** The resource itself carries `bulkhead:role=bastion` (a launch template also through its tagSpecifications). */
  taggedBastion(urn: string): boolean;
  /** Short human label, e.g. `sg app-sg`, for messages and paths. */
  label(urn: string): string;
  /**
   * Resolves a reference-valued property (id, ARN, name) to stack resources of the given types: a known id/ARN/URN
   * matches directly; an unknown value (or a known value matching no id) falls back to the property's dependencies.
   */
  resolve(res: StackResource, topProp: string, value: unknown, types: readonly string[]): Resolved;
  /** Like `resolve` for list-valued references; candidates of every element are merged. */
  resolveList(res: StackResource, topProp: string, value: unknown, types: readonly string[]): Resolved & { externals: string[] };
  /** The offline engine's placeholders of this stack's resources (see ./placeholders). */
  placeholders: PlaceholderIndex;
  /**
   * The resources an offline-engine placeholder in `value` names (an id, ARN, name or endpoint AWS gives that
   * resource), or undefined when it names none: such a value is a reference, never a literal.
   */
  placeholderOwners(value: string): string[] | undefined;
  /** True when any resource carries `bulkhead:role=bastion`. */
  hasBastion: boolean;
}

export function tagEntries(raw: unknown): Array<[unknown, unknown]> {
  if (!raw || typeof raw !== "object" || isUnknown(raw)) return [];
  // autoscaling.Group uses a list of {key, value}; everything else a map.
  return Array.isArray(raw) ? raw.map((t: any) => [t?.key, t?.value] as [unknown, unknown]) : Object.entries(raw);
}

/** Tags from `tags`, over `tagsAll` (provider default tags) when that is known too. */
function tagsFromProps(props: Record<string, any>): { tags: Record<string, string> | undefined; unknown: boolean } {
  const raw = props.tags;
  const all = props.tagsAll;
  const has = (v: unknown) => v !== undefined && v !== null;
  if (!has(raw) && !has(all)) return { tags: undefined, unknown: false };
  // Unknown `tags` hides the tenant/role; an unknown `tagsAll` (computed at preview) is expected and ignored.
  if (isUnknown(raw)) return { tags: undefined, unknown: true };
  const tags: Record<string, string> = {};
  let unknown = false;
  for (const [k, v] of [...tagEntries(all), ...tagEntries(raw)]) {
    if (typeof k !== "string") continue;
    if (isUnknown(v)) {
      if (k === TENANT_TAG || k === ROLE_TAG || k.startsWith("bulkhead:")) unknown = true;
      continue;
    }
    if (typeof v === "string") tags[k] = v;
  }
  return { tags, unknown };
}

export function shortType(type: string): string {
  const t: Record<string, string> = {
    [T.sg]: "sg",
    [T.defaultSg]: "default-sg",
    [T.subnet]: "subnet",
    [T.igw]: "igw",
    [T.vpc]: "vpc",
    [T.instance]: "instance",
    [T.lightsail]: "lightsail",
  };
  if (t[type]) return t[type];
  // Otherwise module.Type as in the program (rds.Instance, iam.RolePolicy), so an RDS instance isn't an "instance".
  const m = /^[^:]+:([^/:]+)\/[^:]*:([A-Za-z0-9]+)$/.exec(type);
  return m ? `${m[1]}.${m[2]}` : type;
}

/** Every value at `path` below `v`; "*" walks every element of a list. Unknowns are kept as values. */
export function getPath(v: any, path: readonly string[]): unknown[] {
  let cur: unknown[] = [v];
  for (const p of path) {
    const next: unknown[] = [];
    for (const c of cur) {
      if (c === undefined || c === null) continue;
      if (isUnknown(c)) {
        next.push(c);
        continue;
      }
      if (p === "*") {
        if (Array.isArray(c)) next.push(...c);
      } else if (typeof c === "object") next.push((c as any)[p]);
    }
    cur = next;
  }
  return cur;
}

export function asList(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

export function indexResources(resources: StackResource[]): ResourceIndex {
  const byUrnMap = new Map<string, StackResource>();
  const byType = new Map<string, StackResource[]>();
  const idIndex = new Map<string, string>();
  // Names are references too (role names, lightsail instanceName, launch template names); not unique across types.
  const nameIndex = new Map<string, string[]>();
  const tagCache = new Map<string, { tags: Record<string, string> | undefined; unknown: boolean }>();
  let hasBastion = false;

  for (const r of resources) {
    byUrnMap.set(r.urn, r);
    let list = byType.get(r.type);
    if (!list) byType.set(r.type, (list = []));
    list.push(r);
    for (const k of ["id", "arn"]) {
      const v = r.props?.[k];
      if (typeof v === "string" && v !== "" && !isUnknown(v)) idIndex.set(v, r.urn);
    }
    const n = r.props?.name;
    if (typeof n === "string" && n !== "" && !isUnknown(n)) {
      const l = nameIndex.get(n);
      if (l) l.push(r.urn);
      else nameIndex.set(n, [r.urn]);
    }
    const t = tagsFromProps(r.props ?? {});
    tagCache.set(r.urn, t);
    if (t.tags?.[ROLE_TAG] === "bastion") hasBastion = true;
  }

  const ofType = (...types: string[]): StackResource[] => {
    if (types.length === 1) return byType.get(types[0]) ?? [];
    return types.flatMap((t) => byType.get(t) ?? []);
  };
  const tagsOf = (urn: string) => tagCache.get(urn)?.tags;
  const taggedBastion = (urn: string): boolean => {
    if (tagsOf(urn)?.[ROLE_TAG] === "bastion") return true;
    const r = byUrnMap.get(urn);
    // A launch template may carry the role on the tags it stamps on instances.
    if (r?.type === T.launchTemplate) {
      for (const spec of asList(r.props.tagSpecifications)) {
        const tags = (spec as any)?.tags;
        if (tags && typeof tags === "object" && tags[ROLE_TAG] === "bastion") return true;
      }
    }
    return false;
  };
  const label = (urn: string): string => {
    const r = byUrnMap.get(urn);
    if (!r) {
      if (urn.startsWith("external:")) {
        const origin = offlineGroup(urn.slice(9));
        return origin ? `external ${urn.slice(9)} (sg ${origin.name} of stack ${origin.stack})` : `external ${urn.slice(9)}`;
      }
      if (urn.startsWith("unknown:")) return "an unknown group";
      return urn;
    }
    return `${shortType(r.type)} ${r.name}`;
  };

  const placeholders = new PlaceholderIndex(byUrnMap.keys());
  const resolve = (res: StackResource, topProp: string, value: unknown, types: readonly string[]): Resolved => {
    if (value === undefined || value === null || value === "") return { urns: [], missing: true };
    const fromDeps = () => (res.propertyDependencies?.[topProp] ?? []).filter((u) => {
      const d = byUrnMap.get(u);
      return d !== undefined && types.includes(d.type);
    });
    if (isUnknown(value)) {
      const c = fromDeps();
      return c.length ? { urns: c } : { urns: [], unknown: true };
    }
    if (typeof value === "string") {
      // The offline engine's placeholder names exactly one resource; one of another type is no literal either.
      const owners = placeholders.owners(value);
      if (owners) {
        const hit = owners.filter((u) => types.includes(byUrnMap.get(u)!.type));
        if (hit.length) return { urns: hit };
        const c = fromDeps();
        return c.length ? { urns: c } : { urns: [], unknown: true };
      }
      const direct = idIndex.get(value) ?? (byUrnMap.has(value) ? value : undefined);
      if (direct && types.includes(byUrnMap.get(direct)!.type)) return { urns: [direct] };
      // Known ids are not always echoed in props (ids aren't properties): fall back to the dependencies.
      const c = fromDeps();
      if (c.length) return { urns: c };
      const named = (nameIndex.get(value) ?? []).filter((u) => types.includes(byUrnMap.get(u)!.type));
      if (named.length) return { urns: named };
      return { urns: [], external: value };
    }
    return { urns: [], unknown: true };
  };

  const resolveList = (res: StackResource, topProp: string, value: unknown, types: readonly string[]) => {
    const out = { urns: [] as string[], externals: [] as string[], unknown: false, missing: false };
    if (value === undefined || value === null) return { ...out, missing: true };
    const items = isUnknown(value) ? [value] : asList(value);
    const seen = new Set<string>();
    for (const item of items) {
      const r = resolve(res, topProp, item, types);
      for (const u of r.urns) if (!seen.has(u)) seen.add(u), out.urns.push(u);
      if (r.external) out.externals.push(r.external);
      if (r.unknown) out.unknown = true;
    }
    if (!items.length) out.missing = true;
    return out;
  };

  return {
    resources,
    placeholders,
    placeholderOwners: (v) => placeholders.owners(v),
    byUrn: (urn) => byUrnMap.get(urn),
    ofType,
    tagsOf,
    tagsUnknown: (urn) => tagCache.get(urn)?.unknown ?? false,
    tenantOf: (urn) => tagsOf(urn)?.[TENANT_TAG],
    taggedBastion,
    label,
    resolve,
    resolveList,
    hasBastion,
  };
}
