import { isUnknown, T, type RuleDefinition, type StackResource } from "../model";
import { cannotVerify, CREDENTIAL_SOURCES, Findings, fromCredentialSource, list } from "./util";

/** Environment variable names that hold credentials. */
/**
 * A variable names a credential when its last word is one (DB_PASSWORD, stripeApiKey, GITHUB_TOKEN,
 * AWS_SECRET_ACCESS_KEY), not when a credential word only qualifies something else
 * (SECRETS_MANAGER_ENDPOINT, PASSWORD_LENGTH, TOKEN_TTL_SECONDS, DB_PASSWORD_FILE).
 */
const CREDENTIAL_ENDINGS = [
  ["password"], ["passwd"], ["pwd"], ["pass"], ["secret"], ["token"], ["credential"], ["credentials"],
  ["apikey"], ["api", "key"], ["private", "key"], ["secret", "key"], ["access", "key"], ["signing", "key"],
  ["client", "secret"], ["connection", "string"], ["dsn"],
];

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

export function namesCredential(name: string): boolean {
  const w = words(name);
  return CREDENTIAL_ENDINGS.some((end) => end.length <= w.length && end.every((e, i) => w[w.length - end.length + i] === e));
}

/** A URL carrying a password in its user info (postgres://app:hunter2@db/app) is a credential whatever its name. */
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i;
/** Values that cannot be a credential: numbers, booleans, plain URLs without user info. */
const NOT_A_CREDENTIAL = /^(-?\d+(\.\d+)?|true|false|yes|no|on|off|[a-z][a-z0-9+.-]*:\/\/[^@\s]*)$/i;

