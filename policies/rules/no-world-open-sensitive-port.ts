import { openedPorts } from "../model/ports";
import type { RuleDefinition } from "../model";
import { configPorts, Findings, grantText, PORTS_SCHEMA, sourceText, unknownNote } from "./util";

export const rule: RuleDefinition = {
  meta: {
    id: "no-world-open-sensitive-port",
    severity: "critical",
    enforcementLevel: "mandatory",
    controls: ["EC2.13", "EC2.14", "EC2.18", "EC2.19", "EC2.53", "EC2.54", "CIS 5.2", "CIS 5.3"],
    why: "A world-wide source on an admin or data port is the cellar door: one public IP away from open, even on a bastion or an unattached group.",
    fix: "Remove the world-wide CIDR (0.0.0.0/0, ::/0 or CIDRs that together cover the public internet); reach admin ports through the bastion's security group and data ports from the tenant's own security groups.",
    configSchema: {
      adminPorts: { ...PORTS_SCHEMA, description: "Extra admin ports (added to 22, 23, 3389, 5985-5986, 5900, 2375-2376, 10250, 2379)." },
      dataPorts: { ...PORTS_SCHEMA, description: "Extra data ports (added to the fixed list and the stack's database ports)." },
    },
  },
  check(model, config) {
    const admin = new Set([...model.adminPorts, ...configPorts(config, "adminPorts")]);
    const data = new Set([...model.dataPorts, ...configPorts(config, "dataPorts")]);
    const sensitive = [...new Set([...admin, ...data])];
    const out = new Findings();
    for (const e of model.worldExposures()) {
      const ports = openedPorts(e.protocol, e.ports, sensitive);
      if (!ports.length) continue;
      const kinds = ports.map((p) => `${p}${admin.has(p) ? " (admin)" : " (data)"}`).join(", ");
      for (const g of e.grants) {
        const together =
          e.grants.length > 1
            ? ` (together with ${e.grants.filter((o) => o !== g).map((o) => grantText(model, o)).join(", ")} the group admits ${e.cidrText.join(", ")}, which covers the public internet)`
            : "";
        out.add(g.grantUrn, `${grantText(model, g)} opens ${kinds} to the world from ${sourceText(model, g)}${together}${unknownNote(g)}. Path: ${model.pathOf(g, ports[0])}. Fix: ${rule.meta.fix}`);
      }
    }
    // A source that can't be read at preview may be world-wide: fail closed per grant.
    for (const g of model.ingress) {
      if (g.source.kind !== "unknown") continue;
      const ports = openedPorts(g.protocol, g.ports, sensitive);
      if (!ports.length) continue;
      const kinds = ports.map((p) => `${p}${admin.has(p) ? " (admin)" : " (data)"}`).join(", ");
      out.add(
        g.grantUrn,
        `${grantText(model, g)} opens ${kinds} to ${sourceText(model, g)}, so whether it is world-wide cannot be verified before deploy; make the source a literal CIDR or a reference to a group in this stack${unknownNote(g)}. Path: ${model.pathOf(g, ports[0])}. Fix: ${rule.meta.fix}`,
      );
    }
    return out.list;
  },
};
