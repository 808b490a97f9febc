import { carriesPorts, formatPorts } from "../model/ports";
import type { RuleDefinition } from "../model";
import { configPorts, Findings, grantText, PORTS_SCHEMA, sourceText, unknownNote } from "./util";

export const rule: RuleDefinition = {
  meta: {
    id: "only-lbs-face-world",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: ["EC2.18", "EC2.19", "ELB.1"],
    why: "Only internet-facing load balancers may accept world-wide traffic, and only on web ports; everything else stays behind them.",
    fix: "Put the service behind an internet-facing load balancer and allow the world only on 80/443 of the load balancer's security group; admit the backend from the load balancer's group.",
    configSchema: {
      allowedWorldPorts: { ...PORTS_SCHEMA, description: "Ports a load balancer may open to the world (default [80, 443]; replaces the default when set)." },
    },
  },
  check(model, config) {
    const allowed = new Set(config?.allowedWorldPorts !== undefined ? configPorts(config, "allowedWorldPorts") : [80, 443]);
    const out = new Findings();
    for (const g of model.ingress) {
      const s = g.source;
      const world = s.kind === "cidr" && s.cidrs.coversPublicInternet();
      if (!world && s.kind !== "unknown") continue;
      const portsOk =
        carriesPorts(g.protocol) && g.protocol !== "all" && g.ports.to - g.ports.from < allowed.size && [...range(g.ports.from, g.ports.to)].every((p) => allowed.has(p));
      const sg = model.sgByUrn(g.targetSgUrn);
      const lbOk = sg?.isInternetFacingLb === true;
      if (portsOk && lbOk && world && !g.unknownFields.length) continue;
      const problems: string[] = [];
      if (!portsOk) problems.push(`${formatPorts(g.ports)}/${g.protocol} is not an allowed world port (${[...allowed].join(", ") || "none"})`);
      if (!lbOk)
        problems.push(
          `${model.label(g.targetSgUrn)} is not attached to an internet-facing load balancer${sg?.isLoadBalancer ? " (its load balancers are internal, or `internal` is unknown at preview)" : ""}`,
        );
      const head = world
        ? `${grantText(model, g)} admits the world (${sourceText(model, g)})`
        : `${grantText(model, g)} admits ${sourceText(model, g)}; whether it is world-wide cannot be verified before deploy (use literal CIDRs)`;
      out.add(g.grantUrn, `${head}${problems.length ? ": " + problems.join("; ") : ""}${unknownNote(g)}. Path: ${model.pathOf(g)}. Fix: ${rule.meta.fix}`);
    }
    return out.list;
  },
};

function* range(a: number, b: number): Generator<number> {
  for (let i = a; i <= b; i++) yield i;
}
