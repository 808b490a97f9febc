// expect: private-eks-api platform-eks
// why: vpcConfig without endpointPublicAccess leaves the Kubernetes API public to 0.0.0.0/0 (the AWS default).
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("eks-vpc", { cidrBlock: "10.20.0.0/16", enableDnsHostnames: true });
const subnetA = new aws.ec2.Subnet("eks-private-a", { vpcId: vpc.id, cidrBlock: "10.20.1.0/24", availabilityZone: "us-east-1a" });
const subnetB = new aws.ec2.Subnet("eks-private-b", { vpcId: vpc.id, cidrBlock: "10.20.2.0/24", availabilityZone: "us-east-1b" });

const clusterRole = new aws.iam.Role("platform-eks-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
});
new aws.iam.RolePolicyAttachment("platform-eks-cluster-policy", {
  role: clusterRole.name,
  policyArn: "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
});

new aws.eks.Cluster("platform-eks", {
  roleArn: clusterRole.arn,
  version: "1.31",
  vpcConfig: { subnetIds: [subnetA.id, subnetB.id] },
});
