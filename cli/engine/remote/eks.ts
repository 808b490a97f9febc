/**
 * @pulumi/eks 3.x–4.x (the multi-language provider, `eks:index:<Type>`): the AWS children each component creates and
 * the defaults it fills in, per pulumi/pulumi-eks `nodejs/eks/` (cluster/cluster.ts, nodes/nodegroup.ts,
 * nodes/securitygroup.ts). Kubernetes-side children (the aws-auth ConfigMap, the k8s provider, the VPC CNI chart) are
 * not AWS resources and are not recorded.
 */
import { ConstructContext, Outputs, ref, valueOf, type Child } from "./context";
import { defaultVpc } from "./defaults";
import { compact, derive, field, items, plain, referencedUrn, truthy, UNKNOWN, type Wire, sha1 } from "./wire";

/** What a node group needs from the cluster it joins; kept per cluster component URN. */
export interface ClusterState {
  eksCluster: Child;
  subnetIds: Wire;
  subnetDeps: string[];
  vpcId: Wire;
  clusterSecurityGroup?: Child;
  nodeSecurityGroup?: Child;
  instanceRoleArn?: Wire;
  instanceProfile?: Child;
}

export const clusters = new Map<string, ClusterState>();

async function serviceRole(ctx: ConstructContext, name: string, service: string, policies: string[]): Promise<Child> {
  const comp = await ctx.child("eks:index:ServiceRole", name, {}, { component: true });
  const assume = JSON.stringify({ Version: "2012-10-17", Statement: [{ Action: ["sts:AssumeRole", "sts:TagSession"], Effect: "Allow", Principal: { Service: [service] } }] });
  const role = await ctx.child("aws:iam/role:Role", `${name}-role`, { assumeRolePolicy: assume, tags: ctx.arg("tags") }, { parent: comp });
  for (const p of policies) {
    const arn = `arn:aws:iam::aws:policy/${p}`;
    await ctx.child("aws:iam/rolePolicyAttachment:RolePolicyAttachment", `${name}-${sha1(arn)}`, { role: ref(role), policyArn: arn }, { parent: comp });
  }
  return role;
}

/** The node security group and its rules, as nodes/securitygroup.ts creates them for a cluster or node group. */
async function nodeSecurityGroup(ctx: ConstructContext, name: string, vpcId: Wire, clusterSg: Child | undefined, clusterName: Wire, vpcDeps: string[]): Promise<Child> {
  const sg = await ctx.child(
    "aws:ec2/securityGroup:SecurityGroup",
    `${name}-nodeSecurityGroup`,
    { vpcId, revokeRulesOnDelete: true, tags: derive([ctx.arg("tags"), clusterName], (tags, cn) => ({ Name: `${name}-nodeSecurityGroup`, [`kubernetes.io/cluster/${cn}`]: "owned", ...(tags ?? {}) })) },
    { deps: { vpcId: vpcDeps } },
  );
  const rule = (suffix: string, inputs: Record<string, unknown>) => ctx.child("aws:ec2/securityGroupRule:SecurityGroupRule", `${name}-${suffix}`, inputs);
  await rule("eksNodeIngressRule", { description: "Allow nodes to communicate with each other", type: "ingress", fromPort: 0, toPort: 0, protocol: "-1", securityGroupId: ref(sg), self: true });
  if (clusterSg) {
    await rule("eksNodeClusterIngressRule", { description: "Allow worker Kubelets and pods to receive communication from the cluster control plane", type: "ingress", fromPort: 1025, toPort: 65535, protocol: "tcp", securityGroupId: ref(sg), sourceSecurityGroupId: ref(clusterSg) });
    await rule("eksExtApiServerClusterIngressRule", { description: "Allow pods running extension API servers on port 443 to receive communication from cluster control plane", type: "ingress", fromPort: 443, toPort: 443, protocol: "tcp", securityGroupId: ref(sg), sourceSecurityGroupId: ref(clusterSg) });
  }
  await rule("eksNodeInternetEgressRule", { description: "Allow internet access.", type: "egress", fromPort: 0, toPort: 0, protocol: "-1", cidrBlocks: ["0.0.0.0/0"], securityGroupId: ref(sg) });
  if (clusterSg) {
    await rule("eksClusterIngressRule", { description: "Allow pods to communicate with the cluster API Server", type: "ingress", fromPort: 443, toPort: 443, protocol: "tcp", securityGroupId: ref(clusterSg), sourceSecurityGroupId: ref(sg) });
  }
  return sg;
}

