// expect: no-world-open-sensitive-port batch-nodes
// expect: bastion-only-admin batch-nodes
// expect: only-lbs-face-world batch-nodes
// why: a managed node group given an SSH key "for debugging" and no source security groups: AWS then opens port 22 on every node to 0.0.0.0/0 (EKS RemoteAccessConfig).
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("batch-vpc", { cidrBlock: "10.71.0.0/16" });
const a = new aws.ec2.Subnet("batch-private-a", { vpcId: vpc.id, cidrBlock: "10.71.1.0/24", availabilityZone: "us-east-1a" });
const b = new aws.ec2.Subnet("batch-private-b", { vpcId: vpc.id, cidrBlock: "10.71.2.0/24", availabilityZone: "us-east-1b" });

const clusterRole = new aws.iam.Role("batch-cluster-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
  managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"],
});
const nodeRole = new aws.iam.Role("batch-node-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
  managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy", "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"],
});

const cluster = new aws.eks.Cluster("batch-eks", {
  roleArn: clusterRole.arn,
  vpcConfig: { subnetIds: [a.id, b.id], endpointPrivateAccess: true, endpointPublicAccess: false },
});

new aws.eks.NodeGroup("batch-nodes", {
  clusterName: cluster.name,
  nodeRoleArn: nodeRole.arn,
  subnetIds: [a.id, b.id],
  scalingConfig: { desiredSize: 2, minSize: 1, maxSize: 4 },
  remoteAccess: { ec2SshKey: "batch-debug" },
});
