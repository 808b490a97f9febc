/**
 * Offline answers to `new pulumi.StackReference(name)`: a read of `pulumi:pulumi:StackReference` whose id is the
 * referenced stack's name (`<organization>/<project>/<stack>`, or the short forms `<project>/<stack>` and
 * `<stack>` of the program's own project). The engine answers it from the referenced stack's outputs, which
 * come from an offline run of that stack's program in the same invocation (found by its project name next to
 * the referencing project), or from a file (`--stack-outputs NAME=FILE`: `pulumi stack output --json
 * --show-secrets`, or `bulkhead preview --format json`). A reference nothing answers fails the run (exit 2) at
 * the program line that made it: an empty answer would let a program build on values nobody checked.
 *
 * Values the referenced run itself could not know (a preview unknown, an opaque unknown such as an IP
 * address) stay unknown here: each becomes an opaque unknown naming the StackReference and the output, so a
 * finding reads "… comes from output network of pulumi:pulumi:StackReference platform". Reference placeholders
 * of the referenced run (`sg-b1d…`) stay as they are: they name a resource of the other stack, which this
 * stack's model does not contain, so a rule reads them as something outside the stack — as it would a
 * deployed platform's real id. When the engine ran that stack itself it also knows what each such group is: the
 * answer carries the facts (`securityGroups`, policies/model/offline-facts.ts) and the pack reads a group the
 * referenced stack's model makes the bastion's as the bastion's. A `--stack-outputs` file carries values only.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { buildModel } from "../../policies/model";
import { SG_TYPES } from "../../policies/model/aws-types";
import { referencedGroups, type OfflineGroup } from "../../policies/model/offline-facts";
import { OPAQUE_MARK, placeholderToken } from "../../policies/model/placeholders";
import type { ProgramRun } from "./types";
import { isSecretValue, isUnknownValue, SECRET_SIG, SPECIAL_SIG_KEY, stackResources } from "./wire";

export const STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference";

/** One referenced stack's outputs, as a job carries them. */
export interface StackOutputs {
  /** Project name and stack name the outputs belong to. */
  project: string;
  stack: string;
  /** The stack's outputs in wire form (secrets wrapped, preview unknowns as the SDK's sentinels). */
  outputs: Record<string, unknown>;
  /** Where they came from, for messages and the record: "offline run of stacks (stack dev)", "file x.json". */
  from: string;
  /**
   * The referenced stack's security groups whose ids its outputs carry, as its own model sees them; only when
   * the engine ran that stack (a file of outputs tells nothing beyond the values).
   */
  securityGroups?: OfflineGroup[];
}

/** The answer an offline run of the referenced stack gives: its outputs and what it knows of their groups. */
export function answerFromRun(project: string, stack: string, run: Pick<ProgramRun, "resources" | "outputs">, from: string): StackOutputs {
  const securityGroups = referencedSecurityGroups(run, `${project}/${stack}`);
  return { project, stack, outputs: run.outputs, from, ...(securityGroups.length ? { securityGroups } : {}) };
}

/**
 * The facts about a run's security groups whose ids its outputs carry. The run's model is built only when an
 * output carries a group id: the bastion verdict must be the one the pack reaches in that stack.
 */
export function referencedSecurityGroups(run: Pick<ProgramRun, "resources" | "outputs">, stack: string): OfflineGroup[] {
  const values = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === "string") values.add(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === "object") Object.values(v).forEach(walk);
  };
  walk(run.outputs);
  const ids = new Map<string, string>();
  for (const r of run.resources) if (r.id && (SG_TYPES as readonly string[]).includes(r.type)) ids.set(r.urn, r.id);
  if (![...ids.values()].some((id) => values.has(id))) return [];
  return referencedGroups(buildModel(stackResources(run.resources)), (u) => ids.get(u), run.outputs, stack);
}

/** A reference the engine could not answer, with the program line that made it. */
export interface UnansweredReference {
  name: string;
  source: string | null;
}

/** `org/project/stack`, `project/stack` or `stack` (of the program's own project) → project and stack. */
export function parseReferenceName(name: string, ownProject: string): { project: string; stack: string } | undefined {
  const parts = name.split("/");
  if (parts.some((p) => !p)) return undefined;
  if (parts.length === 1) return { project: ownProject, stack: parts[0] };
  if (parts.length === 2) return { project: parts[0], stack: parts[1] };
  if (parts.length === 3) return { project: parts[1], stack: parts[2] };
  return undefined;
}

export function findAnswer(name: string, ownProject: string, answers: readonly StackOutputs[]): StackOutputs | undefined {
  const ref = parseReferenceName(name, ownProject);
  if (!ref) return undefined;
  return answers.find((a) => a.project === ref.project && a.stack === ref.stack);
}

/** A top-level output name as OPAQUE_RE reads it back (letters, digits, underscore). */
function outputLabel(key: string): string {
  return key.replace(/[^A-Za-z0-9_]/g, "_") || "output";
}

const OPAQUE_ANYWHERE = new RegExp(`${OPAQUE_MARK}[A-Za-z0-9_]+:b1d[0-9a-f]{14}`, "g");

