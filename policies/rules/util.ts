/**
 * Helpers shared by the rules: message building, config ports, IAM/S3 policy documents.
 */
import { type Finding, type IngressGrant, type NetworkModel, type RuleMeta } from "../model";
import { grantDoor } from "../model/doors";

/** Collects findings, dropping exact duplicates (one resource can declare the same door twice). */
export class Findings {
  private readonly seen = new Set<string>();
  readonly list: Finding[] = [];
  /** A structured finding: `kind` names a template in the rule's `meta.messages`; the text is rendered at the edge. */
  report(urn: string, kind: string, data: Record<string, unknown> = {}, path?: string, door?: string): void {
    this.push({ urn, kind, data, ...(path !== undefined ? { path } : {}), ...(door !== undefined ? { door } : {}), message: "" });
  }
  /**
   * A finding about one ingress grant, blamed on the resource that declares it at its entry (`ingress[1]`), with the
   * grant's door: every rule the same grant breaks reports the same door (see policies/model/doors.ts).
   */
  grant(g: IngressGrant, kind: string, data: Record<string, unknown> = {}): void {
    this.report(g.grantUrn, kind, data, g.entry, grantDoor(g));
  }
  private push(f: Finding): void {
    const key = `${f.urn}\u0000${f.kind}\u0000${f.message}\u0000${f.path ?? ""}\u0000${f.door ?? ""}\u0000${JSON.stringify(f.data)}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push(f);
  }
}

/** Renders `{key}` placeholders of a template from a finding's data (arrays joined with ", "). */
export function renderTemplate(template: string, data: Record<string, unknown>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const v = data[key];
    if (v === undefined) return whole;
    return Array.isArray(v) ? v.map(String).join(", ") : String(v);
  });
}

/** The finding's text: its own message (exemption-valid passes the exemption module's text), else its kind's template from the rule's metadata. */
export function renderFinding(meta: RuleMeta, f: Finding): string {
  return renderParts(meta, f).text;
}

/** The separator between what is wrong and how to fix it, in every template (a test holds every rule to it). */
export const FIX_MARK = " Fix: ";

/** The finding's text, and its fix alone: the part of its template after FIX_MARK, or an own message's `fix`. */
export function renderParts(meta: RuleMeta, f: Finding): { text: string; fix?: string } {
  if (f.message) return { text: f.message, ...(f.fix !== undefined ? { fix: f.fix } : {}) };
  const template = meta.messages?.[f.kind];
  if (template === undefined) throw new Error(`bulkhead pack: rule ${meta.id} reported kind "${f.kind}" with no template in meta.messages`);
  const at = template.indexOf(FIX_MARK);
  return { text: renderTemplate(template, f.data), ...(at >= 0 ? { fix: renderTemplate(template.slice(at + FIX_MARK.length), f.data) } : {}) };
}

/** The sentence every fail-closed finding carries, so reviewers and tests can spot them. */
export function cannotVerify(what: string, how: string): string {
  return `${what} is unknown at preview, so this cannot be verified before deploy; ${how}`;
}

/** Suffix for a grant whose protocol or ports were unknown and were assumed to open everything. */
export function unknownNote(g: IngressGrant): string {
  if (!g.unknownFields.length) return "";
  return ` (${cannotVerify(g.unknownFields.join(" and "), "use literal values so the rule can be checked")})`;
}

/** Describes where a grant comes from, for messages. */
export function sourceText(model: NetworkModel, g: IngressGrant): string {
  const s = g.source;
  switch (s.kind) {
    case "cidr":
      return s.prefixList ? `${s.prefixList} (CIDR ${s.text.join(", ")})` : `CIDR ${s.text.join(", ")}`;
    case "sg":
      if (s.sgUrn) return model.label(s.sgUrn);
      // Known because the offline engine ran the stack that exports the group (policies/model/offline-facts.ts).
      if (s.origin) return `group ${s.external} (sg ${s.origin.name} of stack ${s.origin.stack}, ${s.origin.bastion ? "the bastion's" : "not the bastion's"})`;
      return `group ${s.external} (outside this stack)`;
    case "self":
      return "members of the same group (self)";
    case "prefix-list":
      return `prefix list ${s.id}`;
    default:
      return `a source that cannot be determined (${s.why})`;
  }
}

/** Where the permission is declared, e.g. `sg app-sg` or `securityGroupRule ssh-in (rule of sg app-sg)`. */
export function grantText(model: NetworkModel, g: IngressGrant): string {
  const base = model.label(g.grantUrn);
  if (g.implicit) return `${base} [${g.implicit}]`;
  return g.grantUrn === g.targetSgUrn ? `${base} (inline ingress)` : `${base} (rule of ${model.label(g.targetSgUrn)})`;
}

/** Extra ports from config (`adminPorts` / `dataPorts` …), validated by the config schema as integers. */
export function configPorts(config: Record<string, any>, key: string): number[] {
  const v = config?.[key];
  return Array.isArray(v) ? v.filter((p) => Number.isInteger(p)) : [];
}

export const PORTS_SCHEMA = {
  type: "array",
  items: { type: "integer", minimum: 0, maximum: 65535 },
};

// IAM document helpers live in the IAM model; re-exported for the rules that read raw statements.
export { parseDoc, isPublicPrincipal, actionRegex, list, type Doc } from "../model/iam";

/** Generator/secret-store resource types whose outputs count as "not typed in". */
export const CREDENTIAL_SOURCES = new Set([
  "random:index/randomPassword:RandomPassword",
  "random:index/randomString:RandomString",
  "random:index/randomBytes:RandomBytes",
  "random:index/randomId:RandomId",
  "aws:secretsmanager/secret:Secret",
  "aws:secretsmanager/secretVersion:SecretVersion",
  "aws:secretsmanager/secretRotation:SecretRotation",
]);

/** True when the property's value flows from a password generator or a secret store in this stack. */
export function fromCredentialSource(model: NetworkModel, urn: string, prop: string): boolean {
  const r = model.byUrn(urn);
  return (r?.propertyDependencies?.[prop] ?? []).some((u) => CREDENTIAL_SOURCES.has(model.byUrn(u)?.type ?? ""));
}

/**
 * The data every grant finding carries: where the permission is declared, what it protects, who it admits, the
 * reach path (`internet → igw … → sg app-sg:22/tcp`) and the fail-closed note for unknown protocol/ports.
 */
export function grantData(model: NetworkModel, g: IngressGrant, port?: number): Record<string, unknown> {
  return {
    grant: grantText(model, g),
    target: model.label(g.targetSgUrn),
    source: sourceText(model, g),
    reach: model.pathOf(g, port),
    note: unknownNote(g),
  };
}

/** Labels of the endpoints a grant's target reaches, for messages ("" when none). */
export function membersText(model: NetworkModel, targetUrn: string): string {
  const eps = model.endpointsOfGroup(targetUrn).filter((e) => e.urn !== targetUrn);
  return eps.length ? ` (reaches ${eps.slice(0, 5).map((e) => model.label(e.urn)).join(", ")}${eps.length > 5 ? ` and ${eps.length - 5} more` : ""})` : "";
}
