/**
 * Multi-language ("remote") components offline. The real engine asks the component's provider plugin to construct
 * the children; no plugin runs here, so the popular components are expanded by this module into the AWS resources
 * their providers create, with the providers' own defaults, and registered through the recorder like any other
 * resource (parent = the component, source = the user's `new …(…)` line). Every other remote component is counted
 * and reported as "not expanded offline": its children are not seen by the pack.
 */
import * as awsx from "./awsx";
import * as eks from "./eks";
import { restApi } from "./apigateway";
import { RESOURCE_SIG, SPECIAL_SIG_KEY } from "../wire";
import { ConstructContext, Outputs, type Environment, type Register, type RegisterRequest } from "./context";

type Expander = (ctx: ConstructContext, out: Outputs) => Promise<void>;

/** Component type → expansion. Package versions covered are in README ("Multi-language components"). */
export const EXPANDERS: Record<string, Expander> = {
  "awsx:ec2:Vpc": awsx.vpc,
  "awsx:ec2:DefaultVpc": awsx.defaultVpcComponent,
  "awsx:ecr:Repository": awsx.ecrRepository,
  "awsx:ecr:Image": awsx.ecrImage,
  "awsx:ecs:FargateService": awsx.service("FARGATE"),
  "awsx:ecs:EC2Service": awsx.service("EC2"),
  "awsx:ecs:FargateTaskDefinition": awsx.fargateTaskDefinition("FARGATE"),
  "awsx:ecs:EC2TaskDefinition": awsx.fargateTaskDefinition("EC2"),
  "awsx:lb:ApplicationLoadBalancer": awsx.loadBalancer("application"),
  "awsx:lb:NetworkLoadBalancer": awsx.loadBalancer("network"),
  "awsx:lb:TargetGroupAttachment": awsx.targetGroupAttachment,
  "eks:index:Cluster": eks.cluster,
  "eks:index:ManagedNodeGroup": eks.managedNodeGroup,
  "eks:index:NodeGroupV2": eks.nodeGroupV2,
  // The deprecated NodeGroup launches from a launch configuration through a CloudFormation-managed auto-scaling
  // group; its groups, public-IP default and metadata options are NodeGroupV2's, so it is judged as that shape.
  "eks:index:NodeGroup": eks.nodeGroupV2,
  "aws-apigateway:index:RestAPI": restApi,
};

export interface ConstructResult {
  outputs: Record<string, unknown>;
  outputDeps: Record<string, string[]>;
}

export interface UnexpandedComponent {
  type: string;
  count: number;
}

export class RemoteComponents {
  private readonly unexpandedCounts = new Map<string, number>();

  constructor(
    private readonly env: Environment,
    /** Registers one child through the recorder's own path; `component` is the component's request. */
    private readonly register: (child: RegisterRequest, component: any) => ReturnType<Register>,
  ) {}

  /**
   * Expands one remote component registration (a RegisterResourceRequest with remote = true), or counts it as not
   * expanded and returns undefined.
   */
  async construct(req: any, urn: string): Promise<ConstructResult | undefined> {
    const type: string = req.getType();
    const expand = EXPANDERS[type];
    if (!expand) {
      this.notExpanded(type, urn, "");
      return undefined;
    }
    const inputDeps: Record<string, string[]> = {};
    for (const [k, v] of req.getPropertydependenciesMap().entries()) inputDeps[k] = v.getUrnsList();
    const providers: Record<string, string> = {};
    for (const [k, v] of req.getProvidersMap().entries()) providers[k] = v;
    const ctx = new ConstructContext(
      type,
      req.getName(),
      urn,
      req.getObject()?.toJavaScript() ?? {},
      inputDeps,
      providers,
      (child) => this.register(child, req),
      this.env,
      req.getVersion() || packageVersion(type.split(":")[0]),
    );
    const out = new Outputs();
    try {
      await expand(ctx, out);
    } catch (e) {
      // An input shape the expansion does not understand: the component is reported as not expanded (with why)
      // rather than failing a program the real CLI would run; the children registered so far stay recorded.
      this.notExpanded(type, urn, `its offline expansion failed: ${(e as Error).message}`);
      return undefined;
    }
    return { outputs: out.values, outputDeps: out.deps };
  }

