/**
 * Keeps the corpus honest without running it (the end-to-end run is test/e2e/corpus.test.ts): headers
 * parse, rule ids exist, every named resource is declared in its file, every mandatory rule and every
 * bypass form of issue 3 stays covered, and the README's table lists every program.
 */
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { ADVISORY_RULE_IDS, MANDATORY_RULE_IDS } from "../../policies/rules/ids";

type Kind = "insecure" | "hardened";
interface Program {
  name: string;
  kind: Kind;
  source: string;
  header: string[];
  expects: Array<{ rule: string; resource: string }>;
}

const root = __dirname;
const ALLOWED_IMPORTS = new Set(["@pulumi/pulumi", "@pulumi/aws", "@pulumi/random"]);

function load(kind: Kind): Program[] {
  return readdirSync(path.join(root, kind))
    .filter((f) => f.endsWith(".ts"))
    .sort()
    .map((f) => {
      const source = readFileSync(path.join(root, kind, f), "utf8");
      const lines = source.split("\n");
      const header = lines.slice(0, lines.findIndex((l) => !l.startsWith("//")));
      const expects = header
        .filter((l) => l.startsWith("// expect:") && l.trim() !== "// expect: clean")
        .map((l) => {
          const [rule, resource, ...rest] = l.replace("// expect:", "").trim().split(/\s+/);
          if (rest.length) throw new Error(`${f}: "${l}" has extra words`);
          return { rule, resource };
        });
      return { name: `${kind}/${f}`, kind, source, header, expects };
    });
}

const insecure = load("insecure");
const hardened = load("hardened");
const all = [...insecure, ...hardened];
const mandatory = new Set<string>(MANDATORY_RULE_IDS);
const advisory = new Set<string>(ADVISORY_RULE_IDS);

