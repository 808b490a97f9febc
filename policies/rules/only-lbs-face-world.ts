import { formatPorts } from "../model/ports";
import { LB_TYPES, type IngressGrant, type RuleDefinition } from "../model";
import { configPorts, Findings, grantData, grantText, PORTS_SCHEMA } from "./util";
import { endpointReach } from "./no-world-open-sensitive-port";

const FIX = "Put the service behind an internet-facing load balancer and allow the world only on 80/443 of the load balancer's security group; admit the backend from the load balancer's group.";
const WORLD = "{grant} admits the world ({source}{together}): {problems}{note}. Path: {reach}. Fix: " + FIX;

export const rule: RuleDefinition = {
  meta: {
    id: "only-lbs-face-world",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: ["EC2.18", "EC2.19", "ELB.1"],
    why: "Only internet-facing load balancers may accept world-wide traffic, and only on web ports; everything else stays behind them.",
    fix: FIX,
    messages: {
      "world-facing-non-lb": WORLD,
      "world-facing-lb-group-shared": WORLD,
      "world-facing-port-not-allowed": WORLD,
      "world-facing-unverifiable-fields": WORLD,
      "world-facing-across-groups":
        "{grant} admits the world to {endpoint} ({source}, together with {others} on its other security groups: {cidrs}): {problems}{note}. Path: {reach}. Fix: " + FIX,
      "world-facing-unverifiable-source":
        "{grant} admits {source}; whether it is world-wide cannot be verified before deploy (use literal CIDRs or a reference to a group in this stack){note}. Path: {reach}. Fix: " + FIX,
    },
    configSchema: {
      allowedWorldPorts: { ...PORTS_SCHEMA, description: "Ports a load balancer may open to the world (default [80, 443]; replaces the default when set)." },
    },
  },
  check(model, config) {
    const allowed = new Set(config?.allowedWorldPorts !== undefined ? configPorts(config, "allowedWorldPorts") : [80, 443]);
    const out = new Findings();
    const allowedRange = (proto: string, from: number, to: number) =>
      (proto === "tcp" || proto === "udp") && to - from < allowed.size && [...range(from, to)].every((p) => allowed.has(p));
    const portProblem = (proto: string, ports: { from: number; to: number }) => `${formatPorts(ports)}/${proto} is not an allowed world port (${[...allowed].join(", ") || "none"})`;
    const reported = new Set<IngressGrant>();
    // Path MTU discovery: AWS documents admitting ICMP "fragmentation needed" (type 3, code 4) and ICMPv6 "packet too
    // big" (type 2) from anywhere so large replies are not black-holed
    // (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/security-group-rules-reference.html#sg-rules-path-mtu).
    // Those messages open no service: a world exposure made only of them is no door.
    const pmtud = (g: IngressGrant) =>
      (g.protocol === "icmp" && g.icmp?.type === 3 && g.icmp.code === 4) || (g.protocol === "icmpv6" && g.icmp?.type === 2 && (g.icmp.code === 0 || g.icmp.code === -1));
    for (const e of model.worldExposures()) {
      if (e.grants.every(pmtud)) continue;
      const sg = model.sgByUrn(e.targetSgUrn);
      // A group shared by the load balancer and anything else lets that something else face the world directly.
      const alsoOn = sg ? sg.attachedTo.filter((u) => !LB_TYPES.includes(model.byUrn(u)?.type ?? "")) : [];
      const lbOk = sg?.isInternetFacingLb === true && alsoOn.length === 0;
      const portsOk = allowedRange(e.protocol, e.ports.from, e.ports.to);
      const problems: string[] = [];
      if (!portsOk) problems.push(portProblem(e.protocol, e.ports));
      let kind = portsOk ? "world-facing-unverifiable-fields" : "world-facing-port-not-allowed";
      if (sg?.isInternetFacingLb && alsoOn.length) {
        kind = "world-facing-lb-group-shared";
        problems.push(`${model.label(e.targetSgUrn)} is the load balancer's group but is also attached to ${alsoOn.map((u) => model.label(u)).join(", ")}, which thereby face the world directly`);
      } else if (!lbOk) {
        kind = "world-facing-non-lb";
        problems.push(`${model.label(e.targetSgUrn)} is not attached to an internet-facing load balancer${sg?.isLoadBalancer ? " (its load balancers are internal, or `internal` is unknown at preview)" : ""}`);
      }
      for (const g of e.grants) {
        if ((portsOk && lbOk && !g.unknownFields.length) || reported.has(g) || pmtud(g)) continue;
        reported.add(g);
        const together = e.grants.length > 1 ? ` (together with ${e.grants.filter((o) => o !== g).map((o) => grantText(model, o)).join(", ")}: ${e.cidrText.join(", ")})` : "";
        out.grant(g, kind, { ...grantData(model, g), together, problems: problems.join("; "), cidrs: e.cidrText });
      }
    }
    // Grants on different groups of one endpoint that only together admit the world.
    for (const e of model.acrossGroupExposures()) {
      if (e.grants.every(pmtud)) continue;
      const ep = model.endpointByUrn(e.endpointUrn)!;
      const portsOk = allowedRange(e.protocol, e.ports.from, e.ports.to);
      const lbOk = ep.role === "load-balancer" && ep.internetFacing === true;
      if (portsOk && lbOk) continue;
      const problems = [...(portsOk ? [] : [portProblem(e.protocol, e.ports)]), ...(lbOk ? [] : [`${model.label(ep.urn)} is not an internet-facing load balancer`])];
      for (const g of e.grants) {
        if (reported.has(g) || pmtud(g)) continue;
        out.grant(g, "world-facing-across-groups", {
          ...grantData(model, g),
          reach: endpointReach(model, ep.urn, e.groups, e.ports.from, e.protocol),
          endpoint: model.label(ep.urn),
          others: e.grants.filter((o) => o !== g).map((o) => grantText(model, o)).join(", "),
          cidrs: e.cidrText,
          problems: problems.join("; "),
        });
      }
    }
    for (const g of model.ingress) {
      if (g.source.kind !== "unknown") continue;
      out.grant(g, "world-facing-unverifiable-source", grantData(model, g));
    }
    return out.list;
  },
};

function* range(a: number, b: number): Generator<number> {
  for (let i = a; i <= b; i++) yield i;
}
