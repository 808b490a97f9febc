import type { NetworkModel, RuleDefinition } from "../model";
import { ADMIN_TOOLS, MANAGED_WITH_ADMIN_TOOLS, type AdminTool } from "../model/admin-tools";
import { zoneOf } from "../model/external-access";
import { actionMatches, arnParts } from "../model/iam/match";
import { allows, effectivePermissions, privileges, probeArns, statementRef, type PermissionSet, type SourcedStatement } from "../model/iam";
import { isUnknown } from "../model";
import { WORKLOAD_SERVICES } from "./no-admin-workloads";
import { isWorkloadRole, roleUses, type RoleUse } from "../model/workloads";
import { Findings } from "./util";

const ADMIN_ROLES = new Set(["bastion", "admin"]);
const FULL_ADMIN = (s: SourcedStatement) => s.source.awsManaged === "AdministratorAccess" || ((s.statement.action ?? []).some((a) => a === "*" || a === "*:*") && (s.statement.resource ?? []).includes("*"));

/** The stack says this role is an admin principal: tagged bulkhead:role=bastion|admin, or only bastions use it. */
function isAdminPrincipal(model: NetworkModel, u: RoleUse): boolean {
  const role = model.tagsOf(u.urn)?.["bulkhead:role"];
  if (role !== undefined && ADMIN_ROLES.has(role)) return true;
  return u.usedBy.length > 0 && u.usedBy.every((x) => model.isBastion(x) || ADMIN_ROLES.has(model.tagsOf(x)?.["bulkhead:role"] ?? ""));
}

/**
 * ARNs of compute the workload never named, for every region and account its own policies mention (a pattern
 * pinned to eu-west-1 still covers every instance there).
 */
