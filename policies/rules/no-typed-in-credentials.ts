import { isUnknown, T, type RuleDefinition, type StackResource } from "../model";
import { cannotVerify, Findings, fromCredentialSource, list } from "./util";

/** Environment variable names that hold credentials. */
export const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)/i;

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

    for (const f of model.ofType(T.lambda)) {
      const vars = f.props.environment?.variables;
      if (!vars || typeof vars !== "object" || isUnknown(vars)) continue;
      // Generated values reach the map through its dependencies; they aren't typed in.
      if (fromCredentialSource(model, f.urn, "environment")) continue;
      for (const [k, v] of Object.entries(vars)) if (SECRET_NAME.test(k) && isTypedValue(v)) envFinding(f, "environment variable", k);
    }

    for (const t of model.ofType(T.ecsTask)) {
      const cd = t.props.containerDefinitions;
      if (typeof cd !== "string" || isUnknown(cd)) continue;
      if (fromCredentialSource(model, t.urn, "containerDefinitions")) continue;
      let defs: unknown;
      try {
        defs = JSON.parse(cd);
      } catch {
        continue;
      }
      for (const c of list(defs)) {
        for (const e of list((c as any)?.environment)) {
          const name = (e as any)?.name;
          if (typeof name === "string" && SECRET_NAME.test(name) && isTypedValue((e as any)?.value))
            envFinding(t, `container ${(c as any)?.name ?? "?"} environment variable`, name);
        }
      }
    }
    return out.list;
  },
};
