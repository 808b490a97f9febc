/**
 * Records what the Pulumi engine would see of a program run under the SDK's mock monitor:
 * engine-shaped URNs, parents, providers (default providers synthesised as the engine creates
 * them), dependencies, wire-form inputs and source positions. Preview semantics come from the
 * mocks: a new resource's id and every output it does not echo from its inputs stay unknown.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { answerInvoke, DEFAULT_ACCOUNT_ID, DEFAULT_REGION } from "./invokes";
import type { EngineJob } from "./protocol";
import type { ProgramRun, RegisteredResource } from "./types";
import { UNKNOWN_SENTINELS } from "./wire";

const UNKNOWN = [...UNKNOWN_SENTINELS][0];
const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/** Id prefixes AWS uses, so --assume-known ids look like the real thing in reviews. */
const ID_PREFIXES: Record<string, string> = {
  "aws:ec2/vpc:Vpc": "vpc",
  "aws:ec2/subnet:Subnet": "subnet",
  "aws:ec2/securityGroup:SecurityGroup": "sg",
  "aws:ec2/instance:Instance": "i",
  "aws:ec2/internetGateway:InternetGateway": "igw",
  "aws:ec2/natGateway:NatGateway": "nat",
  "aws:ec2/routeTable:RouteTable": "rtb",
  "aws:ec2/eip:Eip": "eipalloc",
  "aws:ec2/launchTemplate:LaunchTemplate": "lt",
  "aws:ec2/networkInterface:NetworkInterface": "eni",
  "aws:ec2/networkAcl:NetworkAcl": "acl",
  "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
  "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": "pcx",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
};

function hex(seed: string, n: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, n);
}

function fakeId(type: string, urn: string): string {
  const prefix = ID_PREFIXES[type];
  return prefix ? `${prefix}-${hex(urn, 17)}` : `${urn.split("::").pop()}-${hex(urn, 8)}`;
}

export class RecordingMonitor {
  private readonly records: RegisteredResource[] = [];
  private readonly pending = new Set<Promise<void>>();
  private readonly defaultProviders = new Map<string, RegisteredResource>();
  private readonly byUrn = new Map<string, RegisteredResource>();
  private rootOutputs: Record<string, unknown> | undefined;
  private readonly region: string;

  constructor(private readonly job: EngineJob) {
    this.region = job.config["aws:region"]?.value ?? DEFAULT_REGION;
  }

  readonly mocks = {
    newResource: (args: { type: string; name: string; inputs: any; id?: string; custom?: boolean }) => {
      if (this.job.preview) return { id: undefined as unknown as string, state: args.inputs };
      // --assume-known: ids are derived from the URN the recorder assigns in the same turn.
      const urn = this.lastUrn.get(`${args.type}::${args.name}`) ?? `${args.type}::${args.name}`;
      const id = args.custom === false ? undefined : args.id || fakeId(args.type, urn);
      const state: Record<string, unknown> = { ...args.inputs };
      if (args.type.startsWith("aws:") && state.arn === undefined) {
        const service = args.type.split(":")[1].split("/")[0];
        state.arn = `arn:aws:${service}:${this.region}:${DEFAULT_ACCOUNT_ID}:${args.name}`;
      }
      return { id: id as string, state };
    },
    call: (args: { token: string; inputs: any }) => {
      try {
        return answerInvoke(args.token, args.inputs, { region: this.region, accountId: DEFAULT_ACCOUNT_ID });
      } catch (e) {
        // The SDK rethrows a failed invoke as new Error(err.details), as it would for a gRPC status.
        (e as { details?: string }).details = (e as Error).message;
        throw e;
      }
    },
  };

  private readonly lastUrn = new Map<string, string>();

  private engineUrn(parent: string, type: string, name: string): string {
    let qualified = type;
    if (parent) {
      const parentType = parent.split("::")[2];
      if (parentType !== ROOT_STACK_TYPE) qualified = `${parentType}$${type}`;
    }
    return `urn:pulumi:${this.job.stack}::${this.job.projectName}::${qualified}::${name}`;
  }

