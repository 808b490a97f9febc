/**
 * What a principal's permissions amount to: administrator (every probe action on resources it never named) or able
 * to escalate (a complete action set of the escalation catalogue), judged through the evaluator so NotAction,
 * NotResource, wildcards, denies and boundaries count as AWS counts them.
 */
import { probeArns } from "./catalogue";
import { allows, mayAllow, type PermissionSet, type SourcedStatement } from "./evaluate";
import { ESCALATION_METHODS, type EscalationMethod } from "./escalations";

/**
 * One action per kind of power (identity, compute, data, keys, secrets, code, org): a principal allowed all of them
 * on resources it did not name has administrator access in effect, however the policy spells it.
 */
export const ADMIN_PROBE_ACTIONS = [
  "iam:CreateUser",
  "iam:AttachRolePolicy",
  "ec2:RunInstances",
  "s3:GetObject",
  "kms:Decrypt",
  "secretsmanager:GetSecretValue",
  "lambda:UpdateFunctionCode",
  "organizations:LeaveOrganization",
];

export interface Grant {
  by: SourcedStatement[];
  /** The verdict rests on a value unknown at preview (read worst-case). */
  unknown: boolean;
}

/** Is `action` allowed on an arbitrary resource (or, for actions on roles, the principal's own role)? */
export function allowedBroadly(perms: PermissionSet, action: string, account: string, ownArns: readonly string[] = []): Grant | undefined {
  if (!mayAllow(perms, action)) return undefined;
  const probes = probeArns(action, account);
  const check = (resources: string[]): Grant | undefined => {
    const by: SourcedStatement[] = [];
    let unknown = false;
    for (const r of resources) {
      const d = allows(perms, action, r);
      if (d.decision !== "allow") return undefined;
      by.push(...d.by);
      unknown ||= d.unknown;
    }
    return { by: [...new Set(by)], unknown };
  };
  const broad = check(probes);
  if (broad) return broad;
  // Modifying its own role (PutRolePolicy / AttachRolePolicy on itself) escalates as surely as on any role.
  if (probes.some((p) => p.includes(":role/"))) for (const own of ownArns) {
    const g = check([own]);
    if (g) return g;
  }
  return undefined;
}

export interface PrivilegeVerdict {
  /** Allowed every probe action broadly: administrator in effect. */
  admin?: Grant;
  /** Escalation methods whose every action is allowed broadly (empty when admin). */
  escalations: Array<{ method: EscalationMethod; grant: Grant }>;
}

export function privileges(perms: PermissionSet, account: string, ownArns: readonly string[] = []): PrivilegeVerdict {
  const probes = ADMIN_PROBE_ACTIONS.map((a) => allowedBroadly(perms, a, account, ownArns));
  if (probes.every((g) => g !== undefined)) {
    const gs = probes as Grant[];
    return { admin: { by: [...new Set(gs.flatMap((g) => g.by))], unknown: gs.some((g) => g.unknown) }, escalations: [] };
  }
  const escalations: PrivilegeVerdict["escalations"] = [];
  const cache = new Map<string, Grant | undefined>();
  for (const method of ESCALATION_METHODS) {
    const grants: Grant[] = [];
    for (const a of method.actions) {
      if (!cache.has(a)) cache.set(a, allowedBroadly(perms, a, account, ownArns));
      const g = cache.get(a);
      if (!g) break;
      grants.push(g);
    }
    if (grants.length === method.actions.length) escalations.push({ method, grant: { by: [...new Set(grants.flatMap((g) => g.by))], unknown: grants.some((g) => g.unknown) } });
  }
  return { escalations };
}
