import { DEFERRED_KIND, isUnknown, type RuleDefinition, type StackResource } from "../model";
import { cannotVerify, Findings, list, parseDoc } from "./util";

const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const POLICY = "aws:iam/policy:Policy";
const POLICY_ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment";
const ROLE_ATTACHMENTS_EXCLUSIVE = "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive";
const ADMIN_ARN = /^arn:aws[a-z-]*:iam::aws:policy\/AdministratorAccess$/;
const WORKLOAD_SERVICES = ["ec2.amazonaws.com", "lambda.amazonaws.com", "ecs-tasks.amazonaws.com"];

type Verdict = "admin" | "unknown" | undefined;

/** Does a policy document allow every action on every resource? (`NotAction` with Allow on "*" counts too.) */
function docVerdict(v: unknown): Verdict {
  const doc = parseDoc(v);
  if (!doc || "invalid" in doc) return undefined;
  if ("unknown" in doc) return "unknown";
  for (const s of doc.statements) {
    if (s.Effect !== "Allow") continue;
    const resources = list(s.Resource);
    if (!resources.includes("*")) continue;
    if (list(s.Action).some((a) => a === "*" || a === "*:*") || s.NotAction !== undefined) return "admin";
  }
  return undefined;
}

/** Which workload services may assume the role; "unknown" when the trust policy can't be read at preview. */
function workloadServices(role: StackResource): string[] | "unknown" {
  const doc = parseDoc(role.props.assumeRolePolicy);
  if (!doc || "invalid" in doc) return [];
  if ("unknown" in doc) return "unknown";
  const found = new Set<string>();
  for (const s of doc.statements) {
    if (s.Effect !== "Allow") continue;
    for (const svc of list(s.Principal?.Service)) if (typeof svc === "string" && WORKLOAD_SERVICES.includes(svc)) found.add(svc);
  }
  return [...found];
}

