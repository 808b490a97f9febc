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
import { answerInvoke, DEFAULT_ACCOUNT_ID, DEFAULT_REGION, subnetFacts, UnansweredInvokeError, type InvokeRecord } from "./invokes";
import { callerSite, RegistrationLedger } from "./tripwire";
import type { EngineJob } from "./protocol";
import { applyConstructResult, childRequest, RemoteComponents, zonesOf } from "./remote";
import type { ProgramRun, RegisteredResource } from "./types";
import { UNKNOWN_SENTINELS } from "./wire";
import { OutputShapes, placeholderArn, placeholderId, SymbolicAnswers, type UnknownsMode } from "./symbolic";
import { sdkRequire } from "./sdk-tuning";
import { findAnswer, referencedOutputs, secretOutputNames, STACK_REFERENCE_TYPE, type UnansweredReference } from "./stack-references";

const UNKNOWN = [...UNKNOWN_SENTINELS][0];
const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

function hex(seed: string, n: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, n);
}

/** Providers get UUIDs, as the engine gives them. */
function providerId(urn: string): string {
  return `${hex(urn, 8)}-0000-4000-8000-${hex(urn + "#", 12)}`;
}

/** The recorder of the job the worker is running (invoke-site wrappers are installed once per SDK copy). */
let activeRecorder: RecordingMonitor | undefined;

export class RecordingMonitor {
  private readonly records: RegisteredResource[] = [];
  private readonly defaultProviders = new Map<string, RegisteredResource>();
  private rootOutputs: Record<string, unknown> | undefined;
  private readonly region: string;
  private remote?: RemoteComponents;
  private readonly mode: UnknownsMode;
  private readonly symbolicAnswers: SymbolicAnswers;

  /** Every registration the program started; checked against the records when it has finished (./tripwire.ts). */
  readonly ledger: RegistrationLedger;
  /** What each invoke was answered with, in call order. */
  readonly invokes: InvokeRecord[] = [];
  /** Invokes without an answer: each fails the run, even when the program caught the error. */
  readonly unanswered: UnansweredInvokeError[] = [];
  /** StackReferences no answer was given for (./stack-references.ts): each fails the run. */
  readonly unansweredReferences: UnansweredReference[] = [];
  /** Where the user's code called each invoke token (file:line), for messages. */
  private readonly invokeSites = new Map<string, Set<string>>();
  /** Subnets outside the stack that answers described (the default VPC's): passed to the pack (policies/model/offline-facts.ts). */
  readonly subnets: ReturnType<typeof subnetFacts> = [];

  constructor(private readonly job: EngineJob) {
    this.region = job.config["aws:region"]?.value ?? DEFAULT_REGION;
    this.mode = job.unknowns ?? (job.preview ? "preview" : "known");
    this.symbolicAnswers = new SymbolicAnswers(new OutputShapes(job.projectDir), { region: this.region, accountId: DEFAULT_ACCOUNT_ID });
    this.ledger = new RegistrationLedger((frames) => this.fileLine(frames));
  }

  readonly mocks = {
    // Only `.get()` reads reach this: registrations are answered by the recorder itself (attach()).
    newResource: (args: { type: string; name: string; inputs: any; id?: string }) => ({ id: args.id ?? "", state: args.inputs }),
    // Invokes and calls are answered by attach()'s monitor.invoke/monitor.call; this serves an SDK that asks the mocks.
    call: (args: { token: string; inputs: any; provider?: string }) => this.answer(args.token, args.inputs ?? {}, args.provider ?? ""),
  };

  /**
   * The one answer path of every invoke form: getX (awaited), getXOutput, runtime.invoke / invokeOutput /
   * invokeSingle(Output), and provider methods (runtime.call). An explicit provider's region is honoured.
   */
  private answer(token: string, inputs: Record<string, any>, providerRef: string): Record<string, unknown> {
    let region = this.region;
    const provider = providerRef ? this.records.find((r) => r.urn === providerRef.split("::").slice(0, -1).join("::")) : undefined;
    if (typeof provider?.inputs.region === "string" && !UNKNOWN_SENTINELS.has(provider.inputs.region)) region = provider.inputs.region;
    if (token.startsWith("pulumi:providers:")) inputs = { ...inputs, __providerInputs: provider?.inputs ?? {} };
    try {
      const ctx = { region, accountId: DEFAULT_ACCOUNT_ID };
      const record = answerInvoke(token, inputs, ctx, this.job.invokes ?? []);
      this.invokes.push(record);
      this.subnets.push(...subnetFacts(record, ctx));
      return record.result;
    } catch (e) {
      if (e instanceof UnansweredInvokeError) this.unanswered.push(e);
      // The SDK rethrows a failed invoke as new Error(err.details), as it would for a gRPC status.
      (e as { details?: string }).details = (e as Error).message;
      throw e;
    }
  }

