import { isUnknown, T, type NetworkModel, type Resolved, type RuleDefinition, type StackResource } from "../model";
import { cannotVerify, Findings, list } from "./util";
import { offlineSubnet } from "../model/offline-facts";

type Verdict = { bad: true; kind: string; why: string } | { bad: false };

/** Does launching into these subnets hand out a public IP (mapPublicIpOnLaunch), or can't we tell? */
function subnetVerdict(model: NetworkModel, subnets: Resolved, whatSets: string): Verdict {
  if (subnets.missing)
    return { bad: true, kind: "default-vpc-public-ip", why: `has no subnet, so it lands in the default VPC whose default subnets assign public IPs; set ${whatSets}: false or place it in a private subnet` };
  for (const u of subnets.urns) {
    const s = model.subnetByUrn(u);
    if (s?.mapPublicIpOnLaunch === true) return { bad: true, kind: "public-subnet", why: `is placed in subnet ${s.name} with mapPublicIpOnLaunch: true without opting out (${whatSets}: false)` };
    if (s?.mapPublicIpOnLaunch === "unknown") return { bad: true, kind: "subnet-public-ip-unverifiable", why: `is placed in subnet ${s.name} whose ${cannotVerify("mapPublicIpOnLaunch", `set it literally or set ${whatSets}: false`)}` };
  }
  // A subnet outside the stack the offline engine answered a lookup for (a default subnet) is judged as AWS made it.
  const outside = [subnets.external, ...((subnets as any).externals ?? [])].filter((x): x is string => typeof x === "string");
  const publicOutside = outside.map(offlineSubnet).find((s) => s?.mapPublicIpOnLaunch === true);
  if (publicOutside) {
    const which = publicOutside.defaultForAz ? "a default subnet of the default VPC, which assigns public IPs like every default subnet" : "which assigns public IPs";
    return { bad: true, kind: "public-subnet", why: `is placed in subnet ${publicOutside.id} outside this stack, ${which} (mapPublicIpOnLaunch: true), without opting out (${whatSets}: false)` };
  }
  const knownPrivate = outside.length > 0 && outside.every((id) => offlineSubnet(id)?.mapPublicIpOnLaunch === false);
  if (subnets.external && !knownPrivate) return { bad: true, kind: "subnet-outside-stack", why: `is placed in subnet ${subnets.external} outside this stack, so whether it assigns public IPs cannot be verified before deploy; set ${whatSets}: false` };
  if (subnets.unknown || ((subnets as any).externals?.length && !knownPrivate))
    return { bad: true, kind: "subnet-unverifiable", why: `${cannotVerify("its subnet", `set ${whatSets}: false explicitly`)}` };
  return { bad: false };
}

/** A launch template's explicit choice: "on" / "off" / "unknown" / undefined (not set). */
function ltPublicIp(lt: StackResource): "on" | "off" | "unknown" | undefined {
  const nis = lt.props.networkInterfaces;
  if (isUnknown(nis)) return "unknown";
  let res: "on" | "off" | "unknown" | undefined;
  for (const ni of list(nis)) {
    const v = (ni as any)?.associatePublicIpAddress;
    if (v === true || v === "true") return "on";
    if (isUnknown(v)) res = "unknown";
    else if ((v === false || v === "false") && res === undefined) res = "off";
  }
  return res;
}

/** A launch configuration's choice (associatePublicIpAddress at the top level). */
function lcPublicIp(lc: StackResource): "on" | "off" | "unknown" | undefined {
  const v = lc.props.associatePublicIpAddress;
  if (v === true || v === "true") return "on";
  if (isUnknown(v)) return "unknown";
  return v === false || v === "false" ? "off" : undefined;
}

function ltSubnets(model: NetworkModel, lt: StackResource): Resolved | undefined {
  const ids = list(lt.props.networkInterfaces).map((ni: any) => ni?.subnetId).filter((x) => x !== undefined && x !== null);
  if (!ids.length) return undefined;
  return model.resolveList(lt, "networkInterfaces", ids, [T.subnet]);
}

const FIX =
  "Set associatePublicIpAddress: false (instances, spot requests, launch templates' network interfaces, launch configurations) and assignPublicIp: false (ECS services), drop EIPs on non-bastion instances/ENIs, and keep workloads (node groups included) in private subnets behind a load balancer; tag the bastion bulkhead:role=bastion.";

