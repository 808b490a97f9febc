import { CidrSet } from "../model/cidr";
import { containsUnknown, DEFERRED_KIND, isUnknown, T, type RuleDefinition } from "../model";
import { Findings } from "./util";

export const rule: RuleDefinition = {
  meta: {
    id: "private-eks-api",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: ["EKS.1"],
    why: "A Kubernetes API endpoint open to 0.0.0.0/0 (EKS's default when public access is on) puts the cluster's control plane on the internet.",
    fix: "Set vpcConfig.endpointPublicAccess: false with endpointPrivateAccess: true, or restrict vpcConfig.publicAccessCidrs to known operator ranges.",
  },
  // The cluster's own endpoint settings: judged in Analyze too, so `pulumi up` stops it before creation.
  resource: {
    types: [T.eks],
    check(c, model) {
      const out = new Findings();
      const vc = c.props.vpcConfig;
      if (isUnknown(vc)) {
        out.report(c.urn, DEFERRED_KIND, { what: "vpcConfig", how: "use literal endpoint settings" });
        return out.list;
      }
      const pub = vc?.endpointPublicAccess;
      if (pub === false) return [];
      if (isUnknown(pub)) {
        out.report(c.urn, DEFERRED_KIND, { what: "vpcConfig.endpointPublicAccess", how: "set it to the literal false" });
        return out.list;
      }
      const cidrs = vc?.publicAccessCidrs;
      if (containsUnknown(cidrs)) {
        out.report(c.urn, DEFERRED_KIND, { what: "vpcConfig.publicAccessCidrs (with the public endpoint on)", how: "use literal CIDRs" });
        return out.list;
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
      return out.list;
    },
  },
};
