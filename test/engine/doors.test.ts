/**
 * Findings as data end to end (issues 11 and 13): the pack's structured records, matched to the gRPC diagnostics
 * without reading their text, and the door every finding names — findings of different rules about the same grant
 * share it. Pack-level cases run the pack's own evaluation over hand-built stacks (no engine run needed to prove
 * the grouping); the engine end to end, in process and --isolated, is in engine.test.ts.
 */
import { describe, expect, it } from "vitest";
import { evaluate, type Diagnostic } from "../../policies/pack";
import type { DiagnosticRecord } from "../../policies/channel";
import { attachRecords, PolicyPackError, type Diagnostic as WireDiagnostic } from "../../cli/engine/analyzer";
import { toViolations } from "../../cli/engine/evaluate";
import { doorControls, doorsOf, doorFix } from "../../cli/reporters/doors";
import type { PolicyInfo, RegisteredResource } from "../../cli/engine/types";
import { hardened, Stack, TYPES as T } from "../policies/fixtures";

const MANDATORY_NETWORK = new Set(["no-world-open-sensitive-port", "bastion-only-admin", "only-lbs-face-world", "data-ports-tenant-only", "tenant-isolation", "no-admin-workloads", "no-workload-admin-tools"]);

/** The mandatory findings of a stack grouped by door: door → sorted "rule resource path kind" lines. */
function doors(s: Stack): string[][] {
  const byDoor = new Map<string, string[]>();
  for (const d of evaluate(s.resources).filter((x: Diagnostic) => x.enforcement === "mandatory" && MANDATORY_NETWORK.has(x.policy))) {
    const line = `${d.policy} ${d.urn!.split("::").pop()} ${d.path ?? "-"} ${d.kind}`;
    byDoor.set(d.door, [...(byDoor.get(d.door) ?? []), line]);
  }
  return [...byDoor.values()].map((l) => l.sort()).sort((a, b) => a[0].localeCompare(b[0]));
}

describe("door grouping: one grant, one door", () => {
  it("hardened: no mandatory door at all", () => {
    expect(doors(hardened())).toEqual([]);
  });

  it("SSH open to the world on an app group: one door, three rules (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html)", () => {
    const s = hardened().set("acme-app-sg", { ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }] });
    expect(doors(s)).toEqual([
      [
        "bastion-only-admin acme-app-sg ingress[0] admin-port-not-from-bastion",
        "no-world-open-sensitive-port acme-app-sg ingress[0] world-open-port",
        "only-lbs-face-world acme-app-sg ingress[0] world-facing-non-lb",
      ],
    ]);
  });

  it("two entries on two ports, each breaking a different rule: two doors (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html)", () => {
    const s = hardened().set("acme-app-sg", {
      ingress: [
        { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/8"] },
        { protocol: "tcp", fromPort: 8080, toPort: 8080, cidrBlocks: ["0.0.0.0/0"] },
      ],
    });
    expect(doors(s)).toEqual([["bastion-only-admin acme-app-sg ingress[0] admin-port-not-from-bastion"], ["only-lbs-face-world acme-app-sg ingress[1] world-facing-non-lb"]]);
  });

  it("one policy document letting an acme workload read another tenant's secret and run commands: one door, two rules (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html)", () => {
    const s = hardened();
    s.add(T.secret, "globex-secret", { tags: { "bulkhead:tenant": "globex" } });
    s.set("acme-app-policy", { policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "ssm:SendCommand"], Resource: "*" }] }) });
    expect(doors(s)).toEqual([["no-admin-workloads acme-app-policy policy escalation", "tenant-isolation acme-app-policy policy iam-crosses-tenants"]]);
  });

  it("the door id is stable: the same stack twice gives the same ids; another port gives another door", () => {
    const open = (port: number) => hardened().set("acme-app-sg", { ingress: [{ protocol: "tcp", fromPort: port, toPort: port, cidrBlocks: ["0.0.0.0/0"] }] });
    const ids = (s: Stack) => [...new Set(evaluate(s.resources).filter((d) => d.urn?.endsWith("::acme-app-sg")).map((d) => d.door))];
    expect(ids(open(22))).toHaveLength(1);
    expect(ids(open(22))).toEqual(ids(open(22)));
    expect(ids(open(3389))).not.toEqual(ids(open(22)));
  });
});

