/**
 * Each model stage on its own (policies/model/*.ts), over small hand-built stacks: index → endpoints → ingress →
 * routing → exposure. The rules' behaviour is tested in rules.test.ts and endpoints.test.ts.
 */
import { describe, expect, it } from "vitest";
import { CidrSet } from "../../policies/model/cidr";
import { buildEndpoints, groupProps } from "../../policies/model/endpoints";
import { buildExposure, exposuresOf } from "../../policies/model/exposure";
import { buildIngress } from "../../policies/model/ingress";
import { indexResources } from "../../policies/model/resource-index";
import { buildRouting } from "../../policies/model/routing";
import { hardened, Stack, TYPES as T, UNKNOWN, urnOf } from "./fixtures";

const name = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);
const LT = "aws:ec2/launchTemplate:LaunchTemplate";
const SPOT = "aws:ec2/spotInstanceRequest:SpotInstanceRequest";
const ENI_SG = "aws:ec2/networkInterfaceSecurityGroupAttachment:NetworkInterfaceSecurityGroupAttachment";
const DEFAULTS = "aws:ec2/instanceMetadataDefaults:InstanceMetadataDefaults";

function stages(s: Stack) {
  const ix = indexResources(s.resources);
  const ep = buildEndpoints(ix);
  const ing = buildIngress(ix);
  const routing = buildRouting(ix, ep);
  const exp = buildExposure(ix, ep, ing, routing);
  return { ix, ep, ing, routing, exp };
}

describe("stage 1: index", () => {
  it("resolves references by dependency, id, ARN and name, and reports what it cannot resolve", () => {
    const s = hardened();
    s.set("acme-app-sg", { id: "sg-0abc", arn: "arn:aws:ec2:eu-west-1:1:security-group/sg-0abc" });
    const ix = indexResources(s.resources);
    const worker = ix.byUrn(urnOf(T.instance, "acme-worker"))!;
    expect(ix.resolve(worker, "vpcSecurityGroupIds", UNKNOWN, [T.sg]).urns.map(name)).toEqual(["acme-app-sg"]);
    expect(ix.resolve(worker, "x", "sg-0abc", [T.sg]).urns.map(name)).toEqual(["acme-app-sg"]);
    expect(ix.resolve(worker, "x", "arn:aws:ec2:eu-west-1:1:security-group/sg-0abc", [T.sg]).urns.map(name)).toEqual(["acme-app-sg"]);
    expect(ix.resolve(worker, "x", "sg-elsewhere", [T.sg])).toEqual({ urns: [], external: "sg-elsewhere" });
    expect(ix.resolve(worker, "x", UNKNOWN, [T.sg])).toEqual({ urns: [], unknown: true });
    // A known id that matches nothing falls back to the property's dependencies (ids aren't always echoed in props).
    expect(ix.resolveList(worker, "vpcSecurityGroupIds", ["sg-x"], [T.sg])).toMatchObject({ urns: [urnOf(T.sg, "acme-app-sg")], externals: [] });
    expect(ix.resolveList(worker, "x", ["sg-0abc", "sg-x", UNKNOWN], [T.sg])).toMatchObject({ urns: [urnOf(T.sg, "acme-app-sg")], externals: ["sg-x"], unknown: true });
  });
  it("reads tags (autoscaling's list form, unknown tenant tags) and launch templates' stamped bastion role", () => {
    const s = new Stack();
    s.add(T.asg, "a", { tags: [{ key: "bulkhead:tenant", value: "acme", propagateAtLaunch: true }] });
    s.add(T.sg, "b", { tags: { "bulkhead:tenant": UNKNOWN } });
    s.add(LT, "c", { tagSpecifications: [{ resourceType: "instance", tags: { "bulkhead:role": "bastion" } }] });
    const ix = indexResources(s.resources);
    expect(ix.tenantOf(urnOf(T.asg, "a"))).toBe("acme");
    expect(ix.tagsUnknown(urnOf(T.sg, "b"))).toBe(true);
    expect(ix.taggedBastion(urnOf(LT, "c"))).toBe(true);
    expect(ix.hasBastion).toBe(false);
  });
});

