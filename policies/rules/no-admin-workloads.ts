import { isUnknown, type RuleDefinition, type StackResource } from "../model";
import { ADMIN_PROBE_ACTIONS, effectivePermissions, IAM, parsePolicy, privileges, statementRef, trustZone, type SourcedStatement } from "../model/iam";
import { Findings } from "./util";

/**
 * Services that run the customer's code with the role's credentials (a compromise of the code is a compromise of
 * the role): EC2 instance profiles, Lambda (and Lambda@Edge), ECS/Batch tasks, EKS Pod Identity, App Runner,
 * CodeBuild, Glue, SageMaker, Step Functions and Elastic Beanstalk instances.
 */
export const WORKLOAD_SERVICES = [
  "ec2.amazonaws.com",
  "lambda.amazonaws.com",
  "edgelambda.amazonaws.com",
  "ecs-tasks.amazonaws.com",
  "pods.eks.amazonaws.com",
  "tasks.apprunner.amazonaws.com",
  "codebuild.amazonaws.com",
  "glue.amazonaws.com",
  "sagemaker.amazonaws.com",
  "states.amazonaws.com",
];

/** Who may assume the role as a workload; "unknown" when the trust policy can't be read at preview. */
function workloadAssumers(role: StackResource): string[] | "unknown" {
  const doc = parsePolicy(role.props.assumeRolePolicy);
  if (!doc || doc.kind === "invalid") return [];
  if (doc.kind === "unknown") return "unknown";
  const found = new Set<string>();
  for (const s of doc.statements) {
    if (s.effect !== "Allow" || !s.principal) continue;
    if (s.unknown.includes("Principal")) return "unknown";
    for (const svc of s.principal.service) if (WORKLOAD_SERVICES.includes(svc.toLowerCase())) found.add(svc);
    // IAM roles for service accounts: the cluster's OIDC provider lets pods assume the role.
    for (const f of s.principal.federated) if (/oidc\.eks\./.test(f)) found.add("EKS pods (IRSA)");
  }
  return [...found];
}

const statementsText = (by: SourcedStatement[]) => [...new Set(by.map((b) => statementRef(b.statement)))];

export const rule: RuleDefinition = {
  meta: {
    id: "no-admin-workloads",
    severity: "critical",
    enforcementLevel: "mandatory",
    controls: ["IAM.1", "IAM.21"],
    why: "A compromised instance, function or task whose role is administrator, or can make itself one (privilege escalation), owns the account; workloads get only what they need.",
    fix: "Grant the workload only the actions it calls on the resource ARNs it uses; never Action \"*\" / AdministratorAccess, and none of the escalation action sets (docs/rules.md) on resources it did not name.",
    messages: {
      "admin-policy":
        "{via} gives workload role {role} ({assumedBy}) administrator access: {statements} allow every probed power ({probes}) on resources the role never named. Fix: replace it with the specific actions and resource ARNs the workload uses.",
      escalation:
        "{via} lets workload role {role} ({assumedBy}) escalate its own privileges: {methods} (allowed on resources it never named: {actions}). Fix: remove these actions or scope them to the exact resources the workload uses (the escalation catalogue is in docs/rules.md).",
      "unknown-document":
        "{via} on workload role {role} ({assumedBy}): {why}, so what the role may do cannot be verified before deploy; build the document from known values so it can be checked. Fix: use literal actions and ARNs (or names the stack knows) in the policy.",
    },
  },
  check(model) {
    const out = new Findings();
    const zone = trustZone(model);
    const account = [...zone.accounts][0] ?? "000000000000";
    for (const role of model.ofType(IAM.role)) {
      const assumers = workloadAssumers(role);
      if (assumers !== "unknown" && !assumers.length) continue;
      const assumedBy = assumers === "unknown" ? "trust policy unknown at preview" : `assumable by ${assumers.join(", ")}`;
      const roleLabel = model.label(role.urn);
      const perms = effectivePermissions(role.urn, model);
      for (const u of perms.unreadable) {
        if (!/unknown at preview/.test(u.why)) continue;
        out.report(u.source.urn, "unknown-document", { role: roleLabel, assumedBy, via: u.source.via, why: u.why }, u.source.path);
      }
      const ownArns: string[] = [];
      if (typeof role.props.arn === "string" && !isUnknown(role.props.arn)) ownArns.push(role.props.arn);
      if (typeof role.props.name === "string" && !isUnknown(role.props.name)) ownArns.push(`arn:aws:iam::${account}:role${role.props.path ?? "/"}${role.props.name}`);
      const v = privileges(perms, account, ownArns);
      const bySource = (by: SourcedStatement[]) => {
        const m = new Map<string, SourcedStatement[]>();
        for (const b of by) m.set(`${b.source.urn}\u0000${b.source.path ?? ""}`, [...(m.get(`${b.source.urn}\u0000${b.source.path ?? ""}`) ?? []), b]);
        return [...m.values()];
      };
      if (v.admin) {
        for (const group of bySource(v.admin.by)) {
          const src = group[0].source;
          if (v.admin.unknown) out.report(src.urn, "unknown-document", { role: roleLabel, assumedBy, via: src.via, why: "a value of the policy is unknown at preview and, read worst-case, it grants administrator access" }, src.path);
          else out.report(src.urn, "admin-policy", { role: roleLabel, assumedBy, via: src.via, statements: statementsText(group), probes: ADMIN_PROBE_ACTIONS }, src.path);
        }
        continue;
      }
      // One finding per blamed policy, listing every escalation method it takes part in.
      const perSource = new Map<string, { src: SourcedStatement["source"]; methods: Set<string>; actions: Set<string>; unknown: boolean }>();
      for (const e of v.escalations) {
        for (const group of bySource(e.grant.by)) {
          const src = group[0].source;
          const key = `${src.urn}\u0000${src.path ?? ""}`;
          const entry = perSource.get(key) ?? { src, methods: new Set(), actions: new Set(), unknown: false };
          entry.methods.add(e.method.id);
          e.method.actions.forEach((a) => entry.actions.add(a));
          entry.unknown ||= e.grant.unknown;
          perSource.set(key, entry);
        }
      }
      for (const { src, methods, actions, unknown } of perSource.values()) {
        if (unknown) out.report(src.urn, "unknown-document", { role: roleLabel, assumedBy, via: src.via, why: `a value of the policy is unknown at preview and, read worst-case, it allows privilege escalation (${[...methods].join(", ")})` }, src.path);
        else out.report(src.urn, "escalation", { role: roleLabel, assumedBy, via: src.via, methods: [...methods], actions: [...actions] }, src.path);
      }
    }
    return out.list;
  },
};
