/**
 * Policy configuration resolved the way the Pulumi CLI does for `--policy-config FILE`:
 * schema defaults, then the pack's initial config, then the user's file (`all` applies to every
 * policy), then JSON-schema validation of each policy's properties.
 */
import type { AnalyzerInfo } from "./analyzer";

export const ENFORCEMENT_LEVELS = ["advisory", "mandatory", "remediate", "disabled"] as const;

export type ResolvedPolicyConfig = Record<string, { enforcementLevel: string; [k: string]: unknown }>;

export class PolicyConfigError extends Error {
  constructor(public readonly problems: string[]) {
    // One problem is the whole first line; several are counted there and listed below.
    super(problems.length === 1 ? `invalid policy config: ${problems[0]}` : `invalid policy config: ${problems.length} problems\n  - ${problems.join("\n  - ")}`);
  }
}

type Entry = { enforcementLevel?: string; [k: string]: unknown };

function normaliseEntry(key: string, value: unknown, problems: string[]): Entry | undefined {
  if (typeof value === "string") {
    // `"policy": "mandatory"` is the CLI's shorthand for an enforcement level alone.
    return { enforcementLevel: value };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    problems.push(`"${key}": expected an enforcement level string or an object, got ${JSON.stringify(value)}`);
    return undefined;
  }
  return value as Entry;
}

export function resolvePolicyConfig(info: AnalyzerInfo, userConfig: unknown): ResolvedPolicyConfig {
  const problems: string[] = [];
  const names = new Set(info.policies.map((p) => p.name));
  const user: Record<string, Entry> = {};
  if (userConfig !== undefined) {
    if (userConfig === null || typeof userConfig !== "object" || Array.isArray(userConfig)) {
      throw new PolicyConfigError([`the file must hold a JSON object keyed by policy name (or "all"), got ${JSON.stringify(userConfig)}`]);
    }
    for (const [k, v] of Object.entries(userConfig as Record<string, unknown>)) {
      if (k !== "all" && !names.has(k)) {
        const guess = closest(k, [...names]);
        problems.push(`"${k}" is not a policy of pack ${info.name}${guess ? ` (did you mean "${guess}"?)` : ""}; known policies: ${[...names].join(", ")}`);
        continue;
      }
      const e = normaliseEntry(k, v, problems);
      if (e) user[k] = e;
    }
  }
  // Compiling a schema costs ~7 ms: only policies the user configured are validated; the others take the
  // schema's defaults and the pack's own initial config, which needs no validation.
  let ajv: import("ajv").default | undefined;
  const validator = () => (ajv ??= new (require("ajv").default as typeof import("ajv").default)({ allErrors: true, strict: false, useDefaults: true }));
  const resolved: ResolvedPolicyConfig = {};
  for (const policy of info.policies) {
    const schema = info.schemas[policy.name];
    const initial = info.initialConfig[policy.name] ?? {};
    const merged: Entry = { ...initial, ...(user.all ?? {}), ...(user[policy.name] ?? {}) };
    const level = merged.enforcementLevel ?? policy.enforcementLevel;
    if (!ENFORCEMENT_LEVELS.includes(level as (typeof ENFORCEMENT_LEVELS)[number])) {
      problems.push(`${policy.name}.enforcementLevel: ${JSON.stringify(level)} is not one of ${ENFORCEMENT_LEVELS.join(", ")}`);
    }
    const { enforcementLevel: _ignored, ...props } = merged;
    // The CLI's schema validation lets unknown keys through; a typo there silently configures nothing.
    for (const k of Object.keys(user[policy.name] ?? {})) {
      if (k === "enforcementLevel" || !schema || k in (schema.properties ?? {})) continue;
      const known = Object.keys(schema.properties ?? {});
      const guess = closest(k, known);
      problems.push(`${policy.name}.${k}: not a property of this policy${guess ? ` (did you mean ${guess}?)` : ""}; it takes ${known.length ? known.join(", ") : "none"} besides enforcementLevel`);
    }
    const configured = Object.keys({ ...(user.all ?? {}), ...(user[policy.name] ?? {}) }).some((k) => k !== "enforcementLevel");
    if (schema && !configured) applyDefaults(props, schema.properties ?? {});
    else if (schema) {
      const validate = validator().compile({ type: "object", properties: schema.properties, required: schema.required });
      if (!validate(props)) {
        for (const err of validate.errors ?? []) {
          const where = `${policy.name}${err.instancePath.replace(/\//g, ".")}`;
          problems.push(`${where}: ${err.message}${err.params && "allowedValues" in err.params ? ` (${(err.params.allowedValues as unknown[]).join(", ")})` : ""}`);
        }
      }
    } else if (Object.keys(user[policy.name] ?? {}).some((k) => k !== "enforcementLevel")) {
      problems.push(`${policy.name}: takes no configuration besides enforcementLevel, got ${Object.keys(user[policy.name]).join(", ")}`);
    }
    resolved[policy.name] = { ...props, enforcementLevel: level as string };
  }
  if (problems.length) throw new PolicyConfigError(problems);
  return resolved;
}

/** The candidate a typo most likely meant: at most a third of its letters edited away (none when nothing is that close). */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const row = [i];
      for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = row;
    }
    return prev[b.length];
  };
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d <= Math.max(1, Math.floor(c.length / 3)) && (!best || d < best.d)) best = { c, d };
  }
  return best?.c;
}

/** What ajv's useDefaults does for an unconfigured policy: each top-level property's `default`, when unset. */
function applyDefaults(props: Record<string, unknown>, properties: Record<string, unknown>): void {
  for (const [k, schema] of Object.entries(properties)) {
    if (props[k] === undefined && schema && typeof schema === "object" && "default" in schema) props[k] = structuredClone((schema as { default: unknown }).default);
  }
}
