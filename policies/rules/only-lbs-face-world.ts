import { formatPorts } from "../model/ports";
import { T, type IngressGrant, type RuleDefinition } from "../model";
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
    const allowedRange = (proto: string, from: number, to: number) =>
      (proto === "tcp" || proto === "udp") && to - from < allowed.size && [...range(from, to)].every((p) => allowed.has(p));
    const reported = new Set<IngressGrant>();
    for (const e of model.worldExposures()) {
      const sg = model.sgByUrn(e.targetSgUrn);
      // A group shared by the load balancer and anything else lets that something else face the world directly.
      const alsoOn = sg ? sg.attachedTo.filter((u) => ![T.lb, T.alb].includes(model.byUrn(u)?.type as typeof T.lb)) : [];
      const lbOk = sg?.isInternetFacingLb === true && alsoOn.length === 0;
      const portsOk = allowedRange(e.protocol, e.ports.from, e.ports.to);
      const problems: string[] = [];
      if (!portsOk) problems.push(`${formatPorts(e.ports)}/${e.protocol} is not an allowed world port (${[...allowed].join(", ") || "none"})`);
      if (sg?.isInternetFacingLb && alsoOn.length)
        problems.push(`${model.label(e.targetSgUrn)} is the load balancer's group but is also attached to ${alsoOn.map((u) => model.label(u)).join(", ")}, which thereby face the world directly`);
      else if (!lbOk)
        problems.push(
          `${model.label(e.targetSgUrn)} is not attached to an internet-facing load balancer${sg?.isLoadBalancer ? " (its load balancers are internal, or `internal` is unknown at preview)" : ""}`,
        );
      for (const g of e.grants) {
        if ((portsOk && lbOk && !g.unknownFields.length) || reported.has(g)) continue;
        reported.add(g);
        const together = e.grants.length > 1 ? ` (together with ${e.grants.filter((o) => o !== g).map((o) => grantText(model, o)).join(", ")}: ${e.cidrText.join(", ")})` : "";
        out.add(g.grantUrn, `${grantText(model, g)} admits the world (${sourceText(model, g)}${together})${problems.length ? ": " + problems.join("; ") : ""}${unknownNote(g)}. Path: ${model.pathOf(g)}. Fix: ${rule.meta.fix}`);
      }
    }
    for (const g of model.ingress) {
      if (g.source.kind !== "unknown") continue;
      out.add(g.grantUrn, `${grantText(model, g)} admits ${sourceText(model, g)}; whether it is world-wide cannot be verified before deploy (use literal CIDRs or a reference to a group in this stack)${unknownNote(g)}. Path: ${model.pathOf(g)}. Fix: ${rule.meta.fix}`);
    }
    return out.list;
  },
};

function* range(a: number, b: number): Generator<number> {
  for (let i = a; i <= b; i++) yield i;
}