function probes(tool: AdminTool, perms: PermissionSet, accounts: string[]): string[] {
  const regions = new Set(["us-east-1"]);
  const accts = new Set(accounts.length ? accounts : ["123456789012"]);
  for (const { statement } of perms.statements)
    for (const r of statement.resource ?? []) {
      const parts = arnParts(r);
      if (parts?.[3] && !/[*?]/.test(parts[3])) regions.add(parts[3]);
      if (parts?.[4] && /^\d{12}$/.test(parts[4])) accts.add(parts[4]);
    }
  const out: string[] = [];
  // A wildcard inside a named scope (`task/shared-cluster/*`, `function:app-*`) covers compute the workload never
  // named too: probe one such resource of every wildcard pattern of the target's service.
  const service = (tool.target ? arnParts(tool.target)?.[2] : undefined) ?? tool.action.split(":")[0];
  for (const { statement } of perms.statements)
    for (const r of statement.resource ?? []) {
      const parts = arnParts(r);
      const res = parts?.slice(5).join(":") ?? "";
      // `task-definition/<family>:*` and `function:<name>:*` reach only the revisions / versions of the one named
      // family or function (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html#amazonelasticcontainerservice-resources-for-iam-policies).
      if (/^(task-definition\/[^*?:/]+|function:[^*?:]+):\*$/.test(res)) continue;
      if (parts && parts[2] === service && /[*?]/.test(res)) out.push(r.replace(/\*/g, "0bulkheadprobe").replace(/\?/g, "x"));
    }
  for (const account of accts)
    for (const region of regions) {
      if (tool.target) out.push(tool.target.replace("{region}", region).replace("{account}", account));
      else out.push(...probeArns(tool.action, account).map((a) => a.replace(":us-east-1:", `:${region}:`)));
    }
  return [...new Set(out)];
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
      "workload-admin-tool": "{where} lets workload {role} call {action} on compute it does not own ({statement}); the first {gives}. See {doc}. Fix: remove it or scope it to the workload's own resources by exact ARN; admin tools belong to a role tagged bulkhead:role=admin or bastion.",
      "workload-admin-managed": "{where} gives workload {role} the AWS-managed policy {policy}, which holds {holds}: admin tools over other compute. Fix: replace it with a policy naming only the actions and resources the workload needs.",
      "cannot-verify": "{where} on workload {role} has a statement ({statement}) whose actions are unknown at preview, so whether it grants admin tools (ssm:SendCommand, ecs:ExecuteCommand, iam:PassRole…) cannot be verified before deploy. Fix: build the actions from known values.",
    },
  },
  check(model) {
    const out = new Findings();
    const accounts = [...zoneOf(model).accounts];
    for (const use of roleUses(model).values()) {
      if (!isWorkloadRole(use) || isAdminPrincipal(model, use)) continue;
      const perms = effectivePermissions(use.urn, model);
      const role = model.label(use.urn);
      // AWS-managed policies the evaluation can't read but whose documented content holds admin tools.
      for (const u of perms.unreadable) {
        const holds = u.source.awsManaged ? MANAGED_WITH_ADMIN_TOOLS[u.source.awsManaged] : undefined;
        if (holds && u.source.awsManaged !== "AdministratorAccess")
          out.report(u.source.urn, "workload-admin-managed", { where: model.label(u.source.urn), role, policy: u.source.awsManaged, holds }, u.source.path);
      }
      // One finding per granting statement, naming every admin tool it gives.
      const granted = new Map<SourcedStatement, AdminTool[]>();
      const allowsAny = perms.statements.filter((x) => x.statement.effect === "Allow");
      if (!allowsAny.length) continue;
      for (const tool of ADMIN_TOOLS) {
        // Cheap pre-check: some Allow statement's actions can name the tool at all.
        if (!allowsAny.some(({ statement: x }) => x.unknown.includes("Action") || x.unknown.includes("NotAction") || (x.action ? x.action.some((a) => actionMatches(a, tool.action)) : !(x.notAction ?? []).some((a) => actionMatches(a, tool.action)))))
          continue;
        for (const arn of probes(tool, perms, accounts)) {
          const d = allows(perms, tool.action, arn);
          if (d.decision !== "allow") continue;
          for (const st of d.by) granted.set(st, [...(granted.get(st) ?? []), tool]);
          break;
        }
      }
      // A policy no-admin-workloads already blames for administrator access or an escalation set (Run Command,
      // PassRole + RunInstances, function code updates…) on a role it judges is its finding: one finding per door.
      const theirs = new Set<string>();
      const judgedThere = use.services === "unknown" || use.services.some((x) => WORKLOAD_SERVICES.includes(x.toLowerCase()));
      if (judgedThere && granted.size) {
        const r = model.byUrn(use.urn)!;
        const own = typeof r.props.arn === "string" && !isUnknown(r.props.arn) ? [r.props.arn] : [];
        const v = privileges(perms, accounts[0] ?? "000000000000", own);
        for (const st of [...(v.admin?.by ?? []), ...v.escalations.flatMap((e) => e.grant.by)]) theirs.add(`${st.source.urn}\u0000${st.source.path ?? ""}`);
      }
      for (const [st, tools] of granted) {
        if (FULL_ADMIN(st) || theirs.has(`${st.source.urn}\u0000${st.source.path ?? ""}`)) continue;
        const u = st.statement.unknown;
        const data = { where: st.source.via && st.source.via !== model.label(st.source.urn) ? `${model.label(st.source.urn)} (${st.source.via})` : model.label(st.source.urn), role, statement: statementRef(st.statement) };
        if (u.includes("Action") || u.includes("NotAction") || u.includes("Effect")) out.report(st.source.urn, "cannot-verify", data, st.source.path);
        // An unknown Resource is an ARN of a resource of the stack (an output): that one resource, not others'.
        else if (u.includes("Resource") || u.includes("NotResource")) continue;
        else out.report(st.source.urn, "workload-admin-tool", { ...data, action: tools.map((t) => t.action), gives: tools[0].gives, doc: tools[0].doc }, st.source.path);
      }
    }
    return out.list;
  },
};