export const rule: RuleDefinition = {
  meta: {
    id: "public-ip-only-bastion-lb",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: ["EC2.9", "EC2.15", "AutoScaling.5", "ECS.2"],
    why: "A public IP on anything but the bastion or a load balancer turns every latent security-group rule into an open door.",
    fix: FIX,
    messages: {
      "associates-public-ip": "{resource}{why}. Fix: " + FIX,
      "public-ip-unverifiable": "{resource}{why}. Fix: " + FIX,
      "default-vpc-public-ip": "{resource}{why}. Fix: " + FIX,
      "public-subnet": "{resource}{why}. Fix: " + FIX,
      "subnet-public-ip-unverifiable": "{resource}{why}. Fix: " + FIX,
      "subnet-outside-stack": "{resource}{why}. Fix: " + FIX,
      "subnet-unverifiable": "{resource}{why}. Fix: " + FIX,
      "public-ipv6": "{resource}{why}. Fix: " + FIX,
      "eip-on-non-bastion": "{resource}{why}. Fix: " + FIX,
      "eip-target-unverifiable": "{resource}{why}. Fix: " + FIX,
      "lightsail-public-ip": "{resource}{why}. Fix: " + FIX,
    },
  },
  check(model) {
    const out = new Findings();
    // `path`: the property that hands out the public address, when one does (the finding's door); a subnet's or
    // a Lightsail instance's public address is the resource's as a whole.
    const report = (r: StackResource, kind: string, why: string, path?: string) =>
      out.report(r.urn, kind, { resource: model.label(r.urn), why: `${why.startsWith(":") ? "" : " "}${why}` }, path);

    for (const lt of model.ofType(T.launchTemplate)) {
      if (model.isBastion(lt.urn)) continue;
      const v = ltPublicIp(lt);
      if (v === "on") report(lt, "associates-public-ip", `sets networkInterfaces[].associatePublicIpAddress: "true"`, "networkInterfaces");
      else if (v === "unknown") report(lt, "public-ip-unverifiable", `: ${cannotVerify("networkInterfaces[].associatePublicIpAddress", 'set it to the literal "false"')}`, "networkInterfaces");
      else if (v === undefined) {
        const subs = ltSubnets(model, lt);
        if (subs) {
          const verdict = subnetVerdict(model, subs, "networkInterfaces[].associatePublicIpAddress");
          if (verdict.bad) report(lt, verdict.kind, verdict.why);
        }
      }
    }

    for (const lc of model.ofType(T.launchConfiguration)) {
      if (model.isBastion(lc.urn) || model.launchersOf(lc.urn).some((a) => model.isBastion(a))) continue;
      const v = lcPublicIp(lc);
      if (v === "on") report(lc, "associates-public-ip", "sets associatePublicIpAddress: true", "associatePublicIpAddress");
      else if (v === "unknown") report(lc, "public-ip-unverifiable", `: ${cannotVerify("associatePublicIpAddress", "set it to the literal false")}`, "associatePublicIpAddress");
    }

    for (const i of model.ofType(T.instance, T.spotInstance)) {
      if (model.isBastion(i.urn)) continue;
      const v = i.props.associatePublicIpAddress;
      if (v === true) {
        report(i, "associates-public-ip", "sets associatePublicIpAddress: true", "associatePublicIpAddress");
        continue;
      }
      if (isUnknown(v)) {
        report(i, "public-ip-unverifiable", `: ${cannotVerify("associatePublicIpAddress", "set it to the literal false")}`, "associatePublicIpAddress");
        continue;
      }
      if (v === false) continue;
      // Instances launched on an existing ENI don't get an automatic public IP.
      if (i.props.primaryNetworkInterface || list(i.props.networkInterfaces).length) continue;
      const ltRef = i.props.launchTemplate;
      const lts = ltRef ? model.resolve(i, "launchTemplate", ltRef.id ?? ltRef.name, [T.launchTemplate]).urns : [];
      const ltChoice = lts.map((u) => ltPublicIp(model.byUrn(u)!));
      if (ltChoice.length && ltChoice.every((c) => c === "off")) continue;
      if (ltChoice.some((c) => c === "on" || c === "unknown")) continue; // blamed on the launch template
      const subs = i.props.subnetId === undefined && lts.length ? ltSubnets(model, model.byUrn(lts[0])!) ?? model.subnetsOf(i.urn) : model.subnetsOf(i.urn);
      const verdict = subnetVerdict(model, subs, "associatePublicIpAddress");
      if (verdict.bad) report(i, verdict.kind, verdict.why);
    }

    for (const a of model.ofType(T.asg)) {
      if (model.isBastion(a.urn)) continue;
      const refs: Array<[string, unknown]> = [
        ["launchTemplate", a.props.launchTemplate?.id ?? a.props.launchTemplate?.name],
        ["mixedInstancesPolicy", a.props.mixedInstancesPolicy?.launchTemplate?.launchTemplateSpecification?.launchTemplateId ?? a.props.mixedInstancesPolicy?.launchTemplate?.launchTemplateSpecification?.launchTemplateName],
      ];
      const lts = refs.flatMap(([top, v]) => model.resolve(a, top, v, [T.launchTemplate]).urns).map((u) => model.byUrn(u)!);
      if (lts.some((lt) => model.isBastion(lt.urn))) continue;
      const lcs = a.props.launchConfiguration !== undefined ? model.resolve(a, "launchConfiguration", a.props.launchConfiguration, [T.launchConfiguration]).urns.map((u) => model.byUrn(u)!) : [];
      const choices = [...lts.map(ltPublicIp), ...lcs.map(lcPublicIp)];
      if (choices.some((c) => c === "on" || c === "unknown")) continue; // blamed on the launch template
      if (choices.length && choices.every((c) => c === "off")) continue;
      const verdict = subnetVerdict(model, model.subnetsOf(a.urn), "the launch template's networkInterfaces[].associatePublicIpAddress");
      if (verdict.bad) report(a, verdict.kind, verdict.why);
    }

    // IPv6 addresses are globally unique: behind a subnet whose IPv6 routes lead to an internet gateway (not an
    // egress-only one) every one of them is a public address.
    const publicV6 = (subs: Resolved, explicit: boolean, optedOut: boolean) => {
      for (const u of subs.urns) {
        const sn = model.subnetByUrn(u);
        if (!sn?.igw6) continue;
        if (explicit) return `gets a public IPv6 address: subnet ${sn.name} routes IPv6 to internet gateway ${sn.igw6}`;
        if (!optedOut && sn.assignIpv6OnCreation === true)
          return `gets a public IPv6 address: subnet ${sn.name} assigns IPv6 on creation and routes it to internet gateway ${sn.igw6}`;
      }
      return undefined;
    };
    const v6Count = (x: Record<string, any>) => (typeof x?.ipv6AddressCount === "number" ? x.ipv6AddressCount : undefined);
    const v6Explicit = (x: Record<string, any>) => (v6Count(x) ?? 0) > 0 || list(x?.ipv6Addresses).length > 0;
    const v6Fix = "; send IPv6 egress through an egress-only internet gateway instead";
    for (const i of model.ofType(T.instance, T.spotInstance)) {
      if (model.isBastion(i.urn)) continue;
      const why = publicV6(model.subnetsOf(i.urn), v6Explicit(i.props), v6Count(i.props) === 0);
      if (why) report(i, "public-ipv6", why + v6Fix);
    }
    for (const lt of model.ofType(T.launchTemplate)) {
      if (model.isBastion(lt.urn)) continue;
      const nis = list(lt.props.networkInterfaces) as Record<string, any>[];
      if (!nis.some(v6Explicit)) continue;
      const why = publicV6(ltSubnets(model, lt) ?? model.subnetsOf(lt.urn), true, false);
      if (why) report(lt, "public-ipv6", why.replace("gets", "gives instances") + v6Fix);
    }
    for (const a of model.ofType(T.asg)) {
      if (model.isBastion(a.urn)) continue;
      const why = publicV6(model.subnetsOf(a.urn), false, false);
      if (why) report(a, "public-ipv6", why.replace("gets a public IPv6 address", "launches instances with public IPv6 addresses") + v6Fix);
    }

    // EKS managed node groups launch into their subnets like an auto-scaling group (a launch template may opt out).
    for (const g of model.ofType(T.eksNodeGroup)) {
      const ref = g.props.launchTemplate;
      const lts = ref ? model.resolve(g, "launchTemplate", ref.id ?? ref.name, [T.launchTemplate]).urns.map((u) => model.byUrn(u)!) : [];
      const choices = lts.map(ltPublicIp);
      if (choices.some((c) => c === "on" || c === "unknown")) continue; // blamed on the launch template
      if (choices.length && choices.every((c) => c === "off")) continue;
      const verdict = subnetVerdict(model, model.subnetsOf(g.urn), "a launch template's networkInterfaces[].associatePublicIpAddress");
      if (verdict.bad) report(g, verdict.kind, verdict.why.replace("is placed in", "launches nodes into"));
    }

    // Fargate/awsvpc tasks get a public IP only when the service asks for one (subnet defaults don't apply).
    for (const svc of model.ofType(T.ecsService)) {
      if (model.isBastion(svc.urn)) continue;
      const nc = svc.props.networkConfiguration;
      const v = isUnknown(nc) ? nc : nc?.assignPublicIp;
      if (v === true) report(svc, "associates-public-ip", "sets networkConfiguration.assignPublicIp: true, giving every task a public IP", "networkConfiguration.assignPublicIp");
      else if (isUnknown(v)) report(svc, "public-ip-unverifiable", `: ${cannotVerify("networkConfiguration.assignPublicIp", "set it to the literal false")}`, "networkConfiguration.assignPublicIp");
    }

    // Instances each ENI is attached to by aws.ec2.NetworkInterfaceAttachment, indexed once.
    const eniInstances = new Map<string, string[]>();
    for (const att of model.ofType(T.eniAttachment)) {
      const insts = model.resolve(att, "instanceId", att.props.instanceId, [T.instance]).urns;
      for (const e of model.resolve(att, "networkInterfaceId", att.props.networkInterfaceId, [T.eni]).urns)
        eniInstances.set(e, [...(eniInstances.get(e) ?? []), ...insts]);
    }
    const eniOk = (eni: StackResource): boolean => {
      if (model.isBastion(eni.urn)) return true;
      const insts = list(eni.props.attachments).flatMap((at: any) => model.resolve(eni, "attachments", at?.instance, [T.instance]).urns);
      insts.push(...(eniInstances.get(eni.urn) ?? []));
      return insts.length > 0 && insts.every((u) => model.isBastion(u));
    };
    const checkEip = (r: StackResource, instProp: string, eniProp: string) => {
      const inst = r.props[instProp];
      const eni = r.props[eniProp];
      if (inst !== undefined && inst !== null && inst !== "") {
        const res = model.resolve(r, instProp, inst, [T.instance]);
        if (res.urns.length) {
          const bad = res.urns.find((u) => !model.isBastion(u));
          if (bad) report(r, "eip-on-non-bastion", `gives a public IP to ${model.label(bad)}, which is not the bastion (${instProp})`, instProp);
        } else report(r, "eip-target-unverifiable", `: ${cannotVerify(`${instProp} (the instance it attaches to)`, "reference the bastion instance from this stack")}`, instProp);
      }
      if (eni !== undefined && eni !== null && eni !== "") {
        const res = model.resolve(r, eniProp, eni, [T.eni]);
        if (res.urns.length) {
          const bad = res.urns.map((u) => model.byUrn(u)!).find((e) => !eniOk(e));
          if (bad) report(r, "eip-on-non-bastion", `gives a public IP to ${model.label(bad.urn)}, which is not attached to the bastion (${eniProp})`, eniProp);
        } else report(r, "eip-target-unverifiable", `: ${cannotVerify(`${eniProp} (the interface it attaches to)`, "reference a bastion interface from this stack")}`, eniProp);
      }
    };
    for (const e of model.ofType(T.eip)) checkEip(e, "instance", "networkInterface");
    for (const e of model.ofType(T.eipAssoc)) checkEip(e, "instanceId", "networkInterfaceId");

    for (const l of model.ofType(T.lightsail)) {
      if (!model.isBastion(l.urn)) report(l, "lightsail-public-ip", "is a Lightsail instance, which always has a public IP");
    }
    return out.list;
  },
};
