import { isUnknown, T, type RuleDefinition } from "../model";
import { cannotVerify, Findings, isPublicPrincipal, parseDoc } from "./util";

const DMS = "aws:dms/replicationInstance:ReplicationInstance";
const FIX =
  "Set publiclyAccessible: false (RDS, Aurora, Neptune and DocumentDB instances, Redshift clusters and Serverless workgroups, Amazon MQ brokers, DMS replication instances, Lightsail databases, Timestream for InfluxDB and every other resource that has the setting), keep MSK public access DISABLED, and place OpenSearch/Elasticsearch domains in a VPC (vpcOptions) without a Principal \"*\" access policy.";

export const rule: RuleDefinition = {
  meta: {
    id: "no-public-databases",
    severity: "critical",
    enforcementLevel: "mandatory",
    controls: ["RDS.2", "Redshift.1", "RedshiftServerless.3", "Opensearch.2", "ES.2", "MSK.4", "MQ.3", "DMS.1"],
    why: "A database with a public endpoint is one leaked or weak password away from the internet.",
    fix: FIX,
    messages: {
      "publicly-accessible": "{resource} sets publiclyAccessible: true, giving the database a public endpoint. Fix: " + FIX,
      "publicly-accessible-unverifiable": "{resource}: " + cannotVerify("publiclyAccessible", "set it to the literal false") + ". Fix: " + FIX,
      "msk-public-access": "{resource} sets brokerNodeGroupInfo.connectivityInfo.publicAccess.type {value}, giving the brokers public endpoints. Fix: " + FIX,
      "domain-vpc-unverifiable": "{resource}: " + cannotVerify("vpcOptions", "set vpcOptions with literal or in-stack subnet ids") + ". Fix: " + FIX,
      "domain-policy-unverifiable": "{resource} is outside a VPC and its " + cannotVerify("access policy", "build it from known values or move the domain into a VPC") + ". Fix: " + FIX,
      "domain-public-policy": '{resource} has no vpcOptions and its access policy allows Principal "*": the search endpoint is public. Fix: ' + FIX,
    },
  },
  check(model) {
    const out = new Findings();
    // Redshift's provider default is false (v7), so only an explicit true counts; RDS defaults to false too.
    // `publiclyAccessible` means the same on every AWS resource that has it (a public endpoint): the known types plus
    // any other the provider adds (Timestream for InfluxDB, Aurora Limitless shard groups, Mainframe Modernization
    // environments, DMS instance profiles: https://docs.aws.amazon.com/timestream/latest/developerguide/timestream-for-influx-db-connecting.html).
    const known = new Set<string>([T.rdsInstance, T.rdsClusterInstance, T.redshift, T.redshiftWorkgroup, T.lightsailDb, T.neptuneInstance, T.docdbInstance, T.mqBroker, DMS]);
    for (const r of model.resources) {
      if (!known.has(r.type) && !(r.type.startsWith("aws:") && r.props?.publiclyAccessible !== undefined)) continue;
      const v = r.props.publiclyAccessible;
      if (v === true) out.report(r.urn, "publicly-accessible", { resource: model.label(r.urn) }, "publiclyAccessible");
      else if (isUnknown(v)) out.report(r.urn, "publicly-accessible-unverifiable", { resource: model.label(r.urn) }, "publiclyAccessible");
    }
    // https://docs.aws.amazon.com/msk/latest/developerguide/public-access.html
    for (const r of model.ofType(T.msk)) {
      const v = r.props.brokerNodeGroupInfo?.connectivityInfo?.publicAccess?.type;
      if (v === "SERVICE_PROVIDED_EIPS") out.report(r.urn, "msk-public-access", { resource: model.label(r.urn), value: v }, "brokerNodeGroupInfo.connectivityInfo.publicAccess.type");
      else if (isUnknown(v)) out.report(r.urn, "publicly-accessible-unverifiable", { resource: model.label(r.urn) }, "brokerNodeGroupInfo.connectivityInfo.publicAccess.type");
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
        out.report(d.urn, "domain-vpc-unverifiable", { resource: model.label(d.urn) }, "vpcOptions");
        continue;
      }
      for (const pol of [d.props.accessPolicies, ...(policiesFor.get(d.urn) ?? [])]) {
        const doc = parseDoc(pol);
        if (!doc) continue;
        if ("unknown" in doc) {
          out.report(d.urn, "domain-policy-unverifiable", { resource: model.label(d.urn) }, "accessPolicies");
          continue;
        }
        if ("invalid" in doc) continue;
        if (doc.statements.some((s) => s.Effect === "Allow" && isPublicPrincipal(s.Principal)))
          out.report(d.urn, "domain-public-policy", { resource: model.label(d.urn) }, "accessPolicies");
      }
    }
    return out.list;
  },
};
