/**
 * What an offline expansion of one remote component works with: the component's wire inputs, and a way to register
 * each child through the recorder's own registration path (so children get every treatment a program's resources
 * get: URNs, default providers, preview unknowns, source positions).
 */
import { createHash } from "node:crypto";
import { RESOURCE_SIG, SPECIAL_SIG_KEY } from "../wire";
import { UNKNOWN, isUnknown, type Wire } from "./wire";

/** A registered child: its URN, its id as the program would see it (a sentinel while unknown) and its outputs. */
export interface Child {
  urn: string;
  type: string;
  name: string;
  id: Wire;
  outputs: Record<string, Wire>;
}

/** A child's output used as another child's input: resolved to its value and recorded as a property dependency. */
export class Ref {
  constructor(
    readonly child: Child,
    readonly prop: string,
  ) {}
}

export const ref = (child: Child, prop = "id"): Ref => new Ref(child, prop);

/** The value of a child's output as the program would see it. */
export function valueOf(child: Child, prop = "id"): Wire {
  if (prop === "id") return child.id;
  const v = child.outputs[prop];
  return v === undefined || v === null || v === "" ? UNKNOWN : v;
}

export interface ChildOptions {
  /** The child's parent: another child, or (default) the component. */
  parent?: Child;
  /** Property dependencies beyond the Refs in the inputs: child property → URNs. */
  deps?: Record<string, string[]>;
  dependsOn?: Child[];
  /** A provider package other than aws (the component's `providers` map is consulted by package). */
  providerPackage?: string;
  /** A (local) component resource of the provider's own, such as awsx's task definition inside a service. */
  component?: boolean;
}

export interface RegisterRequest {
  type: string;
  name: string;
  parent: string;
  custom: boolean;
  inputs: Record<string, unknown>;
  provider?: string;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
}

export type Register = (req: RegisterRequest) => Promise<{ urn: string; id: string; outputs: Record<string, unknown> }>;

export interface Environment {
  region: string;
  accountId: string;
  /** Zone names of the region, as the offline aws.getAvailabilityZones answers. */
  zones: string[];
  /** Answers an invoke the provider makes while constructing, through the engine's one invoke path (throws if unanswered). */
  invoke(token: string, args: Record<string, unknown>): Record<string, any>;
  /** How outputs a preview leaves unknown are answered (../symbolic.ts): component outputs follow the same mode. */
  unknowns: "symbolic" | "preview" | "known";
}

export class ConstructContext {
  readonly children: Child[] = [];

  constructor(
    readonly type: string,
    readonly name: string,
    readonly urn: string,
    readonly inputs: Record<string, Wire>,
    private readonly inputDeps: Record<string, string[]>,
    private readonly providers: Record<string, string>,
    private readonly register: Register,
    readonly env: Environment,
    /** The component package's version (the SDK sends it with the registration). */
    readonly version: string,
  ) {}

  arg(key: string): Wire {
    return this.inputs[key];
  }

  has(key: string): boolean {
    const v = this.inputs[key];
    return v !== undefined && v !== null;
  }

  /** The URNs the component's own inputs `keys` depend on: a child built from them depends on the same. */
  argDeps(...keys: string[]): string[] {
    const out = new Set<string>();
    for (const k of keys) for (const u of this.inputDeps[k] ?? []) out.add(u);
    return [...out];
  }

  /** Pulumi's autonaming (`<name>-<7 hex>`), deterministic here: what a provider's Check fills into `name`. */
  autoname(name: string): string {
    return `${name}-${createHash("sha256").update(`${this.urn}/${name}`).digest("hex").slice(0, 7)}`;
  }

  async child(type: string, name: string, inputs: Record<string, unknown>, opts: ChildOptions = {}): Promise<Child> {
    const propertyDependencies: Record<string, string[]> = {};
    const note = (prop: string, urns: string[]) => {
      const set = new Set([...(propertyDependencies[prop] ?? []), ...urns]);
      if (set.size) propertyDependencies[prop] = [...set];
    };
    const resolve = (v: unknown, prop: string): unknown => {
      if (v instanceof Ref) {
        note(prop, [v.child.urn]);
        return valueOf(v.child, v.prop);
      }
      if (Array.isArray(v)) return v.map((x) => resolve(x, prop));
      if (v && typeof v === "object") {
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) {
          const r = resolve(x, prop);
          if (r !== undefined) out[k] = r;
        }
        return out;
      }
      return v;
    };
    const wire: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(inputs)) {
      const r = resolve(v, k);
      if (r !== undefined) wire[k] = r;
    }
    for (const [k, urns] of Object.entries(opts.deps ?? {})) if (k in wire) note(k, urns);
    const dependencies = new Set<string>();
    for (const urns of Object.values(propertyDependencies)) for (const u of urns) dependencies.add(u);
    for (const d of opts.dependsOn ?? []) dependencies.add(d.urn);
    const pkg = opts.providerPackage ?? type.split(":")[0];
    const custom = !opts.component;
    const res = await this.register({
      type,
      name,
      parent: opts.parent?.urn ?? this.urn,
      custom,
      inputs: wire,
      ...(custom && this.providers[pkg] ? { provider: this.providers[pkg] } : {}),
      dependencies: [...dependencies],
      propertyDependencies,
    });
    const child: Child = { urn: res.urn, type, name, id: res.id ? res.id : UNKNOWN, outputs: res.outputs };
    this.children.push(child);
    return child;
  }
}

/** Component outputs: values as the program will read them, with the children they come from. */
export class Outputs {
  readonly values: Record<string, Wire> = {};
  readonly deps: Record<string, string[]> = {};

  set(key: string, value: Wire, from: Child[] = []): void {
    this.values[key] = value;
    if (from.length) this.deps[key] = from.map((c) => c.urn);
  }

  /** The output is the child's property (`id` by default). */
  of(key: string, child: Child, prop = "id"): void {
    this.set(key, valueOf(child, prop), [child]);
  }

  list(key: string, children: Child[], prop = "id"): void {
    this.set(key, children.map((c) => valueOf(c, prop)), children);
  }

  /** A resource-valued output (`lb.loadBalancer`): a reference the SDK turns back into the child's resource object. */
  resource(key: string, child: Child | undefined): void {
    if (child) this.set(key, resourceRef(child), [child]);
  }

  resources(key: string, children: Child[]): void {
    this.set(key, children.map(resourceRef), children);
  }
}

function resourceRef(child: Child): Wire {
  return { [SPECIAL_SIG_KEY]: RESOURCE_SIG, urn: child.urn, ...(isUnknown(child.id) ? {} : { id: child.id }), packageVersion: "" };
}

export const known = (v: Wire): boolean => v !== undefined && !isUnknown(v);
