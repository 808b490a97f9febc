/**
 * CIDR sets as merged bigint intervals per address family, so "covers the public internet" is set arithmetic
 * (0.0.0.0/1 + 128.0.0.0/1 covers it just like 0.0.0.0/0) instead of a string compare.
 * Parsing uses the `ip-address` library.
 */
import { Address4, Address6 } from "ip-address";

type Interval = [bigint, bigint];

function merge(list: Interval[]): Interval[] {
  if (list.length <= 1) return list.slice();
  const sorted = list.slice().sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: Interval[] = [[sorted[0][0], sorted[0][1]]];
  for (let i = 1; i < sorted.length; i++) {
    const last = out[out.length - 1];
    const [s, e] = sorted[i];
    // Adjacent intervals merge too: 0.0.0.0/1 and 128.0.0.0/1 become one.
    if (s <= last[1] + 1n) {
      if (e > last[1]) last[1] = e;
    } else out.push([s, e]);
  }
  return out;
}

function subtract(a: Interval[], b: Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const [s0, e0] of a) {
    let s = s0;
    for (const [bs, be] of b) {
      if (be < s || bs > e0) continue;
      if (bs > s) out.push([s, bs - 1n]);
      s = be + 1n;
      if (s > e0) break;
    }
    if (s <= e0) out.push([s, e0]);
  }
  return out;
}

function intersectsList(a: Interval[], b: Interval[]): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i][1] < b[j][0]) i++;
    else if (b[j][1] < a[i][0]) j++;
    else return true;
  }
  return false;
}

function coversList(a: Interval[], b: Interval[]): boolean {
  // Every interval of b must sit inside one merged interval of a.
  let i = 0;
  for (const [s, e] of b) {
    while (i < a.length && a[i][1] < s) i++;
    if (i >= a.length || a[i][0] > s || a[i][1] < e) return false;
  }
  return true;
}

/** Parses one CIDR (or bare address) into its family and interval; throws with the offending text. */
export function parseCidr(text: string): { family: 4 | 6; interval: Interval } {
  const t = String(text).trim();
  if (t.includes(":")) {
    if (!Address6.isValid(t)) throw new Error(`"${text}" is not a valid IPv6 CIDR`);
    const a = new Address6(t);
    return { family: 6, interval: [a.startAddress().bigInt(), a.endAddress().bigInt()] };
  }
  if (!Address4.isValid(t)) throw new Error(`"${text}" is not a valid IPv4 CIDR`);
  const a = new Address4(t);
  return { family: 4, interval: [a.startAddress().bigInt(), a.endAddress().bigInt()] };
}

/** An immutable set of IPv4 and IPv6 addresses. */
export class CidrSet {
  private constructor(
    readonly v4: readonly Interval[],
    readonly v6: readonly Interval[],
  ) {}

  static readonly empty = new CidrSet([], []);

  /** Builds a set from CIDR strings; throws on the first invalid one. */
  static of(cidrs: Iterable<string>): CidrSet {
    const v4: Interval[] = [];
    const v6: Interval[] = [];
    for (const c of cidrs) {
      const p = parseCidr(c);
      (p.family === 4 ? v4 : v6).push(p.interval);
    }
    return new CidrSet(merge(v4), merge(v6));
  }

  isEmpty(): boolean {
    return this.v4.length === 0 && this.v6.length === 0;
  }

  union(other: CidrSet): CidrSet {
    return new CidrSet(merge([...this.v4, ...other.v4]), merge([...this.v6, ...other.v6]));
  }

  minus(other: CidrSet): CidrSet {
    return new CidrSet(subtract(this.v4 as Interval[], other.v4 as Interval[]), subtract(this.v6 as Interval[], other.v6 as Interval[]));
  }

  intersects(other: CidrSet): boolean {
    return intersectsList(this.v4 as Interval[], other.v4 as Interval[]) || intersectsList(this.v6 as Interval[], other.v6 as Interval[]);
  }

