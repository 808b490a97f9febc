/**
 * Talks to a CrossGuard policy pack through its own @pulumi/policy analyzer handlers, exactly as the
 * Pulumi engine does: GetAnalyzerInfo, Configure, Analyze per resource, AnalyzeStack once.
 *
 * In-process mode captures the handlers the pack hands to gRPC's `addService` (no port is opened);
 * isolated mode starts the pack the way the CLI does (`run-policy-pack`, cwd = pack dir) and speaks
 * gRPC to it. Both receive the very same protobuf requests, so their answers can be compared.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, fstatSync, mkdtempSync, openSync, readFileSync, readSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { CHANNEL_VERSION, RECORDS_FILE_ENV, SINK_KEY, type ChannelLine, type DiagnosticRecord, type DiagnosticSink, type RuleCard } from "../../policies/channel";
import type { RegisteredResource, PolicyInfo } from "./types";
import { RESOURCE_SIG, OUTPUT_SIG, SPECIAL_SIG_KEY, UNKNOWN_SENTINELS } from "./wire";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Handler = (call: { request: any }, callback: (err: any, resp?: any) => void) => void;

export interface Diagnostic {
  policyName: string;
  policyPackName: string;
  policyPackVersion: string;
  message: string;
  description: string;
  urn: string;
  enforcementLevel: "advisory" | "mandatory" | "remediate" | "disabled";
  /** The finding as data, from the pack's side channel (policies/channel.ts); absent for a pack that doesn't speak it. */
  record?: DiagnosticRecord;
}

export interface AnalyzerInfo {
  name: string;
  version: string;
  policies: PolicyInfo[];
  /** Initial config the pack ships: policy → {enforcementLevel?, ...properties}. */
  initialConfig: Record<string, Record<string, unknown>>;
  /** Config schema per policy, as JSON schema objects (properties + required). */
  schemas: Record<string, { properties: Record<string, unknown>; required: string[] } | undefined>;
}

export interface PolicyPackConnection {
  readonly mode: "in-process" | "isolated";
  /** True when the pack speaks the structured side channel: every diagnostic then carries its record. */
  readonly structured: boolean;
  info(): Promise<AnalyzerInfo>;
  configure(config: Record<string, { enforcementLevel?: string; [k: string]: unknown }>): Promise<void>;
  analyze(resource: RegisteredResource, provider: RegisteredResource | undefined): Promise<Diagnostic[]>;
  analyzeStack(resources: RegisteredResource[], providerOf: (r: RegisteredResource) => RegisteredResource | undefined): Promise<Diagnostic[]>;
  close(): Promise<void>;
}

export class PolicyPackError extends Error {}

const LEVELS = ["advisory", "mandatory", "disabled", "remediate"] as const;

/** Resolves the pack's own copies of the SDK modules: a pack must be judged by the SDK it ships with. */
function packRequire(packDir: string): NodeJS.Require {
  return createRequire(path.join(packDir, "package.json"));
}

export function validatePackDir(packDir: string): { entry: string } {
  const problems: string[] = [];
  if (!existsSync(path.join(packDir, "PulumiPolicy.yaml"))) problems.push(`${packDir}/PulumiPolicy.yaml is missing: a policy pack directory needs it (runtime: nodejs).`);
  const pkgPath = path.join(packDir, "package.json");
  let entry = "";
  if (!existsSync(pkgPath)) {
    problems.push(`${pkgPath} is missing: the policy SDK reads the pack's name and version from it.`);
  } else {
    try {
      const pkg = JSON.parse(readFileSync(pkgPath, "utf8"));
      if (!pkg.version) problems.push(`${pkgPath} has no "version": the Pulumi CLI refuses such a pack.`);
      try {
        entry = packRequire(packDir).resolve(packDir);
      } catch {
        problems.push(
          `the pack's entry (${pkg.main ?? "index.js"}) in ${packDir} does not exist: build the pack first (npm run build).`,
        );
      }
    } catch (e) {
      problems.push(`${pkgPath} is not valid JSON: ${(e as Error).message}`);
    }
  }
  if (problems.length) throw new PolicyPackError(`cannot load policy pack ${packDir}:\n  - ${problems.join("\n  - ")}`);
  return { entry };
}

