/**
 * Shapes shared by the engine, the reporters and the CLI.
 * The JSON contract in docs/contract.md is derived from these; extend, never break.
 */

/** One resource registration as the Pulumi engine would see it. */
export interface RegisteredResource {
  /** Engine-shaped URN: `urn:pulumi:<stack>::<project>::<parentType$…$type>::<name>`. */
  urn: string;
  type: string;
  name: string;
  /** True for custom (provider-backed) resources, false for components, providers count as custom. */
  custom: boolean;
  /** Parent URN; the root stack for top-level resources, undefined only for the root stack itself. */
  parent?: string;
  /** Provider reference `<provider urn>::<provider id>`; default providers are synthesised like the engine does. */
  provider?: string;
  /**
   * Inputs in wire form: secrets as `{"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value}`,
   * unknown preview values as the SDK's unknown sentinel strings, resource references as wire references.
   */
  inputs: Record<string, unknown>;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  /** `path/relative/to/cwd.ts:LINE` where the program declared the resource, or null when unknown. */
  source: string | null;
  /** The resource's id as the engine answered it (a placeholder in symbolic mode); undefined while unknown (preview). */
  id?: string;
}

export interface ProgramRun {
  project: string;
  stack: string;
  preview: boolean;
  /**
   * How outputs a preview leaves unknown were answered: "symbolic" placeholders naming their resource (default),
   * "preview" unknowns (exactly `pulumi preview`), or "known" (--assume-known).
   */
  unknowns?: "symbolic" | "preview" | "known";
  resources: RegisteredResource[];
  /** Stack outputs in wire form. */
  outputs: Record<string, unknown>;
  /**
   * Every invoke the offline engine answered, in call order: token, arguments, which answer (built-in or the
   * --invokes entry) and the result. Lets a reader tell the engine's stand-ins (the default VPC's subnets,
   * which assign public IPs) from values the program set itself.
   */
  invokes?: Array<{ token: string; args: Record<string, unknown>; answeredBy: string; result: Record<string, unknown> }>;
  /** Multi-language components the engine could not expand offline (their children are unseen), by type. */
  unexpanded?: Array<{ type: string; count: number }>;
  /** The URN of each component counted in `unexpanded`, with why ("" when its type has no offline expansion). */
  unexpandedUrns?: Record<string, string>;
}

export interface Exemption {
  reason: string;
  expires: string;
}

export interface Violation {
  policy: string;
  enforcement: "mandatory" | "advisory";
  resource: { urn: string; type: string; name: string; source: string | null };
  /** The finding's text (rendered by the pack from `kind` and `data`), without any exemption line. */
  message: string;
  /** How to fix it: the end of `message`, alone; absent when the finding states no fix or the pack is not bulkhead's. */
  fix?: string;
  /** Stable id of the finding's message shape (the rule's `meta.messages` key); absent for text-only findings. */
  kind?: string;
  /** The values the message is rendered from; present with `kind`. */
  data?: Record<string, unknown>;
  /** Property path on the resource that opens the door (e.g. `ingress[0]`), when one entry is to blame. */
  path?: string;
  /**
   * The door the finding is about: findings of different rules about the same grant (same resource, same rule entry,
   * same opened ports) share it, and reports present them as one finding. Stable across runs.
   */
  door: string;
  exemption?: Exemption;
}

/** Policy metadata as the pack reports it through GetAnalyzerInfo. */
export interface PolicyInfo {
  name: string;
  displayName: string;
  description: string;
  enforcementLevel: string;
  configSchema?: unknown;
  /** The rule's general fix, as data (a pack that speaks bulkhead's side channel; absent for others). */
  fix?: string;
  /** AWS Security Hub FSBP / CIS control ids the rule maps to (same condition). */
  controls?: string[];
  /** Rules whose findings on the same door this rule's fix also clears (same condition). */
  resolves?: string[];
}

export interface CheckResult {
  run: ProgramRun;
  policyPack: { name: string; version: string; policies: PolicyInfo[] };
  violations: Violation[];
}
