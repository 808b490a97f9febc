/**
 * bastion-only-admin on a group outside the stack (a tenant stack admitting the platform bastion's group by id):
 * verified by what the offline engine knows of the stack that exports the group (policies/model/offline-facts.ts,
 * BULKHEAD_OFFLINE_GROUPS), or by the platform team's declaration in the rule's config (`bastionSecurityGroupIds`,
 * what the Pulumi CLI's policy gate has); anything else still fails closed. A rule that references a group admits
 * whatever holds that group (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html#security-group-referencing),
 * so only the bastion's is the one audited way in.
 */
import { afterEach, describe, expect, it } from "vitest";
import { PolicyConfigError, resolvePolicyConfig } from "../../cli/engine/policy-config";
import type { AnalyzerInfo } from "../../cli/engine/analyzer";
import type { OfflineGroup } from "../../policies/model/offline-facts";
import { evaluate } from "../../policies/pack";
import { rule } from "../../policies/rules/bastion-only-admin";
import { hardened } from "./fixtures";

const PLATFORM_BASTION = "sg-b1d0123456789abcd";
const PLATFORM_ENDPOINTS = "sg-b1d00000000000ee1";
const OTHER = "sg-0123456789abcdef0";

/** The hardened stack with its app SSH rule admitting `source` (a group id outside the stack). */
const admitting = (source: string) => hardened().set("acme-app-ssh", { sourceSecurityGroupId: source }, { sourceSecurityGroupId: [] });
const findings = (source: string, config: Record<string, unknown> = {}) =>
  evaluate(admitting(source).resources, { "bastion-only-admin": config }).filter((d) => d.policy === "bastion-only-admin");

const fact = (id: string, name: string, bastion: boolean): OfflineGroup => ({
  id,
  stack: "bulkhead-platform/dev",
  urn: `urn:pulumi:dev::bulkhead-platform::aws:ec2/securityGroup:SecurityGroup::${name}`,
  name,
  bastion,
});

afterEach(() => {
  delete process.env.BULKHEAD_OFFLINE_GROUPS;
});

describe("an external group with no facts and no declaration (the Pulumi CLI's view)", () => {
  it("fails closed: admin-port-external-source on the rule, naming the group as outside this stack", () => {
    const f = findings(PLATFORM_BASTION);
    expect(f.map((d) => [d.urn?.split("::").pop(), d.kind, d.enforcement])).toEqual([["acme-app-ssh", "admin-port-external-source", "mandatory"]]);
    expect(f[0].message).toContain(`admits group ${PLATFORM_BASTION} (outside this stack), which cannot be verified to be the bastion`);
    expect(f[0].message).toContain("list it in bastionSecurityGroupIds");
  });
});

describe("bastionSecurityGroupIds: groups outside the stack the platform team declares as the bastion's", () => {
  it("a declared group passes; a different id still fails as unverifiable", () => {
    expect(findings(PLATFORM_BASTION, { bastionSecurityGroupIds: [PLATFORM_BASTION] })).toEqual([]);
    expect(findings(OTHER, { bastionSecurityGroupIds: [PLATFORM_BASTION] }).map((d) => d.kind)).toEqual(["admin-port-external-source"]);
  });

  it("is validated by the rule's config schema: a CIDR, a name or a malformed id is a config error", () => {
    const info = {
      name: "bulkhead",
      version: "0.0.0",
      policies: [{ name: rule.meta.id, enforcementLevel: "mandatory" }],
      initialConfig: {},
      schemas: { [rule.meta.id]: { properties: rule.meta.configSchema!, required: [] } },
    } as unknown as AnalyzerInfo;
    const resolve = (ids: unknown) => resolvePolicyConfig(info, { "bastion-only-admin": { bastionSecurityGroupIds: ids } });
    expect(resolve([PLATFORM_BASTION, "sg-0a1b2c3d"])["bastion-only-admin"].bastionSecurityGroupIds).toEqual([PLATFORM_BASTION, "sg-0a1b2c3d"]);
    for (const bad of [["10.0.0.0/16"], ["bastion-sg"], ["sg-12345"], ["sg-0123456789ABCDEF0"], "sg-0a1b2c3d"]) {
      expect(() => resolve(bad), JSON.stringify(bad)).toThrow(PolicyConfigError);
    }
    expect(() => resolve(["10.0.0.0/16"])).toThrow(/bastion-only-admin\.bastionSecurityGroupIds\.0: must match pattern/);
  });
});

describe("facts the offline engine passes about the groups of a stack it ran (BULKHEAD_OFFLINE_GROUPS)", () => {
  it("a group the exporting stack's model makes the bastion's passes; one it does not is not the bastion's, by provenance", () => {
    process.env.BULKHEAD_OFFLINE_GROUPS = JSON.stringify([fact(PLATFORM_BASTION, "bastion-sg", true), fact(PLATFORM_ENDPOINTS, "platform-endpoints-sg", false)]);
    expect(findings(PLATFORM_BASTION)).toEqual([]);
    const f = findings(PLATFORM_ENDPOINTS);
    expect(f.map((d) => [d.urn?.split("::").pop(), d.kind])).toEqual([["acme-app-ssh", "admin-port-not-from-bastion"]]);
    expect(f[0].message).toContain(`admits group ${PLATFORM_ENDPOINTS} (sg platform-endpoints-sg of stack bulkhead-platform/dev, not the bastion's), which is not the bastion's security group`);
    // A group the facts do not name stays unverifiable.
    expect(findings(OTHER).map((d) => d.kind)).toEqual(["admin-port-external-source"]);
  });

  it("what the engine knows wins over a declaration: a declared group the exporting stack shows is not the bastion's still fails", () => {
    process.env.BULKHEAD_OFFLINE_GROUPS = JSON.stringify([fact(PLATFORM_ENDPOINTS, "platform-endpoints-sg", false)]);
    expect(findings(PLATFORM_ENDPOINTS, { bastionSecurityGroupIds: [PLATFORM_ENDPOINTS] }).map((d) => d.kind)).toEqual(["admin-port-not-from-bastion"]);
    // Without the facts (the Pulumi CLI's view) the declaration is all there is.
    delete process.env.BULKHEAD_OFFLINE_GROUPS;
    expect(findings(PLATFORM_ENDPOINTS, { bastionSecurityGroupIds: [PLATFORM_ENDPOINTS] })).toEqual([]);
  });

  it("an admin rule this stack adds onto the platform's bastion group is the bastion's own door (as in the platform stack); onto another platform group it is not", () => {
    process.env.BULKHEAD_OFFLINE_GROUPS = JSON.stringify([fact(PLATFORM_BASTION, "bastion-sg", true), fact(PLATFORM_ENDPOINTS, "platform-endpoints-sg", false)]);
    const onto = (target: string) =>
      evaluate(hardened().set("acme-app-ssh", { securityGroupId: target, sourceSecurityGroupId: undefined, cidrBlocks: ["10.0.0.0/16"] }, { securityGroupId: [], sourceSecurityGroupId: [] }).resources)
        .filter((d) => d.policy === "bastion-only-admin");
    expect(onto(PLATFORM_BASTION)).toEqual([]);
    const f = onto(PLATFORM_ENDPOINTS);
    expect(f.map((d) => [d.urn?.split("::").pop(), d.kind])).toEqual([["acme-app-ssh", "admin-port-not-from-bastion"]]);
    expect(f[0].message).toContain(`on external ${PLATFORM_ENDPOINTS} (sg platform-endpoints-sg of stack bulkhead-platform/dev) admits CIDR 10.0.0.0/16`);
  });
});
