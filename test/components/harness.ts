/**
 * Runs a program under Pulumi's mock runtime and captures every registration twice: the inputs the mock
 * sees (deserialized, for assertions) and the raw request as it leaves the SDK (secrets still wrapped,
 * for the plaintext-credential scan), plus every registerResourceOutputs payload.
 */
import * as pulumi from "@pulumi/pulumi";

Error.stackTraceLimit = 0;

export const ACCOUNT = "123456789012";
export const REGION = "us-east-1";
/** Every mocked random password starts with this marker, so a scan finds any copy of one. */
export const PASSWORD_MARKER = "Pw0rd-MOCK-";
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

export interface Registration {
  type: string;
  name: string;
  id: string;
  inputs: Record<string, any>;
  raw: Record<string, any>;
  urn: string;
  parent: string;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
}

export interface Run {
  resources: Registration[];
  /** Raw registerResourceOutputs payloads (components and the stack). */
  outputs: Array<{ urn: string; raw: Record<string, any> }>;
  /** The program's return value, resolved. */
  result: any;
  byType(type: string): Registration[];
  one(type: string, name: string): Registration;
  byId(id: string): Registration | undefined;
}

function arnFor(type: string, name: string): string {
  const [, mod = "x", cls = "x"] = type.split(/[:/]/);
  const svc = mod.toLowerCase();
  if (svc === "iam") return `arn:aws:iam::${ACCOUNT}:${cls.toLowerCase()}/${name}`;
  return `arn:aws:${svc}:${REGION}:${ACCOUNT}:${cls.toLowerCase()}/${name}`;
}

