import { T, type NetworkModel, type RuleDefinition } from "../model";
import { Findings, grantText, sourceText } from "./util";

/** Tenant of a VPC ("" for the shared platform), or undefined when its tags are unknown. */
function vpcOwner(model: NetworkModel, urn: string): string | undefined {
  if (model.tagsUnknown(urn)) return undefined;
  return model.tenantOf(urn) ?? "";
}
const ownerText = (o: string) => (o === "" ? "the shared platform" : `tenant ${o}`);
/** Two known owners ("" = the shared platform) are different tenants. */
const crossesTenants = (a: string, b: string) => a !== "" && b !== "" && a !== b;

export const rule: RuleDefinition = {
  meta: {
    id: "tenant-isolation",
    severity: "critical",
    enforcementLevel: "mandatory",
    controls: ["EC2.18", "EC2.19"],
    why: "No security-group reference, CIDR rule, peering or transit route may let one tenant's resources reach another's: lateral movement was the breach's second half.",
    fix: "Keep each tenant's groups, CIDR rules and peerings inside that tenant (or with the shared platform), and give each tenant's transit-gateway attachment its own route table that reaches only itself and the platform; cross-tenant traffic goes through a public, authenticated endpoint instead.",
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

    // Peering is not transitive: only a peering whose two ends belong to different tenants joins tenants. A tenant
    // peered with the shared platform (a central bastion or shared-services VPC) is not a tenant-to-tenant path;
    // what may cross it is decided by the security-group rules (bastion-only-admin, data-ports-tenant-only).
    // An end whose owner can't be known (unknown at preview, or a VPC outside this stack) fails closed.
    for (const p of model.ofType(T.peering)) {
      const a = model.resolve(p, "vpcId", p.props.vpcId, [T.vpc]);
      const b = model.resolve(p, "peerVpcId", p.props.peerVpcId, [T.vpc]);
      const ends = (r: typeof a) => (r.urns.length ? r.urns.map((u) => ({ urn: u, owner: vpcOwner(model, u) })) : [{ urn: r.external ? `external:${r.external}` : "unknown", owner: undefined as string | undefined }]);
      for (const x of ends(a))
        for (const y of ends(b)) {
          const known = x.owner !== undefined && y.owner !== undefined;
          if (known ? !crossesTenants(x.owner!, y.owner!) : !(x.owner || y.owner)) continue;
          const unknownEnd = x.owner === undefined ? x.urn : y.urn;
          const msg = known
            ? `peering ${p.name} connects ${model.label(x.urn)} (${ownerText(x.owner!)}) with ${model.label(y.urn)} (${ownerText(y.owner!)})`
            : `peering ${p.name} connects a tenant VPC with ${unknownEnd.startsWith("external:") ? `VPC ${unknownEnd.slice(9)} outside this stack` : "a VPC that is unknown at preview"}, so tenant isolation cannot be verified before deploy (reference the peer VPC from this stack)`;
          out.add(p.urn, `${msg}. Path: ${model.label(x.urn)} → peering ${p.name} → ${model.label(y.urn)}. Fix: ${rule.meta.fix}`);
        }
    }

    // Transit gateways: a tenant attachment whose route table reaches another tenant's attachment (propagation or
    // static route, default route tables included) joins the two; one report per attachment and other owner.
    const transit = model.transit();
    const attOwner = (vpc: string | undefined) => (vpc ? vpcOwner(model, vpc) : undefined);
    const reported = new Set<string>();
    const once = (key: string) => !reported.has(key) && !!reported.add(key);
    for (const { from, to, via } of transit.paths) {
      const a = attOwner(from.vpc);
      const b = attOwner(to.vpc);
      const fromName = model.byUrn(from.urn)!.name;
      const toName = model.byUrn(to.urn)!.name;
      if (a === "") continue;
      if (a === undefined) {
        // Something whose owner can't be known routes into a tenant: fail closed on that attachment.
        if (b && once(`${from.urn}\0unverifiable`))
          out.add(from.urn, `transit gateway attachment ${fromName} routes into ${model.label(to.vpc!)} (tenant ${b}) through ${via}, but its own VPC's owner cannot be verified before deploy (reference a tagged VPC from this stack). Fix: ${rule.meta.fix}`);
        continue;
      }
      if (b !== undefined && !crossesTenants(a, b)) continue;
      if (!once(`${from.urn}\0${b ?? "?"}`)) continue;
      const toText = b === undefined ? `attachment ${toName}, whose VPC's owner cannot be verified before deploy` : `${model.label(to.vpc!)} (tenant ${b})`;
      out.add(from.urn, `transit gateway attachment ${fromName} lets ${model.label(from.vpc!)} (tenant ${a}) route to ${toText} through ${via}. Path: ${model.label(from.vpc!)} → attachment ${fromName} → ${via} → attachment ${toName}${to.vpc ? ` → ${model.label(to.vpc)}` : ""}. Fix: ${rule.meta.fix}`);
    }
    for (const { attachment, reason } of transit.unverifiable) {
      const owner = attOwner(attachment.vpc);
      const name = model.byUrn(attachment.urn)!.name;
      if (owner === "" || !once(`${attachment.urn}\0unverifiable`)) continue;
      const vpcText = attachment.vpc ? `${model.label(attachment.vpc)} (${owner === undefined ? "owner unknown at preview" : `tenant ${owner}`})` : "a VPC that is unknown at preview";
      out.add(attachment.urn, `transit gateway attachment ${name} joins ${vpcText}, and ${reason}, so tenant isolation cannot be verified before deploy (define the gateway, its route tables, associations and propagations in this stack with references). Fix: ${rule.meta.fix}`);
    }
    return out.list;
  },
};