describe("stage 2: attachments and endpoints", () => {
  it("finds group-valued properties at any depth by their plural names, never rule targets", () => {
    expect(groupProps({ vpcConfig: { securityGroupIds: ["a"] }, networkInterfaces: [{ securityGroups: ["b"] }], securityGroupId: "c", tags: { securityGroups: "x" } }).map(([top, path]) => [top, path])).toEqual([
      ["vpcConfig", "vpcConfig.securityGroupIds"],
      ["networkInterfaces", "networkInterfaces[0].securityGroups"],
    ]);
  });
  it("gives an instance the union of its own groups, its ENIs' and attachment resources' groups", () => {
    const s = hardened();
    s.add(T.sg, "extra-sg", { vpcId: UNKNOWN }, { vpcId: ["main-vpc"] });
    s.add(T.eni, "w-eni", { subnetId: UNKNOWN, securityGroups: [UNKNOWN], attachments: [{ instance: UNKNOWN, deviceIndex: 1 }] }, { subnetId: ["acme-app-a"], securityGroups: ["acme-db-sg"], attachments: ["acme-worker"] });
    s.add(ENI_SG, "w-extra", { securityGroupId: UNKNOWN, networkInterfaceId: UNKNOWN }, { securityGroupId: ["extra-sg"], networkInterfaceId: ["w-eni"] });
    const { ep } = stages(s);
    const worker = ep.endpointByUrn(urnOf(T.instance, "acme-worker"))!;
    expect(worker.groups.map((g) => [name(g.sgUrn), name(g.via), g.path])).toEqual([
      ["acme-app-sg", "acme-worker", "vpcSecurityGroupIds"],
      ["acme-db-sg", "w-eni", "securityGroups"],
      ["extra-sg", "w-extra", "securityGroupId"],
    ]);
    expect(ep.endpointsOfGroup(urnOf(T.sg, "extra-sg")).map((e) => e.name).sort()).toEqual(["acme-worker", "w-eni"]);
  });
  it("launches from templates: an ASG takes its template's groups and tenant; a used template is not an endpoint itself", () => {
    const { ep } = stages(hardened());
    const asg = ep.endpointByUrn(urnOf(T.asg, "acme-app-asg"))!;
    expect([asg.groups.map((g) => name(g.sgUrn)), asg.launchedFrom.map(name), asg.tenant]).toEqual([["acme-app-sg"], ["acme-app-lt"], undefined]);
    expect(ep.endpointByUrn(urnOf(T.lt, "acme-app-lt"))).toBeUndefined();
    expect(ep.launchersOf(urnOf(T.lt, "acme-app-lt")).map(name)).toEqual(["acme-app-asg"]);
    expect(ep.sgNodes.get(urnOf(T.sg, "acme-app-sg"))!.tenants).toEqual(["acme"]);
  });
  it("models AWS-managed firewalls as the endpoint's own group, and tells load balancers' reach", () => {
    const s = hardened();
    s.add(T.eksNodeGroup, "ng", { remoteAccess: { ec2SshKey: "k" }, subnetIds: [UNKNOWN] }, { subnetIds: ["acme-app-a"] });
    const { ep } = stages(s);
    expect(ep.endpointByUrn(urnOf(T.eksNodeGroup, "ng"))!.groups).toEqual([{ sgUrn: urnOf(T.eksNodeGroup, "ng"), via: urnOf(T.eksNodeGroup, "ng"), path: "remoteAccess" }]);
    expect(ep.endpointByUrn(urnOf(T.lb, "web-alb"))).toMatchObject({ role: "load-balancer", internetFacing: true });
    expect(ep.endpointByUrn(urnOf(T.rds, "acme-db"))).toMatchObject({ role: "database", tenant: "acme" });
  });
  it("resolves instance metadata settings: own, launch template, account default, AWS default", () => {
    const s = new Stack();
    s.add(LT, "lt-v2", { metadataOptions: { httpTokens: "required" } });
    s.add(T.instance, "own", { metadataOptions: { httpTokens: "optional" }, launchTemplate: { id: UNKNOWN } }, { launchTemplate: ["lt-v2"] });
    s.add(T.instance, "from-lt", { launchTemplate: { id: UNKNOWN } }, { launchTemplate: ["lt-v2"] });
    s.add(SPOT, "bare", {});
    const before = buildEndpoints(indexResources(s.resources));
    expect(["own", "from-lt"].map((n) => before.metadataOf(urnOf(T.instance, n))!.source)).toEqual(["own", "launch-template"]);
    expect(before.metadataOf(urnOf(SPOT, "bare"))).toEqual({ httpTokens: undefined, httpEndpoint: undefined, source: "aws-default" });
    s.add(DEFAULTS, "acct", { httpTokens: "required" });
    expect(buildEndpoints(indexResources(s.resources)).metadataOf(urnOf(SPOT, "bare"))).toMatchObject({ httpTokens: "required", source: "account-default", from: urnOf(DEFAULTS, "acct") });
  });
});

