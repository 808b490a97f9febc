import { CidrSet } from "../model/cidr";
import { containsUnknown, isUnknown, T, type RuleDefinition } from "../model";
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
      "eks-vpc-config-unverifiable": "{resource}: vpcConfig is unknown at preview, so this cannot be verified before deploy; use literal endpoint settings. Fix: Set vpcConfig.endpointPublicAccess: false with endpointPrivateAccess: true, or restrict vpcConfig.publicAccessCidrs to known operator ranges.",
      "eks-public-access-unverifiable": "{resource}: vpcConfig.endpointPublicAccess is unknown at preview, so this cannot be verified before deploy; set it to the literal false. Fix: Set vpcConfig.endpointPublicAccess: false with endpointPrivateAccess: true, or restrict vpcConfig.publicAccessCidrs to known operator ranges.",
      "eks-public-cidrs-unverifiable": "{resource}: the public endpoint is on and vpcConfig.publicAccessCidrs is unknown at preview, so this cannot be verified before deploy; use literal CIDRs. Fix: Set vpcConfig.endpointPublicAccess: false with endpointPrivateAccess: true, or restrict vpcConfig.publicAccessCidrs to known operator ranges.",
      "eks-public-api": "{resource} exposes the Kubernetes API publicly (endpointPublicAccess {publicAccess}) to {cidrs}. Fix: Set vpcConfig.endpointPublicAccess: false with endpointPrivateAccess: true, or restrict vpcConfig.publicAccessCidrs to known operator ranges.",
    },
  },
  check(model) {
    const out = new Findings();
    for (const c of model.ofType(T.eks)) {
      const vc = c.props.vpcConfig;
      if (isUnknown(vc)) {
        out.report(c.urn, "eks-vpc-config-unverifiable", { resource: model.label(c.urn) }, "vpcConfig");
        continue;
      }
      const pub = vc?.endpointPublicAccess;
      if (pub === false) continue;
      if (isUnknown(pub)) {
        out.report(c.urn, "eks-public-access-unverifiable", { resource: model.label(c.urn) }, "vpcConfig.endpointPublicAccess");
        continue;
      }
      const cidrs = vc?.publicAccessCidrs;
      if (containsUnknown(cidrs)) {
        out.report(c.urn, "eks-public-cidrs-unverifiable", { resource: model.label(c.urn) }, "vpcConfig.publicAccessCidrs");
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
        out.report(
          c.urn,
          "eks-public-api",
          { resource: model.label(c.urn), publicAccess: pub === undefined ? "unset, default true" : "true", cidrs: list.length ? list : ["0.0.0.0/0 (publicAccessCidrs unset)"] },
          "vpcConfig.endpointPublicAccess",
        );
    }
    return out.list;
  },
};
