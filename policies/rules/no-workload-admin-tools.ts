import { isUnknown, type RuleDefinition } from "../model";
import { ADMIN_TOOLS, MANAGED_WITH_ADMIN_TOOLS } from "../model/admin-tools";
import { actionMatches } from "../model/iam-match";
import { hasUnknown, isWorkloadRole, rolePrincipals, type RolePrincipal } from "../model/principals";
import { Findings, list } from "./util";

const ADMIN_ROLES = new Set(["bastion", "admin"]);

/** True when a Resource list names only specific resources (no wildcard): the workload's own, by intent. */
const specific = (resources: unknown[]) => resources.length > 0 && resources.every((r) => typeof r === "string" && (isUnknown(r) || !/[*?]/.test(r)));

/** The stack says this role is an admin principal: tagged bulkhead:role=bastion|admin, or only bastions use it. */
function isAdminPrincipal(model: Parameters<RuleDefinition["check"]>[0], p: RolePrincipal): boolean {
  const role = model.tagsOf(p.urn)?.["bulkhead:role"];
  if (role !== undefined && ADMIN_ROLES.has(role)) return true;
  return p.usedBy.length > 0 && p.usedBy.every((u) => model.isBastion(u) || ADMIN_ROLES.has(model.tagsOf(u)?.["bulkhead:role"] ?? ""));
}

export const rule: RuleDefinition = {
  meta: {
    id: "no-workload-admin-tools",
    severity: "critical",
    enforcementLevel: "mandatory",
    controls: ["IAM.1", "SSM.1"],
    why: "Actions that run commands, open sessions, push keys, exec into containers, replace function code or swap roles on other compute are the platform's admin tools; a workload holding them on more than its own resources lets one compromised host take over every tenant's hosts, as in the breach.",
    fix: "Remove the admin action from the workload's role, or scope it to the workload's own resources by exact ARN; give admin tools only to the bastion or an admin role tagged bulkhead:role=bastion / bulkhead:role=admin.",
    messages: {
      "workload-admin-tool": "{where} lets workload {role} call {action} ({gives}) on {resources} ({sid}): one compromised workload controls other compute. See {doc}. Fix: remove it or scope it to the workload's own resources by exact ARN; admin tools belong to a role tagged bulkhead:role=admin or bastion.",
      "workload-admin-managed": "{where} gives workload {role} the AWS-managed policy {policy}, which holds {holds} (including {action}: {gives}). Fix: replace it with a policy naming only the actions and resources the workload needs.",
      "cannot-verify": "{where} on workload {role} has a statement whose Effect or Action is unknown at preview, so whether it grants admin tools (ssm:SendCommand, ecs:ExecuteCommand, iam:PassRole…) cannot be verified before deploy. Fix: build the actions from known values.",
    },
  },
  check(model) {
    const out = new Findings();
    for (const p of rolePrincipals(model).values()) {
      if (!isWorkloadRole(p) || isAdminPrincipal(model, p)) continue;
      const role = model.label(p.urn);
      // Explicit denies anywhere in the role's identity policies that cover an action on every resource.
      const denied = (action: string) =>
        p.documents.some((d) => (d.statements ?? []).some((s) => s.Effect === "Deny" && !s.Condition && actionMatches(s.Action, action) && list(s.Resource).includes("*")));
      for (const d of p.documents) {
        // A document unknown as a whole, full admin (Action "*" on "*") and AdministratorAccess are
        // no-admin-workloads' findings on the same resource; this rule judges what is short of them.
        if (d.unreadable === "unknown") continue;
        if (d.unreadable === "aws-managed") {
          const name = /policy\/(?:.*\/)?([^/]+)$/.exec(d.managedArn ?? "")?.[1] ?? "";
          const holds = MANAGED_WITH_ADMIN_TOOLS[name];
          if (holds && name !== "AdministratorAccess") {
            const tool = ADMIN_TOOLS.find((t) => !denied(t.action))!;
            if (tool) out.report(d.blameUrn, "workload-admin-managed", { where: d.where, role, policy: name, holds, action: tool.action, gives: tool.gives });
          }
          continue;
        }
        for (const [i, s] of (d.statements ?? []).entries()) {
          if ([s.Effect, s.Action, s.NotAction].some(hasUnknown)) {
            out.report(d.blameUrn, "cannot-verify", { where: d.where, role });
            continue;
          }
          if (s.Effect !== "Allow") continue;
          if (list(s.Action).some((a) => a === "*" || a === "*:*") && list(s.Resource).includes("*")) continue;
          // An unknown Resource is an ARN of a resource of the stack (its value is an output): a specific resource.
          const resources = list(s.Resource);
          if (s.NotResource === undefined && specific(resources)) continue;
          for (const tool of ADMIN_TOOLS) {
            const grants = s.Action !== undefined ? actionMatches(s.Action, tool.action) : s.NotAction !== undefined && !actionMatches(s.NotAction, tool.action);
            if (!grants || denied(tool.action)) continue;
            const sid = typeof s.Sid === "string" && s.Sid ? `statement ${s.Sid}` : `Statement[${i}]`;
            const res = s.NotResource !== undefined ? "every resource but NotResource" : resources.map(String).join(", ");
            out.report(d.blameUrn, "workload-admin-tool", { where: d.where, role, action: tool.action, gives: tool.gives, resources: res, sid, doc: tool.doc });
            break;
          }
        }
      }
    }
    return out.list;
  },
};
