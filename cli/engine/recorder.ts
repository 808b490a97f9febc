/**
 * Records what the Pulumi engine would see of a program run under the SDK's mock monitor:
 * engine-shaped URNs, parents, providers (default providers synthesised as the engine creates
 * them), dependencies, wire-form inputs and source positions. What a new resource's outputs are depends on the
 * job's unknowns mode (./symbolic.ts): symbolic placeholders (default), preview unknowns (every output not echoed
 * from the inputs stays unknown, as in `pulumi preview`), or assumed-known values.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { answerInvoke, DEFAULT_ACCOUNT_ID, DEFAULT_REGION } from "./invokes";
import type { EngineJob } from "./protocol";
import { applyConstructResult, childRequest, RemoteComponents, zonesOf } from "./remote";
import type { ProgramRun, RegisteredResource } from "./types";
import { UNKNOWN_SENTINELS } from "./wire";
import { OutputShapes, placeholderArn, placeholderId, symbolicOutputs, type UnknownsMode } from "./symbolic";

const UNKNOWN = [...UNKNOWN_SENTINELS][0];
const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

function hex(seed: string, n: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, n);
}

/** Providers get UUIDs, as the engine gives them. */
function providerId(urn: string): string {
  return `${hex(urn, 8)}-0000-4000-8000-${hex(urn + "#", 12)}`;
}

export class RecordingMonitor {
  private readonly records: RegisteredResource[] = [];
  private readonly defaultProviders = new Map<string, RegisteredResource>();
  private rootOutputs: Record<string, unknown> | undefined;
  private readonly region: string;
  private remote?: RemoteComponents;
  private readonly mode: UnknownsMode;
  private readonly shapes: OutputShapes;

  constructor(private readonly job: EngineJob) {
    this.region = job.config["aws:region"]?.value ?? DEFAULT_REGION;
    this.mode = job.unknowns ?? (job.preview ? "preview" : "known");
    this.shapes = new OutputShapes(job.projectDir);
  }