/** Values that point at a secret instead of being one (ARNs, secret/parameter names by path). */
const REFERENCE_VALUE = /^(arn:aws[a-z-]*:(secretsmanager|ssm|kms):|\{\{resolve:)/;

/**
 * Where resources take a credential: the top-level property (dependencies are recorded per top-level property),
 * the path below it ("*" = every element of a list), the property that hands the credential to AWS instead
 * (e.g. manageMasterUserPassword), and a condition on the resource. Write-only (\`…Wo\`) variants are typed in
 * just the same: they only stay out of the state.
 */
interface CredentialField {
  type: string;
  top: string;
  path?: string[];
  managed?: string;
  when?: (props: Record<string, any>) => boolean;
}
const field = (type: string, tops: string[], rest: Omit<CredentialField, "type" | "top"> = {}): CredentialField[] => tops.map((top) => ({ type, top, ...rest }));
const CREDENTIAL_FIELDS: CredentialField[] = [
  ...field(T.rdsInstance, ["password", "passwordWo"], { managed: "manageMasterUserPassword" }),
  ...field(T.rdsCluster, ["masterPassword", "masterPasswordWo"], { managed: "manageMasterUserPassword" }),
  ...field(T.redshift, ["masterPassword", "masterPasswordWo"], { managed: "manageMasterPassword" }),
  ...field("aws:redshiftserverless/namespace:Namespace", ["adminUserPassword", "adminUserPasswordWo"], { managed: "manageAdminPassword" }),
  ...field(T.docdb, ["masterPassword", "masterPasswordWo"]),
  ...field(T.cacheRg, ["authToken", "authTokenWo"]),
  ...field(T.lightsailDb, ["masterPassword"]),
  ...field(T.opensearch, ["advancedSecurityOptions"], { path: ["masterUserOptions", "masterUserPassword"] }),
  ...field(T.elasticsearch, ["advancedSecurityOptions"], { path: ["masterUserOptions", "masterUserPassword"] }),
  ...field("aws:mq/broker:Broker", ["users"], { path: ["*", "password"] }),
  ...field("aws:dms/endpoint:Endpoint", ["password"]),
  ...field("aws:elasticache/user:User", ["passwords", "passwordsWo"], { path: ["*"] }),
  ...field("aws:memorydb/user:User", ["authenticationMode"], { path: ["passwords", "*"] }),
  ...field("aws:secretsmanager/secretVersion:SecretVersion", ["secretString", "secretStringWo", "secretBinary"]),
  ...field("aws:ssm/parameter:Parameter", ["value", "valueWo"], { when: (p) => p.type === "SecureString" }),
];

/** The values at a path below a property ("*" walks every list element). */
function valuesAt(v: unknown, path: string[]): unknown[] {
  if (!path.length) return [v];
  if (v === undefined || v === null || isUnknown(v)) return [v];
  const [head, ...rest] = path;
  if (head === "*") return list(v).flatMap((x) => valuesAt(x, rest));
  return typeof v === "object" ? valuesAt((v as Record<string, unknown>)[head], rest) : [];
}

export const rule: RuleDefinition = {
  meta: {
    id: "no-typed-in-credentials",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: ["SecretsManager.1", "Lambda.3", "ECS.8", "CodeBuild.2"],
    why: "A password someone typed (in code or as a stack-config secret) can't rotate without a deploy and lives in history; generated or AWS-managed credentials can.",
    fix: "Generate the credential (random.RandomPassword) and keep it in Secrets Manager, or let AWS manage it (manageMasterUserPassword: true); pass secrets to Lambda/ECS/CodeBuild by reference (Secrets Manager ARN, ECS `secrets`, CodeBuild SECRETS_MANAGER variables).",
  },
  check(model) {
    const out = new Findings();
    const typed = (r: StackResource, prop: string) =>
      out.add(r.urn, `${model.label(r.urn)} sets ${prop} to a typed-in value (a literal or stack-config secret with no generator or Secrets Manager behind it). Fix: ${rule.meta.fix}`);

    const envFinding = (r: StackResource, where: string, name: string) =>
      out.add(r.urn, `${model.label(r.urn)} puts a typed-in credential in ${where} ${name}. Fix: ${rule.meta.fix}`);
    const isTypedValue = (v: unknown) => typeof v === "string" && v !== "" && !isUnknown(v) && !REFERENCE_VALUE.test(v);
    // An id, ARN, name or endpoint of a resource of this stack (the offline engine's placeholder) is no credential;
    // a URL that carries a password next to one still is.
    const typedCredential = (name: unknown, v: unknown) =>
      typeof name === "string" &&
      isTypedValue(v) &&
      (URL_WITH_PASSWORD.test(v as string) || (namesCredential(name) && !NOT_A_CREDENTIAL.test(v as string) && !model.placeholderOwners(v as string)));

    /**
     * Dependencies are recorded per top-level property, so one generated or secret-store value in an environment
     * map can't vouch for its neighbours: a known credential value passes only when it is one of those sources'
     * own values (a secret's name, say); an unknown one passes only when such a source is among the dependencies.
     */
    const originOf = (r: StackResource, prop: string) => {
      const sources = (r.propertyDependencies[prop] ?? []).map((u) => model.byUrn(u)).filter((d): d is StackResource => !!d && CREDENTIAL_SOURCES.has(d.type));
      const sourceValues = new Set<unknown>();
      for (const d of sources) for (const v of Object.values(d.props)) if (typeof v === "string" && !isUnknown(v)) sourceValues.add(v);
      return { hasSource: sources.length > 0, isSourceValue: (v: unknown) => sourceValues.has(v) };
    };

    /** One environment variable: a typed-in credential, one that can't be verified, or fine. */
    const judgeVariable = (r: StackResource, origin: ReturnType<typeof originOf>, where: string, name: unknown, value: unknown, howToKnow: string) => {
      if (typedCredential(name, value) && !origin.isSourceValue(value)) envFinding(r, where, name as string);
      else if (typeof name === "string" && isUnknown(value) && namesCredential(name) && !origin.hasSource)
        out.add(r.urn, `${model.label(r.urn)}: ${cannotVerify(`${where} ${name}`, howToKnow)}. Fix: ${rule.meta.fix}`);
    };

    for (const f of CREDENTIAL_FIELDS) {
      for (const r of model.ofType(f.type)) {
        if (f.when && !f.when(r.props)) continue;
        if (f.managed && r.props[f.managed] === true) continue;
        const where = [f.top, ...(f.path ?? [])].join(".").replace(/\.\*/g, "[]");
        const values = valuesAt(r.props[f.top], f.path ?? []).filter((v) => v !== undefined && v !== null && v !== "");
        if (!values.length) continue;
        const howToKnow = f.managed ? `derive it from random.RandomPassword / a Secrets Manager secret in this stack, or set ${f.managed}: true` : "derive it from random.RandomPassword / a Secrets Manager secret in this stack";
        if (!f.path) {
          // The dependencies belong to exactly this value.
          if (fromCredentialSource(model, r.urn, f.top)) continue;
          if (isUnknown(values[0])) out.add(r.urn, `${model.label(r.urn)}: ${cannotVerify(where, howToKnow)}. Fix: ${rule.meta.fix}`);
          else typed(r, where);
          continue;
        }
        // Several values share one top-level property's dependencies: each value is judged on its own.
        const origin = originOf(r, f.top);
        if (values.some((v) => !isUnknown(v) && !origin.isSourceValue(v))) typed(r, where);
        else if (values.some((v) => isUnknown(v)) && !origin.hasSource) out.add(r.urn, `${model.label(r.urn)}: ${cannotVerify(where, howToKnow)}. Fix: ${rule.meta.fix}`);
      }
    }

    for (const f of model.ofType(T.lambda)) {
      const env = f.props.environment;
      if (env === undefined || env === null) continue;
      const vars = isUnknown(env) ? env : env.variables;
      if (vars === undefined || vars === null) continue;
      if (isUnknown(vars) || typeof vars !== "object") {
        out.add(f.urn, `${model.label(f.urn)}: ${cannotVerify("environment.variables", "write the variables as an object literal (values may be outputs) so their names are known")}. Fix: ${rule.meta.fix}`);
        continue;
      }
      const origin = originOf(f, "environment");
      for (const [k, v] of Object.entries(vars))
        judgeVariable(f, origin, "environment variable", k, v, "pass the secret's ARN and read it at run time, or derive the value from random.RandomPassword / a Secrets Manager secret in this stack");
    }

    for (const t of model.ofType(T.ecsTask)) {
      const cd = t.props.containerDefinitions;
      if (cd === undefined || cd === null || cd === "") continue;
      const origin = originOf(t, "containerDefinitions");
      if (isUnknown(cd)) {
        // The whole JSON is unknown when any part of it is; a definition that references a generator or a
        // secret is presumed to take its credentials from there (its environment can't be read either way).
        if (!origin.hasSource)
          out.add(t.urn, `${model.label(t.urn)}: ${cannotVerify("containerDefinitions", "build the JSON from values known at preview (e.g. an image URI from aws.getCallerIdentity/aws.getRegion instead of a new repository's URL), or pass credentials as `secrets` valueFrom a Secrets Manager secret in this stack")}. Fix: ${rule.meta.fix}`);
        continue;
      }
      let defs: unknown = cd;
      if (typeof cd === "string") {
        try {
          defs = JSON.parse(cd);
        } catch {
          continue;
        }
      }
      for (const c of list(defs)) {
        for (const e of list((c as any)?.environment))
          judgeVariable(t, origin, `container ${(c as any)?.name ?? "?"} environment variable`, (e as any)?.name, (e as any)?.value, "pass it as `secrets` valueFrom a Secrets Manager secret in this stack");
      }
    }

    // CodeBuild: PLAINTEXT variables (the default type) are stored and shown in clear; PARAMETER_STORE and
    // SECRETS_MANAGER variables hold a reference.
    for (const p of model.ofType("aws:codebuild/project:Project")) {
      const env = p.props.environment;
      const vars = isUnknown(env) ? env : env?.environmentVariables;
      if (vars === undefined || vars === null) continue;
      if (isUnknown(vars)) {
        out.add(p.urn, `${model.label(p.urn)}: ${cannotVerify("environment.environmentVariables", "write the variables as a literal list (values may be outputs) so their names are known")}. Fix: ${rule.meta.fix}`);
        continue;
      }
      const origin = originOf(p, "environment");
      for (const v of list(vars)) {
        const { name, value, type } = (v ?? {}) as Record<string, unknown>;
        if (type !== undefined && type !== "PLAINTEXT") continue;
        judgeVariable(p, origin, "PLAINTEXT environment variable", name, value, "make it a SECRETS_MANAGER or PARAMETER_STORE variable that names the secret");
      }
    }
    return out.list;
  },
};
