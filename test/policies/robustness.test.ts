/**
 * A rule that throws takes the whole AnalyzeStack call down (`pulumi preview` fails with the pack's stack
 * trace), so the model and rules must survive any property shape a program can produce: nulls, numbers where
 * strings belong, unknowns anywhere, malformed JSON documents, unresolvable references. Seeded, so a failure
 * reproduces.
 */
import { describe, expect, it } from "vitest";
import { evaluate } from "../../policies/pack";
import { hardened, TYPES, UNKNOWN } from "./fixtures";

/** mulberry32: a small, well-distributed 32-bit generator (integer math only, so it never degenerates). */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD_VALUES: unknown[] = [
  null, 0, -1, 65536, 3.5, "", "x", "0.0.0.0/0", "::/0", "10.0.0.0/33", "not-a-cidr", UNKNOWN, [], [null], [UNKNOWN], [{}],
  {}, { a: 1 }, true, false, "-1", "all", [{ cidr: null }], [{ cidr: UNKNOWN }], '{"Statement":5}', "{bad json", '{"Statement":[{"Effect":"Allow"}]}',
];

const EXTRA_TYPES = [
  TYPES.tgw, TYPES.tgwAtt, TYPES.tgwRt, TYPES.tgwAssoc, TYPES.tgwProp, TYPES.tgwRoute, TYPES.prefixList, TYPES.prefixListEntry,
  TYPES.ecsService, TYPES.eksNodeGroup, TYPES.opensearch, TYPES.peering, TYPES.sgIngress, TYPES.sgRule, TYPES.instance, TYPES.lt,
  "aws:mq/broker:Broker", "aws:codebuild/project:Project", "aws:ssm/parameter:Parameter", "aws:memorydb/user:User",
  "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", "aws:redshiftserverless/workgroup:Workgroup",
  "aws:lambda/function:Function", "aws:ecs/taskDefinition:TaskDefinition", "aws:s3/bucketPolicy:BucketPolicy", "aws:iam/role:Role",
];

const KEYS = [
  "transitGatewayId", "vpcId", "transitGatewayAttachmentId", "transitGatewayRouteTableId", "destinationCidrBlock", "blackhole", "entries",
  "prefixListId", "cidr", "users", "environment", "type", "value", "authenticationMode", "networkConfiguration", "subnetIds", "launchTemplate",
  "roleName", "policyArns", "publiclyAccessible", "advancedSecurityOptions", "containerDefinitions", "peerVpcId", "securityGroupId",
  "referencedSecurityGroupId", "cidrIpv4", "ipProtocol", "fromPort", "toPort", "ipv6AddressCount", "metadataOptions", "policy",
  "assumeRolePolicy", "tags", "ingress", "routes", "vpcConfig", "networkInterfaces", "transitGatewayDefaultRouteTableAssociation",
];

describe("robustness", () => {
  it("never throws on odd property shapes (1,500 seeded random stacks)", () => {
    const rnd = prng(20261125);
    const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
    const mutate = (v: unknown): unknown => {
      if (rnd() < 0.15) return pick(ODD_VALUES);
      if (Array.isArray(v)) return v.map(mutate);
      if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mutate(x)]));
      return v;
    };
    const failures: string[] = [];
    for (let i = 0; i < 1500 && failures.length < 5; i++) {
      const s = hardened();
      const names = s.resources.map((r) => r.name);
      for (let k = 0; k < 8; k++) {
        const props: Record<string, unknown> = {};
        for (let j = 0; j < 6; j++) props[pick(KEYS)] = pick(ODD_VALUES);
        const deps: Record<string, string[]> = {};
        for (const key of Object.keys(props)) if (rnd() < 0.4) deps[key] = [pick(names)];
        s.add(pick(EXTRA_TYPES), `odd-${k}`, props, deps);
        names.push(`odd-${k}`);
      }
      const resources = s.resources.map((r) => (rnd() < 0.3 ? { ...r, props: Object.fromEntries(Object.entries(r.props).map(([k, v]) => [k, mutate(v)])) } : r));
      try {
        evaluate(resources);
      } catch (e) {
        failures.push(`stack ${i}: ${(e as Error).stack?.split("\n").slice(0, 3).join(" ")}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
