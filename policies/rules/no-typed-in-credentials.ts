import { isUnknown, type RuleDefinition, type StackResource } from "../model";
import { parse as parseYaml } from "yaml";
import { commandLinePasswords, isReference, namesCredential, trivialValue, urlWithPassword } from "../model/secrets";
import { detectSecrets } from "../model/secrets-detector";
import { judgedByEntry, notACredential, SSM_PARAMETER } from "../model/secrets-inputs";
import { CREDENTIAL_INPUTS, ISSUED_CREDENTIALS, RUNTIME_INPUTS, SECRET_INPUTS } from "../model/secrets-provider";
import { CREDENTIAL_SOURCES, Findings, list } from "./util";

export { namesCredential };

/**
 * Resources whose outputs are generated or kept by a secret store: a value that flows from one of them was not
 * typed in. An SSM parameter is a store only as a SecureString.
 */
const SOURCE_TYPES = new Set([...CREDENTIAL_SOURCES, "random:index/randomUuid:RandomUuid", "tls:index/privateKey:PrivateKey"]);
const isSource = (r: StackResource | undefined) => !!r && (SOURCE_TYPES.has(r.type) || (r.type === SSM_PARAMETER && r.props.type === "SecureString") || isIssuer(r));
/**
 * Resources AWS issues a credential with (an IAM access key's secret, a Cognito app client's secret: the provider's
 * secret outputs that are no input, policies/model/secrets-provider.ts). Their credential was not typed in, so a
 * secret store may hold it; copied into a runtime string it is a plaintext copy of a long-lived credential.
 */
const isIssuer = (r: StackResource | undefined) => !!r && r.type in ISSUED_CREDENTIALS;
/**
 * Sources whose output that stays unknown at preview is the secret itself (RandomPassword's `result`, a secret
 * version's `secretString`); their other outputs (ids, ARNs) are known placeholders. RandomString / RandomId are
 * left out: their results routinely name things.
 */
const SECRET_VALUE_TYPES = new Set(["random:index/randomPassword:RandomPassword", "aws:secretsmanager/secretVersion:SecretVersion"]);

/** Where runtime strings go, for the finding's kind. */
type Place = "env" | "user-data" | "settings" | "tags" | "ssm-string";
const KIND: Record<Place, string> = {
  env: "credential-in-env",
  "user-data": "credential-in-user-data",
  settings: "credential-in-settings",
  tags: "credential-in-tags",
  "ssm-string": "credential-in-ssm-string",
};

const FIX_REF = "pass a reference instead (a Secrets Manager or SSM SecureString ARN read at run time, ECS/Batch `secrets` valueFrom, CodeBuild SECRETS_MANAGER/PARAMETER_STORE variables, App Runner runtimeEnvironmentSecrets, Beanstalk environmentsecrets ARNs), and generate the value (random.RandomPassword) into a secret";

const ENV_MAPS = /^(variables|environment|environmentVariables|runtimeEnvironmentVariables|settings|defaultArguments|parameters)$/;
/** Container command lines: judged joined, so `["redis-cli", "-a", "pw"]` reads as the shell would run it. */
const COMMAND_LINES = /^(command|entryPoint|args)$/;
/** Scripts a service runs at launch, like user data (base64): SageMaker notebook lifecycle configurations. */
const LAUNCH_SCRIPTS = /^(userData(Base64)?|onCreate|onStart)$/;
const DEFINITIONS = /^(containerDefinitions|containerProperties|nodeProperties|ecsProperties|eksProperties)$/;

/**
 * Why a known string is a credential, or undefined. `inStack` tells an id, ARN, name or endpoint of a resource
 * of this stack (the offline engine's placeholder): no credential by its name alone, though a URL that carries a
 * password next to one still is.
 */
function credentialReason(name: string | undefined, value: string, inStack: (v: string) => boolean = () => false): string | undefined {
  const url = urlWithPassword(value);
  if (url) return `a ${url.scheme}:// URL with a password in it`;
  const found = detectSecrets(value);
  if (found.length) return `secretlint ${found.map((f) => f.messageId).join(", ")}`;
  const cli = commandLinePasswords(value);
  if (cli.length) return `a password on a command line (${cli.join(", ")})`;
  if (name !== undefined && namesCredential(name) && !trivialValue(value) && !inStack(value)) return `its name ${name} says it holds a credential`;
  return undefined;
}

