/**
 * Roles of the stack as principals: the policy documents attached to each (every attachment form the provider
 * has), who may assume it (trust services) and which compute runs with it (instances, launch templates, Lambda
 * functions, ECS task definitions, EKS node groups). The door rules (guest roles, admin tools, tenant isolation)
 * read roles through this one place.
 */
import type { NetworkModel } from "./index";
import { isUnknown, type StackResource } from "./types";

export const IAM = {
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  policy: "aws:iam/policy:Policy",
  policyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
  attachmentsExclusive: "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
  instanceProfile: "aws:iam/instanceProfile:InstanceProfile",
} as const;

/** One policy document as it applies to a role, with the resource a reviewer would change. */
export interface RoleDocument {
  /** The resource that grants it (the role for inline/managed lists, else the RolePolicy / attachment). */
  blameUrn: string;
  /** Where it comes from, for messages: `iam.RolePolicy tenant-read`, `iam.Role app inline policy s3`… */
  where: string;
  /** Statements, or why they can't be read (unknown at preview / an AWS-managed policy the pack can't read). */
  statements?: Record<string, any>[];
  unreadable?: "unknown" | "aws-managed";
  /** ARN of an AWS-managed (or out-of-stack) policy. */
  managedArn?: string;
  /** Resources of the stack the document's value was built from (their ARNs are its unknown Resource values). */
  deps: string[];
}

export interface RolePrincipal {
  urn: string;
  /** Services the trust policy lets assume the role ("unknown" when the trust policy is unknown at preview). */
  services: string[] | "unknown";
  /** Identity-policy documents. */
  documents: RoleDocument[];
  /** Permissions boundary document, when one is set in the stack (undefined: none or unreadable). */
  boundary?: RoleDocument;
  /** Compute resources that run with the role (instances, launch templates, functions, task definitions…). */
  usedBy: string[];
}

const WORKLOAD_SERVICE = /^(ec2|lambda|ecs-tasks|ecs|eks|pods\.eks|batch|codebuild|states|glue|sagemaker|elasticbeanstalk|apprunner|tasks\.apprunner|build\.apprunner)\.amazonaws\.com$/;

/** True when a role is assumed by compute (a workload): a workload service trusts it, or compute runs with it. */
export function isWorkloadRole(p: RolePrincipal): boolean {
  if (p.usedBy.length) return true;
  return p.services === "unknown" || p.services.some((s) => WORKLOAD_SERVICE.test(s));
}

function list(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/** Statements of a policy document given as JSON text or an object; "unknown" when unknown at preview. */
export function statementsOf(v: unknown): Record<string, any>[] | "unknown" | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  if (isUnknown(v)) return "unknown";
  let doc: any = v;
  if (typeof v === "string") {
    try {
      doc = JSON.parse(v);
    } catch {
      return undefined;
    }
  }
  if (!doc || typeof doc !== "object") return undefined;
  const st = doc.Statement ?? doc.statement ?? doc.statements;
  if (isUnknown(st)) return "unknown";
  if (list(st).some(isUnknown)) return "unknown";
  // Unknown values inside a statement stay in place as the SDK's sentinels: each consumer decides whether the
  // field it reads decides its verdict (an unknown Resource is usually an ARN of a resource of the stack, see
  // RoleDocument.deps; an unknown Action is not knowable at all).
  return list(st).filter((s): s is Record<string, any> => !!s && typeof s === "object");
}

/** True when the value, or anything nested in it, is unknown at preview. */
export function hasUnknown(x: unknown): boolean {
  return isUnknown(x) || (Array.isArray(x) ? x.some(hasUnknown) : !!x && typeof x === "object" && Object.values(x).some(hasUnknown));
}

const computeRoleRefs: Array<[string, string, (p: Record<string, any>) => unknown]> = [
  ["aws:lambda/function:Function", "role", (p) => p.role],
  ["aws:ecs/taskDefinition:TaskDefinition", "taskRoleArn", (p) => p.taskRoleArn],
  ["aws:eks/nodeGroup:NodeGroup", "nodeRoleArn", (p) => p.nodeRoleArn],
  ["aws:codebuild/project:Project", "serviceRole", (p) => p.serviceRole],
  ["aws:sfn/stateMachine:StateMachine", "roleArn", (p) => p.roleArn],
  ["aws:batch/jobDefinition:JobDefinition", "containerProperties", () => undefined],
];

