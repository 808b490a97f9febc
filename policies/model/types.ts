/**
 * Shapes shared by the model, the rules, the pack and its consumers (engine bench, review report).
 * Kept free of runtime imports so the CLI and benches can load them cheaply.
 */
import type { CidrSet } from "./cidr";
import type { OfflineGroup } from "./offline-facts";
import { OPAQUE_MARK } from "./placeholders";

/** One resource as AnalyzeStack sees it, with RAW props (secrets unwrapped, unknowns left as sentinels). */
export interface StackResource {
  urn: string;
  type: string;
  name: string;
  props: Record<string, any>;
  parent?: string;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
}

/**
 * The seven sentinels @pulumi/policy (proxy.js) uses for preview unknowns, typed by what the value would be.
 * Listed here instead of imported because proxy.js marks them internal.
 */
export const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // string
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
  "030794c1-ac77-496b-92df-f27374a8bd58", // asset
  "e48ece36-62e2-4504-bad9-02848725956a", // archive
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

/**
 * True when `v` is a preview unknown: one of the seven SDK sentinels, or a string built over an opaque unknown of the
 * offline engine (an IP address or CIDR output it will not guess, see ./placeholders).
 */
export function isUnknown(v: unknown): boolean {
  return typeof v === "string" && (UNKNOWN_SENTINELS.has(v) || v.includes(OPAQUE_MARK));
}

/** True when `v` or anything nested in it is a preview unknown. */
export function containsUnknown(v: unknown): boolean {
  if (isUnknown(v)) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (v !== null && typeof v === "object") return Object.values(v).some(containsUnknown);
  return false;
}

export type Protocol = "tcp" | "udp" | "icmp" | "icmpv6" | "all" | string;

export interface PortRange {
  from: number;
  to: number;
}

export type GrantSource =
  | { kind: "cidr"; cidrs: CidrSet; text: string[]; /** Label of the in-stack prefix list the CIDRs come from. */ prefixList?: string }
  | {
      kind: "sg";
      sgUrn?: string;
      external?: string;
      /**
       * What the offline engine knows of an external group because it ran the stack that exports it
       * (./offline-facts.ts): that stack's resource and whether it is that stack's bastion group.
       */
      origin?: OfflineGroup;
    }
  | { kind: "self" }
  | { kind: "prefix-list"; id: string }
  | { kind: "unknown"; why: string };

/** One ingress permission: who (source) may reach which ports of which security group (or Lightsail instance). */
export interface IngressGrant {
  /** The resource that declares the permission: the SG for inline rules, the rule resource otherwise. */
  grantUrn: string;
  /**
   * URN of the protected security group (or Lightsail instance for its public ports). When the target cannot be
   * resolved to a resource of the stack it is `external:<id>` (a literal id of a group outside the stack) or
   * `unknown:<grantUrn>` (unknown at preview with no dependency to resolve it).
   */
  targetSgUrn: string;
  protocol: Protocol;
  ports: PortRange;
  source: GrantSource;
  /** Deciding fields that were unknown at preview and were assumed worst-case (e.g. "fromPort", "protocol"). */
  unknownFields: string[];
  /** Where the permission comes from when it isn't written anywhere, e.g. "Lightsail default firewall". */
  implicit?: string;
  /**
   * Property path of the entry on `grantUrn` that declares the permission when the resource holds several
   * (`ingress[1]` of a group's inline rules, `portInfos[0]` of Lightsail public ports); absent when the resource
   * is the entry (a SecurityGroupRule) or the permission is implicit.
   */
  entry?: string;
  /**
   * ICMP and ICMPv6 rules: the message type and code the rule admits (a security group rule's fromPort/toPort
   * are the ICMP type and code there, -1 = any), since `ports` cannot say which messages they are.
   */
  icmp?: { type: number; code: number };
}

export interface SecurityGroupNode {
  urn: string;
  name: string;
  tenant: string | undefined;
  /**
   * The bastion's group: tagged \`bulkhead:role=bastion\` (or used only by bastion-tagged resources) and attached
   * to nothing that isn't a bastion.
   */
  isBastion: boolean;
  /** Non-bastion resources a bastion-tagged group is also attached to (which is why it isn't the bastion's). */
  bastionTagSharedWith?: string[];
  /** Attached to at least one load balancer whose `internal` is false or unset. */
  isInternetFacingLb: boolean;
  isLoadBalancer: boolean;
  vpcUrn: string | undefined;
  /** URNs of the resources that use this group (instances, launch templates, ENIs, LBs, databases, …). */
  attachedTo: string[];
  /** Endpoints the group reaches through any attachment path (see policies/model/endpoints.ts). */
  members: string[];
  /** Declared tenants (`bulkhead:tenant`) of those members. */
  memberTenants: string[];
  /** The group's tenants: its own tag and its members' tenants. More than one is a cross-tenant group. */
  tenants: string[];
  /** VPCs the group is associated with by `aws:vpc/securityGroupVpcAssociation` (besides its own). */
  associatedVpcs: string[];
  /** URN of the aws.eks.Cluster that is this group's only user: its control plane's group (see ./eks.ts). */
  eksControlPlaneOf?: string;
  /** URN of the aws.eks.Cluster every member of this group is a node of (see ./eks.ts). */
  eksNodesOf?: string;
}

export interface ReachEdge {
  from: "internet" | string;
  to: string;
  ports: PortRange;
  protocol: Protocol;
  grantUrn: string;
  /** Network hops between the source and the group, e.g. ["igw web-igw", "subnet web-a"]. */
  via?: string[];
}

