/**
 * Protocols and port ranges, normalised so that "-1", -1, "all", 6 and "TCP" compare the way AWS applies them.
 */
import type { PortRange, Protocol } from "./types";

const PROTOCOL_NUMBERS: Record<string, Protocol> = { "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6" };

/** Normalises an AWS protocol value: -1/"-1"/"all" → "all"; 6/17/1/58 and names (any case) → tcp/udp/icmp/icmpv6. */
export function normaliseProtocol(p: unknown): Protocol {
  if (p === undefined || p === null || p === "") return "all";
  const s = String(p).trim().toLowerCase();
  if (s === "-1" || s === "all") return "all";
  return PROTOCOL_NUMBERS[s] ?? s;
}

export const ALL_PORTS: PortRange = { from: 0, to: 65535 };

/**
 * The port range a rule opens. Protocol "all" opens every port whatever from/to say (AWS ignores them);
 * a missing or negative bound means all ports, as AWS treats -1.
 */
export function portRange(protocol: Protocol, from: unknown, to: unknown): PortRange {
  if (protocol === "all") return ALL_PORTS;
  const f = typeof from === "number" ? from : from === undefined || from === null ? NaN : Number(from);
  const t = typeof to === "number" ? to : to === undefined || to === null ? NaN : Number(to);
  if (!Number.isFinite(f) && !Number.isFinite(t)) return ALL_PORTS;
  const a = Number.isFinite(f) ? f : t;
  const b = Number.isFinite(t) ? t : f;
  if (a < 0 || b < 0) return ALL_PORTS;
  return { from: Math.min(a, b), to: Math.max(a, b) };
}

/** Protocols through which a TCP/UDP service port is reachable. ICMP never opens a TCP or UDP port. */
export function carriesPorts(protocol: Protocol): boolean {
  return protocol === "tcp" || protocol === "udp" || protocol === "all";
}

/** Ports of `wanted` that a grant with this protocol/range opens (sorted, deduplicated). */
export function openedPorts(protocol: Protocol, range: PortRange, wanted: Iterable<number>): number[] {
  if (!carriesPorts(protocol)) return [];
  const out = new Set<number>();
  for (const p of wanted) if (p >= range.from && p <= range.to) out.add(p);
  return [...out].sort((a, b) => a - b);
}

/**
 * Of `ports` a grant opens, those its target accepts connections on: all of them, or, for a group only load
 * balancers use, their listener ports on the grant's protocol (`listened` from the model's `listenedPorts`).
 */
export function listenedOnly(protocol: Protocol, ports: number[], listened: Array<{ protocol: string; port: number }> | undefined): number[] {
  if (!listened) return ports;
  return ports.filter((p) => listened.some((o) => o.port === p && (protocol === "all" || protocol === o.protocol)));
}

export function formatPorts(r: PortRange): string {
  if (r.from === 0 && r.to === 65535) return "all ports";
  return r.from === r.to ? String(r.from) : `${r.from}-${r.to}`;
}

/** Admin ports: SSH, Telnet, RDP, WinRM, VNC, Docker API, kubelet, etcd. */
export const ADMIN_PORTS: readonly number[] = [22, 23, 3389, 5985, 5986, 5900, 2375, 2376, 10250, 2379];

/** Data ports: MySQL, PostgreSQL, SQL Server, Oracle, Redis, Memcached, MongoDB, Elasticsearch/OpenSearch. */
export const DATA_PORTS: readonly number[] = [3306, 5432, 1433, 1521, 6379, 11211, 27017, 9200, 9300];

/** Default listener port per database engine, for database resources that don't set `port`. */
export function enginePort(type: string, engine: unknown): number | undefined {
  const e = typeof engine === "string" ? engine.toLowerCase() : "";
  if (type.startsWith("aws:redshift/") || type.startsWith("aws:redshiftserverless/")) return 5439;
  if (type.startsWith("aws:neptune/")) return 8182;
  if (type.startsWith("aws:memorydb/")) return 6379;
  if (type.startsWith("aws:docdbelastic/")) return 27017;
  if (type.startsWith("aws:elasticache/")) return e === "memcached" ? 11211 : 6379;
  if (type.startsWith("aws:docdb/")) return 27017;
  if (e.includes("postgres")) return 5432;
  if (e.includes("mysql") || e.includes("mariadb")) return 3306;
  if (e.startsWith("sqlserver")) return 1433;
  if (e.startsWith("oracle")) return 1521;
  if (e.startsWith("db2")) return 50000;
  return undefined;
}
