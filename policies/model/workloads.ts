/**
 * Roles as workloads: who may assume each role (the trust policy's services) and which compute runs with it
 * (instances and launch templates through instance profiles, Lambda functions, ECS task definitions, EKS node
 * groups, CodeBuild projects, state machines). What a role may do is the IAM evaluation's (policies/model/iam,
 * `effectivePermissions`); this module only says whose credentials they are.
 */
import type { NetworkModel } from "./index";
import { IAM, list, parsePolicy } from "./iam";
import { isUnknown, type StackResource } from "./types";

export interface RoleUse {
  urn: string;
  /** Services the trust policy lets assume the role ("unknown" when the trust policy is unknown at preview). */
  services: string[] | "unknown";
  /** Compute resources that run with the role. */
  usedBy: string[];
}

const WORKLOAD_SERVICE = /^(ec2|lambda|edgelambda|ecs-tasks|ecs|eks|pods\.eks|batch|codebuild|states|glue|sagemaker|elasticbeanstalk|apprunner|tasks\.apprunner|build\.apprunner|scheduler|events)\.amazonaws\.com$/;

/** True when compute runs with the role: a workload service trusts it, or compute in the stack uses it. */
export function isWorkloadRole(u: RoleUse): boolean {
  if (u.usedBy.length) return true;
  return u.services === "unknown" || u.services.some((s) => WORKLOAD_SERVICE.test(s));
}

/** Direct role references of compute resources: [type, property, value getter]. */
const ROLE_REFS: Array<[string, string, (p: Record<string, any>) => unknown]> = [
  ["aws:lambda/function:Function", "role", (p) => p.role],
  ["aws:ecs/taskDefinition:TaskDefinition", "taskRoleArn", (p) => p.taskRoleArn],
  ["aws:eks/nodeGroup:NodeGroup", "nodeRoleArn", (p) => p.nodeRoleArn],
  ["aws:codebuild/project:Project", "serviceRole", (p) => p.serviceRole],
  ["aws:sfn/stateMachine:StateMachine", "roleArn", (p) => p.roleArn],
];

const cache = new WeakMap<NetworkModel, Map<string, RoleUse>>();

/** Every role of the stack with its trust services and the compute that uses it (computed once per model). */
export function roleUses(model: NetworkModel): Map<string, RoleUse> {
  const cached = cache.get(model);
  if (cached) return cached;
  const out = new Map<string, RoleUse>();
  for (const r of model.ofType(IAM.role)) {
    const trust = parsePolicy(r.props.assumeRolePolicy);
    const services: RoleUse["services"] =
      trust?.kind === "unknown" || (trust?.kind === "known" && trust.statements.some((s) => s.effect === "Allow" && s.principal?.unknown))
        ? "unknown"
        : trust?.kind === "known"
          ? [...new Set(trust.statements.filter((s) => s.effect === "Allow").flatMap((s) => s.principal?.service ?? []))]
          : [];
    out.set(r.urn, { urn: r.urn, services, usedBy: [] });
  }
  const rolesOf = (r: StackResource, prop: string, v: unknown) => model.resolveList(r, prop, v, [IAM.role]).urns;
  const use = (roleUrns: string[], user: string) => {
    for (const u of roleUrns) {
      const x = out.get(u);
      if (x && !x.usedBy.includes(user)) x.usedBy.push(user);
    }
  };
  const profileRoles = new Map<string, string[]>();
  for (const ip of model.ofType(IAM.instanceProfile)) profileRoles.set(ip.urn, rolesOf(ip, "role", ip.props.role));
  const viaProfile = (r: StackResource, prop: string, v: unknown) =>
    use(model.resolve(r, prop, v, [IAM.instanceProfile]).urns.flatMap((ip) => profileRoles.get(ip) ?? []), r.urn);
  for (const i of model.ofType("aws:ec2/instance:Instance")) viaProfile(i, "iamInstanceProfile", i.props.iamInstanceProfile);
  for (const lt of model.ofType("aws:ec2/launchTemplate:LaunchTemplate")) {
    const ip = lt.props.iamInstanceProfile;
    viaProfile(lt, "iamInstanceProfile", isUnknown(ip) ? ip : ip?.arn ?? ip?.name);
  }
  for (const [type, prop, get] of ROLE_REFS) for (const r of model.ofType(type)) use(rolesOf(r, prop, list(get(r.props))[0]), r.urn);
  cache.set(model, out);
  return out;
}
