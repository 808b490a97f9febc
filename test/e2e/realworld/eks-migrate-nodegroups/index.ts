// Source: pulumi/examples, aws-ts-eks-migrate-nodegroups/{index,iam,utils}.ts (Apache-2.0), merged into one file.
// The Kubernetes workloads of nginx.ts / echoserver.ts (Kubernetes objects only, no AWS resource) are left out;
// deployDashboard (removed in @pulumi/eks 1.0) is dropped.
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

// ---- iam.ts
const managedPolicyArns: string[] = [
    "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
];

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

function createRoles(name: string, quantity: number): aws.iam.Role[] {
    const roles: aws.iam.Role[] = [];
    for (let i = 0; i < quantity; i++) roles.push(createRole(`${name}-role-${i}`));
    return roles;
}

function createInstanceProfiles(name: string, roles: aws.iam.Role[]): aws.iam.InstanceProfile[] {
    return roles.map((role, i) => new aws.iam.InstanceProfile(`${name}-instanceProfile-${i}`, { role: role }));
}

// ---- utils.ts
function createNodeGroup(
    name: string,
    ami: string,
    instanceType: pulumi.Input<aws.ec2.InstanceType>,
    desiredCapacity: pulumi.Input<number>,
    cluster: eks.Cluster,
    instanceProfile: aws.iam.InstanceProfile,
    taints?: pulumi.Input<any>,
): eks.NodeGroup {
    return new eks.NodeGroup(name, {
        cluster: cluster,
        nodeSecurityGroup: cluster.nodeSecurityGroup as pulumi.Output<aws.ec2.SecurityGroup>, // eks 4.x types it as possibly undefined
        clusterIngressRule: cluster.eksClusterIngressRule as pulumi.Output<aws.ec2.SecurityGroupRule>,
        instanceType: instanceType,
        amiId: ami,
        nodeAssociatePublicIpAddress: false,
        desiredCapacity: desiredCapacity,
        minSize: desiredCapacity,
        maxSize: 10,
        instanceProfile: instanceProfile,
        labels: { "amiId": ami },
        taints: taints,
        cloudFormationTags: { "myCloudFormationTag": "true" },
        autoScalingGroupTags: cluster.core.cluster.name.apply(clusterName => ({
            "k8s.io/cluster-autoscaler/enabled": "true",
            [`k8s.io/cluster-autoscaler/${clusterName}`]: "true",
        })),
    }, {
        providers: { kubernetes: cluster.provider },
    });
}

// ---- index.ts
const projectName = pulumi.getProject();
const tags = { "project": "PulumiEKSUpgrade", "org": "KubeTeam" };

const vpc = new awsx.ec2.Vpc(`${projectName}`, {
    cidrBlock: "172.16.0.0/16",
    subnetSpecs: [{ type: "Public", tags: tags }, { type: "Private", tags: tags }],
});

export const vpcId = vpc.vpcId;
export const allVpcSubnets = pulumi.all([vpc.privateSubnetIds, vpc.publicSubnetIds]).apply(([a, b]) => a.concat(b));

const roles = createRoles(projectName, 3);
const instanceProfiles = createInstanceProfiles(projectName, roles);

const myCluster = new eks.Cluster(`${projectName}`, {
    version: "1.13",
    vpcId: vpcId,
    subnetIds: allVpcSubnets,
    nodeAssociatePublicIpAddress: false,
    skipDefaultNodeGroup: true,
    instanceRoles: roles,
    enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
    tags: tags,
    clusterSecurityGroupTags: { "myClusterSecurityGroupTag": "true" },
    nodeSecurityGroupTags: { "myNodeSecurityGroupTag": "true" },
});
export const kubeconfig = myCluster.kubeconfig;
export const clusterName = myCluster.core.cluster.name;

createNodeGroup(`${projectName}-ng-standard`, "ami-07ebcae043cf995aa", "t2.medium", 3, myCluster, instanceProfiles[0]);

const namespace = new k8s.core.v1.Namespace("apps", undefined, { provider: myCluster.provider });
export const namespaceName = namespace.metadata.apply(m => m.name);

createNodeGroup(`${projectName}-ng-4xlarge`, "ami-07ebcae043cf995aa", "c5.4xlarge", 5, myCluster, instanceProfiles[2],
    { "nginx": { value: "true", effect: "NoSchedule" } });
