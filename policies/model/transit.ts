/**
 * Transit-gateway routing: which VPC attachment can send to which, through the route table it is associated
 * with. A route table reaches every attachment that propagates into it and every attachment a static route
 * (not a blackhole) points at. Association and propagation into the gateway's default route table follow
 * AWS's defaults: on unless the gateway says "disable" or the attachment says false (an unknown setting counts
 * as on). Anything that decides a path but can't be resolved is returned as unverifiable, never dropped.
 */
import { isUnknown, type Resolved, type StackResource } from "./types";

export const TGW_TYPES = {
  tgw: "aws:ec2transitgateway/transitGateway:TransitGateway",
  vpcAttachment: "aws:ec2transitgateway/vpcAttachment:VpcAttachment",
  routeTable: "aws:ec2transitgateway/routeTable:RouteTable",
  association: "aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation",
  propagation: "aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation",
  route: "aws:ec2transitgateway/route:Route",
  defaultAssociation: "aws:ec2transitgateway/defaultRouteTableAssociation:DefaultRouteTableAssociation",
  defaultPropagation: "aws:ec2transitgateway/defaultRouteTablePropagation:DefaultRouteTablePropagation",
} as const;

const VPC = "aws:ec2/vpc:Vpc";

/** Attachment types that are not VPCs (peering, VPN, Direct Connect, Connect): routes to them leave the tenant model. */
const OTHER_ATTACHMENT_TYPES = [
  "aws:ec2transitgateway/peeringAttachment:PeeringAttachment",
  "aws:ec2transitgateway/peeringAttachmentAccepter:PeeringAttachmentAccepter",
  "aws:ec2transitgateway/connect:Connect",
  "aws:ec2/vpnConnection:VpnConnection",
  "aws:directconnect/gatewayAssociation:GatewayAssociation",
];

export interface TransitAttachment {
  urn: string;
  /** The gateway: its URN, `external:<id>` for one outside this stack, or `unknown`. */
  gateway: string;
  /** The attached VPC's URN; undefined when it can't be resolved (unknown or outside the stack). */
  vpc?: string;
}

export interface TransitPath {
  from: TransitAttachment;
  to: TransitAttachment;
  /** How `from` reaches `to`, e.g. `route table tenants-rt (propagation)`. */
  via: string;
}

export interface TransitUnverifiable {
  attachment: TransitAttachment;
  /** What can't be known before deploy, as a clause for a message. */
  reason: string;
}

export interface TransitAnalysis {
  attachments: TransitAttachment[];
  paths: TransitPath[];
  unverifiable: TransitUnverifiable[];
}

interface ModelView {
  ofType(...types: string[]): StackResource[];
  byUrn(urn: string): StackResource | undefined;
  resolve(res: StackResource, topProp: string, value: unknown, types: readonly string[]): Resolved;
}

const on = (v: unknown, off: unknown) => v !== off;