/** Builds every role of the stack as a principal (computed once per model, then kept). */
export function rolePrincipals(model: NetworkModel): Map<string, RolePrincipal> {
  const cached = cache.get(model);
  if (cached) return cached;
  const out = new Map<string, RolePrincipal>();
  for (const r of model.ofType(IAM.role)) {
    const trust = statementsOf(r.props.assumeRolePolicy);
    const services = trust === "unknown" ? "unknown" : [...new Set((trust ?? []).filter((s) => s.Effect === "Allow").flatMap((s) => list(s.Principal?.Service)).filter((x): x is string => typeof x === "string"))];
    const p: RolePrincipal = { urn: r.urn, services, documents: [], usedBy: [] };
    out.set(r.urn, p);
    const inline = r.props.inlinePolicies;
    if (isUnknown(inline)) p.documents.push({ blameUrn: r.urn, where: `${model.label(r.urn)} inlinePolicies`, unreadable: "unknown", deps: [] });
    for (const ip of list(inline)) pushDoc(model, p, r.urn, `${model.label(r.urn)} inline policy ${(ip as any)?.name ?? ""}`.trim(), (ip as any)?.policy, { urn: r.urn, prop: "inlinePolicies" });
    const managed = r.props.managedPolicyArns;
    if (isUnknown(managed)) p.documents.push({ blameUrn: r.urn, where: `${model.label(r.urn)} managedPolicyArns`, unreadable: "unknown", deps: [] });
    else for (const arn of list(managed)) pushManaged(model, p, r, "managedPolicyArns", arn, r.urn);
    const boundary = r.props.permissionsBoundary;
    if (boundary !== undefined && boundary !== null && boundary !== "") {
      const pol = model.resolve(r, "permissionsBoundary", boundary, [IAM.policy]);
      if (pol.urns.length === 1) {
        const st = statementsOf(model.byUrn(pol.urns[0])!.props.policy);
        const deps = model.byUrn(pol.urns[0])!.propertyDependencies?.policy ?? [];
        p.boundary = { blameUrn: pol.urns[0], where: model.label(pol.urns[0]), deps, ...(Array.isArray(st) ? { statements: st } : { unreadable: "unknown" as const }) };
      }
    }
  }
  const rolesOf = (r: StackResource, prop: string, v: unknown) => model.resolveList(r, prop, v, [IAM.role]).urns;
  for (const rp of model.ofType(IAM.rolePolicy)) for (const u of rolesOf(rp, "role", rp.props.role)) pushDoc(model, out.get(u)!, rp.urn, model.label(rp.urn), rp.props.policy, { urn: rp.urn, prop: "policy" });
  for (const a of model.ofType(IAM.rolePolicyAttachment)) for (const u of rolesOf(a, "role", a.props.role)) pushManaged(model, out.get(u)!, a, "policyArn", a.props.policyArn, a.urn);
  for (const a of model.ofType(IAM.policyAttachment)) for (const u of rolesOf(a, "roles", a.props.roles)) pushManaged(model, out.get(u)!, a, "policyArn", a.props.policyArn, a.urn);
  for (const a of model.ofType(IAM.attachmentsExclusive)) {
    for (const u of rolesOf(a, "roleName", a.props.roleName)) {
      if (isUnknown(a.props.policyArns)) out.get(u)!.documents.push({ blameUrn: a.urn, where: model.label(a.urn), unreadable: "unknown", deps: [] });
      else for (const arn of list(a.props.policyArns)) pushManaged(model, out.get(u)!, a, "policyArns", arn, a.urn);
    }
  }

  // Compute that runs with a role: instance profiles (instances, launch templates) and direct role references.
  const profileRoles = new Map<string, string[]>();
  for (const ip of model.ofType(IAM.instanceProfile)) profileRoles.set(ip.urn, rolesOf(ip, "role", ip.props.role));
  const use = (roleUrns: string[], user: string) => {
    for (const u of roleUrns) {
      const p = out.get(u);
      if (p && !p.usedBy.includes(user)) p.usedBy.push(user);
    }
  };
  const viaProfile = (r: StackResource, prop: string, v: unknown) => {
    const profiles = model.resolve(r, prop, v, [IAM.instanceProfile]).urns;
    use(profiles.flatMap((ip) => profileRoles.get(ip) ?? []), r.urn);
  };
  for (const i of model.ofType("aws:ec2/instance:Instance")) viaProfile(i, "iamInstanceProfile", i.props.iamInstanceProfile);
  for (const lt of model.ofType("aws:ec2/launchTemplate:LaunchTemplate")) {
    const ip = lt.props.iamInstanceProfile;
    viaProfile(lt, "iamInstanceProfile", ip?.arn ?? ip?.name ?? (isUnknown(ip) ? ip : undefined));
  }
  for (const [type, prop, get] of computeRoleRefs) for (const r of model.ofType(type)) use(rolesOf(r, prop, get(r.props)), r.urn);
  cache.set(model, out);
  return out;
}
const cache = new WeakMap<NetworkModel, Map<string, RolePrincipal>>();

function pushDoc(model: NetworkModel, p: RolePrincipal, blameUrn: string, where: string, v: unknown, from?: { urn: string; prop: string }): void {
  const st = statementsOf(v);
  if (st === undefined) return;
  const deps = from ? model.byUrn(from.urn)?.propertyDependencies?.[from.prop] ?? [] : [];
  p.documents.push(st === "unknown" ? { blameUrn, where, unreadable: "unknown", deps } : { blameUrn, where, statements: st, deps });
}

function pushManaged(model: NetworkModel, p: RolePrincipal, res: StackResource, prop: string, arn: unknown, blameUrn: string): void {
  const pols = model.resolve(res, prop, arn, [IAM.policy]);
  if (pols.urns.length) {
    for (const u of pols.urns) pushDoc(model, p, blameUrn, blameUrn === u ? model.label(u) : `${model.label(blameUrn)} (${model.label(u)})`, model.byUrn(u)!.props.policy, { urn: u, prop: "policy" });
    return;
  }
  if (typeof arn === "string" && !isUnknown(arn)) p.documents.push({ blameUrn, where: `${model.label(blameUrn)} (${arn})`, unreadable: "aws-managed", managedArn: arn, deps: [] });
  else if (pols.unknown) p.documents.push({ blameUrn, where: model.label(blameUrn), unreadable: "unknown", deps: [] });
}
