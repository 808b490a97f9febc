/**
 * Request evaluation for one principal's identity-based policies, as
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html defines it:
 * an explicit Deny wins over any Allow; without an Allow the request is implicitly denied; a permissions boundary
 * caps what identity policies allow (both must allow, a Deny in either denies).
 *
 * `Action`/`NotAction`: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
 * `Resource`/`NotResource`: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html
 */
import { evalConditions, type RequestContext } from "./conditions";
import type { Statement } from "./document";
import { actionMatches, arnMatches } from "./match";

/** Where a statement comes from, so a finding can blame the resource a reviewer edits. */
export interface PolicySource {
  /** The resource to blame: the role (inline / managedPolicyArns), the RolePolicy, the attachment… */
  urn: string;
  /** How the policy reaches the principal, e.g. `inline policy "s3"`, `iam.Policy deploy (by ARN)`. */
  via: string;
  /** Property path on `urn` that carries it, e.g. `inlinePolicies[0].policy`. */
  path?: string;
  /** AWS managed policy name when the policy is one. */
  awsManaged?: string;
}

export interface SourcedStatement {
  statement: Statement;
  source: PolicySource;
}

/** A policy whose document cannot be read at preview, with its provenance. */
export interface UnreadablePolicy {
  source: PolicySource;
  why: string;
}

/** Everything that decides what one principal (a role, user or group member) may do. */
export interface PermissionSet {
  principalUrn: string;
  statements: SourcedStatement[];
  /** Permissions boundary statements, when the principal has one (undefined: no boundary). */
  boundary?: SourcedStatement[];
  /** Policies attached but not readable: unknown at preview, an AWS managed policy not in the table… */
  unreadable: UnreadablePolicy[];
}

export interface Decision {
  decision: "allow" | "deny" | "implicit-deny";
  /** The statements that decided it (the Allows that grant it, or the Deny that blocks it). */
  by: SourcedStatement[];
  /** The decision rests on a value unknown at preview (read worst-case). */
  unknown: boolean;
}

/** Cheap pre-check: could any Allow statement apply to `action` at all (actions only, unknowns worst-case)? */
export function mayAllow(perms: PermissionSet, action: string): boolean {
  return perms.statements.some((st) => st.statement.effect === "Allow" && (st.statement.unknown.includes("Action") || st.statement.unknown.includes("NotAction") || matchesAction(st.statement, action)));
}

const matchesAction = (s: Statement, action: string): boolean =>
  s.action !== undefined ? s.action.some((p) => actionMatches(p, action)) : !(s.notAction ?? []).some((p) => actionMatches(p, action));

const matchesResource = (s: Statement, resource: string): boolean => {
  if (s.resource !== undefined) return s.resource.some((p) => arnMatches(p, resource));
  if (s.notResource !== undefined) return !s.notResource.some((p) => arnMatches(p, resource));
  // Trust and some resource policies omit Resource: the statement covers the resource it is attached to.
  return true;
};

/**
 * Does a statement apply to a request? With a context, conditions are evaluated; without one ("some request")
 * an Allow's conditions are taken as satisfiable and a Deny with conditions as avoidable, which is the caller's
 * worst case. Elements unknown at preview are read the same worst-case way.
 */
export function statementApplies(s: Statement, action: string, resource: string, ctx?: RequestContext): { applies: boolean; unknown: boolean } {
  const worst = s.effect === "Allow";
  let unknown = false;
  const el = (name: string, known: () => boolean): boolean => {
    if (s.unknown.includes(name)) {
      unknown = true;
      return worst;
    }
    return known();
  };
  const actionOk = el(s.action !== undefined ? "Action" : "NotAction", () => matchesAction(s, action));
  if (!actionOk) return { applies: false, unknown };
  const resourceOk = el(s.resource !== undefined ? "Resource" : "NotResource", () => matchesResource(s, resource));
  if (!resourceOk) return { applies: false, unknown };
  const condOk = el("Condition", () => (ctx ? evalConditions(s.conditions, ctx) : worst || s.conditions.length === 0));
  return { applies: condOk, unknown };
}

function decide(statements: readonly SourcedStatement[], action: string, resource: string, ctx?: RequestContext): Decision {
  const allows: SourcedStatement[] = [];
  let unknown = false;
  for (const st of statements) {
    const r = statementApplies(st.statement, action, resource, ctx);
    if (!r.applies) continue;
    unknown ||= r.unknown;
    if (st.statement.effect === "Deny") return { decision: "deny", by: [st], unknown: r.unknown };
    allows.push(st);
  }
  return allows.length ? { decision: "allow", by: allows, unknown } : { decision: "implicit-deny", by: [], unknown: false };
}

/**
 * May the principal perform `action` on `resource`? `ctx` is the request context (lower-cased keys); leave it out
 * to ask whether SOME request can be allowed.
 */
export function allows(perms: PermissionSet, action: string, resource: string, ctx?: RequestContext): Decision {
  const d = decide(perms.statements, action, resource, ctx);
  if (d.decision !== "allow" || !perms.boundary) return d;
  const b = decide(perms.boundary, action, resource, ctx);
  if (b.decision === "allow") return { ...d, unknown: d.unknown || b.unknown };
  return b.decision === "deny" ? b : { decision: "implicit-deny", by: [], unknown: false };
}
