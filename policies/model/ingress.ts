/**
 * Model stage 3, ingress: every permission to reach a group (inline rules, SecurityGroupRule,
 * SecurityGroupIngressRule, in-stack prefix lists resolved to their CIDRs) and the ports AWS opens by itself:
 * Lightsail's default firewall, EKS managed node groups with remote access and no source groups
 * (https://docs.aws.amazon.com/eks/latest/APIReference/API_RemoteAccessConfig.html) and the instance group
 * Elastic Beanstalk creates (https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/command-options-general.html,
 * aws:autoscaling:launchconfiguration EC2KeyName / SSHSourceRestriction / DisableDefaultEC2SecurityGroup).
 */
import { CidrSet } from "./cidr";
import { SG_TYPES, T } from "./aws-types";
import { beanstalkSettings } from "./endpoints";
import { normaliseProtocol, portRange } from "./ports";
import { provenanceText } from "./placeholders";
import { offlineGroup } from "./offline-facts";
import { asList, type ResourceIndex } from "./resource-index";
import { containsUnknown, isUnknown, type GrantSource, type IngressGrant, type PortRange, type StackResource } from "./types";

export interface IngressStage {
  ingress: IngressGrant[];
  /** Grants by target (group URN, or the endpoint URN for ports AWS opens itself). */
  grantsTo(targetUrn: string): IngressGrant[];
}

const WORLD_V4 = "0.0.0.0/0";

