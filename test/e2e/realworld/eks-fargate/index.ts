// Reproduces the shape of pulumi/pulumi-eks examples/fargate
// (https://github.com/pulumi/pulumi-eks/tree/master/examples/fargate): an EKS cluster that runs its pods on Fargate
// only, in the private subnets of an awsx VPC with default settings. Written for bulkhead, not copied; the
// example's deployDashboard flag is left out (the option was removed in @pulumi/eks 1.0).
import * as pulumi from "@pulumi/pulumi";
import * as awsx from "@pulumi/awsx";
import * as eks from "@pulumi/eks";

// Both the network and the cluster are named after the project.
const stem = pulumi.getProject();

const network = new awsx.ec2.Vpc(stem, {});

// No node group at all: a Fargate profile places every pod, so no instance metadata service is in reach.
const fargateCluster = new eks.Cluster(stem, {
    fargate: true,
    vpcId: network.vpcId,
    privateSubnetIds: network.privateSubnetIds,
});

export const kubeconfig = fargateCluster.kubeconfig;