describe("corpus layout", () => {
  it("has at least 44 insecure and 16 hardened programs with two-digit-number file names", () => {
    expect(insecure.length).toBeGreaterThanOrEqual(44);
    expect(hardened.length).toBeGreaterThanOrEqual(16);
    for (const p of all) expect(path.basename(p.name), p.name).toMatch(/^\d{2}-[a-z0-9-]+\.ts$/);
  });

  it.each(all.map((p) => [p.name, p] as const))("%s: header, imports and names are well-formed", (_n, p) => {
    // Header lines are only expect/why comments, and every expectation sits in the header.
    for (const l of p.header) expect(l, p.name).toMatch(/^\/\/ (expect: .+|why: .+)$/);
    expect(p.source.split("\n").filter((l) => l.startsWith("// expect:")).length).toBe(p.header.filter((l) => l.startsWith("// expect:")).length);
    expect(p.header.filter((l) => l.startsWith("// why:")), p.name).toHaveLength(1);
    const imports = [...p.source.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
    expect(imports.length, p.name).toBeGreaterThan(0);
    for (const i of imports) expect(ALLOWED_IMPORTS.has(i), `${p.name} imports ${i}`).toBe(true);
    // Code inside string assets (Lambda handlers) may require; the program itself may not, nor read stack config.
    expect(p.source, p.name).not.toMatch(/^[^"'`]*(\brequire\(|pulumi\.Config\()/m);
    if (p.kind === "hardened") {
      expect(p.header.filter((l) => l.startsWith("// expect:")), p.name).toEqual(["// expect: clean"]);
    } else {
      expect(p.expects.length, p.name).toBeGreaterThan(0);
      for (const e of p.expects) {
        expect(mandatory.has(e.rule), `${p.name}: ${e.rule} is not a mandatory rule id`).toBe(true);
        // The named resource must be declared with that literal logical name in this file.
        expect(p.source.includes(`("${e.resource}"`) || p.source.includes(`(\n    "${e.resource}"`) || p.source.includes(`(\n  "${e.resource}"`), `${p.name}: no resource named ${e.resource}`).toBe(true);
      }
    }
  });

  it("uses exemption tags only in the documented form; hardened ones are valid and on advisory rules", () => {
    for (const p of all) {
      for (const m of p.source.matchAll(/"bulkhead:exempt:([a-z0-9-]+)":\s*"([^"]*)"/g)) {
        const [, rule, value] = m;
        expect(mandatory.has(rule) || advisory.has(rule), `${p.name}: unknown rule ${rule}`).toBe(true);
        // AWS tag values allow only letters, digits, spaces and + - = . _ : / @
        expect(value, p.name).toMatch(/^[A-Za-z0-9 +\-=._:/@]*$/);
        if (p.kind === "hardened") {
          expect(advisory.has(rule), `${p.name}: hardened exemptions are for advisory rules`).toBe(true);
          expect(value, p.name).toMatch(/^2099-12-31 \S.*$/);
        }
      }
    }
  });
});

describe("coverage of issue 3", () => {
  it("blocks every mandatory rule in at least two insecure programs", () => {
    const counts = new Map<string, number>();
    for (const p of insecure) for (const r of new Set(p.expects.map((e) => e.rule))) counts.set(r, (counts.get(r) ?? 0) + 1);
    for (const r of MANDATORY_RULE_IDS) expect(counts.get(r) ?? 0, r).toBeGreaterThanOrEqual(2);
  });

  // Each bypass form of the issue, as a pattern in the source of an insecure program that expects the rule.
  const forms: Array<[string, string, RegExp]> = [
    ["0.0.0.0/1 + 128.0.0.0/1 in one group", "no-world-open-sensitive-port", /"0\.0\.0\.0\/1"[\s\S]*"128\.0\.0\.0\/1"/],
    ["IPv6 ::/0 ingress", "no-world-open-sensitive-port", /(ipv6CidrBlocks: \["::\/0"\]|cidrIpv6: "::\/0")/],
    ["port range 0-65535 covering 22", "bastion-only-admin", /fromPort: 0, toPort: 65535/],
    ["port range 20-30 covering 22", "bastion-only-admin", /fromPort: 20, toPort: 30/],
    ['protocol "-1" ingress', "no-world-open-sensitive-port", /ingress: \[\{ protocol: "-1"/],
    ['protocol "all"', "no-world-open-sensitive-port", /protocol: "all"/],
    ["standalone aws.ec2.SecurityGroupRule", "no-world-open-sensitive-port", /new aws\.ec2\.SecurityGroupRule\(/],
    ["standalone aws.vpc.SecurityGroupIngressRule", "no-world-open-sensitive-port", /new aws\.vpc\.SecurityGroupIngressRule\(/],
    ["public IP via mapPublicIpOnLaunch subnet", "public-ip-only-bastion-lb", /mapPublicIpOnLaunch: true/],
    ["public IP via launch template interface", "public-ip-only-bastion-lb", /associatePublicIpAddress: "true"/],
    ["public IP via EIP on a non-bastion instance", "public-ip-only-bastion-lb", /new aws\.ec2\.Eip\([^)]*instance:/],
    ["IMDSv2 missing on an instance", "imdsv2-required", /new aws\.ec2\.Instance\(/],
    ["IMDSv2 missing on a launch template", "imdsv2-required", /new aws\.ec2\.LaunchTemplate\(/],
    ["admin port from the VPC CIDR", "bastion-only-admin", /fromPort: 22, toPort: 22, cidrBlocks: \["10\.\d+\.0\.0\/16"\]/],
    ["data port from another tenant's SG", "data-ports-tenant-only", /"bulkhead:tenant": "globex"[\s\S]*sourceSecurityGroupId: globex/],
    ["cross-tenant VPC peering", "tenant-isolation", /new aws\.ec2\.VpcPeeringConnection\(/],
    ["tenant SG admitting another tenant's CIDR", "tenant-isolation", /partner integration/],
    ["EKS default public endpoint", "private-eks-api", /vpcConfig: \{ subnetIds: \[[^\]]*\] \}/],
    ["OpenSearch public", "no-public-databases", /new aws\.opensearch\.Domain\(/],
    ["Redshift publicly accessible", "no-public-databases", /new aws\.redshift\.Cluster\([\s\S]*publiclyAccessible: true/],
    ["RDS password literal", "no-typed-in-credentials", /new aws\.rds\.Instance\([\s\S]*password: /],
    ["SecretVersion literal secretString", "no-typed-in-credentials", /new aws\.secretsmanager\.SecretVersion\(/],
    ["Lambda env DB_PASSWORD literal", "no-typed-in-credentials", /DB_PASSWORD: "/],
    ["literal API token in ECS container definitions", "no-typed-in-credentials", /name: "[A-Z_]*API_TOKEN", value: "/],
    ["AdministratorAccess on an EC2 role", "no-admin-workloads", /Service: "ec2\.amazonaws\.com"[\s\S]*policy\/AdministratorAccess/],
    ['Action "*" / Resource "*" inline on a Lambda role', "no-admin-workloads", /lambda\.amazonaws\.com[\s\S]*inlinePolicies[\s\S]*Action: "\*", Resource: "\*"/],
    ["public-read-write bucket ACL", "no-public-resource-policy", /acl: "public-read-write"/],
    ['bucket policy Principal "*" s3:PutObject', "no-public-resource-policy", /Principal: "\*",\s*Action: \["s3:PutObject"/],
    ["expired exemption", "exemption-valid", /"bulkhead:exempt:[a-z0-9-]+": "20(1|2)\d-\d\d-\d\d /],
    ["reason-less exemption", "exemption-valid", /"bulkhead:exempt:[a-z0-9-]+": "\d{4}-\d\d-\d\d"/],
    ["latent door: 3306 open to the world, attached to nothing", "no-world-open-sensitive-port", /^new aws\.ec2\.SecurityGroup\("[a-z-]+", \{[^}]*fromPort: 3306, toPort: 3306, cidrBlocks: \["0\.0\.0\.0\/0"\]/m],
  ];
  it.each(forms)("covers %s", (_form, rule, pattern) => {
    const hits = insecure.filter((p) => pattern.test(p.source) && p.expects.some((e) => e.rule === rule));
    expect(hits.map((p) => p.name)).not.toEqual([]);
  });
});

describe("README", () => {
  it("lists every corpus program and its expectations in its table", () => {
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    for (const p of all) {
      const row = readme.split("\n").find((l) => l.startsWith(`| \`${p.name}\` |`));
      expect(row, p.name).toBeDefined();
      for (const e of p.expects) expect(row, p.name).toContain(`${e.rule} → \`${e.resource}\``);
    }
  });
});
