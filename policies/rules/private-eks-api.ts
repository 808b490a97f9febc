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
    messages: {
      "eks-public-api": "{resource} exposes the Kubernetes API publicly (endpointPublicAccess {publicAccess}) to {cidrs}. Fix: Set vpcConfig.endpointPublicAccess: false with endpointPrivateAccess: true, or restrict vpcConfig.publicAccessCidrs to known operator ranges.",
    },
  },
  // The cluster's own endpoint settings: judged in Analyze too, so `pulumi up` stops it before creation.
  resource: {
    types: [T.eks],
    check(c, model) {
      const out = new Findings();
      const vc = c.props.vpcConfig;
      if (isUnknown(vc)) {
        out.report(c.urn, DEFERRED_KIND, { what: "vpcConfig", how: "use literal endpoint settings" }, "vpcConfig");
        return out.list;
      }
      const pub = vc?.endpointPublicAccess;
      if (pub === false) return [];
      if (isUnknown(pub)) {
        out.report(c.urn, DEFERRED_KIND, { what: "vpcConfig.endpointPublicAccess", how: "set it to the literal false" }, "vpcConfig.endpointPublicAccess");
        return out.list;
      }
      const cidrs = vc?.publicAccessCidrs;
      if (containsUnknown(cidrs)) {
        out.report(c.urn, DEFERRED_KIND, { what: "vpcConfig.publicAccessCidrs (with the public endpoint on)", how: "use literal CIDRs" }, "vpcConfig.publicAccessCidrs");
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
        out.report(
          c.urn,
          "eks-public-api",
          { resource: model.label(c.urn), publicAccess: pub === undefined ? "unset, default true" : "true", cidrs: list.length ? list : ["0.0.0.0/0 (publicAccessCidrs unset)"] },
          "vpcConfig.endpointPublicAccess",
        );
      return out.list;
    },
  },
};
