/**
 * Coverage derived from the provider (issue 11): docs/coverage.md, the credential rule's input tables and the README
 * counts are what scripts/gen-coverage.ts makes from the INSTALLED @pulumi/aws; every coverage claim names a real
 * rule, type and input; and a provider that adds a door-opening input no rule judges fails until it is listed.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COVERAGE } from "../../policies/coverage";
import { secretInputExceptions } from "../../policies/model/secrets-inputs";
import { RULE_IDS } from "../../policies/rules";
import {
  COVERAGE_DOC_PATH,
  coverageOf,
  readmeWithCounts,
  README_PATH,
  renderCoverageDoc,
  renderSecretsTable,
  SECRETS_TABLE_PATH,
} from "../../scripts/gen-coverage";
import { scanProvider, type ProviderFacts } from "../../scripts/provider-scan";

let facts: ProviderFacts;
let scanMs = 0;
beforeAll(() => {
  const t0 = performance.now();
  facts = scanProvider();
  scanMs = performance.now() - t0;
});

/** The `| type | category | inputs | … |` rows of one section of docs/coverage.md, as "type category input" keys. */
function listedIn(doc: string, section: string): Set<string> {
  const start = doc.indexOf(`## ${section}\n`);
  expect(start, `docs/coverage.md has a "## ${section}" section`).toBeGreaterThanOrEqual(0);
  const end = doc.indexOf("\n## ", start + 3);
  const out = new Set<string>();
  for (const line of doc.slice(start, end < 0 ? undefined : end).split("\n")) {
    const m = /^\| `([^`]+)` \| ([\w-]+) \| (.+?) \| .* \|$/.exec(line);
    if (!m) continue;
    for (const input of m[3].matchAll(/`([^`]+)`/g)) out.add(`${m[1]} ${m[2]} ${input[1]}`);
  }
  return out;
}

describe("coverage derived from the installed @pulumi/aws", () => {
  it("scans the provider quickly and finds the door-opening inputs the AWS docs describe", () => {
    // Measured 0.2–0.5 s warm; a cold file cache on a loaded shared 2-core machine can take seconds, so the bound
    // only catches a scan that stopped being line-oriented (a full TypeScript parse of the package takes minutes).
    expect(scanMs, `provider scan took ${Math.round(scanMs)} ms`).toBeLessThan(15_000);
    const inputs = (type: string) => facts.resources.find((r) => r.type === type)?.inputs ?? {};
    // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-requests.html: a Spot request launches an instance
    // with the same network and metadata options as RunInstances.
    expect(inputs("aws:ec2/spotInstanceRequest:SpotInstanceRequest")["public-address"]).toContain("associatePublicIpAddress");
    expect(inputs("aws:ec2/spotInstanceRequest:SpotInstanceRequest").imds).toContain("metadataOptions");
    // https://docs.aws.amazon.com/eks/latest/userguide/create-managed-node-group.html: remote access source groups.
    expect(inputs("aws:eks/nodeGroup:NodeGroup")["security-groups"]).toContain("remoteAccess.sourceSecurityGroupIds");
    // https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html: a function's groups are nested in vpcConfig.
    expect(inputs("aws:lambda/function:Function")["security-groups"]).toContain("vpcConfig.securityGroupIds");
    // Secret-marked by the provider, and nested credentials found by name.
    expect(inputs("aws:rds/instance:Instance")["secret-input"]).toEqual(expect.arrayContaining(["password", "passwordWo"]));
    expect(inputs("aws:opensearch/domain:Domain")["credential-input"]).toContain("advancedSecurityOptions.masterUserOptions.masterUserPassword");
    expect(inputs("aws:mq/broker:Broker")["credential-input"]).toContain("users[].password");
    // https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/environments-cfg-softwaresettings.html: environment
    // properties are option settings {namespace, name, value}.
    expect(inputs("aws:elasticbeanstalk/environment:Environment")["runtime-strings"]).toContain("settings");
    expect(inputs("aws:apprunner/service:Service")["runtime-strings"]).toContain("sourceConfiguration.imageRepository.imageConfiguration.runtimeEnvironmentVariables");
    // Idempotency tokens and validity units are not credentials.
    expect(inputs("aws:efs/fileSystem:FileSystem")["credential-input"] ?? []).not.toContain("creationToken");
    expect(inputs("aws:cognito/userPoolClient:UserPoolClient")["credential-input"] ?? []).toEqual([]);
  });

  it("docs/coverage.md, policies/model/secrets-provider.ts and the README counts are current (run `npx tsx scripts/gen-coverage.ts`)", () => {
    expect(readFileSync(COVERAGE_DOC_PATH, "utf8")).toBe(renderCoverageDoc(facts));
    expect(readFileSync(SECRETS_TABLE_PATH, "utf8")).toBe(renderSecretsTable(facts));
    const readme = readFileSync(README_PATH, "utf8");
    expect(readme).toBe(readmeWithCounts(readme, facts));
  });

  it("every input no rule judges is listed in docs/coverage.md's Not covered section", () => {
    const listed = listedIn(readFileSync(COVERAGE_DOC_PATH, "utf8"), "Not covered");
    const missing = coverageOf(facts)
      .filter((c) => !c.rules.length && !c.notJudged)
      .map((c) => `${c.type} ${c.category} ${c.input}`)
      .filter((k) => !listed.has(k));
    expect(missing, "inputs the provider takes that no rule judges and docs/coverage.md doesn't list: cover them in policies/coverage.ts or regenerate and review docs/coverage.md").toEqual([]);
  });

  it("every coverage claim names a rule of the pack and a type and input the provider has", () => {
    const byType = new Map(facts.resources.map((r) => [r.type, r]));
    const problems: string[] = [];
    for (const e of COVERAGE) {
      if (!RULE_IDS.has(e.rule)) problems.push(`${e.rule}: no such rule`);
      if (e.type === "*") continue;
      const r = byType.get(e.type);
      if (!r) {
        problems.push(`${e.rule}: ${e.type} is not a resource type of @pulumi/aws ${facts.version} with ${e.category} inputs`);
        continue;
      }
      for (const input of e.inputs === "*" ? [] : e.inputs) if (!(r.inputs[e.category] ?? []).includes(input)) problems.push(`${e.rule}: ${e.type} has no ${e.category} input ${input}`);
    }
    expect(problems).toEqual([]);
  });

  it("every secret-marked exception names an input the provider marks secret", () => {
    const byType = new Map(facts.resources.map((r) => [r.type, r]));
    const wrong = secretInputExceptions().filter((e) => !(byType.get(e.type)?.inputs["secret-input"] ?? []).includes(e.input));
    expect(wrong).toEqual([]);
  });
});