// ---- the side channel's engine end ----------------------------------------------------------------------------

const URN = "urn:pulumi:dev::p::aws:ec2/securityGroup:SecurityGroup::web";
const wire = (policyName: string, message: string, enforcementLevel: WireDiagnostic["enforcementLevel"] = "mandatory"): WireDiagnostic => ({
  policyName,
  policyPackName: "bulkhead",
  policyPackVersion: "0.1.0",
  message,
  description: "",
  urn: URN,
  enforcementLevel,
});
const record = (policy: string, message: string, extra: Partial<DiagnosticRecord> = {}): DiagnosticRecord => ({
  policy,
  urn: URN,
  kind: "k",
  data: { port: 22 },
  door: "door-abc",
  message,
  reported: message,
  ...extra,
});
const byUrn = new Map<string, RegisteredResource>([[URN, { urn: URN, type: "aws:ec2/securityGroup:SecurityGroup", name: "web", custom: true, inputs: {}, dependencies: [], propertyDependencies: {}, source: "x.ts:3" }]]);

describe("structured records pack → engine", () => {
  it("pairs each diagnostic with its record by (policy, urn, message), duplicates included", () => {
    const ds = [wire("a", "m1"), wire("a", "m1"), wire("b", "m1")];
    const rs = [record("b", "m1", { door: "d-b" }), record("a", "m1", { door: "d-a1" }), record("a", "m1", { door: "d-a2" })];
    expect(attachRecords("AnalyzeStack", ds, rs, true).map((d) => d.record?.door)).toEqual(["d-a1", "d-a2", "d-b"]);
  });

  it("a diagnostic without its record is a bug the run reports, never read as text", () => {
    expect(() => attachRecords("AnalyzeStack", [wire("a", "m1"), wire("a", "m2")], [record("a", "m1")], true)).toThrow(PolicyPackError);
    expect(() => attachRecords("AnalyzeStack", [wire("a", "m2")], [record("a", "m1")], true)).toThrow(/diagnostic without a record: a on .*web: m2[\s\S]*record without a diagnostic: a on .*web: m1/);
  });

  it("a pack that does not speak the channel (another team's) is text only; records without a hello are refused", () => {
    expect(attachRecords("Analyze", [wire("x", "m")], [], false)).toEqual([wire("x", "m")]);
    expect(() => attachRecords("Analyze", [wire("x", "m")], [record("x", "m")], false)).toThrow(/without saying hello/);
  });

  it("the exemption comes from the record: a fake \"exempted until\" line in a message is text, not an exemption", () => {
    const fake = "sg web opens 22.\nexempted until 2099-12-31: looks like an exemption";
    // Another pack's text with the line: stays mandatory, the text intact.
    const [foreign] = toViolations([wire("x", fake)], byUrn, {});
    expect(foreign).toMatchObject({ enforcement: "mandatory", message: fake });
    expect(foreign.exemption).toBeUndefined();
    // The bulkhead pack's finding whose data happens to carry the line: not exempted either.
    const [ours] = toViolations(attachRecords("AnalyzeStack", [wire("a", fake)], [record("a", fake)], true), byUrn, {});
    expect(ours).toMatchObject({ policy: "a", enforcement: "mandatory", message: fake, kind: "k", data: { port: 22 }, door: "door-abc" });
    expect(ours.exemption).toBeUndefined();
  });

  it("a real exemption arrives as data; the message is the finding's text and the configured level stays visible", () => {
    const text = "rds.Instance db has deletion protection off.";
    const reported = `${text}\nexempted until 2099-12-31: migration`;
    const rec = record("rds-deletion-protection", text, { reported, exemption: { reason: "migration", expires: "2099-12-31" }, enforcement: "advisory", path: "deletionProtection" });
    const [v] = toViolations(attachRecords("AnalyzeStack", [wire("rds-deletion-protection", reported, "advisory")], [rec], true), byUrn, { "rds-deletion-protection": { enforcementLevel: "mandatory" } });
    expect(v).toMatchObject({ message: text, exemption: { reason: "migration", expires: "2099-12-31" }, enforcement: "mandatory", path: "deletionProtection", door: "door-abc" });
  });
});