/** A self-managed node group (launch template + auto scaling group), as NodeGroupV2 and the default node group build it. */
async function selfManagedNodes(ctx: ConstructContext, name: string, opts: Wire, state: ClusterState | undefined, parentDeps: string[]): Promise<void> {
  const o = (k: string) => field(opts, k);
  let nodeSg: Wire;
  const given = o("nodeSecurityGroup");
  const deps: string[] = [];
  if (given !== undefined && given !== null) nodeSg = referencedUrn(given) ? plain(given) : given;
  else if (state?.nodeSecurityGroup) {
    nodeSg = ref(state.nodeSecurityGroup);
  } else {
    const sg = await nodeSecurityGroup(ctx, name, state?.vpcId ?? UNKNOWN, state?.clusterSecurityGroup, state ? valueOf(state.eksCluster, "name") : UNKNOWN, []);
    nodeSg = ref(sg);
  }
  const extra = items(o("extraNodeSecurityGroups")) ?? [];
  let keyName: Wire = o("keyName");
  if (keyName === undefined && o("nodePublicKey") !== undefined) {
    const kp = await ctx.child("aws:ec2/keyPair:KeyPair", `${name}-keyPair`, { publicKey: o("nodePublicKey") });
    keyName = ref(kp, "keyName");
  }
  // "Enable auto-assignment of public IP addresses on worker nodes for backwards compatibility": true unless set.
  const publicIp = o("nodeAssociatePublicIpAddress");
  const imdsv2 = truthy(o("enableIMDSv2"));
  const lt = await ctx.child(
    "aws:ec2/launchTemplate:LaunchTemplate",
    `${name}-launchTemplate`,
    compact({
      imageId: o("amiId") ?? UNKNOWN,
      instanceType: o("instanceType") ?? "t3.medium",
      iamInstanceProfile: state?.instanceProfile ? { arn: ref(state.instanceProfile, "arn") } : o("instanceProfile") !== undefined ? { arn: o("instanceProfile") } : undefined,
      keyName,
      networkInterfaces: [
        {
          associatePublicIpAddress: publicIp === undefined || publicIp === null ? "true" : derive([publicIp], (v: boolean) => String(v)),
          securityGroups: [nodeSg, ...extra],
        },
      ],
      metadataOptions: imdsv2 === true ? { httpTokens: "required", httpPutResponseHopLimit: 2, httpEndpoint: "enabled" } : imdsv2 === "unknown" ? UNKNOWN : undefined,
      userData: o("nodeUserDataOverride") ?? UNKNOWN,
    }),
  );
  const subnets = o("nodeSubnetIds") ?? state?.subnetIds ?? UNKNOWN;
  const desired = o("desiredCapacity") ?? 2;
  await ctx.child(
    "aws:autoscaling/group:Group",
    name,
    {
      minSize: o("minSize") ?? 1,
      maxSize: o("maxSize") ?? 2,
      desiredCapacity: desired,
      launchTemplate: { id: ref(lt), version: ref(lt, "latestVersion") },
      vpcZoneIdentifiers: subnets,
      // The node template's tags: the cluster tag is how EKS (and the model, policies/model/eks.ts) knows these
      // instances are the cluster's nodes.
      ...(state
        ? {
            tags: derive([valueOf(state.eksCluster, "name")], (cn: string) => [
              { key: "Name", value: `${cn}-worker`, propagateAtLaunch: true },
              { key: `kubernetes.io/cluster/${cn}`, value: "owned", propagateAtLaunch: true },
            ]),
          }
        : {}),
    },
    { deps: { vpcZoneIdentifiers: o("nodeSubnetIds") !== undefined ? parentDeps : state?.subnetDeps ?? [] } },
  );
}

