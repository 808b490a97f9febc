// Source: pulumi/examples, aws-ts-eks-hello-world/index.ts (Apache-2.0), kept as written.
import * as awsx from "@pulumi/awsx";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";

const name = "helloworld";

// Create an EKS cluster with non-default configuration
const vpc = new awsx.ec2.Vpc("vpc", { numberOfAvailabilityZones: 2 });

const cluster = new eks.Cluster(name, {
    vpcId: vpc.vpcId,
    subnetIds: vpc.publicSubnetIds,
    desiredCapacity: 2,
    minSize: 1,
    maxSize: 2,
    storageClasses: "gp2",
    // deployDashboard: false — the option was removed in @pulumi/eks 1.0 (no dashboard is deployed).
});

export const kubeconfig = cluster.kubeconfig;

const ns = new k8s.core.v1.Namespace(name, {}, { provider: cluster.provider });
export const namespaceName = ns.metadata.name;

const appLabels = { appClass: name };
const deployment = new k8s.apps.v1.Deployment(name, {
    metadata: { namespace: namespaceName, labels: appLabels },
    spec: {
        replicas: 1,
        selector: { matchLabels: appLabels },
        template: {
            metadata: { labels: appLabels },
            spec: { containers: [{ name: name, image: "nginx:latest", ports: [{ name: "http", containerPort: 80 }] }] },
        },
    },
}, { provider: cluster.provider });
export const deploymentName = deployment.metadata.name;

const service = new k8s.core.v1.Service(name, {
    metadata: { labels: appLabels, namespace: namespaceName },
    spec: { type: "LoadBalancer", ports: [{ port: 80, targetPort: "http" }], selector: appLabels },
}, { provider: cluster.provider });
export const serviceName = service.metadata.name;
export const serviceHostname = service.status.loadBalancer.ingress[0].hostname;