  private source(req: any): string | null {
    const pos = req.getSourceposition?.();
    const frames: Array<{ uri: string; line: number }> = [];
    if (pos?.getUri()) frames.push({ uri: pos.getUri(), line: pos.getLine() });
    for (const f of req.getStacktrace?.()?.getFramesList?.() ?? []) {
      const pc = f.getPc();
      if (pc?.getUri()) frames.push({ uri: pc.getUri(), line: pc.getLine() });
    }
    // The SDK's own position is the constructor call; for providers and the root stack it sits in
    // node_modules, and the first frame of the user's code is the useful one.
    for (const f of frames) {
      const file = f.uri.startsWith("file:") ? fileURLToPath(f.uri) : f.uri;
      if (file.includes(`${path.sep}node_modules${path.sep}`) || file.startsWith(__dirname)) continue;
      return `${path.relative(this.job.displayRoot, file) || file}:${f.line}`;
    }
    return null;
  }

  private defaultProvider(pkg: string, version: string): RegisteredResource {
    const key = `${pkg}@${version}`;
    let p = this.defaultProviders.get(key);
    if (!p) {
      const name = `default${version ? `_${version.replace(/[.+-]/g, "_")}` : ""}`;
      const urn = `urn:pulumi:${this.job.stack}::${this.job.projectName}::pulumi:providers:${pkg}::${name}`;
      const inputs: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(this.job.config)) if (k.startsWith(`${pkg}:`)) inputs[k.slice(pkg.length + 1)] = v.value;
      if (version) inputs.version = version;
      p = {
        urn,
        type: `pulumi:providers:${pkg}`,
        name,
        custom: true,
        inputs,
        outputs: inputs,
        dependencies: [],
        propertyDependencies: {},
        source: null,
        id: this.job.preview ? undefined : hex(urn, 8) + "-" + hex(urn + "id", 4) + "-4" + hex(urn, 3) + "-a" + hex(urn, 3) + "-" + hex(urn, 12),
      };
      this.defaultProviders.set(key, p);
      this.records.push(p);
      this.byUrn.set(urn, p);
    }
    return p;
  }

  private packageVersion(pkg: string): string {
    try {
      return require(`@pulumi/${pkg}/package.json`).version;
    } catch {
      return "";
    }
  }

  attach(monitor: any): void {
    monitor.newUrn = (parent: string, type: string, name: string) => this.engineUrn(parent, type, name);
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: any, resp: any) => void) => {
      const type: string = req.getType();
      const name: string = req.getName();
      const parent: string = req.getParent();
      const custom: boolean = req.getCustom();
      const urn = this.engineUrn(parent, type, name);
      this.lastUrn.set(`${type}::${name}`, urn);
      let provider: string | undefined = req.getProvider() || undefined;
      if (!provider && custom && !type.startsWith("pulumi:providers:")) {
        const pkg = type.split(":")[0];
        const p = this.defaultProvider(pkg, req.getVersion() || this.packageVersion(pkg));
        provider = `${p.urn}::${p.id ?? UNKNOWN}`;
      }
      const propertyDependencies: Record<string, string[]> = {};
      for (const [k, v] of req.getPropertydependenciesMap().entries()) propertyDependencies[k] = v.getUrnsList();
      const record: RegisteredResource = {
        urn,
        type,
        name,
        custom,
        ...(parent ? { parent } : {}),
        ...(provider ? { provider } : {}),
        inputs: req.getObject()?.toJavaScript() ?? {},
        outputs: {},
        dependencies: req.getDependenciesList(),
        propertyDependencies,
        source: this.source(req),
      };
      this.records.push(record);
      this.byUrn.set(urn, record);
      let finish!: () => void;
      const done = new Promise<void>((r) => (finish = r));
      this.pending.add(done);
      register(req, (err: any, resp: any) => {
        if (!err && resp) {
          const id = resp.getId();
          if (id) record.id = id;
          record.outputs = resp.getObject()?.toJavaScript() ?? {};
        }
        this.pending.delete(done);
        finish();
        callback(err, resp);
      });
    };
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req: any, callback: (err: any, resp: any) => void) => {
      if (req.getUrn().split("::")[2] === ROOT_STACK_TYPE) this.rootOutputs = req.getOutputs()?.toJavaScript() ?? {};
      else {
        const r = this.byUrn.get(req.getUrn());
        if (r) r.outputs = req.getOutputs()?.toJavaScript() ?? {};
      }
      registerOutputs(req, callback);
    };
  }

  async settled(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  stackOutputs(): Record<string, unknown> | undefined {
    return this.rootOutputs;
  }

  result(outputs: Record<string, unknown>): ProgramRun {
    return {
      project: this.job.projectName,
      stack: this.job.stack,
      preview: this.job.preview,
      resources: this.records,
      outputs,
    };
  }
}
