/**
 * The security-group rules AWS documents as required between an EKS cluster's control plane and its nodes, and
 * among the nodes (https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html: the control plane reaches
 * the kubelet on 10250 and extension API servers on 443; nodes talk to each other for pod networking), as
 * @pulumi/eks and AWS's self-managed node template create them: node-to-node all traffic by self-reference,
 * 1025-65535 and 443 from the cluster's group. They are legitimate only when membership proves both ends are that
 * one cluster's control plane and nodes (policies/model/eks.ts); anything else in either group, another cluster's
 * nodes, nodes of two tenants or a CIDR source is judged as any other grant.
 */
import { describe, expect, it } from "vitest";
import { mandatoryFindings } from "./doors-helpers";
import { hardened, Stack, UNKNOWN } from "./fixtures";

const RULES = ["bastion-only-admin", "data-ports-tenant-only"];
const TY = {
  eks: "aws:eks/cluster:Cluster",
  nodeGroup: "aws:eks/nodeGroup:NodeGroup",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  rule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  lt: "aws:ec2/launchTemplate:LaunchTemplate",
  asg: "aws:autoscaling/group:Group",
  instance: "aws:ec2/instance:Instance",
};
const clusterTag = (name: string) => [{ key: `kubernetes.io/cluster/${name}`, value: "owned", propagateAtLaunch: true }];

/** The hardened fixture plus an EKS cluster "prod" with @pulumi/eks's groups and rules, no nodes yet. */
function cluster(s: Stack = hardened(), name = "prod"): Stack {
  s.add(TY.sg, `${name}-cluster-sg`, { vpcId: UNKNOWN }, { vpcId: ["main-vpc"] });
  s.add(TY.eks, name, { name, roleArn: UNKNOWN, vpcConfig: { securityGroupIds: [UNKNOWN], subnetIds: [UNKNOWN], endpointPublicAccess: false, endpointPrivateAccess: true } }, { vpcConfig: [`${name}-cluster-sg`, "acme-app-a"] });
  s.add(TY.sg, `${name}-node-sg`, { vpcId: UNKNOWN, tags: { [`kubernetes.io/cluster/${name}`]: "owned" } }, { vpcId: ["main-vpc"] });
  const rule = (n: string, props: object, deps: Record<string, string[]>) => s.add(TY.rule, `${name}-${n}`, { type: "ingress", securityGroupId: UNKNOWN, ...props }, { securityGroupId: [`${name}-node-sg`], ...deps });
  rule("eksNodeIngressRule", { protocol: "-1", fromPort: 0, toPort: 0, self: true }, {});
  rule("eksNodeClusterIngressRule", { protocol: "tcp", fromPort: 1025, toPort: 65535, sourceSecurityGroupId: UNKNOWN }, { sourceSecurityGroupId: [`${name}-cluster-sg`] });
  rule("eksExtApiServerClusterIngressRule", { protocol: "tcp", fromPort: 443, toPort: 443, sourceSecurityGroupId: UNKNOWN }, { sourceSecurityGroupId: [`${name}-cluster-sg`] });
  s.add(TY.rule, `${name}-eksClusterIngressRule`, { type: "ingress", protocol: "tcp", fromPort: 443, toPort: 443, securityGroupId: UNKNOWN, sourceSecurityGroupId: UNKNOWN }, { securityGroupId: [`${name}-cluster-sg`], sourceSecurityGroupId: [`${name}-node-sg`] });
  return s;
}

/** Self-managed nodes: a launch template with the node group and an auto-scaling group stamped with a cluster tag. */
function nodes(s: Stack, name: string, clusterName: string, nodeSg: string, tags: object[] = clusterTag(clusterName)): Stack {
  s.add(TY.lt, `${name}-lt`, { imageId: "ami-1", metadataOptions: { httpTokens: "required" }, networkInterfaces: [{ associatePublicIpAddress: "false", securityGroups: [UNKNOWN] }] }, { networkInterfaces: [nodeSg] });
  s.add(TY.asg, name, { minSize: 1, maxSize: 2, launchTemplate: { id: UNKNOWN, version: UNKNOWN }, vpcZoneIdentifiers: [UNKNOWN], tags }, { launchTemplate: [`${name}-lt`], vpcZoneIdentifiers: ["acme-app-a"] });
  return s;
}

const NOT_BASTION = "admin-port-not-from-bastion";
type Case = [name: string, build: () => Stack, expected: string[]];

