/**
 * Reads the INSTALLED @pulumi/aws and lists, per resource type, the inputs that can open a door: security groups,
 * public addressing, IMDS settings, secret-marked inputs, credential-named inputs, policy documents and the
 * strings a resource carries into a runtime (environment, user data, container definitions).
 *
 * Facts come from the package itself, not from memory:
 * - the resource's `…Args` interface in its `.d.ts` and the nested `inputs.*` interfaces in `types/input.d.ts`
 *   (property names, list-ness, string-ness), walked to every nested path;
 * - the class's token (`static __pulumiType = '…'`) and its secret-marked inputs from the `.js`
 *   (`resourceInputs["x"] = args?.x ? pulumi.secret(args.x) : undefined` and `additionalSecretOutputs: [...]`).
 *
 * The Node SDK drops `secret: true` below the top level, so nested secrets (an OpenSearch master user's password)
 * are found by their names instead: a string input whose name ends in a credential word (see namesCredential).
 * Line-oriented parsing keeps a full scan under a second (the generated files have one property per line).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { COVERAGE_CATEGORIES, type CoverageCategory } from "../policies/coverage";
import { namesCredential } from "../policies/model/secrets";

export type Category = CoverageCategory;
export const CATEGORIES = COVERAGE_CATEGORIES;

export interface ProviderResource {
  type: string;
  /** Module file the class lives in, e.g. `ec2/instance`. */
  module: string;
  inputs: Partial<Record<Category, string[]>>;
  /**
   * Outputs the provider marks secret that are no input (`additionalSecretOutputs`): credentials AWS issues when the
   * resource is created (an IAM access key's secret, a Cognito app client's secret, a Lightsail key pair's private key).
   */
  secretOutputs?: string[];
}

export interface ProviderFacts {
  version: string;
  resources: ProviderResource[];
}

interface Prop {
  name: string;
  type: string;
}

