// expect: private-eks-api data-eks
// why: the API endpoint is explicitly public to 0.0.0.0/0 "so the laptops can run kubectl".
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("data-eks-vpc", { cidrBlock: "10.21.0.0/16" });
const subnetA = new aws.ec2.Subnet("data-eks-a", { vpcId: vpc.id, cidrBlock: "10.21.1.0/24", availabilityZone: "us-east-1a" });
const subnetB = new aws.ec2.Subnet("data-eks-b", { vpcId: vpc.id, cidrBlock: "10.21.2.0/24", availabilityZone: "us-east-1c" });

const role = new aws.iam.Role("data-eks-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
  managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"],
});

new aws.eks.Cluster("data-eks", {
  roleArn: role.arn,
  vpcConfig: {
    subnetIds: [subnetA.id, subnetB.id],
    endpointPrivateAccess: true,
    endpointPublicAccess: true,
    publicAccessCidrs: ["0.0.0.0/0"],
  },
  enabledClusterLogTypes: ["api", "audit"],
});
