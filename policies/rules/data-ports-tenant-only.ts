import { openedPorts } from "../model/ports";
import type { NetworkModel, RuleDefinition } from "../model";
import { configPorts, Findings, grantText, PORTS_SCHEMA, sourceText, unknownNote } from "./util";

const PLATFORM = "\u0000platform";
const owner = (t: string | undefined) => t ?? PLATFORM;
const ownerText = (t: string) => (t === PLATFORM ? "the shared platform" : `tenant ${t}`);

/** Owner of a grant's target: the group's tenant, a Lightsail instance's tenant, or the platform. */
function targetOwner(model: NetworkModel, urn: string): string {
  const sg = model.sgByUrn(urn);
  return owner(sg ? sg.tenant : model.tenantOf(urn));
}

export const rule: RuleDefinition = {
  meta: {
    id: "data-ports-tenant-only",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: ["EC2.18", "EC2.19", "RDS.2"],
    why: "Data ports must only accept the owning tenant's security groups or private CIDRs of its own subnets; the breach moved through shared admin tools into tenant databases.",
    fix: "Allow the data port only from security groups tagged with the same bulkhead:tenant as the database (or private CIDRs covering only that tenant's subnets); never public CIDRs, other tenants or platform groups.",
    configSchema: {
      dataPorts: { ...PORTS_SCHEMA, description: "Extra data ports (added to the fixed list and the stack's database ports)." },
    },
  },
  check(model, config) {
    const data = [...new Set([...model.dataPorts, ...configPorts(config, "dataPorts")])];
    const out = new Findings();
    for (const g of model.ingress) {
      const ports = openedPorts(g.protocol, g.ports, data);
      if (!ports.length) continue;
      const tgt = targetOwner(model, g.targetSgUrn);
      const s = g.source;
      let why: string | undefined;
      if (model.tagsUnknown(g.targetSgUrn)) why = `the tenant tag of ${model.label(g.targetSgUrn)} is unknown at preview, so this cannot be verified before deploy; use a literal bulkhead:tenant tag`;
      else if (s.kind === "self") continue;
      else if (s.kind === "sg") {
        if (!s.sgUrn) why = `admits ${sourceText(model, g)}, whose tenant cannot be verified — reference a group of ${ownerText(tgt)} from this stack`;
        else if (model.tagsUnknown(s.sgUrn)) why = `the tenant tag of ${model.label(s.sgUrn)} is unknown at preview, so this cannot be verified before deploy; use a literal bulkhead:tenant tag`;
        else {
          const src = owner(model.sgByUrn(s.sgUrn)?.tenant);
          if (src === tgt) continue;
          why = `admits ${sourceText(model, g)} of ${ownerText(src)} into ${ownerText(tgt)}'s data`;
        }
      } else if (s.kind === "cidr") {
        if (s.cidrs.intersectsPublic()) why = `admits public ${sourceText(model, g)}`;
        else {
          const sub = model.subnetsOverlapping(s.cidrs).find((x) => owner(x.tenant) !== tgt);
          if (sub) why = `admits ${sourceText(model, g)}, which covers subnet ${sub.name} of ${ownerText(owner(sub.tenant))}`;
          if (!why) continue;
        }
      } else if (s.kind === "prefix-list") why = `admits ${sourceText(model, g)}, whose addresses cannot be verified to stay inside ${ownerText(tgt)}`;
      else why = `admits ${sourceText(model, g)}; this cannot be verified before deploy — use literal private CIDRs or a reference to a group in this stack`;
      out.add(g.grantUrn, `${grantText(model, g)}: data port ${ports.join(", ")} on ${model.label(g.targetSgUrn)} (${ownerText(tgt)}) ${why}${unknownNote(g)}. Path: ${model.pathOf(g, ports[0])}. Fix: ${rule.meta.fix}`);
    }
    return out.list;
  },
};