function mockState(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
  const id = `${name}-id`;
  const s: Record<string, any> = { ...inputs, arn: arnFor(type, name), name: inputs.name ?? `${name}-x` };
  switch (type) {
    case "random:index/randomPassword:RandomPassword":
      s.result = `${PASSWORD_MARKER}${name}`;
      s.bcryptHash = "hash";
      break;
    case "aws:ec2/vpc:Vpc":
      s.defaultNetworkAclId = `${name}-default-acl`;
      s.defaultSecurityGroupId = `${name}-default-sg`;
      break;
    case "aws:ec2/vpcEndpoint:VpcEndpoint":
      s.prefixListId = `pl-${name}`;
      break;
    case "aws:kms/key:Key":
      s.keyId = id;
      break;
    case "aws:rds/instance:Instance":
      s.address = `${name}.db.internal`;
      s.endpoint = `${name}.db.internal:5432`;
      s.masterUserSecrets = [{ secretArn: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:rds!${name}`, kmsKeyId: "k", secretStatus: "active" }];
      break;
    case "aws:ec2/launchTemplate:LaunchTemplate":
      s.latestVersion = 1;
      break;
    case "aws:lb/loadBalancer:LoadBalancer":
      s.dnsName = `${name}.elb.amazonaws.com`;
      break;
  }
  return s;
}

const callAnswers: Record<string, (a: Record<string, any>) => Record<string, any>> = {
  "aws:index/getCallerIdentity:getCallerIdentity": () => ({ accountId: ACCOUNT, arn: `arn:aws:sts::${ACCOUNT}:assumed-role/deploy/x`, userId: "u" }),
  "aws:index/getPartition:getPartition": () => ({ partition: "aws", dnsSuffix: "amazonaws.com" }),
  "aws:index/getRegion:getRegion": () => ({ name: REGION, region: REGION }),
  "aws:ssm/getParameter:getParameter": (a) => ({ name: a.name, value: "ami-0123456789abcdef0", type: "String" }),
};

/** Runs `program` as a fresh stack with `config` (`project:key` → JSON-able values) and returns everything registered. */
export async function run<T>(program: () => T, config: Record<string, unknown> = {}, preview = false): Promise<Run> {
  const resources: Registration[] = [];
  const outputs: Run["outputs"] = [];
  const rawByKey = new Map<string, { raw: Record<string, any>; urn: string; parent: string; deps: string[]; propDeps: Record<string, string[]> }>();
  pulumi.runtime.setMocks({
    newResource: (a) => {
      const id = `${a.name}-id`;
      resources.push({ type: a.type, name: a.name, id, inputs: a.inputs, raw: {}, urn: "", parent: "", dependencies: [], propertyDependencies: {} });
      // A preview knows inputs only: ids and output-only properties (arn, autonamed names) stay unknown.
      if (preview) return { id: undefined as unknown as string, state: a.inputs };
      return { id, state: mockState(a.type, a.name, a.inputs) };
    },
    call: (a) => {
      const answer = callAnswers[a.token];
      if (!answer) throw new Error(`unmocked invoke ${a.token}`);
      return answer(a.inputs);
    },
  }, "bulkhead-platform", "test", preview);
  const rt = pulumi.runtime as any;
  const monitor = rt.getMonitor();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, cb: any) => {
    const propDeps: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((v: any, k: string) => (propDeps[k] = v.getUrnsList()));
    const entry = { raw: req.getObject()?.toJavaScript() ?? {}, urn: "", parent: req.getParent(), deps: req.getDependenciesList(), propDeps };
    rawByKey.set(`${req.getType()}::${req.getName()}`, entry);
    return register(req, (err: any, resp: any) => {
      if (resp) entry.urn = resp.getUrn();
      cb(err, resp);
    });
  };
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req: any, cb: any) => {
    outputs.push({ urn: req.getUrn(), raw: req.getOutputs()?.toJavaScript() ?? {} });
    return registerOutputs(req, cb);
  };
  const all: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) all[k] = typeof v === "string" ? v : JSON.stringify(v);
  pulumi.runtime.setAllConfig(all);

  let value: unknown;
  await rt.runInPulumiStack(async () => {
    value = program();
    return value;
  });
  await rt.waitForRPCs();
  const result = await resolveDeep(value);
  for (const r of resources) {
    const e = rawByKey.get(`${r.type}::${r.name}`);
    if (!e) continue;
    Object.assign(r, { raw: e.raw, urn: e.urn, parent: e.parent, dependencies: e.deps, propertyDependencies: e.propDeps });
  }
  const byIdMap = new Map(resources.map((r) => [r.id, r]));
  return {
    resources,
    outputs,
    result,
    byType: (type) => resources.filter((r) => r.type === type),
    one: (type, name) => {
      const r = resources.find((x) => x.type === type && x.name === name);
      if (!r) throw new Error(`no ${type} named ${name}; have ${resources.filter((x) => x.type === type).map((x) => x.name).join(", ")}`);
      return r;
    },
    byId: (id) => byIdMap.get(id),
  };
}

async function resolveDeep(v: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(v)) return resolveDeep(await (v as any).promise());
  if (Array.isArray(v)) return Promise.all(v.map(resolveDeep));
  if (v && typeof v === "object" && !(v instanceof pulumi.Resource)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = await resolveDeep(x);
    return out;
  }
  return v;
}

/**
 * Paths where a string containing the password marker appears outside a secret wrapper. Walks raw
 * request payloads, in which secrets are still `{4dabf…: "1b47…", value}` objects.
 */
export function plaintextLeaks(value: unknown, path = "$"): string[] {
  if (typeof value === "string") return value.includes(PASSWORD_MARKER) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => plaintextLeaks(v, `${path}[${i}]`));
  if (value && typeof value === "object") {
    if (SECRET_SIG in value && (value as any)[SECRET_SIG] === "1b47061264138c4ac30d75fd1eb44270") return [];
    return Object.entries(value).flatMap(([k, v]) => plaintextLeaks(v, `${path}.${k}`));
  }
  return [];
}

/** True when the raw value (or a part of it) is a secret wrapper containing the marker. */
export function secretWrapped(value: unknown): boolean {
  return !!value && typeof value === "object" && (value as any)[SECRET_SIG] !== undefined && JSON.stringify(value).includes(PASSWORD_MARKER);
}