/** Nested input interfaces by qualified name (`ec2.InstanceMetadataOptions`). */
function parseInputTypes(text: string): Map<string, Prop[]> {
  const out = new Map<string, Prop[]>();
  const ns: string[] = [];
  let current: Prop[] | undefined;
  for (const line of text.split("\n")) {
    const nsm = /^(\s*)(?:export )?(?:declare )?namespace (\w+) \{$/.exec(line);
    if (nsm) {
      ns.length = nsm[1].length / 4;
      ns.push(nsm[2]);
      continue;
    }
    const im = /^(\s*)(?:export )?interface (\w+) \{$/.exec(line);
    if (im) {
      ns.length = im[1].length / 4;
      current = [];
      out.set([...ns, im[2]].join("."), current);
      continue;
    }
    if (current) {
      const pm = /^\s+(\w+)\??: (.+?);?$/.exec(line);
      if (pm) current.push({ name: pm[1], type: pm[2] });
      else if (/^\s*\}$/.test(line)) current = undefined;
    }
  }
  return out;
}

/** Top-level properties of `export interface <X>Args {` in a resource's .d.ts. */
function parseArgs(text: string): Prop[] | undefined {
  const start = text.search(/^export interface \w+Args \{$/m);
  if (start < 0) return undefined;
  const props: Prop[] = [];
  for (const line of text.slice(start).split("\n").slice(1)) {
    if (line === "}") break;
    const pm = /^ {4}(\w+)\??: (.+?);?$/.exec(line);
    if (pm) props.push({ name: pm[1], type: pm[2] });
  }
  return props;
}

const SG_LEAVES = new Set(["securityGroups", "sourceSecurityGroupIds", "securityGroupIds", "vpcSecurityGroupIds", "securityGroupNames", "vpcSecurityGroups", "securityGroupId", "securityGroupIdLists"]);
const PUBLIC_LEAVES = new Set([
  "associatePublicIpAddress", "publiclyAccessible", "mapPublicIpOnLaunch", "assignPublicIp", "endpointPublicAccess",
  "publicAccessCidrs", "assignIpv6AddressOnCreation", "ipv6AddressCount", "ipv6Addresses", "associateCarrierIpAddress",
  "publicIp", "publicAccess", "internal", "networkAccessibility", "allocationId", "customerOwnedIpv4Pool",
]);
const IMDS_LEAVES = new Set(["metadataOptions", "instanceMetadataOptions", "httpTokens", "imdsSupport", "metadataOption"]);
const POLICY_LEAVES = new Set(["policy", "policyDocument", "accessPolicies", "accessPolicy", "assumeRolePolicy", "resourcePolicy", "inlinePolicy", "policyText", "bucketPolicy", "keyPolicy"]);
const RUNTIME_LEAVES = new Set([
  "environment", "variables", "environmentVariables", "runtimeEnvironmentVariables", "userData", "userDataBase64",
  "containerDefinitions", "containerProperties", "nodeProperties", "ecsProperties", "eksProperties",
  "defaultArguments", "environmentVariable", "envVars",
  // Build specs (CodeBuild's inline buildspec: env.variables are plain text), lifecycle scripts (SageMaker notebook
  // onCreate/onStart, base64 like user data) and application configurations (EMR configurationsJson: Hive metastore
  // and Hue passwords go there).
  "buildspec", "onCreate", "onStart", "configurationsJson",
]);
/**
 * Leaves that carry runtime strings only in one shape: `definition` as a document string (a Step Functions state
 * machine, an Alertmanager configuration: read back by Describe*), `parameters` as a map of strings (CloudFormation
 * stack and StackSet parameters, SSM association parameters, Batch parameter defaults: named values the service
 * passes on, returned by Describe* unless NoEcho), `input` as a string (the constant JSON an EventBridge target or
 * a schedule hands its target, a Lambda invocation's payload: readable with ListTargetsByRule / GetSchedule). A
 * `definition` below the top level is a description (Bedrock guardrail topics), not a document.
 */
const RUNTIME_BY_SHAPE: Record<string, (type: string, top: boolean) => boolean> = {
  definition: (t, top) => top && isStringType(t),
  parameters: (t) => /^pulumi\.Input<\{/.test(t),
  input: (t) => isStringType(t),
};
/** Credential-named leaves that are not credentials: idempotency tokens and the like. */
const NOT_CREDENTIAL_NAMES = new Set(["creationToken", "clientToken", "idempotencyToken", "clientRequestToken", "requestToken", "nextToken", "updateToken", "viewVersionToken"]);
/** Parents whose credential-named children are not credentials: validity units, a file path on the host, CodeBuild's registry credential (the name or ARN of a Secrets Manager secret). */
const NOT_CREDENTIAL_PARENTS = /(Units|Validity|^file|^registryCredential)$/;

const isStringType = (t: string) => /^pulumi\.Input<string(\s*\|\s*undefined)?>$/.test(t) || /^pulumi\.Input<pulumi\.Input<string>\[\](\s*\|\s*undefined)?>$/.test(t);
const nestedRef = (t: string) => /inputs\.([\w.]+)/.exec(t)?.[1];
const isList = (t: string) => /\]\s*(\|\s*undefined)?>$/.test(t) && /\[\]/.test(t);

function classify(name: string, type: string, top: boolean, parent: string, types: Map<string, Prop[]>): Category[] {
  const out: Category[] = [];
  if (SG_LEAVES.has(name)) out.push("security-groups");
  if (PUBLIC_LEAVES.has(name) && /boolean|string|number/.test(type) && !(name === "internal" && !/boolean/.test(type))) out.push("public-address");
  if (IMDS_LEAVES.has(name)) out.push("imds");
  if (POLICY_LEAVES.has(name) && /string|PolicyDocument/.test(type)) out.push("policy");
  if (RUNTIME_LEAVES.has(name) || RUNTIME_BY_SHAPE[name]?.(type, top)) out.push("runtime-strings");
  // Option settings shaped {namespace, name, value} (Elastic Beanstalk): the application environment lives there.
  const nested = types.get(nestedRef(type) ?? "");
  if (name === "settings" && nested && ["namespace", "name", "value"].every((k) => nested.some((p) => p.name === k))) out.push("runtime-strings");
  const bare = name.replace(/Wo$/, "");
  if (!NOT_CREDENTIAL_NAMES.has(bare) && !NOT_CREDENTIAL_PARENTS.test(parent) && isStringType(type) && namesCredential(bare) && !top) out.push("credential-input");
  return out;
}

function walk(props: Prop[], types: Map<string, Prop[]>, prefix: string, seen: Set<string>, acc: Map<Category, Set<string>>): void {
  for (const p of props) {
    const path = prefix ? `${prefix}.${p.name}` : p.name;
    for (const c of classify(p.name, p.type, !prefix, prefix.replace(/\[\]$/, "").split(".").pop() ?? "", types)) {
      if (!acc.has(c)) acc.set(c, new Set());
      acc.get(c)!.add(path);
    }
    const ref = nestedRef(p.type);
    if (!ref || seen.has(ref) || seen.size > 12) continue;
    const nested = types.get(ref);
    if (!nested) continue;
    seen.add(ref);
    walk(nested, types, isList(p.type) ? `${path}[]` : path, seen, acc);
    seen.delete(ref);
  }
}

/** Scans the @pulumi/aws package at `dir` (default: the one this repository installs). */
export function scanProvider(dir = join(__dirname, "..", "node_modules", "@pulumi", "aws")): ProviderFacts {
  const version = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version as string;
  const types = parseInputTypes(readFileSync(join(dir, "types", "input.d.ts"), "utf8"));
  const resources: ProviderResource[] = [];
  for (const mod of readdirSync(dir, { withFileTypes: true })) {
    if (!mod.isDirectory() || mod.name === "types" || mod.name === "node_modules" || mod.name === "config") continue;
    for (const f of readdirSync(join(dir, mod.name))) {
      if (!f.endsWith(".js") || f === "index.js" || /^get[A-Z]/.test(f)) continue;
      const js = readFileSync(join(dir, mod.name, f), "utf8");
      const token = /static __pulumiType = '([^']+)'/.exec(js)?.[1];
      if (!token || !js.includes("extends pulumi.CustomResource")) continue;
      const base = f.slice(0, -3);
      let dts: string;
      try {
        dts = readFileSync(join(dir, mod.name, `${base}.d.ts`), "utf8");
      } catch {
        continue;
      }
      const args = parseArgs(dts) ?? [];
      const acc = new Map<Category, Set<string>>();
      walk(args, types, "", new Set(), acc);
      const argNames = new Set(args.map((a) => a.name));
      const secret = new Set<string>();
      for (const m of js.matchAll(/pulumi\.secret\(args\.(\w+)\)/g)) secret.add(m[1]);
      const aso = /additionalSecretOutputs: \[([^\]]*)\]/.exec(js)?.[1] ?? "";
      const issued: string[] = [];
      for (const m of aso.matchAll(/"(\w+)"/g)) (argNames.has(m[1]) ? secret.add(m[1]) : issued.push(m[1]));
      if (secret.size) acc.set("secret-input", secret);
      const inputs: Partial<Record<Category, string[]>> = {};
      for (const c of Object.keys(CATEGORIES) as Category[]) if (acc.get(c)?.size) inputs[c] = [...acc.get(c)!].sort();
      if (Object.keys(inputs).length || issued.length) resources.push({ type: token, module: `${mod.name}/${base}`, inputs, ...(issued.length ? { secretOutputs: issued.sort() } : {}) });
    }
  }
  resources.sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  return { version, resources };
}