function protos(packDir: string) {
  const req = packRequire(path.dirname(packRequire(packDir).resolve("@pulumi/policy/package.json")));
  return {
    analyzerPb: req("@pulumi/pulumi/proto/analyzer_pb"),
    analyzerGrpc: req("@pulumi/pulumi/proto/analyzer_grpc_pb"),
    structPb: req("google-protobuf/google/protobuf/struct_pb"),
    emptyPb: req("google-protobuf/google/protobuf/empty_pb"),
    grpc: req("@grpc/grpc-js"),
  };
}

type Protos = ReturnType<typeof protos>;

function levelName(n: number): Diagnostic["enforcementLevel"] {
  return LEVELS[n] ?? "advisory";
}

function toDiagnostics(resp: any): Diagnostic[] {
  return resp.getDiagnosticsList().map((d: any) => ({
    policyName: d.getPolicyname(),
    policyPackName: d.getPolicypackname(),
    policyPackVersion: d.getPolicypackversion(),
    message: d.getMessage(),
    description: d.getDescription(),
    urn: d.getUrn(),
    enforcementLevel: levelName(d.getEnforcementlevel()),
  }));
}

/**
 * Pairs each diagnostic of one call with its structured record by (policy, urn, reported message). A pack that said
 * hello owes a record for every diagnostic and no more: a diagnostic without its record (or a record without its
 * diagnostic) is a bug of the pack's side channel, and the run says so instead of reading the text.
 */
export function attachRecords(call: string, diags: Diagnostic[], records: DiagnosticRecord[], structured: boolean): Diagnostic[] {
  if (!structured) {
    if (records.length) throw new PolicyPackError(`${call}: the pack sent ${records.length} structured record(s) without saying hello on the side channel (policies/channel.ts)`);
    return diags;
  }
  const key = (policy: string, urn: string, message: string) => `${policy}\u0000${urn}\u0000${message}`;
  const pool = new Map<string, DiagnosticRecord[]>();
  for (const r of records) {
    const k = key(r.policy, r.urn, r.reported);
    const list = pool.get(k);
    if (list) list.push(r);
    else pool.set(k, [r]);
  }
  const missing: Diagnostic[] = [];
  const out = diags.map((d) => {
    const record = pool.get(key(d.policyName, d.urn, d.message))?.shift();
    if (!record) missing.push(d);
    return record ? { ...d, record } : d;
  });
  const extra = [...pool.values()].flat();
  if (missing.length || extra.length) {
    const first = (m: string) => m.split("\n")[0].slice(0, 160);
    const lines = [
      ...missing.map((d) => `diagnostic without a record: ${d.policyName} on ${d.urn || "(no resource)"}: ${first(d.message)}`),
      ...extra.map((r) => `record without a diagnostic: ${r.policy} on ${r.urn || "(no resource)"}: ${first(r.reported)}`),
    ];
    throw new PolicyPackError(`${call}: the pack's structured findings do not match its diagnostics (a bug in the side channel, policies/channel.ts):\n  - ${lines.join("\n  - ")}`);
  }
  return out;
}

function checkVersion(version: string): void {
  if (version !== CHANNEL_VERSION)
    throw new PolicyPackError(`the policy pack records findings as ${version}, this engine reads ${CHANNEL_VERSION}: build the pack and the CLI from the same source (npm run build)`);
}

/** JSON round trip: in process the records are the pack's own objects, over a file they are JSON; both read alike. */
function plain(r: DiagnosticRecord): DiagnosticRecord {
  return JSON.parse(JSON.stringify(r));
}

