import { T, type NetworkModel, type RuleDefinition } from "../model";
import { Findings, grantText, sourceText } from "./util";

/** Tenant of a VPC ("" for the shared platform), or undefined when its tags are unknown. */
function vpcOwner(model: NetworkModel, urn: string): string | undefined {
  if (model.tagsUnknown(urn)) return undefined;
  return model.tenantOf(urn) ?? "";
}
const ownerText = (o: string) => (o === "" ? "the shared platform" : `tenant ${o}`);

export const rule: RuleDefinition = {
  meta: {
    id: "tenant-isolation",
    severity: "critical",
    enforcementLevel: "mandatory",
    controls: ["EC2.18", "EC2.19"],
    why: "No security-group reference, CIDR rule, peering or transit route may let one tenant's resources reach another's: lateral movement was the breach's second half.",
    fix: "Keep each tenant's groups, CIDR rules, peerings and transit-gateway attachments inside that tenant; cross-tenant traffic goes through a public, authenticated endpoint instead.",
  },
  check(model) {
    const out = new Findings();
    for (const g of model.ingress) {
      const target = model.sgByUrn(g.targetSgUrn);
      const tgt = target ? target.tenant : model.tenantOf(g.targetSgUrn);
      const s = g.source;
      if (s.kind === "sg" && s.sgUrn) {
        const src = model.sgByUrn(s.sgUrn)?.tenant;
        if (src !== undefined && tgt !== undefined && src !== tgt)
          out.add(g.grantUrn, `${grantText(model, g)} lets ${sourceText(model, g)} of tenant ${src} reach ${model.label(g.targetSgUrn)} of tenant ${tgt}. Path: ${model.pathOf(g)}. Fix: ${rule.meta.fix}`);
      } else if (s.kind === "cidr" && tgt !== undefined) {
        const sub = model.subnetsOverlapping(s.cidrs).find((x) => x.tenant !== undefined && x.tenant !== tgt);
        if (sub)
          out.add(g.grantUrn, `${grantText(model, g)} admits ${sourceText(model, g)} into ${model.label(g.targetSgUrn)} of tenant ${tgt}, covering subnet ${sub.name} of tenant ${sub.tenant}. Path: ${model.pathOf(g)}. Fix: ${rule.meta.fix}`);
      }
    }

    // A tenant VPC (silo) may connect only to itself; platform-to-platform peering is fine.
    for (const p of model.ofType(T.peering)) {
      const a = model.resolve(p, "vpcId", p.props.vpcId, [T.vpc]);
      const b = model.resolve(p, "peerVpcId", p.props.peerVpcId, [T.vpc]);
      const ends = (r: typeof a) => (r.urns.length ? r.urns.map((u) => ({ urn: u, owner: vpcOwner(model, u) })) : [{ urn: r.external ? `external:${r.external}` : "unknown", owner: undefined as string | undefined }]);
      for (const x of ends(a))
        for (const y of ends(b)) {
          const known = x.owner !== undefined && y.owner !== undefined;
          if (known ? x.owner === y.owner : !(x.owner || y.owner)) continue;
          const unknownEnd = x.owner === undefined ? x.urn : y.urn;
          const msg = known
            ? `peering ${p.name} connects ${model.label(x.urn)} (${ownerText(x.owner!)}) with ${model.label(y.urn)} (${ownerText(y.owner!)})`
            : `peering ${p.name} connects a tenant VPC with ${unknownEnd.startsWith("external:") ? `VPC ${unknownEnd.slice(9)} outside this stack` : "a VPC that is unknown at preview"}, so tenant isolation cannot be verified before deploy (reference the peer VPC from this stack)`;
          out.add(p.urn, `${msg}. Path: ${model.label(x.urn)} → peering ${p.name} → ${model.label(y.urn)}. Fix: ${rule.meta.fix}`);
        }
    }

    // Transit gateways: VPCs of different owners on one gateway can route to each other (route-table segmentation
    // is not modelled, so mixing is reported on every attachment of a tenant VPC).
    const byTgw = new Map<string, Array<{ att: string; vpc: string; owner: string | undefined }>>();
    for (const a of model.ofType(T.tgwAttachment)) {
      const tg = model.resolve(a, "transitGatewayId", a.props.transitGatewayId, [T.tgw]);
      const key = tg.urns[0] ?? tg.external ?? "unknown";
      const vpc = model.resolve(a, "vpcId", a.props.vpcId, [T.vpc]);
      for (const v of vpc.urns.length ? vpc.urns : ["unknown"]) {
        const list = byTgw.get(key) ?? [];
        list.push({ att: a.urn, vpc: v, owner: v === "unknown" ? undefined : vpcOwner(model, v) });
        byTgw.set(key, list);
      }
    }
    for (const [tgw, atts] of byTgw) {
      const owners = new Set(atts.map((x) => x.owner));
      if (owners.size <= 1 && !owners.has(undefined)) continue;
      // One "other" attachment per owner keeps this linear in the number of attachments.
      const firstOther = new Map<string | undefined, (typeof atts)[number]>();
      for (const o of owners) {
        const y = atts.find((a) => a.owner !== o);
        if (y) firstOther.set(o, y);
      }
      for (const x of atts) {
        if (x.owner === "" || x.owner === undefined) continue;
        const other = firstOther.get(x.owner) ?? atts.find((y) => y.owner !== x.owner);
        if (!other) continue;
        const otherText = other.owner === undefined ? "a VPC whose owner cannot be verified before deploy" : `${model.label(other.vpc)} (${ownerText(other.owner)})`;
        out.add(x.att, `transit gateway attachment ${model.byUrn(x.att)!.name} joins ${model.label(x.vpc)} (tenant ${x.owner}) to transit gateway ${model.byUrn(tgw)?.name ?? tgw} shared with ${otherText}. Path: ${model.label(x.vpc)} → tgw → ${model.label(other.vpc)}. Fix: ${rule.meta.fix}`);
      }
    }
    return out.list;
  },
};
