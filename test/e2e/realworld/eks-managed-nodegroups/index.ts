// Reproduces the shape of pulumi/pulumi-eks examples/managed-nodegroups
// (https://github.com/pulumi/pulumi-eks/tree/master/examples/managed-nodegroups), its index and iam modules folded
// into this file: three worker roles, an awsx VPC, an EKS cluster without a default node group and three managed
// node groups left on the cluster's subnets. Written for bulkhead, not copied; deployDashboard (removed in
// @pulumi/eks 1.0) is dropped.
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as eks from "@pulumi/eks";

const nodePolicyArns = ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"]
  .map((policy) => `arn:aws:iam::aws:policy/${policy}`);

/** EC2 may assume it; `<name>-policy-<k>` attaches the k-th worker policy. */
const nodeRole = (name: string): aws.iam.Role => {
  const role = new aws.iam.Role(name, {
    assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "ec2.amazonaws.com" }),
  });
  nodePolicyArns.forEach((policyArn, k) => new aws.iam.RolePolicyAttachment(`${name}-policy-${k}`, { role, policyArn }));
  return role;
};

const [firstRole, secondRole, thirdRole] = ["example-role0", "example-role1", "example-role2"].map(nodeRole);

const network = new awsx.ec2.Vpc("eks-vpc", { cidrBlock: "10.0.0.0/16", enableDnsHostnames: true });

const cluster = new eks.Cluster("example-managed-nodegroups", {
  vpcId: network.vpcId,
  privateSubnetIds: network.privateSubnetIds,
  publicSubnetIds: network.publicSubnetIds,
  skipDefaultNodeGroup: true,
  instanceRoles: [firstRole, secondRole, thirdRole],
});

export const kubeconfig = cluster.kubeconfig;

// None of the groups names subnets: each falls back to all of the cluster's, the public ones included.
eks.createManagedNodeGroup("example-managed-ng0", {
  cluster,
  nodeRole: firstRole,
  enableIMDSv2: true,
  kubeletExtraArgs: "--max-pods=500",
});

// The other two are parented to the cluster and given explicit EKS-side names.
eks.createManagedNodeGroup(
  "example-managed-ng1",
  { cluster, nodeRoleArn: secondRole.arn, nodeGroupName: "aws-managed-ng1" },
  cluster,
);

eks.createManagedNodeGroup(
  "example-managed-ng2",
  {
    cluster,
    nodeRoleArn: thirdRole.arn,
    nodeGroupName: "aws-managed-ng2",
    instanceTypes: ["t3.medium"],
    diskSize: 20,
    scalingConfig: { minSize: 1, desiredSize: 1, maxSize: 2 },
    labels: { ondemand: "true" },
    tags: { org: "pulumi" },
  },
  cluster,
);