describe("stage 3: ingress", () => {
  it("turns EKS remote access without source groups into a 0.0.0.0/0 grant on the node group", () => {
    const s = new Stack();
    s.add(T.eksNodeGroup, "ng", { remoteAccess: { ec2SshKey: "k" } });
    s.add(T.eksNodeGroup, "ng-scoped", { remoteAccess: { ec2SshKey: "k", sourceSecurityGroupIds: ["sg-ops"] } });
    const { ingress, grantsTo } = buildIngress(indexResources(s.resources));
    expect(ingress.map((g) => [name(g.targetSgUrn), g.ports, g.source.kind === "cidr" ? g.source.text : g.source])).toEqual([
      ["ng", { from: 22, to: 22 }, ["0.0.0.0/0"]],
      ["ng-scoped", { from: 22, to: 22 }, { kind: "sg", external: "sg-ops" }],
    ]);
    expect(grantsTo(urnOf(T.eksNodeGroup, "ng"))).toHaveLength(1);
  });
  it("keeps every rule form of the hardened stack", () => {
    const { ingress } = buildIngress(indexResources(hardened().resources));
    expect(ingress.map((g) => name(g.grantUrn))).toEqual(["alb-sg", "bastion-sg", "acme-app-ssh", "acme-db-from-app", "acme-app-from-alb"]);
  });
});

describe("stage 4: routing", () => {
  it("places endpoints in subnets (generic subnet properties too) and derives subnet tenants from members", () => {
    const s = hardened();
    s.add(T.subnet, "untagged", { vpcId: UNKNOWN, cidrBlock: "10.0.60.0/24" }, { vpcId: ["main-vpc"] });
    s.add(T.lambda, "fn", { vpcConfig: { subnetIds: [UNKNOWN], securityGroupIds: [UNKNOWN] }, tags: { "bulkhead:tenant": "globex" } }, { vpcConfig: ["untagged", "acme-app-sg"] });
    const { routing } = stages(s);
    expect(routing.subnetsOf(urnOf(T.lambda, "fn")).urns.map(name)).toEqual(["untagged"]);
    expect(routing.subnets.get(urnOf(T.subnet, "untagged"))!.tenants).toEqual(["globex"]);
    expect(routing.subnets.get(urnOf(T.subnet, "public-a"))!.igw).toBe("main-igw");
    expect(routing.subnetsOf(urnOf(T.lt, "acme-app-lt")).urns.map(name)).toEqual(["acme-app-a"]);
  });
  it("reads peering ends with their owners", () => {
    const s = hardened();
    s.add(T.vpc, "globex-vpc", { cidrBlock: "10.9.0.0/16", tags: { "bulkhead:tenant": "globex" } });
    s.add(T.peering, "p", { vpcId: UNKNOWN, peerVpcId: "vpc-outside" }, { vpcId: ["globex-vpc"] });
    const { routing } = stages(s);
    expect(routing.peerings.map((p) => [p.requester, p.accepter])).toEqual([[[{ urn: urnOf(T.vpc, "globex-vpc"), owner: "globex" }], [{ urn: "external:vpc-outside", owner: undefined }]]]);
  });
});

describe("stage 5: exposure", () => {
  const grant = (target: string, cidr: string, from: number, to = from) => ({
    grantUrn: `g-${cidr}-${from}`,
    targetSgUrn: target,
    protocol: "tcp",
    ports: { from, to },
    source: { kind: "cidr" as const, cidrs: CidrSet.of([cidr]), text: [cidr] },
    unknownFields: [],
  });
  it("finds port segments whose covering grants together cover the internet, and blames only the needed ones", () => {
    const ex = exposuresOf("t", [grant("t", "0.0.0.0/1", 20, 30), grant("t", "128.0.0.0/1", 22, 22), grant("t", "10.0.0.0/8", 22, 22)]);
    expect(ex.map((e) => [e.ports, e.grants.map((g) => g.grantUrn).sort()])).toEqual([[{ from: 22, to: 22 }, ["g-0.0.0.0/1-20", "g-128.0.0.0/1-22"]]]);
  });
  it("unites an endpoint's groups: halves on two groups of one instance open it, not either group", () => {
    const s = hardened();
    s.add(T.sg, "a", { vpcId: UNKNOWN, ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/1"] }] }, { vpcId: ["main-vpc"] });
    s.add(T.sg, "b", { vpcId: UNKNOWN, ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["128.0.0.0/1"] }] }, { vpcId: ["main-vpc"] });
    s.add(T.instance, "web", { subnetId: UNKNOWN, vpcSecurityGroupIds: [UNKNOWN, UNKNOWN] }, { subnetId: ["public-a"], vpcSecurityGroupIds: ["a", "b"] });
    const { exp } = stages(s);
    expect(exp.worldExposures().filter((e) => ["a", "b"].includes(name(e.targetSgUrn)))).toEqual([]);
    const [e] = exp.endpointExposures(urnOf(T.instance, "web"));
    expect([e.ports, e.groups.map(name), e.acrossGroups]).toEqual([{ from: 443, to: 443 }, ["a", "b"], true]);
    expect(exp.publicHop(urnOf(T.instance, "web"))).toEqual(["igw main-igw", "subnet public-a"]);
    expect(exp.endpointExposures(urnOf(T.lb, "web-alb")).map((x) => [x.ports, x.acrossGroups])).toEqual([[{ from: 443, to: 443 }, false]]);
  });
});
