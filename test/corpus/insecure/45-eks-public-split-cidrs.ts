// expect: private-eks-api ml-eks
// why: publicAccessCidrs "restricted" to two /1 halves: together they are the whole IPv4 internet.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("ml-vpc", { cidrBlock: "10.45.0.0/16" });
const subnetA = new aws.ec2.Subnet("ml-a", { vpcId: vpc.id, cidrBlock: "10.45.1.0/24", availabilityZone: "us-east-1a" });
const subnetB = new aws.ec2.Subnet("ml-b", { vpcId: vpc.id, cidrBlock: "10.45.2.0/24", availabilityZone: "us-east-1b" });

const role = new aws.iam.Role("ml-eks-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
  managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"],
});

new aws.eks.Cluster("ml-eks", {
  roleArn: role.arn,
  vpcConfig: {
    subnetIds: [subnetA.id, subnetB.id],
    endpointPrivateAccess: true,
    endpointPublicAccess: true,
    publicAccessCidrs: ["0.0.0.0/1", "128.0.0.0/1"],
  },
});
