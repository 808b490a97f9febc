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

/** [resource type, password property, property that switches to an AWS-managed password]. */
const MASTER_PASSWORDS: Array<[string, string, string | undefined]> = [
  [T.rdsInstance, "password", "manageMasterUserPassword"],
  [T.rdsCluster, "masterPassword", "manageMasterUserPassword"],
  [T.redshift, "masterPassword", "manageMasterPassword"],
  [T.docdb, "masterPassword", undefined],
  [T.cacheRg, "authToken", undefined],
  [T.lightsailDb, "masterPassword", undefined],
];

export const rule: RuleDefinition = {
  meta: {
    id: "no-typed-in-credentials",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: ["SecretsManager.1", "Lambda.3", "ECS.8", "CodeBuild.2"],
    why: "A password someone typed (in code or as a stack-config secret) can't rotate without a deploy and lives in history; generated or AWS-managed credentials can.",
    fix: "Generate the credential (random.RandomPassword) and keep it in Secrets Manager, or let AWS manage it (manageMasterUserPassword: true); pass secrets to Lambda/ECS by reference (Secrets Manager ARN, ECS `secrets`).",
  },
  check(model) {
    const out = new Findings();
    const typed = (r: StackResource, prop: string) =>
      out.add(r.urn, `${model.label(r.urn)} sets ${prop} to a typed-in value (a literal or stack-config secret with no generator or Secrets Manager behind it). Fix: ${rule.meta.fix}`);

    for (const [type, prop, managed] of MASTER_PASSWORDS) {
      for (const r of model.ofType(type)) {
        const v = r.props[prop];
        if (v === undefined || v === null || v === "") continue;
        if (managed && r.props[managed] === true) continue;
        if (fromCredentialSource(model, r.urn, prop)) continue;
        if (isUnknown(v)) out.add(r.urn, `${model.label(r.urn)}: ${cannotVerify(prop, "derive it from random.RandomPassword / a Secrets Manager secret in this stack, or set manageMasterUserPassword: true")}. Fix: ${rule.meta.fix}`);
        else typed(r, prop);
      }
    }

    for (const r of model.ofType("aws:secretsmanager/secretVersion:SecretVersion")) {
      for (const prop of ["secretString", "secretBinary"]) {
        const v = r.props[prop];
        if (v === undefined || v === null || v === "") continue;
        if (fromCredentialSource(model, r.urn, prop)) continue;
        if (isUnknown(v)) out.add(r.urn, `${model.label(r.urn)}: ${cannotVerify(prop, "build it from random.RandomPassword outputs in this stack")}. Fix: ${rule.meta.fix}`);
        else typed(r, prop);
      }
    }

    const envFinding = (r: StackResource, where: string, name: string) =>
      out.add(r.urn, `${model.label(r.urn)} puts a typed-in credential in ${where} ${name}. Fix: ${rule.meta.fix}`);
    const isTypedValue = (v: unknown) => typeof v === "string" && v !== "" && !isUnknown(v) && !REFERENCE_VALUE.test(v);
    const typedCredential = (name: unknown, v: unknown) =>
      typeof name === "string" &&
      isTypedValue(v) &&
      (URL_WITH_PASSWORD.test(v as string) || (namesCredential(name) && !NOT_A_CREDENTIAL.test(v as string)));

    /**
     * Dependencies are recorded per top-level property, so one generated or secret-store value in an environment
     * map can't vouch for its neighbours: a known credential value passes only when it is one of those sources'
     * own values (a secret's name, say); an unknown one passes only when such a source is among the dependencies.
     */
    const envOrigin = (r: StackResource, prop: string) => {
      const sources = (r.propertyDependencies[prop] ?? []).map((u) => model.byUrn(u)).filter((d): d is StackResource => !!d && CREDENTIAL_SOURCES.has(d.type));
      const sourceValues = new Set<unknown>();
      for (const d of sources) for (const v of Object.values(d.props)) if (typeof v === "string" && !isUnknown(v)) sourceValues.add(v);
      return { hasSource: sources.length > 0, isSourceValue: (v: unknown) => sourceValues.has(v) };
    };

    for (const f of model.ofType(T.lambda)) {
      const env = f.props.environment;
      if (env === undefined || env === null) continue;
      const vars = isUnknown(env) ? env : env.variables;
      if (vars === undefined || vars === null) continue;
      if (isUnknown(vars) || typeof vars !== "object") {
        out.add(f.urn, `${model.label(f.urn)}: ${cannotVerify("environment.variables", "write the variables as an object literal (values may be outputs) so their names are known")}. Fix: ${rule.meta.fix}`);
        continue;
      }
      const origin = envOrigin(f, "environment");
      for (const [k, v] of Object.entries(vars)) {
        if (typedCredential(k, v) && !origin.isSourceValue(v)) envFinding(f, "environment variable", k);
        else if (isUnknown(v) && namesCredential(k) && !origin.hasSource)
          out.add(f.urn, `${model.label(f.urn)}: ${cannotVerify(`environment variable ${k}`, "pass the secret's ARN and read it at run time, or derive the value from random.RandomPassword / a Secrets Manager secret in this stack")}. Fix: ${rule.meta.fix}`);
      }
    }

    for (const t of model.ofType(T.ecsTask)) {
      const cd = t.props.containerDefinitions;
      if (cd === undefined || cd === null || cd === "") continue;
      const origin = envOrigin(t, "containerDefinitions");
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
        for (const e of list((c as any)?.environment)) {
          const name = (e as any)?.name;
          const value = (e as any)?.value;
          if (typedCredential(name, value) && !origin.isSourceValue(value))
            envFinding(t, `container ${(c as any)?.name ?? "?"} environment variable`, name);
          else if (typeof name === "string" && isUnknown(value) && namesCredential(name) && !origin.hasSource)
            out.add(t.urn, `${model.label(t.urn)}: ${cannotVerify(`container ${(c as any)?.name ?? "?"} environment variable ${name}`, "pass it as `secrets` valueFrom a Secrets Manager secret in this stack")}. Fix: ${rule.meta.fix}`);
        }
      }
    }
    return out.list;
  },
};
