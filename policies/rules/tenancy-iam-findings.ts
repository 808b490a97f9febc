/**
 * The IAM half of tenant-isolation (not a rule of its own: one property, one rule, one exemption key). Reports the
 * crossings policies/model/tenancy-iam.ts proves, on the resource a reviewer edits: the policy (or role) whose
 * statement allows the access.
 */
import type { NetworkModel } from "../model";
import { tenancyIam, type Access } from "../model/tenancy-iam";
import type { Findings } from "./util";

const IAM_FIX =
  "scope the statement to the tenant's own resources: its secret namespace, its key (aws:ResourceTag/bulkhead:tenant = ${aws:PrincipalTag/bulkhead:tenant}), its roles by exact ARN, and deny tagging of bulkhead:tenant.";

export const IAM_TENANCY_MESSAGES: Record<string, string> = {
  "iam-crosses-tenants":
    "{where} lets {role} (tenant {tenant}) {access} {resource} of {owner} ({action}, {statement}). IAM path: {role} → {action} → {resource}. Fix: " + IAM_FIX,
  "resource-policy-crosses-tenants":
    "{where} names {role} (tenant {tenant}) and lets it {access} {resource} of {owner} ({action}, {statement}): within one account a resource policy that names a principal grants on its own, whatever that principal's identity policies say. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html IAM path: {role} → {action} → {resource}. Fix: name only the owning tenant's own roles in the policy (or its account root, leaving the decision to identity policies), or add aws:PrincipalTag/bulkhead:tenant = the owner's tenant as a condition.",
  "iam-tagging-crosses-tenants":
    "{where} lets {role} (tenant {tenant}) rewrite the bulkhead:tenant tag of {resource} of {owner} ({action}, {statement}): tag-based (ABAC) separation can be undone. Fix: " + IAM_FIX,
  "iam-abac-self-retag":
    "{where} lets {role} (tenant {tenant}) change its own bulkhead:tenant tag (iam:TagRole, {statement}) while its policies read aws:PrincipalTag: it can become any tenant. Fix: deny iam:TagRole / iam:UntagRole on bulkhead:tenant (aws:TagKeys) or drop the right.",
  "iam-shared-principal":
    "{role} is used by compute of tenants {tenants} ({users}): one role for two tenants is a cross-tenant principal, whatever its policies say. Fix: give each tenant's compute its own role, tagged bulkhead:tenant.",
};

const VERB: Record<Access, string> = { read: "read", decrypt: "decrypt with", write: "write", assume: "assume", pass: "pass to new compute", tag: "tag" };

export function reportIamTenancy(model: NetworkModel, out: Findings): void {
  const t = tenancyIam(model);
  const ownerText = (o: string) => (o === "" ? "the shared platform" : `tenant ${o}`);
  for (const a of t.accesses) {
    const data = {
      where: model.label(a.by.source.urn) + (a.by.source.via && a.by.source.via !== model.label(a.by.source.urn) ? ` (${a.by.source.via})` : ""),
      role: model.label(a.principalUrn),
      tenant: a.principalTenant,
      access: VERB[a.access],
      resource: model.label(a.resourceUrn),
      owner: ownerText(a.owner),
      action: a.action,
      statement: a.statement,
    };
    out.report(a.by.source.urn, a.grant === "resource" ? "resource-policy-crosses-tenants" : a.access === "tag" ? "iam-tagging-crosses-tenants" : "iam-crosses-tenants", data, a.by.source.path);
  }
  for (const r of t.retags)
    out.report(r.by.source.urn, "iam-abac-self-retag", { where: model.label(r.by.source.urn), role: model.label(r.principalUrn), tenant: r.principalTenant, statement: r.statement }, r.by.source.path);
  for (const s of t.shared) out.report(s.roleUrn, "iam-shared-principal", { role: model.label(s.roleUrn), tenants: s.tenants, users: s.users.map((u) => model.label(u)) });
}
