import { DEFERRED_KIND, isUnknown, type NetworkModel, type RuleDefinition, type StackResource } from "../model";
import { ADMIN_PROBE_ACTIONS, effectivePermissions, IAM, isOwnSource, ownPermissions, parsePolicy, privileges, statementRef, trustZone, type PermissionSet, type PolicySource, type SourcedStatement } from "../model/iam";
import { Findings } from "./util";

/**
 * Services that run the customer's code with the role's credentials (a compromise of the code is a compromise of
 * the role): EC2 instance profiles, Lambda (and Lambda@Edge), ECS/Batch tasks, EKS Pod Identity, App Runner,
 * CodeBuild, Glue and SageMaker (Step Functions only orchestrates: it runs no code of its own).
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

const ACCESS_KEY = "aws:iam/accessKey:AccessKey";

const statementsText = (by: SourcedStatement[]) => [...new Set(by.map((b) => statementRef(b.statement)))];

/** Groups statements by the resource and property to blame. */
function bySource(by: SourcedStatement[]): SourcedStatement[][] {
  const m = new Map<string, SourcedStatement[]>();
  for (const b of by) {
    const key = `${b.source.urn}\u0000${b.source.path ?? ""}`;
    m.set(key, [...(m.get(key) ?? []), b]);
  }
  return [...m.values()];
}

const hasBoundary = (role: StackResource) => role.props.permissionsBoundary !== undefined && role.props.permissionsBoundary !== null && role.props.permissionsBoundary !== "";

interface RoleContext {
  role: StackResource;
  assumers: string[] | "unknown";
  account: string;
}

/**
 * Findings for one workload role from a permission set. `blame` says which blamed statements this pass reports:
 * the stack pass leaves the role's own inputs to the resource pass (which runs in Analyze too), so nothing is
 * reported twice.
 */
function judge(out: Findings, model: NetworkModel, ctx: RoleContext, perms: PermissionSet, blame: (sources: PolicySource[]) => boolean, deferUnknown: boolean): void {
  const { role, assumers, account } = ctx;
  const roleLabel = model.label(role.urn);
  const assumedBy = assumers === "unknown" ? "trust policy unknown at preview" : role.type === IAM.user ? assumers.join(", ") : `assumable by ${assumers.join(", ")}`;
  const unknownFinding = (urn: string, path: string | undefined, via: string, why: string) => {
    if (deferUnknown) out.report(urn, DEFERRED_KIND, { what: `${via} (${why})`, how: "build the document from values known at preview" });
    else out.report(urn, "unknown-document", { role: roleLabel, assumedBy, via, why }, path);
  };
  for (const u of perms.unreadable) {
    if (!/unknown at preview/.test(u.why) || !blame([u.source])) continue;
    unknownFinding(u.source.urn, u.source.path, u.source.via, u.why);
  }
  const ownArns: string[] = [];
  if (typeof role.props.arn === "string" && !isUnknown(role.props.arn)) ownArns.push(role.props.arn);
  if (role.type === IAM.role && typeof role.props.name === "string" && !isUnknown(role.props.name)) ownArns.push(`arn:aws:iam::${account}:role${role.props.path ?? "/"}${role.props.name}`);
  const v = privileges(perms, account, ownArns);
  // With the trust policy unknown, whether a workload gets the power is itself unknown: deferred where possible.
  const trustUnknown = assumers === "unknown";
  if (v.admin) {
    for (const group of bySource(v.admin.by)) {
      if (!blame(group.map((b) => b.source))) continue;
      const src = group[0].source;
      if (v.admin.unknown || (trustUnknown && deferUnknown)) unknownFinding(src.urn, src.path, src.via, trustUnknown ? "the trust policy, which decides whether a workload gets administrator access, is unknown at preview" : "a value of the policy is unknown at preview and, read worst-case, it grants administrator access");
      else out.report(src.urn, "admin-policy", { role: roleLabel, assumedBy, via: src.via, statements: statementsText(group), probes: ADMIN_PROBE_ACTIONS }, src.path);
    }
    return;
  }
  // One finding per blamed policy, listing every escalation method it takes part in.
  const perSource = new Map<string, { src: SourcedStatement["source"]; methods: Set<string>; actions: Set<string>; unknown: boolean }>();
  for (const e of v.escalations) {
    for (const group of bySource(e.grant.by)) {
      if (!blame(group.map((b) => b.source))) continue;
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
    if (unknown || (trustUnknown && deferUnknown)) unknownFinding(src.urn, src.path, src.via, `a deciding value is unknown at preview and, read worst-case, the policy allows privilege escalation (${[...methods].join(", ")})`);
    else out.report(src.urn, "escalation", { role: roleLabel, assumedBy, via: src.via, methods: [...methods], actions: [...actions] }, src.path);
  }
}

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
        "{via} grants administrator access (Action \"*\" on Resource \"*\" in effect: {statements} allow every probed power, {probes}, on resources the role never named) to workload {role} ({assumedBy}). Fix: replace it with the specific actions and resource ARNs the workload uses.",
      escalation:
        "{via} lets workload {role} ({assumedBy}) escalate its own privileges: {methods} (allowed on resources it never named: {actions}). Fix: remove these actions or scope them to the exact resources the workload uses (the escalation catalogue is in docs/rules.md).",
      "unknown-document":
        "{via} on workload {role} ({assumedBy}): {why}, so what the role may do cannot be verified before deploy; build the document from known values so it can be checked. Fix: use literal actions and ARNs (or names the stack knows) in the policy.",
    },
  },
  // Everything that reaches the role through other resources (RolePolicy, attachments, customer-managed ARNs,
  // groups of statements spread over several resources): judged over the whole stack.
  check(model) {
    const out = new Findings();
    let account: string | undefined;
    // A user with an access key made in the stack is a program's identity: the key is a long-lived credential a
    // process signs with (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html), so its
    // user's policies (its groups' included) are judged like a workload role's.
    for (const key of model.ofType(ACCESS_KEY)) {
      for (const userUrn of model.resolve(key, "user", key.props.user, [IAM.user]).urns) {
        const user = model.byUrn(userUrn)!;
        account ??= [...trustZone(model).accounts][0] ?? "000000000000";
        judge(out, model, { role: user, assumers: [`a program signing with access key ${model.label(key.urn)}`], account }, effectivePermissions(userUrn, model), () => true, false);
      }
    }
    for (const role of model.ofType(IAM.role)) {
      const assumers = workloadAssumers(role);
      if (assumers !== "unknown" && !assumers.length) continue;
      // With a permissions boundary the role's own policies can't be judged alone: this pass judges them all.
      account ??= [...trustZone(model).accounts][0] ?? "000000000000";
      const notOwn = (sources: PolicySource[]) => hasBoundary(role) || !sources.every((src) => isOwnSource(role.urn, src));
      judge(out, model, { role, assumers, account }, effectivePermissions(role.urn, model), notOwn, false);
    }
    return out.list;
  },
  // A role's own trust, inline policies and AWS managed ARNs: judged in Analyze too, so `pulumi up` stops an
  // administrator workload role before it is created; an own input unknown at preview is deferred to that point.
  resource: {
    types: [IAM.role],
    check(role, model) {
      const out = new Findings();
      const assumers = workloadAssumers(role);
      if ((assumers !== "unknown" && !assumers.length) || hasBoundary(role)) return [];
      const acct = typeof role.props.arn === "string" ? /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(role.props.arn)?.[1] : undefined;
      judge(out, model, { role, assumers, account: acct ?? "000000000000" }, ownPermissions(role), () => true, true);
      return out.list;
    },
  },
};