/** Assignments in scripts and env files: `NAME=value`, `export NAME="value"`, `--password=value`, `NAME: value`. */
const ASSIGNMENT = /(?:^|[\s;'"(-])(?:export\s+|ENV\s+|set\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*(?:=|:\s)\s*("[^"\n]*"|'[^'\n]*'|[^\s;#'"]+)/gm;

function decodeUserData(v: string, base64: boolean): string {
  const looksB64 = /^[A-Za-z0-9+/=\s]+$/.test(v) && v.replace(/\s/g, "").length % 4 === 0 && v.length >= 16;
  if (!base64 && !looksB64) return v;
  try {
    const text = Buffer.from(v, "base64").toString("utf8");
    return base64 || /^[\x09\x0a\x0d\x20-\x7e]*$/.test(text) ? text : v;
  } catch {
    return v;
  }
}

/** The values at a path of the generated tables (`a.b[].c`), with their concrete paths. */
function valuesAt(v: unknown, path: string, at: string): { path: string; value: unknown }[] {
  if (!path) return [{ path: at, value: v }];
  if (v === undefined || v === null) return [];
  if (isUnknown(v)) return [{ path: at, value: v }];
  const m = /^([^.[\]]+)(\[\])?\.?(.*)$/.exec(path);
  if (!m) return [];
  const [, key, listed, rest] = m;
  const child = typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined;
  const here = at ? `${at}.${key}` : key;
  if (!listed) return valuesAt(child, rest, here);
  if (isUnknown(child)) return [{ path: here, value: child }];
  return list(child).flatMap((x, i) => valuesAt(x, rest, `${here}[${i}]`));
}

export const rule: RuleDefinition = {
  meta: {
    id: "no-typed-in-credentials",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: ["SecretsManager.1", "Lambda.3", "ECS.8", "CodeBuild.2"],
    why: "A password someone typed (in code or as stack config, plain or secret) can't rotate without a deploy and lives in history; a credential in an environment variable, user data, a String parameter or a tag is readable by anyone who can describe the resource.",
    fix: "Generate the credential (random.RandomPassword) and keep it in Secrets Manager, or let AWS manage it (manageMasterUserPassword: true); pass secrets to Lambda/ECS/Batch/CodeBuild/Beanstalk by reference (Secrets Manager or SSM SecureString ARN, ECS `secrets` valueFrom, CodeBuild SECRETS_MANAGER variables).",
    messages: {
      "typed-in-secret-input": "{resource} sets {path} to a typed-in value (a literal or stack config, with no generator or secret store in this stack behind it). Fix: generate it (random.RandomPassword) into a Secrets Manager secret and pass that, or let AWS manage it{managed}.",
      "unverifiable-secret-input": "{resource}: {path} is unknown at preview and depends on no generator or secret store in this stack, so it cannot be verified before deploy. Fix: derive it from random.RandomPassword or a Secrets Manager secret in this stack{managed}.",
      "credential-in-env": "{resource} carries a credential in {path} ({reason}). Fix: " + FIX_REF + ".",
      "credential-in-settings": "{resource} carries a credential in {path} ({reason}). Fix: " + FIX_REF + ".",
      "credential-in-user-data": "{resource} writes a credential into its user data at {path} ({reason}); user data is readable by anyone who can describe the instance and from inside it. Fix: fetch the secret at boot (aws secretsmanager get-secret-value with the instance role) instead.",
      "credential-in-ssm-string": "{resource} stores a credential in a plain String parameter ({reason}). Fix: make it a SecureString whose value comes from a generator or secret, or keep it in Secrets Manager.",
      "credential-in-tags": "{resource} has a credential in tag {path} ({reason}); tags are readable by anyone with tag:GetResources. Fix: remove it from the tags and keep it in Secrets Manager.",
      "unverifiable-env-value": "{resource}: {path} names a credential and is unknown at preview with no generator or secret store in this stack behind it, so it cannot be verified before deploy. Fix: " + FIX_REF + ".",
      "unknown-env-map": "{resource}: {path} is unknown at preview as a whole (built inside an apply, or from an output unknown at preview), so the credentials it may carry cannot be verified before deploy. Fix: write it as a literal (values may be outputs) so its names are known, or build it from values known at preview; credentials go as references.",
    },
  },
  check(model) {
    const out = new Findings();
    const label = (r: StackResource) => model.label(r.urn);
    const inStack = (v: string) => model.placeholderOwners(v) !== undefined;
    // The names of this stack's secrets and parameters: a value that names one (DB_SECRET: "prod/db") points at a
    // secret instead of being one, like its ARN.
    const storeNames = new Set<unknown>();
    for (const s of model.ofType("aws:secretsmanager/secret:Secret", SSM_PARAMETER)) if (typeof s.props.name === "string" && !isUnknown(s.props.name)) storeNames.add(s.props.name);

    /**
     * Dependencies are recorded per top-level property, so one generated or secret-store value in a map can't
     * vouch for its neighbours: a known value passes only when it is one of those sources' own values (a secret's
     * name or ARN given literally, say); an unknown one passes only when such a source is among the dependencies.
     */
    const originOf = (r: StackResource, top: string) => {
      const sources = (r.propertyDependencies[top] ?? []).map((u) => model.byUrn(u)).filter(isSource);
      const values = new Set<unknown>();
      for (const d of sources) for (const v of Object.values(d!.props)) if (typeof v === "string" && !isUnknown(v)) values.add(v);
      const issuers = sources.filter(isIssuer) as StackResource[];
      /** Why an unknown runtime value is an issued credential (the property draws on an issuer), or undefined. */
      const issued = issuers.length ? issuers.map((i) => `a credential ${label(i)} issues (${ISSUED_CREDENTIALS[i.type].join(", ")})`).join("; ") : undefined;
      // Sources whose unknown output is the secret itself: a generated password, a secret version's value.
      const secretValues = sources.filter((d) => SECRET_VALUE_TYPES.has(d!.type)) as StackResource[];
      const copied = issued ?? (secretValues.length ? secretValues.map((d) => `the secret value of ${label(d)}`).join("; ") : undefined);
      return { hasSource: sources.length > 0, isSourceValue: (v: unknown) => values.has(v), issued, copied };
    };
    type Origin = ReturnType<typeof originOf>;

    /** One named string (env var, setting, tag) judged by its name and value. */
    const judgeEntry = (r: StackResource, origin: Origin, place: Place, path: string, name: string | undefined, value: unknown) => {
      if (isUnknown(value)) {
        // Unknown values of a property that draws on an issuer: ids and ARNs are known placeholders, so what stays
        // unknown is the issued secret itself.
        if (origin.issued) return void out.report(r.urn, KIND[place], { resource: label(r), path, name: name ?? "", reason: origin.issued }, path);
        if (name !== undefined && namesCredential(name) && !origin.hasSource && place !== "tags") out.report(r.urn, "unverifiable-env-value", { resource: label(r), path, name }, path);
        return;
      }
      if (typeof value !== "string" || isReference(value) || origin.isSourceValue(value) || storeNames.has(value)) return;
      const reason = credentialReason(name, value, inStack);
      if (reason) out.report(r.urn, KIND[place], { resource: label(r), path, name: name ?? "", reason }, path);
    };

    /** Scripts: the whole text by the detector and URL shape, and each assignment by its name; one finding each. */
    const judgeScript = (r: StackResource, path: string, text: string) => {
      const reasons: string[] = [];
      const url = urlWithPassword(text);
      if (url) reasons.push(`a ${url.scheme}:// URL with a password in it`);
      for (const f of detectSecrets(text)) reasons.push(`secretlint ${f.messageId}`);
      const cli = commandLinePasswords(text);
      if (cli.length) reasons.push(`a password on a command line (${cli.join(", ")})`);
      const names = new Set<string>();
      for (const m of text.matchAll(ASSIGNMENT)) {
        const value = m[2].replace(/^["']|["']$/g, "");
        if (namesCredential(m[1]) && !trivialValue(value) && !value.startsWith("$") && !isReference(value)) names.add(m[1]);
      }
      if (names.size) reasons.push(`${[...names].join(", ")} assigned a literal`);
      if (reasons.length) out.report(r.urn, KIND["user-data"], { resource: label(r), path, reason: reasons.join("; ") }, path);
    };

    /**
     * Walks a runtime input (environment map, {name, value} lists, option settings, container/job definition JSON)
     * judging every named string; `secrets` entries (valueFrom) are references and never plaintext.
     */
    const walk = (r: StackResource, origin: Origin, place: Place, path: string, v: unknown, name?: string): void => {
      if (v === undefined || v === null) return;
      if (isUnknown(v)) {
        // A map unknown as a whole hides its names, so nothing vouches for it. A definition document (ECS, Batch)
        // is unknown as a whole when any part is (an image URL from the same stack); one that draws on a generator
        // or secret store is presumed to take its credentials from there (as `secrets` valueFrom).
        if (name !== undefined && ENV_MAPS.test(name)) return void out.report(r.urn, "unknown-env-map", { resource: label(r), path }, path);
        if (name !== undefined && DEFINITIONS.test(name)) {
          if (origin.issued) out.report(r.urn, KIND[place], { resource: label(r), path, name, reason: origin.issued }, path);
          else if (!origin.hasSource) out.report(r.urn, "unknown-env-map", { resource: label(r), path }, path);
          return;
        }
        return judgeEntry(r, origin, place, path, name, v);
      }
      if (typeof v === "string") {
        const t = v.trim();
        if ((t.startsWith("{") || t.startsWith("[")) && t.length > 1) {
          try {
            return walk(r, origin, place, path, JSON.parse(t), name);
          } catch {
            // Not JSON: judged as a value below.
          }
        }
        return judgeEntry(r, origin, place, path, name, v);
      }
      if (Array.isArray(v)) {
        if (name !== undefined && COMMAND_LINES.test(name) && v.every((x) => typeof x === "string" && !isUnknown(x))) return judgeEntry(r, origin, place, path, undefined, v.join(" "));
        v.forEach((x, i) => walk(r, origin, place, `${path}[${i}]`, x));
        return;
      }
      if (typeof v !== "object") return;
      const o = v as Record<string, unknown>;
      const entryName = typeof o.name === "string" ? o.name : typeof o.optionName === "string" ? o.optionName : undefined;
      if (entryName !== undefined && ("value" in o || "defaultValue" in o)) {
        // CodeBuild PARAMETER_STORE / SECRETS_MANAGER variables hold a reference; PLAINTEXT (the default) the value.
        if (typeof o.type === "string" && o.type !== "PLAINTEXT" && /PARAMETER_STORE|SECRETS_MANAGER/.test(o.type)) return;
        judgeEntry(r, origin, place, path, entryName, "value" in o ? o.value : o.defaultValue);
        return;
      }
      for (const [k, x] of Object.entries(o)) {
        if (k === "secrets" || k === "valueFrom" || k === "secretOptions" || k === "repositoryCredentials") continue;
        walk(r, origin, place, path ? `${path}.${k}` : k, x, k);
      }
    };

    const judgeProvenance = (r: StackResource, path: string, value: unknown, origin: Origin, top: boolean) => {
      if (value === undefined || value === null || value === "") return;
      const managed = "manageMasterUserPassword" in r.props || /rds|redshift|docdb/.test(r.type) ? " (manageMasterUserPassword / manageMasterPassword: true where the service offers it)" : "";
      if (isUnknown(value)) {
        if (!origin.hasSource) out.report(r.urn, "unverifiable-secret-input", { resource: label(r), path, managed }, path);
        return;
      }
      if (typeof value === "string" && isReference(value)) return;
      if (top ? origin.hasSource : origin.isSourceValue(value)) return;
      out.report(r.urn, "typed-in-secret-input", { resource: label(r), path, managed }, path);
    };

    // Every secret-marked input of every type, by provenance (derived from the provider: SECRET_INPUTS).
    const judgeSecretInputs = (r: StackResource, inputs: readonly string[]) => {
      const type = r.type;
      for (const input of inputs) {
        const v = r.props[input];
        if (v === undefined || v === null || v === "" || notACredential(type, input)) continue;
        const origin = originOf(r, input);
        if (judgedByEntry(type, input)) {
          walk(r, origin, "settings", input, v, input);
          continue;
        }
        if (type === SSM_PARAMETER && r.props.type !== "SecureString" && !isUnknown(r.props.type)) {
          // A String / StringList parameter declares a plain value: judged as one, by what it holds.
          if (isUnknown(v) && origin.issued) out.report(r.urn, KIND["ssm-string"], { resource: label(r), path: input, reason: origin.issued }, input);
          else if (typeof v === "string" && !isUnknown(v) && !isReference(v) && !origin.isSourceValue(v)) {
            const reason = credentialReason(typeof r.props.name === "string" ? r.props.name.split("/").pop() : undefined, v, inStack);
            if (reason) out.report(r.urn, KIND["ssm-string"], { resource: label(r), path: input, reason }, input);
          }
          continue;
        }
        if (Array.isArray(v)) v.forEach((x, i) => judgeProvenance(r, `${input}[${i}]`, x, origin, false));
        else judgeProvenance(r, input, v, origin, true);
      }
    };

    /** Every value at each generated path of one resource, with the origin of its top-level property. */
    const eachValue = (r: StackResource, paths: readonly string[], fn: (r: StackResource, p: string, path: string, value: unknown, origin: Origin) => void) => {
      for (const p of paths) {
        const top = p.split(/[.[]/)[0];
        if (r.props[top] === undefined) continue;
        const origin = originOf(r, top);
        for (const { path, value } of valuesAt(r.props, p, "")) fn(r, p, path, value, origin);
      }
    };

    /**
     * An inline CodeBuild buildspec (https://docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html):
     * `env.variables` are plain text and judged like environment variables; `env.secrets-manager` and
     * `env.parameter-store` hold references; the rest (phases' commands) by value. A buildspec that is a file name in
     * the source, or not YAML, is judged as one value.
     */
    const judgeBuildspec = (r: StackResource, origin: Origin, path: string, value: unknown) => {
      if (typeof value !== "string" || isUnknown(value)) return walk(r, origin, "env", path, value, "buildspec");
      let doc: unknown;
      try {
        doc = parseYaml(value);
      } catch {
        doc = undefined;
      }
      if (!doc || typeof doc !== "object") return judgeEntry(r, origin, "env", path, undefined, value);
      const { env, ...rest } = doc as Record<string, unknown>;
      const e = env && typeof env === "object" ? (env as Record<string, unknown>) : {};
      for (const [k, x] of Object.entries(e)) {
        if (k === "secrets-manager" || k === "parameter-store") continue;
        walk(r, origin, "env", `${path}.env.${k}`, x, k);
      }
      walk(r, origin, "env", path, rest);
    };

    // Nested credential-named inputs (the SDK does not mark nested secrets): each value on its own.
    const judgeCredentialInput = (r: StackResource, _p: string, path: string, value: unknown, origin: Origin) => judgeProvenance(r, path, value, origin, false);

    // Strings carried into a runtime: environment maps, {name, value} lists, definitions, user data.
    const judgeRuntimeInput = (r: StackResource, p: string, path: string, value: unknown, origin: Origin) => {
      if (judgedByEntry(r.type, p)) return; // already walked as a secret-marked settings map
      const leaf = p.split(".").pop()!.replace("[]", "");
      if (leaf === "buildspec") return judgeBuildspec(r, origin, path, value);
      if (!LAUNCH_SCRIPTS.test(leaf)) return walk(r, origin, "env", path, value, leaf);
      // User data unknown at preview is not judged (docs/rules.md lists it): it routinely interpolates endpoints of
      // resources created in the same stack. Launch templates and Image Builder take it base64-encoded.
      // User data unknown because it interpolates a secret's value (a generated password, an issued key) carries that
      // secret: "don't store sensitive data, such as passwords or long-lived keys, as user data"
      // (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html), generated or not.
      if (isUnknown(value) && origin.copied) return void out.report(r.urn, KIND["user-data"], { resource: label(r), path, reason: origin.copied }, path);
      if (typeof value === "string" && !isUnknown(value)) judgeScript(r, path, decodeUserData(value, leaf === "userDataBase64" || /launchTemplate|imagebuilder|notebookInstanceLifecycle/.test(r.type)));
    };

    // One pass over the stack: each resource's inputs from the generated tables, then its tags (visible to anyone
    // with tag:GetResources).
    for (const r of model.resources) {
      const secret = SECRET_INPUTS[r.type];
      if (secret) judgeSecretInputs(r, secret);
      const credential = CREDENTIAL_INPUTS[r.type];
      if (credential) eachValue(r, credential, judgeCredentialInput);
      const runtime = RUNTIME_INPUTS[r.type];
      if (runtime) eachValue(r, runtime, judgeRuntimeInput);
      const tags = r.props.tags;
      if (!tags || typeof tags !== "object" || isUnknown(tags)) continue;
      const origin = originOf(r, "tags");
      for (const [k, v] of Object.entries(tags as Record<string, unknown>)) {
        if (k.startsWith("bulkhead:")) continue;
        judgeEntry(r, origin, "tags", `tags.${k}`, k, v);
      }
    }
    return out.list;
  },
};