/**
 * World-wide exposure of one group: the CIDR grants on the same group, protocol and ports that TOGETHER cover the
 * public address space (0.0.0.0/1 and 128.0.0.0/1 in two rules are the whole internet).
 */
export interface WorldExposure {
  targetSgUrn: string;
  /** "tcp" / "udp" for port-carrying traffic (protocol "all" grants count for both), else the protocol itself. */
  protocol: Protocol;
  ports: PortRange;
  /** The grants blamed for the exposure: world-wide alone, else each one the exposure needs (see worldExposures). */
  grants: IngressGrant[];
  /** Every CIDR of those grants. */
  cidrText: string[];
}

export interface SubnetNode {
  urn: string;
  name: string;
  tenant: string | undefined;
  vpcUrn: string | undefined;
  cidrs: CidrSet;
  /** true / false, or "unknown" when the flag is unknown at preview. */
  mapPublicIpOnLaunch: boolean | "unknown";
  /** Name of the internet gateway this subnet routes to (explicit association or the VPC's main table), if any. */
  igw?: string;
  /** assignIpv6AddressOnCreation: true / false, or "unknown" at preview. */
  assignIpv6OnCreation: boolean | "unknown";
  /** Name of the internet gateway this subnet's IPv6 routes lead to (its IPv6 addresses are public), if any. */
  igw6?: string;
  /** Endpoints placed in the subnet. */
  members: string[];
  /** Declared tenants of those members. */
  memberTenants: string[];
  /** The subnet's tenants: its own tag and its members' tenants. */
  tenants: string[];
}

/** Result of resolving a reference-valued property (an id or ARN) to resources of the stack. */
export interface Resolved {
  /** Candidate resources. More than one when the value is unknown and several dependencies could be it. */
  urns: string[];
  /** A known literal that matches nothing in the stack (e.g. "sg-0abc…"). */
  external?: string;
  /** Set when the value is unknown and no dependency of the expected type explains it. */
  unknown?: boolean;
  /** Set when nothing was given (undefined / null / empty string). */
  missing?: boolean;
}

/**
 * One finding as a rule returns it: data, not prose. `kind` is stable per message shape (like a lint rule's
 * messageId) so tests, reporters and exemptions key on it; the text is rendered at the edge from
 * `RuleMeta.messages[kind]` with `data` (see renderFinding in policies/rules/util.ts).
 */
export interface Finding {
  urn: string;
  /** Stable id of the message shape, e.g. "world-open-port" ("finding" for exemption-valid's tag problems). */
  kind: string;
  /** Values the message is rendered from: labels, ports, CIDRs, statement ids, the other tenant… */
  data: Record<string, unknown>;
  /** Property path on `urn` that opens the door (e.g. `ingress[1].cidrBlocks`), when one property is to blame. */
  path?: string;
  /**
   * The door the finding is about (see ./doors.ts): findings of different rules about the same grant (same resource,
   * same rule entry, same opened ports) share it, so reports present them as one finding. Absent: the pack derives
   * it from `urn` and `path` (or, without a path, the finding alone is its door).
   */
  door?: string;
  /** Rendered text. Empty until the edge renders it (exemption-valid gives its own). */
  message: string;
  /** With an own `message`: its fix alone (templates carry theirs after " Fix: "). */
  fix?: string;
}

export interface RuleMeta {
  id: string;
  severity: "critical" | "high" | "medium" | "low";
  enforcementLevel: "mandatory" | "advisory";
  /** AWS Security Hub FSBP / CIS control ids the rule maps to. */
  controls: string[];
  /** One line: why the rule exists. */
  why: string;
  /** How to fix a violation. */
  fix: string;
  /**
   * Rules whose findings on the same door this rule's fix also clears: admitting only the bastion's group to an admin
   * port world-open also ends "world-open sensitive port" and "only load balancers face the world". A door found by
   * several rules shows the fix of the rule that clears the most of the others. Default: none.
   */
  resolves?: string[];
  /**
   * Message templates by finding kind: `{key}` is replaced by `data[key]` (arrays joined with ", "). Every kind a
   * rule reports must have a template here; the docs list them.
   */
  messages?: Record<string, string>;
  /** JSON-schema `properties` of the rule's own config (the pack adds `exemptions`). */
  configSchema?: Record<string, any>;
}

/**
 * The kind of a resource-level finding whose deciding own input is unknown (a preview of a resource built over new
 * outputs): the pack reports it as advisory "deferred to deploy", because the same check runs again, with known
 * inputs, when `pulumi up` registers the resource — before it is created. data: {what, how}.
 */
export const DEFERRED_KIND = "deferred";

/**
 * Judgements that depend only on one resource's own inputs. The pack serves them as a resource policy (Analyze):
 * during `pulumi up` Analyze runs on each resource with known inputs before its step, and a mandatory violation
 * halts the update before the resource is created, which a stack policy (run after the steps) cannot do.
 */
export interface ResourceCheck {
  /** Resource types the check judges; Analyze of any other type skips it. */
  types: readonly string[];
  /**
   * Findings about `r` from its own props alone (no dependencies: Analyze carries none). `model` is the whole
   * stack's model offline, or a model of `r` alone inside Analyze: use it for labels, not for other resources. An
   * own input that decides the finding and is unknown reports DEFERRED_KIND.
   */
  check(r: StackResource, model: import("./index").NetworkModel, config: Record<string, any>): Finding[];
}

export interface RuleDefinition {
  meta: RuleMeta;
  /** Judgements over the whole stack (reachability, references between resources). */
  check?(model: import("./index").NetworkModel, config: Record<string, any>): Finding[];
  /** Judgements of one resource's own inputs, served as a resource policy too (see ResourceCheck). */
  resource?: ResourceCheck;
}