export function buildIngress(ix: ResourceIndex): IngressStage {
  const ingress: IngressGrant[] = [];
  const describe = (u: string) => {
    const d = ix.byUrn(u);
    return d && `${d.type} ${d.name}`;
  };
  // CIDR lists may be unknown at preview when they come from a VPC/subnet; their echoed cidrBlocks resolve them.
  const cidrSource = (res: StackResource, fields: Array<[string, unknown, string?]>): GrantSource | undefined => {
    const texts: string[] = [];
    const unknownFields: string[] = [];
    for (const [field, value, shown] of fields) {
      if (value === undefined || value === null) continue;
      if (isUnknown(value) || containsUnknown(value)) {
        const deps = (res.propertyDependencies?.[field] ?? []).filter((u) => {
          const t = ix.byUrn(u)?.type;
          return t === T.vpc || t === T.subnet;
        });
        const known: string[] = [];
        for (const d of deps) {
          const p = ix.byUrn(d)!.props;
          for (const k of ["cidrBlock", "ipv6CidrBlock"]) if (typeof p[k] === "string" && !isUnknown(p[k])) known.push(p[k]);
        }
        // Where the value comes from: the output an opaque unknown names, else the property's dependencies.
        if (!known.length) unknownFields.push(provenanceText(ix.placeholders, shown ?? field, value, res.propertyDependencies?.[field] ?? [], describe) ?? `${shown ?? field} unknown at preview`);
        texts.push(...known);
        for (const v of asList(value)) if (typeof v === "string" && !isUnknown(v)) texts.push(v);
        continue;
      }
      for (const v of asList(value)) if (typeof v === "string" && v !== "") texts.push(v);
    }
    if (unknownFields.length) return { kind: "unknown", why: [...new Set(unknownFields)].join("; ") };
    if (!texts.length) return undefined;
    try {
      return { kind: "cidr", cidrs: CidrSet.of(texts), text: texts };
    } catch (e) {
      return { kind: "unknown", why: (e as Error).message };
    }
  };

  /**
   * A prefix list defined in this stack is its entries (inline \`entries\` plus ManagedPrefixListEntry resources):
   * a CIDR source like any other. One outside the stack (AWS-managed, or shared from another account) stays a
   * prefix-list source whose addresses can't be known.
   */
  const entriesOf = new Map<string, StackResource[]>();
  for (const e of ix.ofType(T.prefixListEntry))
    for (const u of ix.resolve(e, "prefixListId", e.props.prefixListId, [T.prefixList]).urns) entriesOf.set(u, [...(entriesOf.get(u) ?? []), e]);
  const prefixListSource = (res: StackResource, field: string, value: unknown): GrantSource => {
    const r = ix.resolve(res, field, value, [T.prefixList]);
    if (r.external) return { kind: "prefix-list", id: r.external };
    if (!r.urns.length) return { kind: "unknown", why: `${field} unknown at preview` };
    // An unknown id with several candidate lists in the property's dependencies: their union (a superset) decides.
    const texts: string[] = [];
    for (const urn of r.urns) {
      const entries = ix.byUrn(urn)!.props.entries;
      if (isUnknown(entries)) return { kind: "unknown", why: `the entries of ${ix.label(urn)} are unknown at preview` };
      for (const c of [...asList(entries).map((e: any) => e?.cidr), ...(entriesOf.get(urn) ?? []).map((e) => e.props.cidr)]) {
        if (isUnknown(c)) return { kind: "unknown", why: `an entry of ${ix.label(urn)} is unknown at preview` };
        if (typeof c === "string" && c !== "") texts.push(c);
      }
    }
    const name = r.urns.map(ix.label).join(" or ");
    if (!texts.length) return { kind: "prefix-list", id: name };
    try {
      return { kind: "cidr", cidrs: CidrSet.of(texts), text: texts, prefixList: name };
    } catch (e) {
      return { kind: "unknown", why: (e as Error).message };
    }
  };

  const pushGrants = (
    grantUrn: string,
    targets: string[],
    rawProtocol: unknown,
    from: unknown,
    to: unknown,
    sources: GrantSource[],
    implicit?: string,
    entry?: string,
  ) => {
    const unknownFields: string[] = [];
    let protocol = normaliseProtocol(rawProtocol);
    if (isUnknown(rawProtocol)) (protocol = "all"), unknownFields.push("protocol");
    let ports: PortRange;
    if (isUnknown(from) || isUnknown(to)) {
      ports = { from: 0, to: 65535 };
      // Ports are numbers: the engine never guesses them, but the resources they come from are known.
      const deps = ["fromPort", "toPort", "ingress", "portInfos"].flatMap((k) => ix.byUrn(grantUrn)?.propertyDependencies?.[k] ?? []);
      const origins = [...new Set(deps)].map((u) => ix.byUrn(u)).filter((d): d is StackResource => !!d && !SG_TYPES.includes(d.type as any));
      unknownFields.push(origins.length ? `port range (from an output of ${origins.map((d) => `${d.type} ${d.name}`).join(" or ")})` : "port range");
    } else ports = portRange(protocol, from, to);
    // ICMP rules name a message type and code, not ports (-1, or nothing, = any).
    const icmpField = (v: unknown) => (typeof v === "number" ? v : typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : -1);
    const icmp = (protocol === "icmp" || protocol === "icmpv6") && !unknownFields.length ? { icmp: { type: icmpField(from), code: icmpField(to) } } : {};
    for (const targetSgUrn of targets)
      for (const source of sources)
        ingress.push({ grantUrn, targetSgUrn, protocol, ports, source, unknownFields, ...(implicit ? { implicit } : {}), ...(entry ? { entry } : {}), ...icmp });
  };

  const sgSources = (res: StackResource, top: string, value: unknown, selfUrn?: string): GrantSource[] => {
    if (value === undefined || value === null) return [];
    const r = ix.resolveList(res, top, value, SG_TYPES);
    const out: GrantSource[] = r.urns.filter((u) => u !== selfUrn).map((u) => ({ kind: "sg" as const, sgUrn: u }));
    for (const e of r.externals) {
      const origin = offlineGroup(e);
      out.push({ kind: "sg", external: e, ...(origin ? { origin } : {}) });
    }
    if (r.unknown) out.push({ kind: "unknown", why: `${top} unknown at preview and not traceable to a group in this stack` });
    return out;
  };

  for (const sg of ix.ofType(...SG_TYPES)) {
    const rules = sg.props.ingress;
    if (rules === undefined || rules === null) continue;
    if (isUnknown(rules)) {
      pushGrants(sg.urn, [sg.urn], "-1", 0, 0, [{ kind: "unknown", why: "ingress unknown at preview" }]);
      continue;
    }
    for (const [i, rule] of asList(rules).entries()) {
      if (!rule || typeof rule !== "object") continue;
      const ru = rule as Record<string, any>;
      const sources: GrantSource[] = [];
      const c = cidrSource(sg, [["ingress", ru.cidrBlocks, "ingress.cidrBlocks"], ["ingress", ru.ipv6CidrBlocks, "ingress.ipv6CidrBlocks"]]);
      if (c) sources.push(c);
      sources.push(...sgSources(sg, "ingress", ru.securityGroups, sg.urn));
      if (ru.self === true) sources.push({ kind: "self" });
      // Listing the group's own id is a self reference (sgSources drops it as a group source).
      if (Array.isArray(ru.securityGroups) && ru.securityGroups.some((x: unknown) => x === sg.props.id && x !== undefined)) sources.push({ kind: "self" });
      for (const pl of asList(ru.prefixListIds)) sources.push(prefixListSource(sg, "ingress", pl));
      pushGrants(sg.urn, [sg.urn], ru.protocol, ru.fromPort, ru.toPort, sources, undefined, `ingress[${i}]`);
    }
  }

  const targetsOf = (r: StackResource, prop: string): string[] => {
    const t = ix.resolve(r, prop, r.props[prop], SG_TYPES);
    if (t.urns.length) return t.urns;
    if (t.external) return [`external:${t.external}`];
    return [`unknown:${r.urn}`];
  };

  for (const r of ix.ofType(T.sgRule)) {
    const p = r.props;
    if (p.type !== "ingress" && !isUnknown(p.type)) continue;
    const targets = targetsOf(r, "securityGroupId");
    const sources: GrantSource[] = [];
    const c = cidrSource(r, [["cidrBlocks", p.cidrBlocks], ["ipv6CidrBlocks", p.ipv6CidrBlocks]]);
    if (c) sources.push(c);
    sources.push(...sgSources(r, "sourceSecurityGroupId", p.sourceSecurityGroupId));
    if (p.self === true) sources.push({ kind: "self" });
    if (isUnknown(p.prefixListIds)) sources.push({ kind: "unknown", why: "prefixListIds unknown at preview" });
    else for (const pl of asList(p.prefixListIds)) sources.push(prefixListSource(r, "prefixListIds", pl));
    if (isUnknown(p.self)) sources.push({ kind: "unknown", why: "self unknown at preview" });
    if (!sources.length) sources.push({ kind: "unknown", why: "the rule names no source" });
    pushGrants(r.urn, targets, p.protocol, p.fromPort, p.toPort, sources);
  }

  for (const r of ix.ofType(T.sgIngress)) {
    const p = r.props;
    const targets = targetsOf(r, "securityGroupId");
    const sources: GrantSource[] = [];
    const c = cidrSource(r, [["cidrIpv4", p.cidrIpv4], ["cidrIpv6", p.cidrIpv6]]);
    if (c) sources.push(c);
    sources.push(...sgSources(r, "referencedSecurityGroupId", p.referencedSecurityGroupId));
    if (p.prefixListId !== undefined && p.prefixListId !== null && p.prefixListId !== "") sources.push(prefixListSource(r, "prefixListId", p.prefixListId));
    if (!sources.length) sources.push({ kind: "unknown", why: "the rule names no source" });
    pushGrants(r.urn, targets, p.ipProtocol, p.fromPort, p.toPort, sources);
  }

  // Lightsail instances have their own firewall: explicit public ports, or AWS's default (22 and 80 open to all).
  const lightsailPortsFor = new Set<string>();
  for (const r of ix.ofType(T.lightsailPorts)) {
    const inst = ix.resolve(r, "instanceName", r.props.instanceName, [T.lightsail]);
    const targets = inst.urns.length ? inst.urns : [inst.external ? `external:${inst.external}` : `unknown:${r.urn}`];
    targets.forEach((t) => lightsailPortsFor.add(t));
    const infos = r.props.portInfos;
    if (isUnknown(infos)) {
      pushGrants(r.urn, targets, "-1", 0, 0, [{ kind: "unknown", why: "portInfos unknown at preview" }]);
      continue;
    }
    for (const [n, pi] of asList(infos).entries()) {
      const i = pi as Record<string, any>;
      const fields: Array<[string, unknown]> = [["portInfos", i.cidrs], ["portInfos", i.ipv6Cidrs]];
      // No cidrs means "all IPv4 addresses" in Lightsail.
      const none = (i.cidrs === undefined || i.cidrs === null) && (i.ipv6Cidrs === undefined || i.ipv6Cidrs === null) && !i.cidrListAliases;
      const src = none ? cidrSource(r, [["portInfos", ["0.0.0.0/0"]]]) : cidrSource(r, fields);
      pushGrants(r.urn, targets, i.protocol, i.fromPort, i.toPort, src ? [src] : [], undefined, `portInfos[${n}]`);
    }
  }
  for (const r of ix.ofType(T.lightsail)) {
    if (lightsailPortsFor.has(r.urn)) continue;
    // AWS's default Lightsail firewall opens SSH and HTTP to all IPv4 addresses.
    const world = CidrSet.of([WORLD_V4]);
    for (const port of [22, 80]) pushGrants(r.urn, [r.urn], "tcp", port, port, [{ kind: "cidr", cidrs: world, text: [WORLD_V4] }], "Lightsail default firewall (no InstancePublicPorts)");
  }


  // EKS managed node groups: an SSH key with no source groups opens 22 (3389 on Windows AMIs) to 0.0.0.0/0.
  for (const r of ix.ofType(T.eksNodeGroup)) {
    const ra = r.props.remoteAccess;
    if (ra === undefined || ra === null) continue;
    const port = typeof r.props.amiType === "string" && /WINDOWS/i.test(r.props.amiType) ? 3389 : 22;
    if (isUnknown(ra)) {
      pushGrants(r.urn, [r.urn], "tcp", port, port, [{ kind: "unknown", why: "remoteAccess unknown at preview" }], "EKS remote access");
      continue;
    }
    const key = ra.ec2SshKey;
    if (key === undefined || key === null || key === "") continue;
    const srcs = ra.sourceSecurityGroupIds;
    const none = srcs === undefined || srcs === null || (Array.isArray(srcs) && srcs.length === 0);
    const sources = none ? [{ kind: "cidr" as const, cidrs: CidrSet.of([WORLD_V4]), text: [WORLD_V4] }] : sgSources(r, "remoteAccess", srcs);
    pushGrants(r.urn, [r.urn], "tcp", port, port, sources, none ? "EKS remote access with no sourceSecurityGroupIds: AWS opens the port to 0.0.0.0/0" : "EKS remote access");
  }

  // Elastic Beanstalk's own instance group: SSH from SSHSourceRestriction (default 0.0.0.0/0) when a key pair is
  // set, and port 80 from anywhere for single-instance environments (no load balancer in front).
  for (const r of ix.ofType(T.beanstalkEnv)) {
    const s = beanstalkSettings(r);
    if (isUnknown(r.props.settings)) {
      pushGrants(r.urn, [r.urn], "-1", 0, 0, [{ kind: "unknown", why: "settings unknown at preview" }], "Elastic Beanstalk managed security group");
      continue;
    }
    const disabled = s.get("aws:autoscaling:launchconfiguration:DisableDefaultEC2SecurityGroup");
    if (disabled === true || disabled === "true") continue;
    const key = s.get("aws:autoscaling:launchconfiguration:EC2KeyName");
    if (key !== undefined && key !== "") {
      const restriction = s.get("aws:autoscaling:launchconfiguration:SSHSourceRestriction");
      if (isUnknown(restriction)) pushGrants(r.urn, [r.urn], "tcp", 22, 22, [{ kind: "unknown", why: "SSHSourceRestriction unknown at preview" }], "Elastic Beanstalk managed security group");
      else {
        const parts = typeof restriction === "string" ? restriction.split(",").map((x) => x.trim()) : ["tcp", "22", "22", WORLD_V4];
        const [proto, from, to, source] = parts.length === 4 ? parts : ["tcp", "22", "22", WORLD_V4];
        const src: GrantSource[] = /^[0-9a-f.:]+\/\d+$/i.test(source ?? "")
          ? [cidrSource(r, [["settings", [source]]]) ?? { kind: "unknown", why: `SSHSourceRestriction source ${source}` }]
          : sgSources(r, "settings", [source]);
        pushGrants(r.urn, [r.urn], proto, Number(from), Number(to), src, `Elastic Beanstalk managed security group (SSHSourceRestriction${restriction === undefined ? " unset: AWS opens 22 to 0.0.0.0/0" : ""})`);
      }
    }
    if (s.get("aws:elasticbeanstalk:environment:EnvironmentType") === "SingleInstance")
      pushGrants(r.urn, [r.urn], "tcp", 80, 80, [{ kind: "cidr", cidrs: CidrSet.of([WORLD_V4]), text: [WORLD_V4] }], "Elastic Beanstalk single-instance environment: AWS opens 80 to 0.0.0.0/0");
  }

  const byTarget = new Map<string, IngressGrant[]>();
  for (const g of ingress) {
    const l = byTarget.get(g.targetSgUrn);
    if (l) l.push(g);
    else byTarget.set(g.targetSgUrn, [g]);
  }
  return { ingress, grantsTo: (t) => byTarget.get(t) ?? [] };
}