  readonly mocks = {
    // Only `.get()` reads reach this: registrations are answered by the recorder itself (attach()).
    newResource: (args: { type: string; name: string; inputs: any; id?: string }) => ({ id: args.id ?? "", state: args.inputs }),
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
        dependencies: [],
        propertyDependencies: {},
        source: null,
        id: this.mode === "preview" ? undefined : providerId(urn),
      };
      this.defaultProviders.set(key, p);
      this.records.push(p);
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
    const { RegisterResourceResponse } = require("@pulumi/pulumi/proto/resource_pb");
    const { Value } = require("google-protobuf/google/protobuf/struct_pb");
    // Answered here rather than through the SDK's MockMonitor: echoing the request's own Struct
    // avoids deserialising and re-serialising every resource's inputs (the mock's newResource path),
    // which dominated registration time at thousands of resources.
    monitor.registerResource = (req: any, callback: (err: any, resp: any) => void) => {
      try {
        const record = this.record(req);
        const resp = new RegisterResourceResponse();
        resp.setUrn(record.urn);
        const object = req.getObject();
        if (this.mode !== "preview") {
          const isProvider = record.type.startsWith("pulumi:providers:");
          record.id = req.getImportid() || (!record.custom ? undefined : isProvider ? providerId(record.urn) : placeholderId(record.type, record.urn, record.name));
          const fields = object.getFieldsMap();
          const answers = this.mode === "known" ? this.knownOutputs(record) : record.custom && !isProvider ? this.symbolic(record) : {};
          for (const [k, v] of Object.entries(answers)) if (!fields.has(k)) fields.set(k, Value.fromJavaScript(v));
        }
        // An empty id is unknown to the SDK: a preview of a new resource.
        resp.setId(record.id ?? "");
        resp.setObject(object);
        // A multi-language component: its children are registered (through this same function) before it is answered.
        if (req.getRemote() && this.remote) {
          // The response object is answered separately from the recorded inputs (record.inputs is already a copy).
          resp.setObject(object.clone());
          this.remote.construct(req, record.urn).then((result) => {
            applyConstructResult(resp, result);
            // Other components take it as an input (a node group's `cluster`): the SDK reads it back by URN.
            monitor.resources?.set?.(record.urn, { urn: record.urn, id: null, state: resp.getObject().toJavaScript() });
            callback(null, resp);
          }, (err) => callback(err, undefined));
          return;
        }
        callback(null, resp);
      } catch (err) {
        callback(err, undefined);
      }
    };
    // Only the root stack's outputs matter; the mock's own bookkeeping is bypassed like registrations.
    const invoke = (token: string, inputs: Record<string, unknown>) => this.mocks.call({ token, inputs });
    let zones: string[] | undefined;
    const region = this.region;
    this.remote = new RemoteComponents(
      {
        region,
        accountId: DEFAULT_ACCOUNT_ID,
        // Looked up on first use only: a program without remote components makes no lookup.
        get zones() {
          return (zones ??= zonesOf(invoke, region));
        },
        unknowns: this.mode,
        invoke,
      },
      (child, component) =>
        new Promise((resolve, reject) =>
          monitor.registerResource(childRequest(component, child), (err: unknown, resp: any) => {
            if (err) return reject(err);
            const done = { urn: resp.getUrn(), id: resp.getId(), outputs: resp.getObject()?.toJavaScript() ?? {} };
            // A component output that is a child resource (lb.loadBalancer) is read back by URN through the mock.
            monitor.resources?.set?.(done.urn, { urn: done.urn, id: done.id || null, state: done.outputs });
            resolve(done);
          }),
        ),
    );
    monitor.registerResourceOutputs = (req: any, callback: (err: any, resp: any) => void) => {
      if (req.getUrn().split("::")[2] === ROOT_STACK_TYPE) this.rootOutputs = req.getOutputs()?.toJavaScript() ?? {};
      callback(null, {});
    };
  }

  /** Symbolic unknowns: placeholders for the outputs a preview leaves unknown (see ./symbolic.ts). */
  private symbolic(r: RegisteredResource): Record<string, string> {
    return symbolicOutputs(this.shapes, r, r.inputs, { region: this.region, accountId: DEFAULT_ACCOUNT_ID });
  }

  /** --assume-known: the output-only values programs most often pass on (ARNs, endpoints, DNS names). */
  private knownOutputs(r: RegisteredResource): Record<string, string> {
    if (!r.type.startsWith("aws:") || !r.custom) return {};
    const out: Record<string, string> = { arn: placeholderArn(r.type, r.urn, r.name, { region: this.region, accountId: DEFAULT_ACCOUNT_ID }) };
    const host = (svc: string) => `${r.name}.${hex(r.urn, 12)}.${this.region}.${svc}.amazonaws.com`;
    if (r.type === "aws:rds/instance:Instance") {
      out.address = host("rds");
      const port = r.inputs.port ?? (String(r.inputs.engine ?? "").includes("mysql") || String(r.inputs.engine ?? "").includes("maria") ? 3306 : 5432);
      out.endpoint = `${out.address}:${port}`;
    } else if (r.type === "aws:rds/cluster:Cluster") {
      out.endpoint = host("rds");
      out.readerEndpoint = host("rds").replace(r.name, `${r.name}.cluster-ro`);
    } else if (r.type === "aws:lb/loadBalancer:LoadBalancer") {
      out.dnsName = `${r.name}-${hex(r.urn, 8)}.${this.region}.elb.amazonaws.com`;
    }
    return out;
  }

  private record(req: any): RegisteredResource {
    const type: string = req.getType();
    const name: string = req.getName();
    const parent: string = req.getParent();
    const custom: boolean = req.getCustom();
    const urn = this.engineUrn(parent, type, name);
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
      dependencies: req.getDependenciesList(),
      propertyDependencies,
      source: this.source(req),
    };
    this.records.push(record);
    return record;
  }

  stackOutputs(): Record<string, unknown> | undefined {
    return this.rootOutputs;
  }

  result(outputs: Record<string, unknown>): ProgramRun {
    return {
      project: this.job.projectName,
      stack: this.job.stack,
      preview: this.job.preview,
      unknowns: this.mode,
      resources: this.records,
      outputs,
      unexpanded: this.remote?.unexpanded() ?? [],
      unexpandedUrns: this.remote?.reasons ?? {},
    };
  }
}
