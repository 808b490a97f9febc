// Reproduces the shape of pulumi/templates kubernetes-aws-typescript
// (https://github.com/pulumi/templates/tree/master/kubernetes-aws-typescript): an awsx VPC and an EKS cluster
// using access entries, nodes in the private subnets without public addresses, load balancers in the public
// ones, API endpoint public. Written for bulkhead, not copied: same config keys, defaults and exports.
import * as pulumi from "@pulumi/pulumi";
import * as awsx from "@pulumi/awsx";
import * as eks from "@pulumi/eks";

const settings = new pulumi.Config();
const numberOr = (key: string, fallback: number) => settings.getNumber(key) || fallback;
const textOr = (key: string, fallback: string) => settings.get(key) || fallback;

const sizing = {
    minSize: numberOr("minClusterSize", 3),
    maxSize: numberOr("maxClusterSize", 6),
    desiredCapacity: numberOr("desiredClusterSize", 3),
};
const nodeType = textOr("eksNodeInstanceType", "t3.medium");
const cidr = textOr("vpcNetworkCidr", "10.0.0.0/16");

const network = new awsx.ec2.Vpc("eks-vpc", { cidrBlock: cidr, enableDnsHostnames: true });

const cluster = new eks.Cluster("eks-cluster", {
    vpcId: network.vpcId,
    // Access entries rather than the aws-auth ConfigMap.
    authenticationMode: eks.AuthenticationMode.Api,
    privateSubnetIds: network.privateSubnetIds,
    publicSubnetIds: network.publicSubnetIds,
    instanceType: nodeType,
    ...sizing,
    nodeAssociatePublicIpAddress: false,
    // The API stays reachable from the internet; flip both for a VPN-only cluster.
    endpointPublicAccess: true,
    endpointPrivateAccess: false,
});

export const kubeconfig = cluster.kubeconfig;
export const vpcId = network.vpcId;
