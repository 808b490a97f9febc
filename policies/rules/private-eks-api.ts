import { CidrSet } from "../model/cidr";
import { containsUnknown, isUnknown, T, type RuleDefinition } from "../model";
import { cannotVerify, Findings } from "./util";

export const rule: RuleDefinition = {
  meta: {
    id: "private-eks-api",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: ["EKS.1"],
    why: "A Kubernetes API endpoint open to 0.0.0.0/0 (EKS's default when public access is on) puts the cluster's control plane on the internet.",
    fix: "Set vpcConfig.endpointPublicAccess: false with endpointPrivateAccess: true, or restrict vpcConfig.publicAccessCidrs to known operator ranges.",
  },
  check(model) {
    const out = new Findings();
    for (const c of model.ofType(T.eks)) {
      const vc = c.props.vpcConfig;
      if (isUnknown(vc)) {
        out.add(c.urn, `${model.label(c.urn)}: ${cannotVerify("vpcConfig", "use literal endpoint settings")}. Fix: ${rule.meta.fix}`);
        continue;
      }
      const pub = vc?.endpointPublicAccess;
      if (pub === false) continue;
      if (isUnknown(pub)) {
        out.add(c.urn, `${model.label(c.urn)}: ${cannotVerify("vpcConfig.endpointPublicAccess", "set it to the literal false")}. Fix: ${rule.meta.fix}`);
        continue;
      }
      const cidrs = vc?.publicAccessCidrs;
      if (containsUnknown(cidrs)) {
        out.add(c.urn, `${model.label(c.urn)}: the public endpoint is on and ${cannotVerify("vpcConfig.publicAccessCidrs", "use literal CIDRs")}. Fix: ${rule.meta.fix}`);
        continue;
      }
      const list: string[] = Array.isArray(cidrs) ? cidrs : [];
      let world = list.length === 0;
      if (!world) {
        try {
          world = CidrSet.of(list).coversPublicInternet();
        } catch {
          world = false;
        }
      }
      if (world)
        out.add(c.urn, `${model.label(c.urn)} exposes the Kubernetes API publicly (endpointPublicAccess ${pub === undefined ? "unset, default true" : "true"}) to ${list.length ? list.join(", ") : "0.0.0.0/0 (publicAccessCidrs unset)"}. Fix: ${rule.meta.fix}`);
    }
    return out.list;
  },
};
