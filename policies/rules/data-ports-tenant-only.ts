import { isEksClusterGrant } from "../model/eks";
import { listenedOnly, openedPorts } from "../model/ports";
import type { NetworkModel, RuleDefinition } from "../model";
import { configPorts, Findings, grantData, PORTS_SCHEMA } from "./util";

const PLATFORM = "\u0000platform";
const ownerText = (t: string) => (t === PLATFORM ? "the shared platform" : `tenant ${t}`);
const ownersText = (ts: string[]) => ts.map(ownerText).join(" and ");

/**
 * Owners of a group or endpoint: its tenants by membership (its own tag and the tenants of the endpoints it
 * reaches), or the shared platform when it has none.
 */
export function ownersOf(model: NetworkModel, urn: string): string[] {
  const sg = model.sgByUrn(urn);
  const ts = sg ? sg.tenants : [model.tenantOf(urn)].filter((t): t is string => t !== undefined);
  return ts.length ? ts : [PLATFORM];
}

const FIX = "Allow the data port only from security groups tagged with the same bulkhead:tenant as the database (or private CIDRs covering only that tenant's subnets); never public CIDRs, other tenants or platform groups.";
const HEAD = "{grant}: data port {ports} on {target} ({owner}) ";
const TAIL = "{note}. Path: {reach}. Fix: " + FIX;
const UNVERIFIABLE_TAG = "the tenant tag of {tagOf} is unknown at preview, so this cannot be verified before deploy; use a literal bulkhead:tenant tag";

export const rule: RuleDefinition = {
  meta: {
    id: "data-ports-tenant-only",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: ["EC2.18", "EC2.19", "RDS.2"],
    why: "Data ports must only accept the owning tenant's security groups or private CIDRs of its own subnets; the breach moved through shared admin tools into tenant databases.",
    fix: FIX,
    resolves: ["no-world-open-sensitive-port", "only-lbs-face-world", "tenant-isolation"],
    messages: {
      "data-port-target-tenant-unknown": HEAD + UNVERIFIABLE_TAG + TAIL,
      "data-port-source-tenant-unknown": HEAD + UNVERIFIABLE_TAG + TAIL,
      "data-port-external-group": HEAD + "admits {source}, whose tenant cannot be verified — reference a group of {owner} from this stack" + TAIL,
      "data-port-other-owner": HEAD + "admits {source} of {sourceOwner} into {owner}'s data" + TAIL,
      "data-port-shared-by-tenants": HEAD + "is shared by {owner} through its members ({members}), so each reaches the others' data" + TAIL,
      "data-port-public-cidr": HEAD + "admits public {source}" + TAIL,
      "data-port-cidr-covers-other-subnet": HEAD + "admits {source}, which covers subnet {subnet} of {sourceOwner}" + TAIL,
      "data-port-prefix-list": HEAD + "admits {source}, whose addresses cannot be verified to stay inside {owner}" + TAIL,
      "data-port-unverifiable-source": HEAD + "admits {source}; this cannot be verified before deploy — use literal private CIDRs or a reference to a group in this stack" + TAIL,
    },
    configSchema: {
      dataPorts: { ...PORTS_SCHEMA, description: "Extra data ports (added to the fixed list and the stack's database ports)." },
    },
  },
  check(model, config) {
    const data = [...new Set([...model.dataPorts, ...configPorts(config, "dataPorts")])];
    const out = new Findings();
    const same = (a: string[], b: string[]) => a.length === 1 && b.length === 1 && a[0] === b[0];
    for (const g of model.ingress) {
      // The data ports of the services behind the target count whatever their number (an OpenSearch domain's 443); a
      // group only load balancers use is reached on their listener ports alone (policies/model/exposure.ts).
      const ports = listenedOnly(g.protocol, openedPorts(g.protocol, g.ports, [...data, ...model.servicePorts(g.targetSgUrn).data]), model.listenedPorts(g.targetSgUrn));
      if (!ports.length) continue;
      const tgt = ownersOf(model, g.targetSgUrn);
      // AWS requires these between an EKS control plane and its nodes, and among the nodes (policies/model/eks.ts).
      if (isEksClusterGrant(g, (u) => model.sgByUrn(u))) continue;
      // The path and labels are built only for a finding (most grants pass).
      const report = (kind: string, extra: Record<string, unknown> = {}) => out.grant(g, kind, { ...grantData(model, g, ports[0]), ports, owner: ownersText(tgt), ...extra });
      const s = g.source;
      if (model.tagsUnknown(g.targetSgUrn)) report("data-port-target-tenant-unknown", { tagOf: model.label(g.targetSgUrn) });
      else if (s.kind === "self") {
        if (tgt.length > 1) report("data-port-shared-by-tenants", { members: model.endpointsOfGroup(g.targetSgUrn).map((e) => model.label(e.urn)).join(", ") });
      } else if (s.kind === "sg") {
        if (!s.sgUrn) report("data-port-external-group");
        else if (model.tagsUnknown(s.sgUrn)) report("data-port-source-tenant-unknown", { tagOf: model.label(s.sgUrn) });
        else {
          const src = ownersOf(model, s.sgUrn);
          if (!same(src, tgt)) report("data-port-other-owner", { sourceOwner: ownersText(src) });
        }
      } else if (s.kind === "cidr") {
        if (s.cidrs.intersectsPublic()) report("data-port-public-cidr");
        else {
          const sub = model.subnetsOverlapping(s.cidrs).find((x) => !same(x.tenants.length ? x.tenants : [PLATFORM], tgt));
          if (sub) report("data-port-cidr-covers-other-subnet", { subnet: sub.name, sourceOwner: ownersText(sub.tenants.length ? sub.tenants : [PLATFORM]) });
        }
      } else if (s.kind === "prefix-list") report("data-port-prefix-list");
      else report("data-port-unverifiable-source");
    }
    return out.list;
  },
};