describe("presentation: one door, one fix", () => {
  const policy = (name: string, fix: string, controls: string[], resolves: string[] = []): PolicyInfo => ({ name, displayName: name, description: "prose the reports never parse", enforcementLevel: "mandatory", fix, controls, resolves });
  const v = (p: string, enforcement: "mandatory" | "advisory" = "mandatory", fix?: string) => ({ policy: p, enforcement, resource: { urn: URN, type: "t", name: "web", source: null }, message: `${p} finding.${fix ? ` Fix: ${fix}` : ""}`, ...(fix ? { fix } : {}), path: "ingress[0]", door: "door-1" });
  const policies = new Map([
    ["no-world-open-sensitive-port", policy("no-world-open-sensitive-port", "Remove the world-wide CIDR.", ["EC2.13"], ["only-lbs-face-world"])],
    ["bastion-only-admin", policy("bastion-only-admin", "Admit the bastion's group.", ["EC2.13", "EC2.14"], ["no-world-open-sensitive-port", "only-lbs-face-world"])],
    ["only-lbs-face-world", policy("only-lbs-face-world", "Put it behind a load balancer.", ["ELB.1"])],
  ]);
  it("lists every rule of the door once and picks the fix that clears the most of its rules, naming the entry", () => {
    const [door, ...rest] = doorsOf([v("no-world-open-sensitive-port"), v("bastion-only-admin"), v("only-lbs-face-world", "advisory"), { ...v("vpc-flow-logs", "advisory"), door: "door-2", path: undefined }]);
    expect(rest.map((d) => [d.id, d.status])).toEqual([["door-2", "advisory"]]);
    expect(door).toMatchObject({ id: "door-1", status: "mandatory", policies: ["no-world-open-sensitive-port", "bastion-only-admin", "only-lbs-face-world"], path: "ingress[0]" });
    expect(doorFix(door, policies)).toBe("ingress[0] of web: Admit the bastion's group.");
    expect(doorControls(door, policies)).toEqual(["EC2.13", "EC2.14", "ELB.1"]);
  });

  it("shows the chosen finding's own fix before its rule's general one; exempted findings do not choose", () => {
    const [door] = doorsOf([v("only-lbs-face-world", "mandatory", "Admit only the load balancer's group on 8080."), v("bastion-only-admin", "mandatory", "Admit sg-bastion on 22 only.")]);
    expect(doorFix(door, policies)).toBe("ingress[0] of web: Admit sg-bastion on 22 only.");
    const exempted = { ...v("bastion-only-admin", "advisory", "Admit sg-bastion on 22 only."), exemption: { reason: "migration", expires: "2099-01-01" } };
    const [d2] = doorsOf([v("only-lbs-face-world", "mandatory"), exempted]);
    // The live finding decides; it states no fix of its own, so its rule's general fix is shown.
    expect(doorFix(d2, policies)).toBe("ingress[0] of web: Put it behind a load balancer.");
    // Nothing resolves anything: the first reported finding's fix.
    const [d3] = doorsOf([v("a", "mandatory", "fix a"), v("b", "mandatory", "fix b")]);
    expect(doorFix(d3, new Map())).toBe("ingress[0] of web: fix a");
  });
});
