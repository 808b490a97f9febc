import type { RuleDefinition } from "../model";
import { IAM_TENANCY_MESSAGES, reportIamTenancy } from "./tenancy-iam-findings";
import { Findings, grantData } from "./util";

const ownerText = (o: string) => (o === "" ? "the shared platform" : `tenant ${o}`);
/** Two known owners ("" = the shared platform) are different tenants. */
const crossesTenants = (a: string, b: string) => a !== "" && b !== "" && a !== b;
const tenantsText = (ts: string[]) => ts.join(" and ");

const FIX =
  "Keep each tenant's groups, CIDR rules and peerings inside that tenant (or with the shared platform), and give each tenant's transit-gateway attachment its own route table that reaches only itself and the platform; cross-tenant traffic goes through a public, authenticated endpoint instead.";
const PATH = ". Path: {reach}. Fix: " + FIX;

export const rule: RuleDefinition = {
  meta: {
    id: "tenant-isolation",
    severity: "critical",
    enforcementLevel: "mandatory",
    controls: ["EC2.18", "EC2.19"],
    why: "No security-group reference, CIDR rule, peering or transit route, and no IAM permission (read, decrypt, write, assume, pass, tag) - granted by the principal's own policies or by a resource policy that names it - may let one tenant's resources reach another's: lateral movement was the breach's second half.",
    fix: FIX,
    resolves: ["no-world-open-sensitive-port", "only-lbs-face-world"],
    messages: {
      ...IAM_TENANCY_MESSAGES,
      "group-reference-crosses-tenants": "{grant} lets {source} of tenant {sourceTenant} reach {target} of tenant {targetTenant}" + PATH,
      "self-reference-spans-tenants": "{grant} lets every member of {target} reach every other, and its members belong to tenants {targetTenant} ({members})" + PATH,
      "cidr-covers-other-tenant-subnet": "{grant} admits {source} into {target} of tenant {targetTenant}, covering subnet {subnet} of tenant {sourceTenant}" + PATH,
      "tag-membership-mismatch":
        "{resource} is tagged bulkhead:tenant={declared} but is attached to {members}, which belong to tenant {memberTenants}: the tag is the declared intent and membership says otherwise. Fix: " + FIX,
      "group-associated-with-other-tenant-vpc": "{resource} of tenant {declared} is associated with {vpc} of {vpcOwner} (SecurityGroupVpcAssociation), so it can be used there. Fix: " + FIX,
      "default-group-spans-tenants":
        "{resource} does not adopt its default security group, whose default rule admits all traffic from the group's own members, and {members} name no security group, so AWS puts them all in it: tenants {tenants} reach each other on every port. Fix: adopt the default group with aws.ec2.DefaultSecurityGroup and no rules, and give each tenant's endpoints their own groups. " + FIX,
      "peering-crosses-tenants": "peering {peering} connects {a} ({aOwner}) with {b} ({bOwner})" + PATH,
      "peering-unverifiable":
        "peering {peering} connects a tenant VPC with {unknownEnd}, so tenant isolation cannot be verified before deploy (reference the peer VPC from this stack)" + PATH,
      "transit-unverifiable-source":
        "transit gateway attachment {attachment} routes into {toVpc} (tenant {toTenant}) through {via}, but its own VPC's owner cannot be verified before deploy (reference a tagged VPC from this stack). Fix: " + FIX,
      "transit-crosses-tenants": "transit gateway attachment {attachment} lets {fromVpc} (tenant {fromTenant}) route to {to} through {via}" + PATH,
      "transit-unverifiable":
        "transit gateway attachment {attachment} joins {vpc}, and {reason}, so tenant isolation cannot be verified before deploy (define the gateway, its route tables, associations and propagations in this stack with references). Fix: " + FIX,
    },
  },
  check(model) {
    const out = new Findings();
    const tenantsOf = (urn: string): string[] => {
      const sg = model.sgByUrn(urn);
      if (sg) return sg.tenants;
      const t = model.tenantOf(urn);
      return t !== undefined ? [t] : [];
    };
    for (const g of model.ingress) {
      const tgt = tenantsOf(g.targetSgUrn);
      const s = g.source;
      if (s.kind === "sg" && s.sgUrn) {
        const src = tenantsOf(s.sgUrn);
        // Cross-tenant when some tenant on the source side reaches a different tenant on the target side.
        const pair = src.flatMap((a) => tgt.filter((b) => b !== a).map((b) => [a, b] as const))[0];
        if (pair) out.grant(g, "group-reference-crosses-tenants", { ...grantData(model, g), sourceTenant: tenantsText(src), targetTenant: tenantsText(tgt) });
      } else if (s.kind === "self" && tgt.length > 1) {
        out.grant(g, "self-reference-spans-tenants", {
          ...grantData(model, g),
          targetTenant: tenantsText(tgt),
          members: model.endpointsOfGroup(g.targetSgUrn).map((e) => `${model.label(e.urn)}${e.tenant ? ` (${e.tenant})` : ""}`).join(", "),
        });
      } else if (s.kind === "cidr" && tgt.length && !model.isWorldGrant(g)) {
        // A world-wide grant admits every tenant the way the internet does (a public endpoint): the world rules judge it.
        const sub = model.subnetsOverlapping(s.cidrs).find((x) => x.tenants.some((t) => !tgt.includes(t)));
        if (sub)
          out.grant(g, "cidr-covers-other-tenant-subnet", {
            ...grantData(model, g),
            targetTenant: tenantsText(tgt),
            subnet: sub.name,
            sourceTenant: tenantsText(sub.tenants.filter((t) => !tgt.includes(t))),
          });
      }
    }

    // A tenant tag is declared intent; the members say who is really behind the group or in the subnet.
    const mismatch = (urn: string, declared: string | undefined, members: string[]) => {
      if (declared === undefined || model.tagsUnknown(urn)) return;
      const others = members.filter((m) => {
        const t = model.endpointByUrn(m)?.tenant;
        return t !== undefined && t !== declared;
      });
      if (!others.length) return;
      out.report(urn, "tag-membership-mismatch", {
        resource: model.label(urn),
        declared,
        members: others.map((m) => model.label(m)).join(", "),
        memberTenants: [...new Set(others.map((m) => model.endpointByUrn(m)!.tenant!))].join(", "),
      });
    };
    for (const sg of model.securityGroups) {
      mismatch(sg.urn, sg.tenant, sg.members);
      if (sg.tenant === undefined) continue;
      for (const v of sg.associatedVpcs) {
        const o = model.vpcOwner(v);
        if (o !== undefined && crossesTenants(sg.tenant, o))
          out.report(sg.urn, "group-associated-with-other-tenant-vpc", { resource: model.label(sg.urn), declared: sg.tenant, vpc: model.label(v), vpcOwner: ownerText(o) });
      }
    }
    for (const sn of model.subnets) mismatch(sn.urn, sn.tenant, sn.members);
    // A VPC's members are its subnets' endpoints: a tenant's VPC holding another tenant's workloads.
    const vpcMembers = new Map<string, string[]>();
    for (const sn of model.subnets) if (sn.vpcUrn) vpcMembers.set(sn.vpcUrn, [...(vpcMembers.get(sn.vpcUrn) ?? []), ...sn.members]);
    for (const [vpc, members] of vpcMembers) mismatch(vpc, model.tenantOf(vpc), members);

    // https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html: a VPC's default group admits all
    // inbound traffic from its own members until it is changed, and everything launched without a group is in it.
    for (const d of model.unadoptedDefaultGroups) {
      const tenants = [...new Set(d.members.map((m) => model.endpointByUrn(m)?.tenant).filter((t): t is string => t !== undefined))].sort();
      if (tenants.length < 2) continue;
      out.report(d.vpcUrn, "default-group-spans-tenants", { resource: model.label(d.vpcUrn), members: d.members.map((m) => model.label(m)).join(", "), tenants: tenantsText(tenants) });
    }

    // Peering is not transitive: only a peering whose two ends belong to different tenants joins tenants. A tenant
    // peered with the shared platform (a central bastion or shared-services VPC) is not a tenant-to-tenant path;
    // what may cross it is decided by the security-group rules (bastion-only-admin, data-ports-tenant-only).
    // An end whose owner can't be known (unknown at preview, or a VPC outside this stack) fails closed.
    for (const p of model.peerings) {
      for (const x of p.requester)
        for (const y of p.accepter) {
          const known = x.owner !== undefined && y.owner !== undefined;
          if (known ? !crossesTenants(x.owner!, y.owner!) : !(x.owner || y.owner)) continue;
          const reach = `${model.label(x.urn)} → peering ${p.name} → ${model.label(y.urn)}`;
          if (known) out.report(p.urn, "peering-crosses-tenants", { peering: p.name, a: model.label(x.urn), aOwner: ownerText(x.owner!), b: model.label(y.urn), bOwner: ownerText(y.owner!), reach });
          else {
            const unknownEnd = x.owner === undefined ? x.urn : y.urn;
            out.report(p.urn, "peering-unverifiable", {
              peering: p.name,
              unknownEnd: unknownEnd.startsWith("external:") ? `VPC ${unknownEnd.slice(9)} outside this stack` : "a VPC that is unknown at preview",
              reach,
            });
          }
        }
    }

    // Transit gateways: a tenant attachment whose route table reaches another tenant's attachment (propagation or
    // static route, default route tables included) joins the two; one report per attachment and other owner.
    const transit = model.transit();
    const attOwner = (vpc: string | undefined) => (vpc ? model.vpcOwner(vpc) : undefined);
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
          out.report(from.urn, "transit-unverifiable-source", { attachment: fromName, toVpc: model.label(to.vpc!), toTenant: b, via });
        continue;
      }
      if (b !== undefined && !crossesTenants(a, b)) continue;
      if (!once(`${from.urn}\0${b ?? "?"}`)) continue;
      const toText = b === undefined ? `attachment ${toName}, whose VPC's owner cannot be verified before deploy` : `${model.label(to.vpc!)} (tenant ${b})`;
      out.report(from.urn, "transit-crosses-tenants", {
        attachment: fromName,
        fromVpc: model.label(from.vpc!),
        fromTenant: a,
        to: toText,
        via,
        reach: `${model.label(from.vpc!)} → attachment ${fromName} → ${via} → attachment ${toName}${to.vpc ? ` → ${model.label(to.vpc)}` : ""}`,
      });
    }
    for (const { attachment, reason } of transit.unverifiable) {
      const owner = attOwner(attachment.vpc);
      const name = model.byUrn(attachment.urn)!.name;
      if (owner === "" || !once(`${attachment.urn}\0unverifiable`)) continue;
      const vpcText = attachment.vpc ? `${model.label(attachment.vpc)} (${owner === undefined ? "owner unknown at preview" : `tenant ${owner}`})` : "a VPC that is unknown at preview";
      out.report(attachment.urn, "transit-unverifiable", { attachment: name, vpc: vpcText, reason });
    }
    reportIamTenancy(model, out);
    return out.list;
  },
};