  /** file:line of the user's calls of an invoke token, as one string. */
  sitesOf(token: string): string[] {
    return [...(this.invokeSites.get(token) ?? [])];
  }

  /**
   * Notes where the program calls each invoke: the SDK's invoke request carries no source position, and the
   * answer is computed later, off the program's stack. Every exported invoke/call function is wrapped, on
   * the runtime module and on its re-export (older SDKs copy the functions into runtime/index).
   */
  private watchInvokeSites(): void {
    activeRecorder = this;
    const names = ["invoke", "invokeOutput", "invokeSingle", "invokeSingleOutput", "call", "callSingle"];
    for (const id of ["@pulumi/pulumi/runtime/invoke", "@pulumi/pulumi/runtime"]) {
      const mod = require(id);
      for (const name of names) {
        const fn = mod[name];
        if (typeof fn !== "function" || fn.__bulkheadSites) continue;
        // A worker runs several jobs: the wrappers, installed once, note sites for the job running now.
        const wrapped = function (this: unknown, token: string, ...rest: unknown[]) {
          const recorder = activeRecorder;
          const site = recorder && callerSite(recorder.job.displayRoot);
          if (recorder && site) {
            let set = recorder.invokeSites.get(token);
            if (!set) recorder.invokeSites.set(token, (set = new Set()));
            set.add(site);
          }
          return fn.call(this, token, ...rest);
        };
        wrapped.__bulkheadSites = true;
        try {
          mod[name] = wrapped;
        } catch {
          // A getter-only re-export (newer TypeScript output) follows the runtime module's own export.
        }
      }
    }
  }

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
    return this.fileLine(frames);
  }

  private fileLine(frames: Array<{ uri: string; line: number }>): string | null {
    // The SDK's own position is the constructor call; for providers and the root stack it sits in
    // node_modules, and the first frame of the user's code is the useful one.
    for (const f of frames) {
      if (!f.uri) continue;
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
      // The run assumed the default region when aws:region is unset (child.ts): the provider says so too.
      if (pkg === "aws" && inputs.region === undefined) inputs.region = this.region;
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
    // "@pulumi/pulumi/…" is the SDK copy the program uses (./sdk-tuning.ts selectSdk); protobuf classes come from its own install.
    const { RegisterResourceResponse, ResourceInvokeResponse } = require("@pulumi/pulumi/proto/resource_pb");
    const { CallResponse, InvokeResponse } = require("@pulumi/pulumi/proto/provider_pb");
    // SDKs before ResourceInvokeResponse (3.228 and older) answer invokes with the provider's InvokeResponse.
    const InvokeAnswer = ResourceInvokeResponse ?? InvokeResponse;
    const { Value, Struct } = sdkRequire("google-protobuf/google/protobuf/struct_pb");
    const rpc = require("@pulumi/pulumi/runtime/rpc");
    this.ledger.install(require("@pulumi/pulumi/runtime/resource"));
    this.watchInvokeSites();
    const mockInvoke = monitor.invoke?.bind(monitor);
    // Registration answers by URN, for rehydrating resource references (read only on a getResource invoke).
    const registered = new Map<string, any>();
    const fail = (callback: (err: any, resp: any) => void, e: unknown) => {
      const message = e instanceof Error ? e.message : String(e);
      callback(Object.assign(new Error(message), { details: message }), undefined);
    };
    monitor.invoke = async (req: any, callback: (err: any, resp: any) => void) => {
      const token: string = req.getTok();
      // Rehydrating a resource by URN is the mock's own bookkeeping.
      if (token === "pulumi:pulumi:getResource") {
        // A resource passed where its id is expected (`role: role`) comes back as a reference the SDK rehydrates
        // by URN; registrations bypass the mock's bookkeeping, so the answer comes from the registration itself.
        const urn = req.getArgs()?.toJavaScript()?.urn;
        const known = typeof urn === "string" && !monitor.resources?.has?.(urn) ? registered.get(urn) : undefined;
        if (known) {
          const resp = new InvokeAnswer();
          resp.setReturn(Struct.fromJavaScript({ urn, id: known.getId() || null, state: known.getObject().toJavaScript() }));
          return callback(null, resp);
        }
        if (mockInvoke) return mockInvoke(req, (err: any, resp: any) => (err ? fail(callback, err) : callback(null, resp)));
      }
      try {
        const result = this.answer(token, rpc.deserializeProperties(req.getArgs()), req.getProvider());
        const resp = new InvokeAnswer();
        resp.setReturn(Struct.fromJavaScript(await rpc.serializeProperties("", result)));
        callback(null, resp);
      } catch (e) {
        fail(callback, e);
      }
    };
    const mockRead = monitor.readResource.bind(monitor);
    monitor.readResource = (req: any, callback: (err: any, resp: any) => void) => {
      if (req.getType() !== STACK_REFERENCE_TYPE) return mockRead(req, callback);
      this.readStackReference(req, monitor, callback);
    };
    // The SDK's mock monitor has no call(): provider methods (aws.Provider#terraformConfig) rejected with a TypeError.
    monitor.call = async (req: any, callback: (err: any, resp: any) => void) => {
      try {
        // Wire form: deserialising `__self__` would rehydrate the provider object through yet another invoke.
        const args = req.getArgs()?.toJavaScript() ?? {};
        const selfUrn = args.__self__?.urn;
        const provider = typeof selfUrn === "string" ? `${selfUrn}::` : req.getProvider();
        delete args.__self__;
        const result = this.answer(req.getTok(), args, provider);
        const resp = new CallResponse();
        resp.setReturn(Struct.fromJavaScript(await rpc.serializeProperties("", result)));
        callback(null, resp);
      } catch (e) {
        fail(callback, e);
      }
    };
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
          const symbolic = this.mode === "symbolic" && record.custom && !isProvider ? this.symbolicAnswers.answer(record, record.inputs) : undefined;
          const ctx = { region: this.region, accountId: DEFAULT_ACCOUNT_ID };
          record.id =
            req.getImportid() || (!record.custom ? undefined : isProvider ? providerId(record.urn) : symbolic?.id ?? placeholderId(record.type, record.urn, record.name, ctx));
          const fields = object.getFieldsMap();
          const answers = this.mode === "known" ? this.knownOutputs(record) : symbolic?.outputs ?? {};
          for (const k in answers) if (!fields.has(k)) fields.set(k, Value.fromJavaScript(answers[k]));
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
        registered.set(record.urn, resp);
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

  /**
   * A StackReference, answered from the referenced stack's outputs the job carries (./stack-references.ts) and
   * recorded as the read resource it is (the pack sees it, as under the Pulumi CLI; provenance names it).
   */
  private readStackReference(req: any, monitor: any, callback: (err: any, resp: any) => void): void {
    const name: string = req.getId();
    const source = this.source(req);
    const answer = findAnswer(name, this.job.projectName, this.job.stackReferences ?? []);
    if (!answer) {
      this.unansweredReferences.push({ name, source });
      const message = `StackReference "${name}" has no offline answer`;
      return callback(Object.assign(new Error(message), { details: message }), undefined);
    }
    const { ReadResourceResponse } = require("@pulumi/pulumi/proto/resource_pb");
    const { Struct } = sdkRequire("google-protobuf/google/protobuf/struct_pb");
    const parent: string = req.getParent();
    const urn = this.engineUrn(parent, STACK_REFERENCE_TYPE, req.getName());
    const outputs = referencedOutputs(answer.outputs, urn);
    const state = { name, outputs, secretOutputNames: secretOutputNames(answer.outputs) };
    this.records.push({
      urn,
      type: STACK_REFERENCE_TYPE,
      name: req.getName(),
      custom: true,
      ...(parent ? { parent } : {}),
      inputs: { ...state, answeredBy: answer.from },
      dependencies: [],
      propertyDependencies: {},
      source,
      id: name,
    });
    monitor.resources?.set?.(urn, { urn, id: name, state });
    const resp = new ReadResourceResponse();
    resp.setUrn(urn);
    resp.setProperties(Struct.fromJavaScript(state));
    callback(null, resp);
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
