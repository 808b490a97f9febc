import { openedPorts } from "../model/ports";
import type { IngressGrant, NetworkModel, RuleDefinition } from "../model";
import { configPorts, Findings, grantData, grantText, PORTS_SCHEMA } from "./util";

const FIX = "Remove the world-wide CIDR (0.0.0.0/0, ::/0 or CIDRs that together cover the public internet); reach admin ports through the bastion's security group and data ports from the tenant's own security groups.";

/** `internet → igw … → subnet … → instance web (sg a + sg b):22/tcp` for an endpoint reached through several groups. */
export function endpointReach(model: NetworkModel, endpointUrn: string, groups: string[], port: number, protocol: string): string {
  const hops = model.publicHop(endpointUrn) ?? groups.map((g) => model.publicHop(g)).find((h) => h);
  const target = `${model.label(endpointUrn)} (${groups.map((g) => model.label(g)).join(" + ")}):${port}/${protocol}`;
  const path = ["internet", ...(hops ?? []), target].join(" → ");
  return hops ? path : `${path} (latent: nothing attached is publicly routed yet)`;
}

export const rule: RuleDefinition = {
  meta: {
    id: "no-world-open-sensitive-port",
    severity: "critical",
    enforcementLevel: "mandatory",
    controls: ["EC2.13", "EC2.14", "EC2.18", "EC2.19", "EC2.53", "EC2.54", "CIS 5.2", "CIS 5.3"],
    why: "A world-wide source on an admin or data port is the cellar door: one public IP away from open, even on a bastion or an unattached group.",
    fix: FIX,
    resolves: ["only-lbs-face-world"],
    messages: {
      "world-open-port": "{grant} opens {ports} to the world from {source}{together}{note}. Path: {reach}. Fix: " + FIX,
      "world-open-port-across-groups":
        "{grant} opens {ports} of {endpoint} to the world from {source}: together with {others}, which reach the same {endpoint} through its other security groups, it admits {cidrs}, which covers the public internet{note}. Path: {reach}. Fix: " +
        FIX,
      "world-open-port-unverifiable":
        "{grant} opens {ports} to {source}, so whether it is world-wide cannot be verified before deploy; make the source a literal CIDR or a reference to a group in this stack{note}. Path: {reach}. Fix: " + FIX,
    },
    configSchema: {
      adminPorts: { ...PORTS_SCHEMA, description: "Extra admin ports (added to 22, 23, 3389, 5985-5986, 5900, 2375-2376, 10250, 2379)." },
      dataPorts: { ...PORTS_SCHEMA, description: "Extra data ports (added to the fixed list and the stack's database ports)." },
    },
  },
  check(model, config) {
    const admin = new Set([...model.adminPorts, ...configPorts(config, "adminPorts")]);
    const data = new Set([...model.dataPorts, ...configPorts(config, "dataPorts")]);
    // Sensitive ports of one target: admin ports (less those its members all serve with no shell behind them, like
    // Transfer Family's SFTP 22) and data ports, the data ports of the services behind it included whatever their number.
    const sensitiveOf = (target: string) => {
      const sp = model.servicePorts(target);
      return [...new Set([...[...admin].filter((p) => !sp.service.includes(p)), ...data, ...sp.data])];
    };
    const kinds = (ports: number[]) => ports.map((p) => `${p}${admin.has(p) ? " (admin)" : " (data)"}`).join(", ");
    const out = new Findings();
    const others = (all: IngressGrant[], g: IngressGrant) => all.filter((o) => o !== g).map((o) => grantText(model, o)).join(", ");
    for (const e of model.worldExposures()) {
      const ports = openedPorts(e.protocol, e.ports, sensitiveOf(e.targetSgUrn));
      if (!ports.length) continue;
      for (const g of e.grants) {
        const together = e.grants.length > 1 ? ` (together with ${others(e.grants, g)} the group admits ${e.cidrText.join(", ")}, which covers the public internet)` : "";
        out.grant(g, "world-open-port", { ...grantData(model, g, ports[0]), ports: kinds(ports), openPorts: ports, together, cidrs: e.cidrText });
      }
    }
    // Endpoints: grants on DIFFERENT groups of one endpoint that only together cover the internet (one group alone
    // is reported above). Endpoints sharing their groups are one report per grant and port set.
    const seen = new Set<string>();
    let idOf: Map<IngressGrant, number> | undefined;
    for (const e of model.acrossGroupExposures()) {
      const ports = openedPorts(e.protocol, e.ports, sensitiveOf(e.endpointUrn));
      if (!ports.length) continue;
      idOf ??= new Map(model.ingress.map((g, i) => [g, i]));
      const key = `${e.grants.map((g) => idOf!.get(g)).join(",")}|${e.protocol}|${ports.join(",")}`;
      if (seen.has(key)) continue;
      seen.add(key);
      for (const g of e.grants)
        out.grant(g, "world-open-port-across-groups", {
          ...grantData(model, g, ports[0]),
          reach: endpointReach(model, e.endpointUrn, e.groups, ports[0], e.protocol),
          endpoint: model.label(e.endpointUrn),
          groups: e.groups.map((u) => model.label(u)),
          others: others(e.grants, g),
          ports: kinds(ports),
          openPorts: ports,
          cidrs: e.cidrText,
        });
    }
    // A source that can't be read at preview may be world-wide: fail closed per grant.
    for (const g of model.ingress) {
      if (g.source.kind !== "unknown") continue;
      const ports = openedPorts(g.protocol, g.ports, sensitiveOf(g.targetSgUrn));
      if (!ports.length) continue;
      out.grant(g, "world-open-port-unverifiable", { ...grantData(model, g, ports[0]), ports: kinds(ports), openPorts: ports });
    }
    return out.list;
  },
};