export async function cluster(ctx: ConstructContext, out: Outputs): Promise<void> {
  const name = ctx.name;
  let vpcId: Wire = ctx.arg("vpcId");
  let subnetIds: Wire;
  let subnetDeps: string[] = [];
  if (!ctx.has("vpcId")) {
    const dv = defaultVpc(ctx.env);
    vpcId = dv.vpcId;
    subnetIds = [...dv.publicSubnetIds, ...dv.privateSubnetIds];
  }
  if (ctx.has("subnetIds")) {
    subnetIds = ctx.arg("subnetIds");
    subnetDeps = ctx.argDeps("subnetIds");
  } else if (ctx.has("publicSubnetIds") || ctx.has("privateSubnetIds")) {
    subnetIds = derive([ctx.arg("publicSubnetIds") ?? [], ctx.arg("privateSubnetIds") ?? []], (a: string[], b: string[]) => [...(a ?? []), ...(b ?? [])]);
    subnetDeps = ctx.argDeps("publicSubnetIds", "privateSubnetIds");
  }
  const vpcDeps = ctx.argDeps("vpcId");
  const autoMode = truthy(field(ctx.arg("autoMode"), "enabled")) === true;
  const role = ctx.has("serviceRole") ? undefined : await serviceRole(ctx, `${name}-eksRole`, "eks.amazonaws.com", ["AmazonEKSClusterPolicy"]);
  const skipSgs = plain(ctx.arg("skipDefaultSecurityGroups")) ?? autoMode;
  let clusterSg: Child | undefined;
  let clusterSgId: Wire;
  if (ctx.has("clusterSecurityGroup")) clusterSgId = ctx.arg("clusterSecurityGroup");
  else if (skipSgs !== true) {
    clusterSg = await ctx.child(
      "aws:ec2/securityGroup:SecurityGroup",
      `${name}-eksClusterSecurityGroup`,
      { vpcId, revokeRulesOnDelete: true, tags: derive([ctx.arg("tags"), ctx.arg("clusterSecurityGroupTags")], (t, c) => ({ Name: `${name}-eksClusterSecurityGroup`, ...(c ?? {}), ...(t ?? {}) })) },
      { deps: { vpcId: vpcDeps } },
    );
    await ctx.child("aws:ec2/securityGroupRule:SecurityGroupRule", `${name}-eksClusterInternetEgressRule`, {
      description: "Allow internet access.",
      type: "egress",
      fromPort: 0,
      toPort: 0,
      protocol: "-1",
      cidrBlocks: ["0.0.0.0/0"],
      securityGroupId: ref(clusterSg),
    });
    clusterSgId = ref(clusterSg);
  }
  const encryptionKey = ctx.arg("encryptionConfigKeyArn");
  const eks = await ctx.child(
    "aws:eks/cluster:Cluster",
    `${name}-eksCluster`,
    compact({
      name: ctx.arg("name"),
      roleArn: role ? ref(role, "arn") : ctx.arg("serviceRole"),
      bootstrapSelfManagedAddons: autoMode ? false : ctx.arg("bootstrapSelfManagedAddons") ?? true,
      vpcConfig: compact({
        securityGroupIds: clusterSgId !== undefined ? [clusterSgId] : undefined,
        subnetIds,
        // Passed through as given: unset means AWS's default, a public endpoint (endpointPublicAccess true).
        endpointPrivateAccess: ctx.arg("endpointPrivateAccess"),
        endpointPublicAccess: ctx.arg("endpointPublicAccess"),
        publicAccessCidrs: ctx.arg("publicAccessCidrs"),
      }),
      version: ctx.arg("version"),
      enabledClusterLogTypes: ctx.arg("enabledClusterLogTypes"),
      tags: derive([ctx.arg("tags"), ctx.arg("clusterTags")], (t, c) => ({ Name: `${name}-eksCluster`, ...(c ?? {}), ...(t ?? {}) })),
      encryptionConfig: encryptionKey !== undefined ? { provider: { keyArn: encryptionKey }, resources: ["secrets"] } : undefined,
      accessConfig: ctx.has("authenticationMode") ? { authenticationMode: ctx.arg("authenticationMode"), bootstrapClusterCreatorAdminPermissions: true } : undefined,
      upgradePolicy: ctx.arg("upgradePolicy"),
      deletionProtection: ctx.arg("deletionProtection"),
    }),
    {
      deps: {
        vpcConfig: [...subnetDeps, ...ctx.argDeps("endpointPublicAccess", "endpointPrivateAccess", "publicAccessCidrs", "clusterSecurityGroup")],
        roleArn: ctx.argDeps("serviceRole"),
        encryptionConfig: ctx.argDeps("encryptionConfigKeyArn"),
      },
    },
  );
  const state: ClusterState = { eksCluster: eks, subnetIds: subnetIds ?? UNKNOWN, subnetDeps, vpcId, ...(clusterSg ? { clusterSecurityGroup: clusterSg } : {}) };
  if (skipSgs !== true) state.nodeSecurityGroup = await nodeSecurityGroup(ctx, name, vpcId, clusterSg, valueOf(eks, "name"), vpcDeps);
  if (!autoMode && !ctx.has("instanceRole") && !ctx.has("instanceRoles")) {
    const instanceRole = await serviceRole(ctx, `${name}-instanceRole`, "ec2.amazonaws.com", ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"]);
    state.instanceRoleArn = valueOf(instanceRole, "arn");
    state.instanceProfile = await ctx.child("aws:iam/instanceProfile:InstanceProfile", `${name}-instanceProfile`, { role: ref(instanceRole) });
  } else if (ctx.has("instanceRole")) state.instanceRoleArn = ctx.arg("instanceRole");
  for (const addon of ["kube-proxy", "coredns"]) {
    if (autoMode) break;
    await ctx.child("aws:eks/addon:Addon", `${name}-${addon}`, { clusterName: ref(eks, "name"), addonName: addon, preserve: true, resolveConflictsOnCreate: "OVERWRITE", resolveConflictsOnUpdate: "OVERWRITE", addonVersion: UNKNOWN, tags: ctx.arg("tags") });
  }
  if (plain(ctx.arg("createOidcProvider")) === true) {
    await ctx.child("aws:iam/openIdConnectProvider:OpenIdConnectProvider", `${name}-oidcProvider`, { clientIdLists: ["sts.amazonaws.com"], url: UNKNOWN, thumbprintLists: [UNKNOWN] });
  }
  const fargate = ctx.arg("fargate");
  if (fargate !== undefined && fargate !== null && plain(fargate) !== false) {
    const podRole = await serviceRole(ctx, `${name}-podExecutionRole`, "eks-fargate-pods.amazonaws.com", ["AmazonEKSFargatePodExecutionRolePolicy"]);
    await ctx.child("aws:eks/fargateProfile:FargateProfile", `${name}-fargateProfile`, {
      clusterName: ref(eks, "name"),
      podExecutionRoleArn: field(fargate, "podExecutionRoleArn") ?? ref(podRole, "arn"),
      selectors: field(fargate, "selectors") ?? [{ namespace: "default" }, { namespace: "kube-system" }],
      subnetIds: field(fargate, "subnetIds") ?? state.subnetIds,
    });
  }
  const skipDefault = truthy(ctx.arg("skipDefaultNodeGroup")) === true || (fargate !== undefined && fargate !== null && plain(fargate) !== false) || autoMode;
  if (!skipDefault) {
    const ngo = ctx.arg("nodeGroupOptions");
    const opts: Record<string, Wire> = ngo !== undefined && ngo !== null ? ((plain(ngo) as Record<string, Wire>) ?? {}) : {};
    if (ngo === undefined || ngo === null) {
      for (const k of ["nodeSubnetIds", "nodeAssociatePublicIpAddress", "instanceType", "nodePublicKey", "nodeRootVolumeSize", "nodeUserData", "minSize", "maxSize", "desiredCapacity", "nodeAmiId", "gpu"]) {
        if (ctx.has(k)) opts[k === "nodeAmiId" ? "amiId" : k] = ctx.arg(k);
      }
    }
    await selfManagedNodes(ctx, name, opts, state, ctx.argDeps("nodeSubnetIds", "nodeGroupOptions"));
  }
  clusters.set(ctx.urn, state);
  out.resource("eksCluster", eks);
  out.resource("clusterSecurityGroup", clusterSg);
  out.resource("nodeSecurityGroup", state.nodeSecurityGroup);
  if (clusterSg) out.of("clusterSecurityGroupId", clusterSg);
  if (state.nodeSecurityGroup) out.of("nodeSecurityGroupId", state.nodeSecurityGroup);
  out.set("kubeconfig", UNKNOWN, [eks]);
  out.set("kubeconfigJson", UNKNOWN, [eks]);
}

function clusterOf(ctx: ConstructContext): ClusterState | undefined {
  const c = ctx.arg("cluster");
  const urn = referencedUrn(c) ?? referencedUrn(field(c, "cluster"));
  return urn ? clusters.get(urn) : undefined;
}

export async function managedNodeGroup(ctx: ConstructContext, out: Outputs): Promise<void> {
  const name = ctx.name;
  const state = clusterOf(ctx);
  let nodeRoleArn: Wire = ctx.arg("nodeRoleArn") ?? (ctx.has("nodeRole") ? derive([ctx.arg("nodeRole")], (r: unknown) => r) : undefined) ?? state?.instanceRoleArn;
  if (nodeRoleArn === undefined) nodeRoleArn = UNKNOWN;
  const imdsv2 = truthy(ctx.arg("enableIMDSv2"));
  let launchTemplate: Wire = ctx.arg("launchTemplate");
  if (launchTemplate === undefined && (imdsv2 !== false || ctx.has("kubeletExtraArgs") || ctx.has("bootstrapExtraArgs") || ctx.has("userData"))) {
    const lt = await ctx.child(
      "aws:ec2/launchTemplate:LaunchTemplate",
      `${name}-launchTemplate`,
      compact({
        metadataOptions: imdsv2 === true ? { httpTokens: "required", httpPutResponseHopLimit: 2, httpEndpoint: "enabled" } : imdsv2 === "unknown" ? UNKNOWN : undefined,
        userData: ctx.arg("userData") ?? UNKNOWN,
      }),
    );
    launchTemplate = { id: ref(lt), version: ref(lt, "latestVersion") };
  }
  const subnets = ctx.arg("subnetIds") ?? state?.subnetIds ?? UNKNOWN;
  const ng = await ctx.child(
    "aws:eks/nodeGroup:NodeGroup",
    name,
    compact({
      clusterName: ctx.arg("clusterName") ?? (state ? ref(state.eksCluster, "name") : UNKNOWN),
      nodeRoleArn,
      subnetIds: subnets,
      scalingConfig: ctx.arg("scalingConfig") ?? { desiredSize: 2, minSize: 1, maxSize: 2 },
      // Remote access as given: EKS opens port 22 to 0.0.0.0/0 when a key is set without sourceSecurityGroupIds.
      remoteAccess: ctx.arg("remoteAccess"),
      instanceTypes: ctx.arg("instanceTypes"),
      diskSize: launchTemplate === undefined ? ctx.arg("diskSize") : undefined,
      amiType: ctx.arg("amiType"),
      capacityType: ctx.arg("capacityType"),
      labels: ctx.arg("labels"),
      taints: ctx.arg("taints"),
      tags: ctx.arg("tags"),
      nodeGroupName: ctx.arg("nodeGroupName"),
      nodeGroupNamePrefix: ctx.arg("nodeGroupNamePrefix"),
      version: ctx.arg("version"),
      releaseVersion: ctx.arg("releaseVersion"),
      launchTemplate,
    }),
    { deps: { subnetIds: ctx.has("subnetIds") ? ctx.argDeps("subnetIds") : state?.subnetDeps ?? [], remoteAccess: ctx.argDeps("remoteAccess"), nodeRoleArn: ctx.argDeps("nodeRoleArn", "nodeRole") } },
  );
  out.resource("nodeGroup", ng);
}

export async function nodeGroupV2(ctx: ConstructContext, _out: Outputs): Promise<void> {
  await selfManagedNodes(ctx, ctx.name, ctx.inputs, clusterOf(ctx), ctx.argDeps("nodeSubnetIds"));
}