export const rule: RuleDefinition = {
  meta: {
    id: "no-admin-workloads",
    severity: "critical",
    enforcementLevel: "mandatory",
    controls: ["IAM.1", "IAM.21"],
    why: "A compromised instance, function or task with Action \"*\" on Resource \"*\" owns the account; workloads get only what they need.",
    fix: "Replace Action \"*\" / AdministratorAccess with the specific actions and resource ARNs the workload uses.",
  },
  check(model) {
    const out = new Findings();
    const roles = new Map<string, string[] | "unknown">();
    for (const r of model.ofType(ROLE)) roles.set(r.urn, workloadServices(r));
    const roleText = (urn: string) => {
      const s = roles.get(urn)!;
      return s === "unknown" ? `${model.label(urn)} (trust policy unknown at preview)` : `${model.label(urn)} (assumable by ${s.join(", ")})`;
    };
    const isWorkload = (urn: string) => {
      const s = roles.get(urn);
      return s === "unknown" || (Array.isArray(s) && s.length > 0);
    };
    const report = (blame: string, roleUrn: string, what: Verdict, where: string) => {
      if (what === "admin") out.add(blame, `${where} grants administrator access (Action "*" on Resource "*" / AdministratorAccess) to workload ${roleText(roleUrn)}. Fix: ${rule.meta.fix}`);
      else if (what === "unknown") out.add(blame, `${where} on workload ${roleText(roleUrn)}: ${cannotVerify("the policy document", "build the document from known values so it can be checked")}. Fix: ${rule.meta.fix}`);
    };
    const rolesOf = (r: StackResource, prop: string, value: unknown) => {
      const res = model.resolveList(r, prop, value, [ROLE]);
      return res.urns;
    };
    // iam.Policy documents, looked up by ARN reference from attachments.
    const policyVerdict = (attach: StackResource, prop: string): Verdict => {
      const v = attach.props[prop];
      if (typeof v === "string" && ADMIN_ARN.test(v)) return "admin";
      const pols = model.resolve(attach, prop, v, [POLICY]);
      if (pols.urns.length) {
        const vs = pols.urns.map((u) => docVerdict(model.byUrn(u)!.props.policy));
        return vs.includes("admin") ? "admin" : vs.includes("unknown") ? "unknown" : undefined;
      }
      return pols.unknown ? "unknown" : undefined;
    };

    // A role's own trust, inline policies and AWS-managed ARNs are judged by `resource` below; here only the
    // customer-managed policies of this stack that it names.
    for (const [urn] of roles) {
      if (!isWorkload(urn)) continue;
      const role = model.byUrn(urn)!;
      const managed = role.props.managedPolicyArns;
      if (managed !== undefined && !isUnknown(managed)) {
        const pols = model.resolveList(role, "managedPolicyArns", managed, [POLICY]).urns;
        for (const u of pols) report(urn, urn, docVerdict(model.byUrn(u)!.props.policy), `${model.label(urn)} managedPolicyArns (${model.label(u)})`);
      }
    }
    for (const rp of model.ofType(ROLE_POLICY)) {
      for (const roleUrn of rolesOf(rp, "role", rp.props.role)) if (isWorkload(roleUrn)) report(rp.urn, roleUrn, docVerdict(rp.props.policy), model.label(rp.urn));
    }
    for (const a of model.ofType(ROLE_POLICY_ATTACHMENT)) {
      for (const roleUrn of rolesOf(a, "role", a.props.role)) if (isWorkload(roleUrn)) report(a.urn, roleUrn, policyVerdict(a, "policyArn"), model.label(a.urn));
    }
    for (const a of model.ofType(ROLE_ATTACHMENTS_EXCLUSIVE)) {
      const arns = a.props.policyArns;
      const verdicts: Verdict[] = isUnknown(arns)
        ? ["unknown"]
        : list(arns).map((arn) => {
            if (typeof arn === "string" && ADMIN_ARN.test(arn)) return "admin";
            const pols = model.resolve(a, "policyArns", arn, [POLICY]);
            const vs = pols.urns.map((u) => docVerdict(model.byUrn(u)!.props.policy));
            return vs.includes("admin") ? "admin" : vs.includes("unknown") || (pols.unknown && !pols.urns.length) ? "unknown" : undefined;
          });
      const verdict: Verdict = verdicts.includes("admin") ? "admin" : verdicts.includes("unknown") ? "unknown" : undefined;
      for (const roleUrn of rolesOf(a, "roleName", a.props.roleName)) if (isWorkload(roleUrn)) report(a.urn, roleUrn, verdict, model.label(a.urn));
    }
    for (const a of model.ofType(POLICY_ATTACHMENT)) {
      for (const roleUrn of rolesOf(a, "roles", a.props.roles)) if (isWorkload(roleUrn)) report(a.urn, roleUrn, policyVerdict(a, "policyArn"), model.label(a.urn));
    }
    return out.list;
  },
  // A role's own trust policy, inline policies and AWS-managed ARNs: judged in Analyze too, so `pulumi up` stops an
  // administrator workload role before it is created.
  resource: {
    types: [ROLE],
    check(role, model) {
      const out = new Findings();
      const services = workloadServices(role);
      if (Array.isArray(services) && !services.length) return [];
      const who = services === "unknown" ? `${model.label(role.urn)} (trust policy unknown)` : `${model.label(role.urn)} (assumable by ${services.join(", ")})`;
      const judge = (what: Verdict, where: string) => {
        if (what === "unknown") out.report(role.urn, DEFERRED_KIND, { what: where, how: "build the document from values known at preview" });
        else if (what === "admin" && services === "unknown")
          out.report(role.urn, DEFERRED_KIND, { what: "assumeRolePolicy (which decides whether administrator access goes to a workload)", how: "write the trust policy from known values" });
        else if (what === "admin") out.add(role.urn, `${where} grants administrator access (Action "*" on Resource "*" / AdministratorAccess) to workload ${who}. Fix: ${rule.meta.fix}`);
      };
      const inline = role.props.inlinePolicies;
      if (isUnknown(inline)) judge("unknown", "inlinePolicies");
      for (const p of list(inline)) judge(docVerdict((p as any)?.policy), `${model.label(role.urn)} inline policy ${(p as any)?.name ?? ""}`.trim());
      for (const arn of list(role.props.managedPolicyArns)) if (typeof arn === "string" && ADMIN_ARN.test(arn)) judge("admin", `${model.label(role.urn)} managedPolicyArns`);
      return out.list;
    },
  },
};

