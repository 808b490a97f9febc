/**
 * The pack's evaluation core, free of side effects (policies/index.ts is the entry that starts the gRPC server).
 * Benches and tests import this: buildModel, the rules, `evaluate` (rules over resources, exemptions applied) and
 * `makePolicies` (the StackValidationPolicy objects the PolicyPack serves).
 */
import { closeSync, openSync, writeSync } from "node:fs";
import type { PolicyConfigSchema, PolicyResource, ReportViolation, ResourceValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { CHANNEL_VERSION, RECORDS_FILE_ENV, SINK_KEY, type ChannelLine, type DiagnosticRecord, type DiagnosticSink, type RuleCard } from "./channel";
import { doorId, findingDoor } from "./model/doors";
import { buildModel, DEFERRED_KIND, type Finding, type NetworkModel, type RuleDefinition, type StackResource } from "./model";
import { renderParts, renderTemplate } from "./rules/util";
import { configExemptions, EXEMPTION_RULE, indexTagExemptions, todayUtc, type Exemption, type ExemptionIndex } from "./model/exemptions";
import { RULE_IDS, rules } from "./rules";

export { buildModel, rules };
export type { NetworkModel, RuleDefinition, StackResource, Finding, DiagnosticRecord };

/** One diagnostic as the pack reports it. */
export interface Diagnostic {
  policy: string;
  enforcement: "mandatory" | "advisory";
  urn?: string;
  /** The finding's stable kind (see Finding.kind); absent for exemption-config problems. */
  kind?: string;
  data?: Record<string, unknown>;
  path?: string;
  /** The door the finding is about (policies/model/doors.ts): findings about the same grant share it. */
  door: string;
  /** The text as reported: the finding's text, then the exemption line when an exemption applies. */
  message: string;
  /** The finding's text alone (without the exemption line). */
  text: string;
  /** How to fix it, alone (the end of `text`); absent when the finding states no fix (deferred findings). */
  fix?: string;
  exemption?: Exemption;
}

/** Schema of the `exemptions` entry every policy accepts (validity is checked by the pack, not the schema). */
const EXEMPTIONS_SCHEMA = {
  type: "array",
  description: "Exemptions for resources without tags: {resource: URN or name, reason, expires: YYYY-MM-DD}.",
  items: {
    type: "object",
    properties: {
      resource: { type: "string", description: "URN or logical name of the exempted resource." },
      reason: { type: "string", description: "Why the finding is accepted (required for the exemption to apply)." },
      expires: { type: "string", description: "Last day (UTC, YYYY-MM-DD) the exemption applies." },
    },
    required: ["resource"],
  },
};

export function configSchemaOf(rule: RuleDefinition): PolicyConfigSchema {
  return { properties: { ...(rule.meta.configSchema ?? {}), exemptions: EXEMPTIONS_SCHEMA } as any };
}

/**
 * The exemption line the Pulumi CLI shows under an exempted finding (the CLI shows text only; the bulkhead engine
 * gets the exemption as data through ./channel).
 */
export function exemptionLine(e: Exemption): string {
  return `exempted until ${e.expires}: ${e.reason}`;
}

interface StackState {
  model: NetworkModel;
  tags: ExemptionIndex;
  byName: Map<string, string[]>;
}

/** Everything derived from one stack's resources, computed once and shared by every rule. */
function stackState(resources: StackResource[], today: string): StackState {
  const model = buildModel(resources);
  const byName = new Map<string, string[]>();
  for (const r of resources) byName.set(r.name, [...(byName.get(r.name) ?? []), r.urn]);
  return { model, tags: indexTagExemptions(resources, RULE_IDS, today), byName };
}

/** How a deferred resource-level finding reads (see DEFERRED_KIND); the same sentence for every rule. */
const DEFERRED_TEMPLATE =
  "deferred to deploy: {what} of {resource} is unknown at preview, so it is judged when `pulumi up` registers the resource, with known inputs, before it is created. To judge it now: {how}.";

/** A finding's text and its fix: deferred findings share one pack-level template, which states no fix. */
function findingText(rule: RuleDefinition, model: NetworkModel, f: Finding): { text: string; fix?: string } {
  if (f.kind === DEFERRED_KIND && !f.message) return { text: renderTemplate(DEFERRED_TEMPLATE, { resource: model.label(f.urn), ...f.data }) };
  return renderParts(rule.meta, f);
}

/**
 * Which of a rule's judgements to run: "stack" (the stack policy inside the SDK: resource-level judgements run in
 * Analyze there), "all" (offline evaluation without the SDK, which has no Analyze pass).
 */
type Scope = "stack" | "all";

/** Runs one rule over a prepared stack and applies exemptions: valid ones turn the finding advisory. */
function runRule(state: StackState, rule: RuleDefinition, config: Record<string, any>, level: "mandatory" | "advisory", today: string, scope: Scope = "all"): Diagnostic[] {
  const out: Diagnostic[] = [];
  const id = rule.meta.id;
  const cfg = configExemptions(config?.exemptions, id, today, (n) => state.byName.get(n) ?? [], (u) => state.model.byUrn(u) !== undefined);
  for (const p of cfg.problems)
    out.push({ policy: EXEMPTION_RULE, enforcement: "mandatory", ...(p.urn ? { urn: p.urn } : {}), door: doorId(["config", p.urn ?? "", id, p.message]), message: p.message, text: p.message, fix: p.fix });
  const findings = rule.check?.(state.model, config ?? {}) ?? [];
  if (scope === "all" && rule.resource) for (const r of state.model.ofType(...rule.resource.types)) findings.push(...rule.resource.check(r, state.model, config ?? {}));
  for (const f of findings) {
    const ex = id === EXEMPTION_RULE ? undefined : state.tags.lookup(f.urn, id) ?? cfg.valid.get(f.urn);
    out.push(diagnosticOf(rule, state.model, f, level, ex));
  }
  return out;
}

function diagnosticOf(rule: RuleDefinition, model: NetworkModel, f: Finding, level: "mandatory" | "advisory", ex: Exemption | undefined): Diagnostic {
  const id = rule.meta.id;
  const { text: message, fix } = findingText(rule, model, f);
  const facts = { kind: f.kind, data: f.data, ...(f.path !== undefined ? { path: f.path } : {}), door: findingDoor(id, f), ...(fix !== undefined ? { fix } : {}) };
  if (ex) return { policy: id, enforcement: "advisory", urn: f.urn, ...facts, message: `${message}\n${exemptionLine(ex)}`, text: message, exemption: ex };
  // Deferred is not a verdict: the resource is judged again, with known inputs, before it is created.
  return { policy: id, enforcement: f.kind === DEFERRED_KIND ? "advisory" : level, urn: f.urn, ...facts, message, text: message };
}

/**
 * A rule's resource-level judgements of one resource as Analyze sees it: its own props, no dependencies. Exemptions
 * come from the resource's own tags and the policy config (broken config entries are reported by the stack policy).
 */
export function runResourceRule(r: StackResource, rule: RuleDefinition, config: Record<string, any>, level: "mandatory" | "advisory", today: string): Diagnostic[] {
  if (!rule.resource || !rule.resource.types.includes(r.type)) return [];
  const model = buildModel([r]);
  const findings = rule.resource.check(r, model, config ?? {});
  if (!findings.length) return [];
  const id = rule.meta.id;
  const tags = indexTagExemptions([r], RULE_IDS, today);
  const cfg = configExemptions(config?.exemptions, id, today, (n) => (n === r.name ? [r.urn] : []), (u) => u === r.urn);
  return findings.map((f) => diagnosticOf(rule, model, f, level, tags.lookup(f.urn, id) ?? cfg.valid.get(f.urn)));
}

/**
 * Evaluates every rule over a stack (no Pulumi runtime): `configs` maps rule id → config (may set
 * `enforcementLevel`: "mandatory" | "advisory" | "disabled"). The same code path the policies use.
 */
export function evaluate(resources: StackResource[], configs: Record<string, Record<string, any>> = {}): Diagnostic[] {
  const today = todayUtc();
  const state = stackState(resources, today);
  const out: Diagnostic[] = [];
  for (const rule of rules) {
    const cfg = configs[rule.meta.id] ?? {};
    const level = cfg.enforcementLevel ?? rule.meta.enforcementLevel;
    if (level === "disabled") continue;
    out.push(...runRule(state, rule, cfg, level === "mandatory" || level === "remediate" ? "mandatory" : "advisory", today));
  }
  return out;
}

/** Raw props of an SDK PolicyResource: the proxy's target, so unknowns are never read through the proxy. */
export function rawResource(r: PolicyResource): StackResource {
  const props = ((r.props as any)?.["__getSpecialProxyTarget"] ?? r.props ?? {}) as Record<string, any>;
  const propertyDependencies: Record<string, string[]> = {};
  for (const [k, deps] of Object.entries(r.propertyDependencies ?? {})) propertyDependencies[k] = (deps ?? []).map((d) => d.urn);
  return {
    urn: r.urn,
    type: r.type,
    name: r.name,
    props,
    ...(r.parent ? { parent: r.parent.urn } : {}),
    dependencies: (r.dependencies ?? []).map((d) => d.urn),
    propertyDependencies,
  };
}

/** Structural equality of two raw property trees (plain JSON-like data from the SDK's deserialiser). */
function sameValue(x: any, y: any): boolean {
  if (x === y) return true;
  if (typeof x !== "object" || typeof y !== "object" || x === null || y === null) return false;
  if (Array.isArray(x)) {
    if (!Array.isArray(y) || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!sameValue(x[i], y[i])) return false;
    return true;
  }
  if (Array.isArray(y)) return false;
  let n = 0;
  for (const k in x) {
    n++;
    if (!sameValue(x[k], y[k])) return false;
  }
  for (const _ in y) n--;
  return n === 0;
}

/** Compares an SDK resource with a cached raw one without building a raw copy (the common, cache-hit case). */
function samePolicyResource(x: StackResource, r: PolicyResource): boolean {
  if (x.urn !== r.urn || x.type !== r.type || x.name !== r.name || x.parent !== r.parent?.urn) return false;
  const props = ((r.props as any)?.["__getSpecialProxyTarget"] ?? r.props ?? {}) as Record<string, any>;
  if (!sameValue(x.props, props)) return false;
  const deps = r.propertyDependencies ?? {};
  let n = 0;
  for (const k in deps) {
    n++;
    const want = x.propertyDependencies[k];
    const got = deps[k] ?? [];
    if (!want || want.length !== got.length) return false;
    for (let i = 0; i < got.length; i++) if (want[i] !== got[i].urn) return false;
  }
  return n === Object.keys(x.propertyDependencies).length;
}

/**
 * The per-resource objects the SDK takes unchanged from the request message into every policy's view of one
 * AnalyzeStack call: protobuf repeated fields (here `opts.aliases`) return the message's own array on every read,
 * while everything else is decoded afresh per policy. The same arrays in the same order mean the same request
 * messages, so the same content; any other case falls back to the structural comparison below.
 */
function requestTokens(resources: readonly PolicyResource[]): unknown[] | undefined {
  const tokens: unknown[] = [];
  for (const r of resources) {
    const t = (r.opts as { aliases?: unknown } | undefined)?.aliases;
    if (!Array.isArray(t)) return undefined;
    tokens.push(t);
  }
  return tokens;
}

function sameTokens(a: unknown[] | undefined, b: unknown[] | undefined): boolean {
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * One-entry cache keyed on the stack's content: the SDK deserialises a fresh `resources` array for every policy of
 * one AnalyzeStack call, so identity of what a policy receives can't be the key. Within one call the request's own
 * message arrays identify it (requestTokens: 23 policies, one model); otherwise the content is compared
 * structurally (URNs, raw props, property dependencies; without copying on a hit), so a different stack or a
 * changed prop never gets a stale model, and the model is built once per stack, not per rule.
 */
let cache: { resources: StackResource[]; tokens?: unknown[]; today: string; state: StackState } | undefined;

export function stateFor(resources: readonly PolicyResource[] | StackResource[]): StackState {
  const today = todayUtc();
  const sdk = resources.length > 0 && typeof (resources[0] as PolicyResource).isType === "function";
  const tokens = sdk ? requestTokens(resources as readonly PolicyResource[]) : undefined;
  if (cache && cache.today === today && cache.resources.length === resources.length) {
    if (sameTokens(cache.tokens, tokens)) return cache.state;
    const cached = cache.resources;
    const hit = sdk
      ? (resources as readonly PolicyResource[]).every((r, i) => samePolicyResource(cached[i], r))
      : (resources as StackResource[]).every((r, i) => samePolicyResource(cached[i], toPolicyShape(r)));
    if (hit) {
      cache.tokens = tokens;
      return cache.state;
    }
  }
  const raw = sdk ? (resources as readonly PolicyResource[]).map(rawResource) : (resources as StackResource[]);
  const state = stackState(raw, today);
  cache = { resources: raw, tokens, today, state };
  return state;
}

/** A raw resource seen through the PolicyResource fields samePolicyResource reads. */
function toPolicyShape(r: StackResource): PolicyResource {
  const propertyDependencies: Record<string, Array<{ urn: string }>> = {};
  for (const [k, urns] of Object.entries(r.propertyDependencies)) propertyDependencies[k] = urns.map((urn) => ({ urn }));
  return { urn: r.urn, type: r.type, name: r.name, props: r.props, parent: r.parent ? { urn: r.parent } : undefined, propertyDependencies } as unknown as PolicyResource;
}

/** The raw resource Analyze describes: its own props (unknowns as sentinels), no dependencies. */
function analyzedResource(args: ResourceValidationArgs): StackResource {
  const props = ((args.props as any)?.["__getSpecialProxyTarget"] ?? args.props ?? {}) as Record<string, any>;
  return { urn: args.urn, type: args.type, name: args.name, props, ...(args.opts?.parent ? { parent: args.opts.parent } : {}), dependencies: [], propertyDependencies: {} };
}

/**
 * The policy objects of the pack, one per rule: every rule is a stack policy (its stack-level judgements and the
 * config exemptions' problems); a rule with resource-level judgements is a resource policy as well, so `pulumi up`
 * blocks the resource in Analyze before creating it.
 */
export function makePolicies(): StackValidationPolicy[] {
  const record = openChannel();
  return rules.map((rule) => {
    const m = rule.meta;
    const resourceCheck = rule.resource;
    const validateResource = resourceCheck
      ? (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
          if (!resourceCheck.types.includes(args.type)) return;
          const config = args.getConfig<Record<string, any>>() ?? {};
          for (const d of runResourceRule(analyzedResource(args), rule, config, "mandatory", todayUtc())) {
            const overrides = d.exemption || d.kind === DEFERRED_KIND ? { enforcementLevel: d.enforcement } : {};
            record?.(recordOf(d, overrides.enforcementLevel));
            reportViolation({ message: d.message, urn: d.urn, ...overrides } as any);
          }
        }
      : undefined;
    const policy: StackValidationPolicy & { validateResource?: typeof validateResource } = {
      ...(validateResource ? { validateResource } : {}),
      name: m.id,
      description: `${m.why} Fix: ${m.fix} Controls: ${m.controls.length ? m.controls.join(", ") : "none (bulkhead convention)"}`,
      enforcementLevel: m.enforcementLevel,
      severity: m.severity,
      configSchema: configSchemaOf(rule),
      validateStack: (args, reportViolation: ReportViolation) => {
        try {
          const state = stateFor(args.resources);
          const config = args.getConfig<Record<string, any>>() ?? {};
          // The SDK applies the configured level to object-form reports that don't set one; "mandatory" here is a
          // placeholder that is only used for exempted (advisory) and exemption-valid (mandatory) diagnostics.
          for (const d of runRule(state, rule, config, "mandatory", todayUtc(), "stack")) {
            const overrides = d.exemption || d.policy !== m.id || d.kind === DEFERRED_KIND ? { enforcementLevel: d.enforcement } : {};
            record?.(recordOf(d, overrides.enforcementLevel));
            reportViolation({ message: d.message, urn: d.urn, ...(d.policy !== m.id ? { name: d.policy } : {}), ...overrides } as any);
          }
        } finally {
          releaseStackCopy(args.resources);
        }
      },
    };
    return policy;
  });
}

/**
 * Empties the resource objects the SDK built for one stack policy, once the policy is done with them. The SDK decodes
 * the whole stack afresh for every stack policy (props, proxy, options, provider, dependencies: ~1.5 KB a resource)
 * and reads none of it after validateStack returns, but its loop still holds the previous policy's objects while it
 * decodes the stack for the next one (a stale reference in its generator), so two copies were alive at once and
 * every copy was promoted to the old generation: at 20,000 resources ~30 MB per policy, ~780 MB per AnalyzeStack,
 * garbage collection growing faster than the stack. Emptied, only the small shells stay reachable and the copy dies
 * young. The pack keeps nothing of these objects (stateFor copies what its cache keeps, see rawResource), and each
 * policy gets its own, so no other policy sees the change.
 */
function releaseStackCopy(resources: readonly PolicyResource[]): void {
  for (const r of resources) {
    const o = r as unknown as Record<string, unknown>;
    // Overwritten rather than deleted: deleting would turn every object into a slow dictionary for nothing.
    for (const k in o) o[k] = undefined;
  }
}

/** The record of one diagnostic as reported (see ./channel); `enforcement` only when the report sets the level. */
function recordOf(d: Diagnostic, enforcement: "mandatory" | "advisory" | undefined): DiagnosticRecord {
  return {
    policy: d.policy,
    urn: d.urn ?? "",
    ...(d.kind !== undefined ? { kind: d.kind, data: d.data ?? {} } : {}),
    ...(d.path !== undefined ? { path: d.path } : {}),
    door: d.door,
    ...(d.exemption ? { exemption: d.exemption } : {}),
    ...(enforcement ? { enforcement } : {}),
    message: d.text,
    ...(d.fix !== undefined ? { fix: d.fix } : {}),
    reported: d.message,
  };
}

/** What reports show of each rule beside its findings, as data (the policy description is the same as prose). */
function ruleCards(): RuleCard[] {
  return rules.map(({ meta: m }) => ({ id: m.id, fix: m.fix, controls: m.controls, resolves: m.resolves ?? [] }));
}

/**
 * The structured side channel's pack end (see ./channel): the engine's in-process sink, else the records file the
 * engine named for a pack in its own process, else nothing (the Pulumi CLI: text only).
 */
function openChannel(): ((r: DiagnosticRecord) => void) | undefined {
  const sink = (globalThis as Record<symbol, unknown>)[Symbol.for(SINK_KEY)] as DiagnosticSink | undefined;
  const cards = ruleCards();
  if (sink) {
    sink.hello(CHANNEL_VERSION, cards);
    return (r) => sink.record(r);
  }
  const file = process.env[RECORDS_FILE_ENV];
  if (!file) return undefined;
  // Written synchronously before the diagnostic is returned, so the records of a call are on disk when its answer is.
  const fd = openSync(file, "a");
  const line = (l: ChannelLine) => void writeSync(fd, JSON.stringify(l) + "\n");
  line({ hello: CHANNEL_VERSION, rules: cards });
  process.once("exit", () => closeSync(fd));
  return (r) => line({ record: r });
}
