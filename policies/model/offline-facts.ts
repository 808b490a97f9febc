/**
 * Facts the offline engine (bulkhead check) knows about resources outside the stack because it answered the
 * program's lookups itself: the default VPC's subnets, which AWS creates with mapPublicIpOnLaunch: true
 * (https://docs.aws.amazon.com/vpc/latest/userguide/default-vpc.html), and subnets the user described with
 * `--invokes FILE`. The engine passes them in BULKHEAD_OFFLINE_SUBNETS (JSON) to the pack in its own process
 * and to an isolated pack alike. Under the Pulumi CLI the variable is unset and nothing is known: a subnet
 * outside the stack stays unverifiable.
 */
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
