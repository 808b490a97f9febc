// Reproduces the shape of pulumi/examples aws-ts-eks-hello-world
// (https://github.com/pulumi/examples/tree/master/aws-ts-eks-hello-world): an awsx VPC over two zones, an EKS
// cluster with its default node group in the public subnets, and an nginx Deployment behind a LoadBalancer
// Service. Written for bulkhead, not copied; the example's deployDashboard flag is left out (removed in
// @pulumi/eks 1.0, which deploys no dashboard).
import * as awsx from "@pulumi/awsx";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";

// One name for the cluster and every Kubernetes object it runs.
const app = "helloworld";

const network = new awsx.ec2.Vpc("vpc", { numberOfAvailabilityZones: 2 });

// Only public subnets are given, so the default node group's instances get public addresses.
const cluster = new eks.Cluster(app, {
    vpcId: network.vpcId,
    subnetIds: network.publicSubnetIds,
    minSize: 1,
    desiredCapacity: 2,
    maxSize: 2,
    storageClasses: "gp2",
});
const onCluster = { provider: cluster.provider };

export const kubeconfig = cluster.kubeconfig;

const namespace = new k8s.core.v1.Namespace(app, {}, onCluster);
export const namespaceName = namespace.metadata.name;

const selector = { appClass: app };

const nginx = new k8s.apps.v1.Deployment(
    app,
    {
        metadata: { labels: selector, namespace: namespaceName },
        spec: {
            replicas: 1,
            selector: { matchLabels: selector },
            template: {
                metadata: { labels: selector },
                spec: {
                    containers: [
                        { name: app, image: "nginx:latest", ports: [{ name: "http", containerPort: 80 }] },
                    ],
                },
            },
        },
    },
    onCluster,
);
export const deploymentName = nginx.metadata.name;

// Kubernetes asks AWS for a load balancer in front of the pods (outside this program's AWS resources).
const frontDoor = new k8s.core.v1.Service(
    app,
    {
        metadata: { namespace: namespaceName, labels: selector },
        spec: { type: "LoadBalancer", selector, ports: [{ port: 80, targetPort: "http" }] },
    },
    onCluster,
);
export const serviceName = frontDoor.metadata.name;
export const serviceHostname = frontDoor.status.loadBalancer.ingress[0].hostname;