  private notExpanded(type: string, urn: string, reason: string): void {
    this.unexpandedCounts.set(type, (this.unexpandedCounts.get(type) ?? 0) + 1);
    this.reasons[urn] = reason;
  }

  /** Component URN → why it was not expanded ("" for a type without an expansion). */
  readonly reasons: Record<string, string> = {};

  unexpanded(): UnexpandedComponent[] {
    return [...this.unexpandedCounts].map(([type, count]) => ({ type, count })).sort((a, b) => a.type.localeCompare(b.type));
  }
}

function packageVersion(pkg: string): string {
  try {
    return require(`@pulumi/${pkg}/package.json`).version;
  } catch {
    return "";
  }
}

/** Builds the registration request of one child from the component's request (same source position and stack). */
export function childRequest(component: any, child: Parameters<Register>[0]): any {
  const { RegisterResourceRequest } = require("@pulumi/pulumi/proto/resource_pb");
  const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
  const r = new RegisterResourceRequest();
  r.setType(child.type);
  r.setName(child.name);
  r.setParent(child.parent);
  r.setCustom(child.custom);
  r.setObject(Struct.fromJavaScript(child.inputs));
  if (child.provider) r.setProvider(child.provider);
  r.setDependenciesList(child.dependencies);
  const deps = r.getPropertydependenciesMap();
  for (const [k, urns] of Object.entries(child.propertyDependencies)) {
    const d = new RegisterResourceRequest.PropertyDependencies();
    d.setUrnsList(urns);
    deps.set(k, d);
  }
  if (component.getSourceposition?.()) r.setSourceposition(component.getSourceposition());
  if (component.getStacktrace?.()) r.setStacktrace(component.getStacktrace());
  r.setAcceptsecrets(true);
  r.setAcceptresources(true);
  return r;
}

/** The component's answer, as the engine gives it after a provider's Construct: its outputs and what they depend on. */
export function applyConstructResult(resp: any, result: ConstructResult | undefined): any {
  const fields = resp.getObject().getFieldsMap();
  // The engine answers a component with its outputs, not its inputs: an echoed input that references another
  // resource would make the SDK read that resource back by URN, which the recorder does not keep.
  for (const [k, v] of [...fields.entries()]) if (holdsReference(v.toJavaScript())) fields.del(k);
  if (!result) return resp;
  const { Value } = require("google-protobuf/google/protobuf/struct_pb");
  const { RegisterResourceResponse } = require("@pulumi/pulumi/proto/resource_pb");
  for (const [k, v] of Object.entries(result.outputs)) if (v !== undefined) fields.set(k, Value.fromJavaScript(v));
  const deps = resp.getPropertydependenciesMap();
  for (const [k, urns] of Object.entries(result.outputDeps)) {
    const d = new RegisterResourceResponse.PropertyDependencies();
    d.setUrnsList(urns);
    deps.set(k, d);
  }
  return resp;
}

/** The region's zone names, as the engine's aws.getAvailabilityZones answers them (awsx's Vpc makes that lookup). */
export function zonesOf(invoke: Environment["invoke"], region: string): string[] {
  const r = invoke("aws:index/getAvailabilityZones:getAvailabilityZones", {}) as { names?: string[] };
  return Array.isArray(r?.names) ? r.names : [`${region}a`, `${region}b`, `${region}c`];
}

function holdsReference(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(holdsReference);
  if (v && typeof v === "object") {
    if ((v as Record<string, unknown>)[SPECIAL_SIG_KEY] === RESOURCE_SIG) return true;
    return Object.values(v).some(holdsReference);
  }
  return false;
}