const SECURE: Case[] = [
  ["self-managed nodes of the cluster, stamped kubernetes.io/cluster/prod: the three node rules pass", () => nodes(cluster(), "prod-nodes", "prod", "prod-node-sg"), []],
  [
    "a managed node group (aws.eks.NodeGroup clusterName → prod) launched with the node group's template passes",
    () => {
      const s = cluster();
      s.add(TY.lt, "mng-lt", { metadataOptions: { httpTokens: "required" }, vpcSecurityGroupIds: [UNKNOWN] }, { vpcSecurityGroupIds: ["prod-node-sg"] });
      s.add(TY.nodeGroup, "mng", { clusterName: UNKNOWN, nodeRoleArn: UNKNOWN, subnetIds: [UNKNOWN], launchTemplate: { id: UNKNOWN, version: UNKNOWN } }, { clusterName: ["prod"], launchTemplate: ["mng-lt"], subnetIds: ["acme-app-a"] });
      return s;
    },
    [],
  ],
  ["a node group nothing carries yet, declared prod's by its kubernetes.io/cluster tag, passes", () => cluster(), []],
  ["nodes of one tenant (bulkhead:tenant acme) reached by their own cluster's control plane pass", () => nodes(cluster(), "prod-nodes", "prod", "prod-node-sg", [...clusterTag("prod"), { key: "bulkhead:tenant", value: "acme", propagateAtLaunch: true }]), []],
];

const INSECURE: Case[] = [
  [
    "the node group also on an ordinary instance: self and control-plane rules reach it (admin ports)",
    () => {
      const s = nodes(cluster(), "prod-nodes", "prod", "prod-node-sg");
      s.add(TY.instance, "jump", { ami: "ami-1", instanceType: "t3.micro", subnetId: UNKNOWN, vpcSecurityGroupIds: [UNKNOWN], metadataOptions: { httpTokens: "required" } }, { subnetId: ["acme-app-a"], vpcSecurityGroupIds: ["prod-node-sg"] });
      return s;
    },
    [`bastion-only-admin prod-eksNodeClusterIngressRule ${NOT_BASTION}`, `bastion-only-admin prod-eksNodeIngressRule ${NOT_BASTION}`],
  ],
  [
    "the cluster's group also on an instance: it is no longer only the control plane, so its grant into the nodes is judged",
    () => {
      const s = nodes(cluster(), "prod-nodes", "prod", "prod-node-sg");
      s.add(TY.instance, "ops", { ami: "ami-1", instanceType: "t3.micro", subnetId: UNKNOWN, vpcSecurityGroupIds: [UNKNOWN], metadataOptions: { httpTokens: "required" } }, { subnetId: ["acme-app-a"], vpcSecurityGroupIds: ["prod-cluster-sg"] });
      return s;
    },
    [`bastion-only-admin prod-eksNodeClusterIngressRule ${NOT_BASTION}`],
  ],
  [
    "prod's control-plane group admitted into nodes of another cluster (staging): cross-cluster, judged",
    () => {
      const s = cluster(cluster(), "staging");
      s.add(TY.rule, "staging-from-prod", { type: "ingress", protocol: "tcp", fromPort: 10250, toPort: 10250, securityGroupId: UNKNOWN, sourceSecurityGroupId: UNKNOWN }, { securityGroupId: ["staging-node-sg"], sourceSecurityGroupId: ["prod-cluster-sg"] });
      return nodes(nodes(s, "prod-nodes", "prod", "prod-node-sg"), "staging-nodes", "staging", "staging-node-sg");
    },
    [`bastion-only-admin staging-from-prod ${NOT_BASTION}`],
  ],
  [
    "nodes of two tenants in one node group: the self rule is a cross-tenant path",
    () => {
      const s = nodes(cluster(), "acme-nodes", "prod", "prod-node-sg", [...clusterTag("prod"), { key: "bulkhead:tenant", value: "acme", propagateAtLaunch: true }]);
      return nodes(s, "globex-nodes", "prod", "prod-node-sg", [...clusterTag("prod"), { key: "bulkhead:tenant", value: "globex", propagateAtLaunch: true }]);
    },
    [`bastion-only-admin prod-eksNodeClusterIngressRule ${NOT_BASTION}`, `bastion-only-admin prod-eksNodeIngressRule ${NOT_BASTION}`, "data-ports-tenant-only prod-eksNodeClusterIngressRule data-port-other-owner", "data-ports-tenant-only prod-eksNodeIngressRule data-port-shared-by-tenants"],
  ],
  [
    "nodes with no cluster tag: nothing proves they are the cluster's, the grants are judged",
    () => nodes(cluster(), "prod-nodes", "prod", "prod-node-sg", []),
    [`bastion-only-admin prod-eksNodeClusterIngressRule ${NOT_BASTION}`, `bastion-only-admin prod-eksNodeIngressRule ${NOT_BASTION}`],
  ],
];

describe("EKS control plane ↔ nodes: AWS's required rules pass on the cluster's own groups", () => {
  it.each(SECURE)("%s", (_n, build, expected) => expect(mandatoryFindings(build(), RULES)).toEqual(expected));
});
describe("EKS: the same rules are judged when membership does not prove one cluster", () => {
  it.each(INSECURE)("%s", (_n, build, expected) => expect(mandatoryFindings(build(), RULES)).toEqual([...expected].sort()));
});