export function analyseTransit(model: ModelView): TransitAnalysis {
  const T = TGW_TYPES;
  const gatewayKey = (r: Resolved) => r.urns[0] ?? (r.external ? `external:${r.external}` : "unknown");
  const gatewayName = (key: string) => (key.startsWith("external:") ? `transit gateway ${key.slice(9)} (outside this stack)` : `transit gateway ${model.byUrn(key)?.name ?? key}`);

  const attachments: TransitAttachment[] = [];
  const byUrn = new Map<string, TransitAttachment>();
  for (const a of model.ofType(T.vpcAttachment)) {
    const gateway = gatewayKey(model.resolve(a, "transitGatewayId", a.props.transitGatewayId, [T.tgw]));
    const vpcs = model.resolve(a, "vpcId", a.props.vpcId, [VPC]).urns;
    const att: TransitAttachment = { urn: a.urn, gateway, ...(vpcs.length === 1 ? { vpc: vpcs[0] } : {}) };
    attachments.push(att);
    byUrn.set(a.urn, att);
  }

  // Route tables are keyed by URN; each gateway also has an implicit default table, `default:<gateway key>`.
  const tableName = (key: string) => (key.startsWith("default:") ? `the default route table of ${gatewayName(key.slice(8))}` : `route table ${model.byUrn(key)?.name ?? key}`);
  const defaultAssociationTable = new Map<string, string>();
  const defaultPropagationTable = new Map<string, string>();
  for (const [type, target] of [[T.defaultAssociation, defaultAssociationTable], [T.defaultPropagation, defaultPropagationTable]] as const) {
    for (const d of model.ofType(type)) {
      const gw = gatewayKey(model.resolve(d, "transitGatewayId", d.props.transitGatewayId, [T.tgw]));
      const table = model.resolve(d, "transitGatewayRouteTableId", d.props.transitGatewayRouteTableId, [T.routeTable]);
      target.set(gw, table.urns[0] ?? `unresolved:${d.urn}`);
    }
  }
  const gatewayDefaults = (key: string) => {
    const gw = model.byUrn(key);
    return {
      association: gw ? on(gw.props.defaultRouteTableAssociation, "disable") : true,
      propagation: gw ? on(gw.props.defaultRouteTablePropagation, "disable") : true,
    };
  };

  const associated = new Map<string, Set<string>>();
  const reachable = new Map<string, Map<string, string>>(); // table → attachment (or `unresolved:…`) → how
  const add = <K, V>(m: Map<K, Set<V>>, k: K, v: V) => (m.get(k) ?? m.set(k, new Set()).get(k)!).add(v);
  const reach = (table: string, target: string, how: string) => {
    const m = reachable.get(table) ?? reachable.set(table, new Map()).get(table)!;
    if (!m.has(target)) m.set(target, how);
  };

  for (const a of attachments) {
    const r = model.byUrn(a.urn)!;
    const d = gatewayDefaults(a.gateway);
    if (d.association && on(r.props.transitGatewayDefaultRouteTableAssociation, false))
      add(associated, a.urn, defaultAssociationTable.get(a.gateway) ?? `default:${a.gateway}`);
    if (d.propagation && on(r.props.transitGatewayDefaultRouteTablePropagation, false))
      reach(defaultPropagationTable.get(a.gateway) ?? `default:${a.gateway}`, a.urn, "propagation by default");
  }

  const unverifiable: TransitUnverifiable[] = [];
  /** Resolves an attachment reference: a VPC attachment of this stack, another kind of attachment, or unresolved. */
  const attachmentOf = (r: StackResource): { vpcAttachment?: string; other?: boolean } => {
    const res = model.resolve(r, "transitGatewayAttachmentId", r.props.transitGatewayAttachmentId, [T.vpcAttachment, ...OTHER_ATTACHMENT_TYPES]);
    if (res.urns.length === 1) return model.byUrn(res.urns[0])!.type === T.vpcAttachment ? { vpcAttachment: res.urns[0] } : { other: true };
    return {};
  };
  const tableOf = (r: StackResource) => {
    const res = model.resolve(r, "transitGatewayRouteTableId", r.props.transitGatewayRouteTableId, [T.routeTable]);
    return res.urns.length === 1 ? res.urns[0] : `unresolved:${r.urn}`;
  };

  for (const r of model.ofType(T.association)) {
    const { vpcAttachment } = attachmentOf(r);
    if (vpcAttachment) add(associated, vpcAttachment, tableOf(r));
  }
  for (const r of model.ofType(T.propagation)) {
    const { vpcAttachment, other } = attachmentOf(r);
    if (other) continue;
    reach(tableOf(r), vpcAttachment ?? `unresolved:${r.urn}`, `propagation ${r.name}`);
  }
  for (const r of model.ofType(T.route)) {
    if (r.props.blackhole === true) continue;
    const { vpcAttachment, other } = attachmentOf(r);
    if (other) continue;
    const cidr = isUnknown(r.props.destinationCidrBlock) ? "an unknown CIDR" : String(r.props.destinationCidrBlock ?? "?");
    reach(tableOf(r), vpcAttachment ?? `unresolved:${r.urn}`, `static route ${r.name} to ${cidr}`);
  }

  const paths: TransitPath[] = [];
  for (const from of attachments) {
    if (from.gateway === "unknown" || from.gateway.startsWith("external:")) {
      unverifiable.push({
        attachment: from,
        reason: from.gateway === "unknown" ? "its transit gateway is unknown at preview" : `${gatewayName(from.gateway)} may route it to attachments this stack can't see`,
      });
      continue;
    }
    for (const table of associated.get(from.urn) ?? []) {
      if (table.startsWith("unresolved:")) {
        unverifiable.push({ attachment: from, reason: `the route table it is associated with (${model.byUrn(table.slice(11))?.name}) can't be resolved before deploy` });
        continue;
      }
      for (const [target, how] of reachable.get(table) ?? []) {
        if (target === from.urn) continue;
        if (target.startsWith("unresolved:")) {
          unverifiable.push({ attachment: from, reason: `${tableName(table)} routes to an attachment that can't be resolved before deploy (${model.byUrn(target.slice(11))?.name})` });
          continue;
        }
        const to = byUrn.get(target);
        if (to) paths.push({ from, to, via: `${tableName(table)} (${how})` });
      }
    }
  }
  // A propagation or route into a table that can't be resolved may reach any table.
  for (const [table, targets] of reachable) {
    if (!table.startsWith("unresolved:")) continue;
    for (const target of targets.keys()) {
      const att = byUrn.get(target);
      if (att) unverifiable.push({ attachment: att, reason: `it is propagated or routed into a route table that can't be resolved before deploy (${model.byUrn(table.slice(11))?.name})` });
    }
  }
  return { attachments, paths, unverifiable };
}