describe("a provider version that adds a door", () => {
  let dir: string;
  beforeAll(() => {
    // A minimal package laid out like @pulumi/aws: one resource class with a secret input, public addressing and
    // a nested credential, none of them claimed by any rule.
    dir = mkdtempSync(join(tmpdir(), "bulkhead-provider-"));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "@pulumi/aws", version: "99.0.0" }));
    mkdirSync(join(dir, "types"));
    writeFileSync(
      join(dir, "types", "input.d.ts"),
      ["export declare namespace widget {", "    interface GadgetAuth {", "        adminPassword?: pulumi.Input<string | undefined>;", "    }", "}", ""].join("\n"),
    );
    mkdirSync(join(dir, "widget"));
    writeFileSync(
      join(dir, "widget", "gadget.js"),
      [
        "class Gadget extends pulumi.CustomResource {",
        "    static __pulumiType = 'aws:widget/gadget:Gadget';",
        "    constructor(name, args, opts) {",
        '        resourceInputs["apiToken"] = args?.apiToken ? pulumi.secret(args.apiToken) : undefined;',
        '        const secretOpts = { additionalSecretOutputs: ["apiToken"] };',
        "    }",
        "}",
      ].join("\n"),
    );
    writeFileSync(
      join(dir, "widget", "gadget.d.ts"),
      [
        "export interface GadgetArgs {",
        "    apiToken?: pulumi.Input<string | undefined>;",
        "    auth?: pulumi.Input<inputs.widget.GadgetAuth | undefined>;",
        "    publiclyAccessible?: pulumi.Input<boolean | undefined>;",
        "    vpcSecurityGroupIds?: pulumi.Input<pulumi.Input<string>[] | undefined>;",
        "}",
      ].join("\n"),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("lists the new type's unjudged doors as not covered, so the committed docs/coverage.md goes stale", () => {
    const next = scanProvider(dir);
    expect(next.resources.map((r) => r.type)).toEqual(["aws:widget/gadget:Gadget"]);
    const cov = coverageOf(next);
    const notCovered = cov.filter((c) => !c.rules.length).map((c) => `${c.category} ${c.input}`);
    expect(notCovered.sort()).toEqual(["public-address publiclyAccessible", "security-groups vpcSecurityGroupIds"]);
    // Secret-marked and credential-named inputs of ANY type are judged by no-typed-in-credentials from the tables.
    expect(cov.filter((c) => c.rules.includes("no-typed-in-credentials")).map((c) => c.input).sort()).toEqual(["apiToken", "auth.adminPassword"]);
    expect(renderCoverageDoc(next)).not.toBe(readFileSync(COVERAGE_DOC_PATH, "utf8"));
    expect(renderSecretsTable(next)).toContain('"aws:widget/gadget:Gadget": ["apiToken"]');
  });
});
