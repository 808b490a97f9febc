// Reproduces the shape of pulumi/examples aws-ts-eks-migrate-nodegroups
// (https://github.com/pulumi/examples/tree/master/aws-ts-eks-migrate-nodegroups), whose index/iam/utils modules
// are folded into this one file: an awsx VPC, three worker roles with instance profiles, an EKS cluster without a
// default node group, and two self-managed eks.NodeGroups sharing the cluster's node security group, public IPs off.
// Written for bulkhead, not copied. Offline adaptations: the Kubernetes workloads (nginx, echoserver: Kubernetes
// objects only, no AWS resource) are left out, and deployDashboard (removed in @pulumi/eks 1.0) is dropped.
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** What every EKS worker needs: join the cluster, run the VPC CNI, pull from ECR. */
const WORKER_POLICIES = ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"]
    .map((policy) => `arn:aws:iam::aws:policy/${policy}`);

/** An EC2-assumable role named `<prefix>-role-<n>` with the worker policies attached. */
function workerRole(prefix: string, n: number): aws.iam.Role {
    const roleName = `${prefix}-role-${n}`;
    const role = new aws.iam.Role(roleName, {
        assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "ec2.amazonaws.com" }),
    });
    WORKER_POLICIES.forEach((policyArn, k) => {
        new aws.iam.RolePolicyAttachment(`${roleName}-policy-${k}`, { role, policyArn });
    });
    return role;
}

interface PoolSpec {
    instanceType: pulumi.Input<aws.ec2.InstanceType>;
    /** Nodes started and kept at minimum. */
    count: pulumi.Input<number>;
    profile: aws.iam.InstanceProfile;
    taints?: pulumi.Input<any>;
}

/** A self-managed node group reusing the cluster's node group and its control-plane ingress rule. */
function nodePool(name: string, cluster: eks.Cluster, amiId: string, spec: PoolSpec): eks.NodeGroup {
    // Both are typed as possibly undefined by @pulumi/eks 4.x; a cluster with nodes always has them.
    const sharedGroup = cluster.nodeSecurityGroup as pulumi.Output<aws.ec2.SecurityGroup>;
    const controlPlaneRule = cluster.eksClusterIngressRule as pulumi.Output<aws.ec2.SecurityGroupRule>;
    const autoscalerTags = cluster.core.cluster.name.apply((clusterName) => ({
        [`k8s.io/cluster-autoscaler/${clusterName}`]: "true",
        "k8s.io/cluster-autoscaler/enabled": "true",
    }));
    return new eks.NodeGroup(
        name,
        {
            cluster,
            nodeSecurityGroup: sharedGroup,
            clusterIngressRule: controlPlaneRule,
            amiId,
            instanceType: spec.instanceType,
            instanceProfile: spec.profile,
            desiredCapacity: spec.count,
            minSize: spec.count,
            maxSize: 10,
            nodeAssociatePublicIpAddress: false,
            labels: { amiId },
            taints: spec.taints,
            cloudFormationTags: { myCloudFormationTag: "true" },
            autoScalingGroupTags: autoscalerTags,
        },
        { providers: { kubernetes: cluster.provider } },
    );
}

const project = pulumi.getProject();
const ownership = { project: "PulumiEKSUpgrade", org: "KubeTeam" };

const network = new awsx.ec2.Vpc(project, {
    cidrBlock: "172.16.0.0/16",
    subnetSpecs: [
        { type: "Public", tags: ownership },
        { type: "Private", tags: ownership },
    ],
});

export const vpcId = network.vpcId;
export const allVpcSubnets = pulumi
    .all([network.privateSubnetIds, network.publicSubnetIds])
    .apply(([privateIds, publicIds]) => [...privateIds, ...publicIds]);

const roles = [0, 1, 2].map((n) => workerRole(project, n));
const profiles = roles.map((role, n) => new aws.iam.InstanceProfile(`${project}-instanceProfile-${n}`, { role }));

const cluster = new eks.Cluster(project, {
    version: "1.13",
    vpcId,
    subnetIds: allVpcSubnets,
    skipDefaultNodeGroup: true,
    nodeAssociatePublicIpAddress: false,
    instanceRoles: roles,
    enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
    tags: ownership,
    clusterSecurityGroupTags: { myClusterSecurityGroupTag: "true" },
    nodeSecurityGroupTags: { myNodeSecurityGroupTag: "true" },
});
export const kubeconfig = cluster.kubeconfig;
export const clusterName = cluster.core.cluster.name;

// Both pools run the same (pinned) EKS-optimised image.
const workerAmi = "ami-07ebcae043cf995aa";

nodePool(`${project}-ng-standard`, cluster, workerAmi, { instanceType: "t2.medium", count: 3, profile: profiles[0] });

const apps = new k8s.core.v1.Namespace("apps", undefined, { provider: cluster.provider });
export const namespaceName = apps.metadata.apply((meta) => meta.name);

// The large pool only takes pods that tolerate the nginx taint.
nodePool(`${project}-ng-4xlarge`, cluster, workerAmi, {
    instanceType: "c5.4xlarge",
    count: 5,
    profile: profiles[2],
    taints: { nginx: { value: "true", effect: "NoSchedule" } },
});