/**
 * The referenced outputs as this stack's StackReference returns them: every value the referenced run did not
 * know becomes an opaque unknown whose provenance is (this reference's URN, the top-level output). The SDK
 * marks a whole `outputs` object unknown when any value inside is a preview unknown, which would hide every
 * known output behind one unknown: the opaque form keeps the rest readable.
 */
export function referencedOutputs(outputs: Record<string, unknown>, referenceUrn: string): Record<string, unknown> {
  const token = placeholderToken(referenceUrn);
  const convert = (v: unknown, label: string): unknown => {
    if (isUnknownValue(v)) return `${OPAQUE_MARK}${label}:${token}`;
    if (typeof v === "string") return v.includes(OPAQUE_MARK) ? v.replace(OPAQUE_ANYWHERE, `${OPAQUE_MARK}${label}:${token}`) : v;
    if (Array.isArray(v)) return v.map((x) => convert(x, label));
    if (v !== null && typeof v === "object") {
      if (isSecretValue(v)) return { [SPECIAL_SIG_KEY]: SECRET_SIG, value: convert(v.value, label) };
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, convert(x, label)]));
    }
    return v;
  };
  return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, convert(v, outputLabel(k))]));
}

/** The names of the outputs that are secrets (the StackReference's `secretOutputNames`). */
export function secretOutputNames(outputs: Record<string, unknown>): string[] {
  return Object.entries(outputs).filter(([, v]) => isSecretValue(v)).map(([k]) => k);
}

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * Reads a `--stack-outputs` file: a plain object of outputs (`pulumi stack output --json --show-secrets`), or a
 * `bulkhead preview --format json` document (its `outputs`; `"[unknown]"` stays unknown and a `"[secret]"` the
 * document did not show is unknown too). Throws an Error naming the file on anything else.
 */
export function readOutputsFile(file: string): Record<string, unknown> {
  if (!existsSync(file)) throw new Error(`--stack-outputs file ${file} does not exist`);
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`--stack-outputs file ${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) throw new Error(`--stack-outputs file ${file} must hold a JSON object of stack outputs`);
  const d = doc as Record<string, unknown>;
  if (Array.isArray(d.resources) && d.outputs !== null && typeof d.outputs === "object") {
    const hidden = (v: unknown): unknown =>
      v === "[unknown]" || v === "[secret]" ? UNKNOWN : Array.isArray(v) ? v.map(hidden) : v !== null && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, hidden(x)])) : v;
    return hidden(d.outputs) as Record<string, unknown>;
  }
  return d;
}

/** `NAME=FILE` of `--stack-outputs` → outputs for that stack (NAME in any of the reference forms but the 1-part one). */
export function parseStackOutputsFlag(spec: string, cwd: string): StackOutputs {
  const eq = spec.indexOf("=");
  if (eq <= 0) throw new Error(`--stack-outputs ${spec}: give NAME=FILE, e.g. organization/bulkhead-platform/dev=platform-outputs.json`);
  const name = spec.slice(0, eq);
  const file = path.resolve(cwd, spec.slice(eq + 1));
  const ref = name.includes("/") ? parseReferenceName(name, "") : undefined;
  if (!ref) throw new Error(`--stack-outputs ${spec}: NAME must be <organization>/<project>/<stack> or <project>/<stack>`);
  return { ...ref, outputs: readOutputsFile(file), from: `file ${path.relative(cwd, file) || file}` };
}

const SKIP_DIRS = new Set(["node_modules", "dist", ".git", ".bulkhead"]);

function projectNameOf(dir: string): string | undefined {
  for (const f of ["Pulumi.yaml", "Pulumi.yml"]) {
    const file = path.join(dir, f);
    if (!existsSync(file)) continue;
    try {
      const name = (parseYaml(readFileSync(file, "utf8")) ?? {}).name;
      return typeof name === "string" ? name : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * The directory of the Pulumi project named `project`, looked for where a platform and its tenant stacks
 * live together: the referencing project's directory and its direct subdirectories, then each ancestor's (up
 * to the repository root, the first one with `.git`); the nearest level with a match wins. `ambiguous` lists
 * several matches on that level.
 */
export function findProjectDir(project: string, fromDir: string): { dir?: string; ambiguous?: string[]; searched: string[] } {
  const searched: string[] = [];
  let dir = path.resolve(fromDir);
  for (let depth = 0; depth < 8; depth++) {
    const candidates = [dir];
    try {
      for (const e of readdirSync(dir)) {
        if (SKIP_DIRS.has(e) || e.startsWith(".")) continue;
        const sub = path.join(dir, e);
        if (statSync(sub).isDirectory()) candidates.push(sub);
      }
    } catch {
      // unreadable: nothing to find there
    }
    const found = candidates.filter((c) => projectNameOf(c) === project);
    searched.push(dir);
    if (found.length === 1) return { dir: found[0], searched };
    if (found.length > 1) return { ambiguous: found, searched };
    const parent = path.dirname(dir);
    if (existsSync(path.join(dir, ".git")) || parent === dir) break;
    dir = parent;
  }
  return { searched };
}
