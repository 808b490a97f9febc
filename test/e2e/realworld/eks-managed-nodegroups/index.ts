// Source: pulumi/pulumi-eks, examples/managed-nodegroups/{index,iam}.ts (Apache-2.0), merged into one file;
// deployDashboard (removed in @pulumi/eks 1.0) is dropped.
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as eks from "@pulumi/eks";

const managedPolicyArns: string[] = [
  "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
  "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
  "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
];

// Creates a role and attaches the EKS worker node IAM managed policies (iam.ts).
function createRole(name: string): aws.iam.Role {
  const role = new aws.iam.Role(name, {
    assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "ec2.amazonaws.com" }),
  });
  let counter = 0;
  for (const policy of managedPolicyArns) {
    new aws.iam.RolePolicyAttachment(`${name}-policy-${counter++}`, { policyArn: policy, role: role });
  }
  return role;
}

const role0 = createRole("example-role0");
const role1 = createRole("example-role1");
const role2 = createRole("example-role2");

const eksVpc = new awsx.ec2.Vpc("eks-vpc", {
  enableDnsHostnames: true,
  cidrBlock: "10.0.0.0/16",
});

const cluster = new eks.Cluster("example-managed-nodegroups", {
  skipDefaultNodeGroup: true,
  vpcId: eksVpc.vpcId,
  publicSubnetIds: eksVpc.publicSubnetIds,
  privateSubnetIds: eksVpc.privateSubnetIds,
  instanceRoles: [role0, role1, role2],
});

export const kubeconfig = cluster.kubeconfig;

eks.createManagedNodeGroup("example-managed-ng0", {
  cluster: cluster,
  nodeRole: role0,
  kubeletExtraArgs: "--max-pods=500",
  enableIMDSv2: true,
});

eks.createManagedNodeGroup("example-managed-ng1", {
  cluster: cluster,
  nodeGroupName: "aws-managed-ng1",
  nodeRoleArn: role1.arn,
}, cluster);

eks.createManagedNodeGroup("example-managed-ng2", {
  cluster: cluster,
  nodeGroupName: "aws-managed-ng2",
  nodeRoleArn: role2.arn,
  scalingConfig: { desiredSize: 1, minSize: 1, maxSize: 2 },
  diskSize: 20,
  instanceTypes: ["t3.medium"],
  labels: { ondemand: "true" },
  tags: { org: "pulumi" },
}, cluster);
