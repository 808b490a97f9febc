import { isUnknown, T, type RuleDefinition } from "../model";
import { cannotVerify, Findings, isPublicPrincipal, parseDoc } from "./util";

const REDSHIFT_WORKGROUP = "aws:redshiftserverless/workgroup:Workgroup";

export const rule: RuleDefinition = {
  meta: {
    id: "no-public-databases",
    severity: "critical",
    enforcementLevel: "mandatory",
    controls: ["RDS.2", "Redshift.1", "RedshiftServerless.3", "Opensearch.2", "ES.2"],
    why: "A database with a public endpoint is one leaked or weak password away from the internet.",
    fix: "Set publiclyAccessible: false (RDS, Aurora instances, Redshift clusters and Serverless workgroups, Lightsail databases) and place OpenSearch/Elasticsearch domains in a VPC (vpcOptions) without a Principal \"*\" access policy.",
  },
  check(model) {
    const out = new Findings();
    // Redshift's provider default is false (v7), so only an explicit true counts; RDS defaults to false too.
    for (const r of model.ofType(T.rdsInstance, T.rdsClusterInstance, T.redshift, REDSHIFT_WORKGROUP, T.lightsailDb)) {
      const v = r.props.publiclyAccessible;
      if (v === true) out.add(r.urn, `${model.label(r.urn)} sets publiclyAccessible: true, giving the database a public endpoint. Fix: ${rule.meta.fix}`);
      else if (isUnknown(v)) out.add(r.urn, `${model.label(r.urn)}: ${cannotVerify("publiclyAccessible", "set it to the literal false")}. Fix: ${rule.meta.fix}`);
    }
    const policiesFor = new Map<string, unknown[]>();
    for (const p of model.ofType(T.opensearchPolicy, T.elasticsearchPolicy)) {
      for (const d of model.resolve(p, "domainName", p.props.domainName, [T.opensearch, T.elasticsearch]).urns) {
        policiesFor.set(d, [...(policiesFor.get(d) ?? []), p.props.accessPolicies]);
      }
    }
    for (const d of model.ofType(T.opensearch, T.elasticsearch)) {
      const vpc = d.props.vpcOptions;
      if (vpc && typeof vpc === "object" && !isUnknown(vpc)) continue;
      if (isUnknown(vpc)) {
        out.add(d.urn, `${model.label(d.urn)}: ${cannotVerify("vpcOptions", "set vpcOptions with literal or in-stack subnet ids")}. Fix: ${rule.meta.fix}`);
        continue;
      }
      for (const pol of [d.props.accessPolicies, ...(policiesFor.get(d.urn) ?? [])]) {
        const doc = parseDoc(pol);
        if (!doc) continue;
        if ("unknown" in doc) {
          out.add(d.urn, `${model.label(d.urn)} is outside a VPC and its ${cannotVerify("access policy", "build it from known values or move the domain into a VPC")}. Fix: ${rule.meta.fix}`);
          continue;
        }
        if ("invalid" in doc) continue;
        if (doc.statements.some((s) => s.Effect === "Allow" && isPublicPrincipal(s.Principal)))
          out.add(d.urn, `${model.label(d.urn)} has no vpcOptions and its access policy allows Principal "*": the search endpoint is public. Fix: ${rule.meta.fix}`);
      }
    }
    return out.list;
  },
};