/** The engine's in-process end of the side channel: one per process, like the pack it listens to. */
class InProcessSink implements DiagnosticSink {
  version: string | undefined;
  rules: RuleCard[] = [];
  records: DiagnosticRecord[] = [];
  hello(version: string, rules: RuleCard[]) {
    this.version = version;
    this.rules = JSON.parse(JSON.stringify(rules ?? []));
  }
  record(r: DiagnosticRecord) {
    this.records.push(plain(r));
  }
  take(): DiagnosticRecord[] {
    const out = this.records;
    this.records = [];
    return out;
  }
}

/** The engine's end of the side channel for a pack in its own process: the JSON-lines file the pack appends to. */
class RecordsFile {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), "bulkhead-records-"));
  readonly file = path.join(this.dir, "records.jsonl");
  private fd: number | undefined;
  private offset = 0;
  private partial = "";
  version: string | undefined;
  rules: RuleCard[] = [];

  /** The records appended since the last read (the pack writes them before it answers the call). */
  take(): DiagnosticRecord[] {
    if (this.fd === undefined) {
      if (!existsSync(this.file)) return [];
      this.fd = openSync(this.file, "r");
    }
    const size = fstatSync(this.fd).size;
    if (size <= this.offset) return [];
    const buf = Buffer.alloc(size - this.offset);
    let n = 0;
    while (n < buf.length) n += readSync(this.fd, buf, n, buf.length - n, this.offset + n);
    this.offset = size;
    const text = this.partial + buf.toString("utf8");
    const lines = text.split("\n");
    this.partial = lines.pop() ?? "";
    const out: DiagnosticRecord[] = [];
    for (const l of lines) {
      if (!l) continue;
      const line = JSON.parse(l) as ChannelLine;
      if ("hello" in line) {
        this.version = line.hello;
        this.rules = line.rules ?? [];
      }
      else out.push(line.record);
    }
    return out;
  }

  /** Idempotent: called by close() and when the pack's process exits, whichever comes first. */
  close() {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * The pack's metadata: what GetAnalyzerInfo says, with each rule's fix, controls and `resolves` as data when the pack
 * speaks the side channel (reports never read them back out of the description's prose).
 */
function toInfo(resp: any, cards: readonly RuleCard[] = []): AnalyzerInfo {
  const card = new Map(cards.map((c) => [c.id, c]));
  const initialConfig: AnalyzerInfo["initialConfig"] = {};
  for (const [k, v] of resp.getInitialconfigMap().entries()) {
    initialConfig[k] = { ...(v.getProperties()?.toJavaScript() ?? {}), enforcementLevel: levelName(v.getEnforcementlevel()) };
  }
  const schemas: AnalyzerInfo["schemas"] = {};
  const policies: PolicyInfo[] = resp.getPoliciesList().map((p: any) => {
    const schema = p.getConfigschema();
    schemas[p.getName()] = schema
      ? { properties: schema.getProperties()?.toJavaScript() ?? {}, required: schema.getRequiredList() }
      : undefined;
    return {
      name: p.getName(),
      displayName: p.getDisplayname(),
      description: p.getDescription(),
      enforcementLevel: levelName(p.getEnforcementlevel()),
      configSchema: schemas[p.getName()],
      ...(card.has(p.getName()) ? { fix: card.get(p.getName())!.fix, controls: card.get(p.getName())!.controls, resolves: card.get(p.getName())!.resolves } : {}),
    };
  });
  return { name: resp.getName(), version: resp.getVersion(), policies, initialConfig, schemas };
}

const UNKNOWN = [...UNKNOWN_SENTINELS][0];

/**
 * Properties as the engine marshals them for analyzers: resource references become the referenced
 * resource's id (custom) or URN (component), output values their value or an unknown.
 */
export function toAnalyzerWire(v: unknown): unknown {
  if (Array.isArray(v)) {
    const w = v.map(toAnalyzerWire);
    return w.every((x, i) => x === v[i]) ? v : w;
  }
  if (v === null || typeof v !== "object") return v;
  const o = v as Record<string, unknown>;
  const sig = o[SPECIAL_SIG_KEY];
  if (sig === RESOURCE_SIG) return typeof o.id === "string" ? (o.id === "" ? UNKNOWN : o.id) : o.urn;
  if (sig === OUTPUT_SIG) return "value" in o ? toAnalyzerWire(o.value) : UNKNOWN;
  // Copies only what changes: most inputs hold no reference or output, and the analyzer form is read-only, so an
  // unchanged subtree is shared with the record instead of doubling the stack's properties in memory.
  let out: Record<string, unknown> | undefined;
  for (const k in o) {
    const val = o[k];
    const w = toAnalyzerWire(val);
    if (w !== val && !out) {
      out = {};
      for (const k2 in o) {
        if (k2 === k) break;
        out[k2] = o[k2];
      }
    }
    if (out) out[k] = w;
  }
  return out ?? o;
}

/** As the Pulumi engine marshals them for AnalyzeStack: properties without dependencies are left out. */
function analyzerPropertyDependencies(r: RegisteredResource): Array<[string, string[]]> {
  return Object.entries(r.propertyDependencies).filter(([, urns]) => urns.length > 0);
}

/*
 * Read-only stand-ins for the analyzer's protobuf messages, answering the getters the SDK calls. Classes
 * rather than object literals: one view per resource per call, and closures per getter were a tenth of the
 * pack's evaluation at 5,000 resources.
 */
const NONE: readonly string[] = Object.freeze([]);

/** A Struct as the SDK uses it: only `toJavaScript()` is read, and the SDK copies what it returns. */
class DecodedStruct {
  constructor(private readonly value: Record<string, unknown>) {}
  toJavaScript() {
    return this.value;
  }
}

class UrnList {
  constructor(private readonly urns: string[]) {}
  getUrnsList() {
    return this.urns;
  }
}

const NO_DEPENDENCIES: ReadonlyMap<string, UrnList> = new Map();

class OptionsView {
  /** The message's own (empty) alias list: one array per resource per request, as a decoded message has. */
  private readonly aliases: string[] = [];
  constructor(private readonly parent: string) {}
  getProtect() {
    return false;
  }
  getIgnorechangesList() {
    return NONE;
  }
  getAliasesList() {
    return this.aliases;
  }
  getCustomtimeouts() {
    return undefined;
  }
  getAdditionalsecretoutputsList() {
    return NONE;
  }
  getDeletebeforereplacedefined() {
    return false;
  }
  getDeletebeforereplace() {
    return false;
  }
  getParent() {
    return this.parent;
  }
}

class ProviderView {
  constructor(private readonly prov: RegisteredResource, private readonly props: unknown) {}
  getType() {
    return this.prov.type;
  }
  getUrn() {
    return this.prov.urn;
  }
  getName() {
    return this.prov.name;
  }
  getProperties() {
    return this.props;
  }
}

class ResourceView {
  private readonly options: OptionsView;
  constructor(
    private readonly r: RegisteredResource,
    private readonly props: unknown,
    private readonly provider: ProviderView | undefined,
    private readonly deps: ReadonlyMap<string, UrnList>,
  ) {
    this.options = new OptionsView(r.parent ?? "");
  }
  getType() {
    return this.r.type;
  }
  getUrn() {
    return this.r.urn;
  }
  getName() {
    return this.r.name;
  }
  getParent() {
    return this.r.parent ?? "";
  }
  getProperties() {
    return this.props;
  }
  getOptions() {
    return this.options;
  }
  getProvider() {
    return this.provider;
  }
  getDependenciesList() {
    return this.r.dependencies;
  }
  getPropertydependenciesMap() {
    return this.deps;
  }
}

/** The worker's `gc` (it runs with --expose-gc); absent elsewhere (tests in process), where nothing is forced. */
const exposedGc = (globalThis as { gc?: (options: { type: "minor" }) => void }).gc;

/**
 * The first resource of an AnalyzeStack request: the SDK reads its type first each time it starts decoding the stack
 * for the next stack policy. Then the previous policy's decoded copy is garbage (the pack releases it, see
 * releaseStackCopy in policies/pack.ts) and the young generation holds little else, so a young-generation collection
 * here costs next to nothing and lets the next copy be built in an empty young generation: without it a scavenge
 * fell in the middle of every copy at 20,000 resources and moved half of it to the old generation, a cost per
 * resource that grew with the stack.
 */
class FirstResourceView extends ResourceView {
  override getType() {
    exposedGc?.({ type: "minor" });
    return super.getType();
  }
}

class RequestBuilder {
  private readonly structs = new WeakMap<object, unknown>();

  constructor(private readonly p: Protos) {}

  private struct(v: Record<string, unknown>) {
    let s = this.structs.get(v) as any;
    if (!s) {
      s = this.p.structPb.Struct.fromJavaScript(toAnalyzerWire(v) as Record<string, unknown>);
      this.structs.set(v, s);
    }
    return s;
  }

  private readonly decodedStructs = new WeakMap<object, DecodedStruct>();

  /**
   * In process: what the SDK gets from `getProperties().toJavaScript()`, without building the Struct. The
   * recorded inputs already come out of a protobuf Struct (the registration), so the analyzer wire form is
   * exactly what a Struct round trip returns (a test checks it on every recorded resource of the fixtures).
   */
  private decoded(v: Record<string, unknown>): DecodedStruct {
    let d = this.decodedStructs.get(v);
    if (!d) {
      d = new DecodedStruct(toAnalyzerWire(v) as Record<string, unknown>);
      this.decodedStructs.set(v, d);
    }
    return d;
  }

  private provider(prov: RegisteredResource | undefined) {
    if (!prov) return undefined;
    const pr = new this.p.analyzerPb.AnalyzerProviderResource();
    pr.setType(prov.type);
    pr.setUrn(prov.urn);
    pr.setName(prov.name);
    pr.setProperties(this.struct(prov.inputs));
    return pr;
  }

  private options(r: RegisteredResource) {
    const o = new this.p.analyzerPb.AnalyzerResourceOptions();
    if (r.parent) o.setParent(r.parent);
    return o;
  }

  analyze(r: RegisteredResource, prov: RegisteredResource | undefined) {
    const req = new this.p.analyzerPb.AnalyzeRequest();
    req.setType(r.type);
    req.setUrn(r.urn);
    req.setName(r.name);
    req.setProperties(this.struct(r.inputs));
    req.setOptions(this.options(r));
    const pr = this.provider(prov);
    if (pr) req.setProvider(pr);
    return req;
  }

  /** In process: the Analyze request as a read-only view (see analyzeStackViews). */
  analyzeView(r: RegisteredResource, prov: RegisteredResource | undefined) {
    return new ResourceView(r, this.decoded(r.inputs), this.providerView(prov), NO_DEPENDENCIES);
  }

  private readonly providerViews = new Map<RegisteredResource, ProviderView>();

  private providerView(prov: RegisteredResource | undefined): ProviderView | undefined {
    if (!prov) return undefined;
    let v = this.providerViews.get(prov);
    if (!v) {
      v = new ProviderView(prov, this.decoded(prov.inputs));
      this.providerViews.set(prov, v);
    }
    return v;
  }

  /**
   * In process, the AnalyzeStack request is handed over as read-only views that answer the
   * message getters the SDK calls, from values computed once: the SDK walks every resource again
   * for each stack policy, and re-reading protobuf fields is most of that walk. The values are
   * exactly those the protobuf message below would carry (the --isolated test compares both).
   */
  analyzeStackViews(resources: RegisteredResource[], providerOf: (r: RegisteredResource) => RegisteredResource | undefined) {
    const views = resources.map((r, i) => {
      const deps = analyzerPropertyDependencies(r);
      const depMap = deps.length ? new Map(deps.map(([k, urns]) => [k, new UrnList(urns)])) : NO_DEPENDENCIES;
      return new (i === 0 ? FirstResourceView : ResourceView)(r, this.decoded(r.inputs), this.providerView(providerOf(r)), depMap);
    });
    return { getResourcesList: () => views };
  }

  analyzeStack(resources: RegisteredResource[], providerOf: (r: RegisteredResource) => RegisteredResource | undefined) {
    const req = new this.p.analyzerPb.AnalyzeStackRequest();
    req.setResourcesList(
      resources.map((r) => {
        const ar = new this.p.analyzerPb.AnalyzerResource();
        ar.setType(r.type);
        ar.setUrn(r.urn);
        ar.setName(r.name);
        ar.setProperties(this.struct(r.inputs));
        ar.setOptions(this.options(r));
        if (r.parent) ar.setParent(r.parent);
        ar.setDependenciesList(r.dependencies);
        const deps = ar.getPropertydependenciesMap();
        for (const [k, urns] of analyzerPropertyDependencies(r)) {
          const pd = new this.p.analyzerPb.AnalyzerPropertyDependencies();
          pd.setUrnsList(urns);
          deps.set(k, pd);
        }
        const pr = this.provider(providerOf(r));
        if (pr) ar.setProvider(pr);
        return ar;
      }),
    );
    return req;
  }

  configure(config: Record<string, { enforcementLevel?: string; [k: string]: unknown }>) {
    const req = new this.p.analyzerPb.ConfigureAnalyzerRequest();
    const map = req.getPolicyconfigMap();
    for (const [name, { enforcementLevel, ...props }] of Object.entries(config)) {
      const pc = new this.p.analyzerPb.PolicyConfig();
      pc.setEnforcementlevel(Math.max(0, LEVELS.indexOf((enforcementLevel ?? "advisory") as (typeof LEVELS)[number])));
      pc.setProperties(this.struct(props));
      map.set(name, pc);
    }
    return req;
  }
}

function call(handler: (req: any, cb: (err: any, resp: any) => void) => void, req: any): Promise<any> {
  return new Promise((resolve, reject) => handler(req, (err, resp) => (err ? reject(err) : resolve(resp))));
}

let capturedPack: { dir: string; handlers: Record<string, Handler>; sink: InProcessSink } | undefined;

/**
 * Loads the pack in this process and keeps its analyzer handlers. @pulumi/policy allows one pack per
 * process, so a second, different pack in the same process is refused.
 */
export function loadPackInProcess(packDir: string): PolicyPackConnection {
  const dir = path.resolve(packDir);
  const { entry } = validatePackDir(dir);
  const p = protos(dir);
  if (!capturedPack) {
    const server = p.grpc.Server.prototype;
    const { addService, bindAsync } = server;
    let handlers: Record<string, Handler> | undefined;
    server.addService = function (service: unknown, impl: Record<string, Handler>) {
      if (service === p.analyzerGrpc.AnalyzerService) handlers = impl;
      else addService.call(this, service, impl);
    };
    // No port: the handlers are called directly.
    server.bindAsync = function () {};
    // The pack finds the sink when it creates its policies (policies/channel.ts).
    const sink = new InProcessSink();
    (globalThis as Record<symbol, unknown>)[Symbol.for(SINK_KEY)] = sink;
    const cwd = process.cwd();
    try {
      // The SDK reads package.json from the current directory, as it does under run-policy-pack.
      process.chdir(dir);
      require(entry);
    } finally {
      process.chdir(cwd);
      server.addService = addService;
      server.bindAsync = bindAsync;
      delete (globalThis as Record<symbol, unknown>)[Symbol.for(SINK_KEY)];
    }
    if (!handlers) throw new PolicyPackError(`${dir} did not create a PolicyPack: its entry ${entry} must call new PolicyPack(...).`);
    if (sink.version !== undefined) checkVersion(sink.version);
    capturedPack = { dir, handlers, sink };
  } else if (capturedPack.dir !== dir) {
    throw new PolicyPackError(`one policy pack per process: ${capturedPack.dir} is loaded, ${dir} cannot be added.`);
  }
  const { handlers: h, sink } = capturedPack;
  const structured = sink.version !== undefined;
  const invoke = (name: string, req: unknown) => call((r, cb) => h[name]({ request: r }, cb), req);
  // Calls are sequential: the records taken after a call are that call's.
  const diagnose = async (name: string, label: string, req: unknown) => {
    sink.take();
    const diags = toDiagnostics(await invoke(name, req));
    return attachRecords(label, diags, sink.take(), structured);
  };
  const build = new RequestBuilder(p);
  return {
    mode: "in-process",
    structured,
    info: async () => toInfo(await invoke("getAnalyzerInfo", new p.emptyPb.Empty()), sink.rules),
    configure: async (config) => void (await invoke("configure", build.configure(config))),
    analyze: (r, prov) => diagnose("analyze", `Analyze ${r.urn}`, build.analyzeView(r, prov)),
    analyzeStack: (rs, providerOf) => diagnose("analyzeStack", "AnalyzeStack", build.analyzeStackViews(rs, providerOf)),
    close: async () => {},
  };
}

/** Starts the pack exactly as `pulumi preview --policy-pack DIR` does and connects over gRPC. */
export async function startPackIsolated(packDir: string): Promise<PolicyPackConnection> {
  const dir = path.resolve(packDir);
  validatePackDir(dir);
  const p = protos(dir);
  const runPolicyPack = path.dirname(packRequire(dir).resolve("@pulumi/pulumi/cmd/run-policy-pack"));
  const records = new RecordsFile();
  const child: ChildProcess = spawn(process.execPath, [runPolicyPack, "127.0.0.1:0", dir], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, [RECORDS_FILE_ENV]: records.file },
  });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  child.once("exit", () => records.close());
  const port = await new Promise<string>((resolve, reject) => {
    let out = "";
    const onData = (d: Buffer) => {
      out += d;
      const m = /^(\d+)\s*$/m.exec(out);
      if (m) {
        child.stdout!.off("data", onData);
        resolve(m[1]);
      }
    };
    child.stdout!.on("data", onData);
    child.once("exit", (code) => reject(new PolicyPackError(`policy pack ${dir} exited (${code}) before serving:\n${stderr.trim()}`)));
    child.once("error", reject);
  });
  const client = new p.analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, p.grpc.credentials.createInsecure(), {
    "grpc.max_receive_message_length": 1024 * 1024 * 400,
    "grpc.max_send_message_length": 1024 * 1024 * 400,
  });
  const invoke = (name: string, req: unknown) => call((r, cb) => client[name](r, cb), req);
  // The pack says hello when it creates its policies, before it serves: known once the port is.
  records.take();
  if (records.version !== undefined) checkVersion(records.version);
  const structured = records.version !== undefined;
  const diagnose = async (name: string, label: string, req: unknown) => {
    records.take();
    const diags = toDiagnostics(await invoke(name, req));
    return attachRecords(label, diags, records.take(), structured);
  };
  const build = new RequestBuilder(p);
  return {
    mode: "isolated",
    structured,
    info: async () => toInfo(await invoke("getAnalyzerInfo", new p.emptyPb.Empty()), records.rules),
    configure: async (config) => void (await invoke("configure", build.configure(config))),
    analyze: (r, prov) => diagnose("analyze", `Analyze ${r.urn}`, build.analyze(r, prov)),
    analyzeStack: (rs, providerOf) => diagnose("analyzeStack", "AnalyzeStack", build.analyzeStack(rs, providerOf)),
    close: async () => {
      client.close();
      child.kill();
      records.close();
    },
  };
}
