/**
 * EKS cluster membership of security groups, for the grants AWS documents as required between an EKS control plane
 * and its nodes (https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html): the control plane reaches
 * the kubelet (10250) and extension API servers (443) on its nodes, the nodes reach the API server on 443, and the
 * nodes of a cluster talk to each other (pod networking, CoreDNS). @pulumi/eks and the AWS CloudFormation node
 * template create exactly these rules (node-to-node all traffic by self-reference; 1025-65535 and 443 from the
 * cluster group).
 *
 * Such a grant is legitimate only when membership proves both ends belong to the same cluster:
 * - the control-plane group of cluster C: a group whose only user is the aws.eks.Cluster C (its
 *   vpcConfig.securityGroupIds) — EKS places it on the control plane's ENIs, nothing else carries it;
 * - the node group of cluster C: a group whose every member is a node of C — an aws.eks.NodeGroup whose
 *   clusterName is C, or an auto-scaling group stamped `kubernetes.io/cluster/<C's name>` (owned/shared, the tag
 *   EKS's self-managed node template sets) — and whose every other user is a launch template only such nodes use;
 *   or a group nothing carries whose own tag `kubernetes.io/cluster/<C's name>` declares it C's.
 * A group that also carries anything else (a database, a bastion, another cluster's nodes) is neither, so the grant
 * is judged like any other; so are world CIDRs (never group references) and groups whose nodes span tenants.
 */
import { T } from "./aws-types";
import type { ResourceIndex } from "./resource-index";
import { asList, tagEntries } from "./resource-index";
import { isUnknown, type IngressGrant, type SecurityGroupNode } from "./types";

const CLUSTER_TAG = /^kubernetes\.io\/cluster\/(.+)$/;
const LAUNCH_SPECS: readonly string[] = [T.launchTemplate, T.launchConfiguration];

/** The EKS cluster a launcher's instances join, or undefined when nothing proves one (see the module comment). */
export function clusterOfNode(ix: ResourceIndex, urn: string, specsOf: (urn: string) => string[]): string | undefined {
  const r = ix.byUrn(urn);
  if (!r) return undefined;
  if (r.type === T.eksNodeGroup) {
    const c = ix.resolve(r, "clusterName", r.props.clusterName, [T.eks]).urns;
    return c.length === 1 ? c[0] : undefined;
  }
  if (r.type !== T.asg) return undefined;
  const found = new Set<string>();
  const fromKey = (key: unknown, value: unknown, prop: string, owner = r) => {
    if (typeof key !== "string" || isUnknown(key) || (value !== "owned" && value !== "shared")) return;
    const m = CLUSTER_TAG.exec(key);
    if (!m) return;
    const c = ix.resolve(owner, prop, m[1], [T.eks]).urns;
    if (c.length === 1) found.add(c[0]);
    else found.add("\u0000unresolved");
  };
  for (const t of asList(r.props.tags)) fromKey((t as any)?.key, (t as any)?.value, "tags");
  for (const [k, v] of tagEntries(r.props.tags)) fromKey(k, v, "tags");
  for (const spec of specsOf(urn)) {
    const s = ix.byUrn(spec);
    for (const ts of asList(s?.props.tagSpecifications)) for (const [k, v] of tagEntries((ts as any)?.tags)) fromKey(k, v, "tagSpecifications", s);
  }
  return found.size === 1 && !found.has("\u0000unresolved") ? [...found][0] : undefined;
}

/** Sets eksControlPlaneOf / eksNodesOf on every group whose users prove it (see the module comment). */
export function markEksGroups(
  ix: ResourceIndex,
  sgNodes: Map<string, SecurityGroupNode>,
  specsOf: (urn: string) => string[],
  launchersOf: (spec: string) => string[],
): void {
  const clusterOf = new Map<string, string | undefined>();
  const node = (u: string) => {
    if (!clusterOf.has(u)) clusterOf.set(u, clusterOfNode(ix, u, specsOf));
    return clusterOf.get(u);
  };
  for (const sg of sgNodes.values()) {
    const users = [...new Set([...sg.attachedTo, ...sg.members])];
    if (!users.length) {
      // Nothing carries the group (eks.Cluster's node group when only managed node groups, which use EKS's own
      // cluster group, run): its declared cluster tag is all there is, and nothing outside the cluster is in it.
      const r = ix.byUrn(sg.urn)!;
      const named = new Set<string>();
      for (const [k, v] of tagEntries(r.props.tags)) {
        const m = typeof k === "string" && !isUnknown(k) && (v === "owned" || v === "shared") ? CLUSTER_TAG.exec(k) : null;
        if (!m) continue;
        const c = ix.resolve(r, "tags", m[1], [T.eks]).urns;
        named.add(c.length === 1 ? c[0] : "\u0000unresolved");
      }
      if (named.size === 1 && !named.has("\u0000unresolved")) sg.eksNodesOf = [...named][0];
      continue;
    }
    if (users.every((u) => ix.byUrn(u)?.type === T.eks) && users.length === 1) {
      sg.eksControlPlaneOf = users[0];
      continue;
    }
    if (!sg.members.length) continue;
    const clusters = new Set<string | undefined>();
    for (const u of users) {
      const type = ix.byUrn(u)?.type ?? "";
      if (LAUNCH_SPECS.includes(type) && !sg.members.includes(u)) {
        const ls = launchersOf(u);
        if (!ls.length) clusters.add(undefined);
        for (const l of ls) clusters.add(node(l));
      } else clusters.add(node(u));
    }
    if (clusters.size === 1 && !clusters.has(undefined)) sg.eksNodesOf = [...clusters][0];
  }
}

/**
 * True when `g` is a grant AWS documents as required between one EKS cluster's control plane and its nodes, or
 * among those nodes, and the nodes belong to at most one tenant.
 */
export function isEksClusterGrant(g: IngressGrant, sgByUrn: (urn: string) => SecurityGroupNode | undefined): boolean {
  const target = sgByUrn(g.targetSgUrn);
  if (!target || target.tenants.length > 1) return false;
  const s = g.source;
  if (s.kind === "self") return target.eksNodesOf !== undefined;
  if (s.kind !== "sg" || !s.sgUrn) return false;
  const source = sgByUrn(s.sgUrn);
  if (!source || source.tenants.length > 1) return false;
  // Control plane → its nodes (kubelet, extension API servers), nodes → their control plane (API server).
  if (target.eksNodesOf !== undefined && source.eksControlPlaneOf === target.eksNodesOf) return true;
  if (source.eksNodesOf !== undefined && target.eksControlPlaneOf === source.eksNodesOf) return true;
  return false;
}