  /** True when every address of `other` is in this set. */
  covers(other: CidrSet): boolean {
    return coversList(this.v4 as Interval[], other.v4 as Interval[]) && coversList(this.v6 as Interval[], other.v6 as Interval[]);
  }

  /** "World-wide": covers ALL public IPv4 space or ALL public IPv6 space (see PUBLIC_V4/PUBLIC_V6). */
  coversPublicInternet(): boolean {
    return (
      coversList(this.v4 as Interval[], PUBLIC_V4.v4 as Interval[]) ||
      coversList(this.v6 as Interval[], PUBLIC_V6.v6 as Interval[])
    );
  }

  /** True when any address of the set is publicly routable. */
  intersectsPublic(): boolean {
    return this.intersects(PUBLIC);
  }
}

/** IPv4 ranges that are not publicly routable (RFC 1918, 6598, 1122, 3927, 5737, 2544, 6890, multicast, reserved). */
export const NON_PUBLIC_V4 = [
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.0.0.0/24",
  "192.0.2.0/24",
  "192.168.0.0/16",
  "198.18.0.0/15",
  "198.51.100.0/24",
  "203.0.113.0/24",
  "224.0.0.0/4",
  "240.0.0.0/4",
];

/** IPv6 public space is the global unicast block 2000::/3 minus these documentation/benchmarking blocks. */
export const NON_PUBLIC_V6_IN_GLOBAL = ["2001:db8::/32", "2001:2::/48", "3fff::/20"];

export const PUBLIC_V4 = CidrSet.of(["0.0.0.0/0"]).minus(CidrSet.of(NON_PUBLIC_V4));
export const PUBLIC_V6 = CidrSet.of(["2000::/3"]).minus(CidrSet.of(NON_PUBLIC_V6_IN_GLOBAL));
export const PUBLIC = PUBLIC_V4.union(PUBLIC_V6);

/**
 * Interval index over CIDR sets (e.g. every subnet of the stack): finds the entries a query set overlaps in
 * O(log n + hits) per query interval, so checking every rule's CIDRs against every tenant's subnets stays
 * O(n log n) instead of O(rules × subnets).
 */
export class CidrIndex<T> {
  private readonly families: Array<{ starts: bigint[]; ends: bigint[]; maxEnd: bigint[]; values: T[] }>;

  constructor(entries: Array<{ cidrs: CidrSet; value: T }>) {
    this.families = [4, 6].map((fam) => {
      const list: Array<[bigint, bigint, T]> = [];
      for (const e of entries) for (const [s, t] of fam === 4 ? e.cidrs.v4 : e.cidrs.v6) list.push([s, t, e.value]);
      list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      const maxEnd: bigint[] = [];
      list.forEach(([, t], i) => maxEnd.push(i === 0 || t > maxEnd[i - 1] ? t : maxEnd[i - 1]));
      return { starts: list.map((x) => x[0]), ends: list.map((x) => x[1]), maxEnd, values: list.map((x) => x[2]) };
    });
  }

  /** Values whose CIDRs intersect `query`, deduplicated, in index order. */
  overlapping(query: CidrSet): T[] {
    const out = new Set<T>();
    [query.v4, query.v6].forEach((intervals, f) => {
      const fam = this.families[f];
      for (const [qs, qe] of intervals) {
        // Last entry starting at or before the query's end.
        let lo = 0;
        let hi = fam.starts.length - 1;
        let idx = -1;
        while (lo <= hi) {
          const mid = (lo + hi) >> 1;
          if (fam.starts[mid] <= qe) (idx = mid), (lo = mid + 1);
          else hi = mid - 1;
        }
        for (let j = idx; j >= 0 && fam.maxEnd[j] >= qs; j--) if (fam.ends[j] >= qs) out.add(fam.values[j]);
      }
    });
    return [...out];
  }
}
