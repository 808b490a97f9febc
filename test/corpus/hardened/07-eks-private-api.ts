// expect: clean
// why: an EKS cluster whose API has no public endpoint, with secrets encryption, audit logs to a CMK log group and IMDSv2-only encrypted nodes.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const tags = { "bulkhead:tenant": "initech" };
const clusterName = "initech-eks";
const caller = aws.getCallerIdentityOutput();
const region = aws.getRegionOutput();

/**
 * The VPC baseline every network of ours gets: flow logs into a KMS-encrypted log group, the default
 * security group and NACL adopted with no rules, and one subnet NACL (HTTPS in, VPC-internal traffic,
 * return traffic on ephemeral ports with RDP's 3389 carved out).
 */
function vpcBaseline(prefix: string, vpc: aws.ec2.Vpc, cidr: string, subnets: aws.ec2.Subnet[], tags: Record<string, string>) {
  const logsKey = new aws.kms.Key(`${prefix}-logs-key`, {
    description: `${prefix}: CloudWatch Logs`,
    enableKeyRotation: true,
    policy: pulumi.jsonStringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AccountAdministration",
          Effect: "Allow",
          Principal: { AWS: pulumi.interpolate`arn:aws:iam::${caller.accountId}:root` },
          Action: "kms:*",
          Resource: "*",
        },
        {
          Sid: "CloudWatchLogs",
          Effect: "Allow",
          Principal: { Service: pulumi.interpolate`logs.${region.region}.amazonaws.com` },
          Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
          Resource: "*",
        },
      ],
    }),
    tags,
  });
  const logGroupName = `/bulkhead/${prefix}/vpc-flow`;
  const logGroup = new aws.cloudwatch.LogGroup(`${prefix}-flow-logs`, {
    name: logGroupName,
    retentionInDays: 365,
    kmsKeyId: logsKey.arn,
    tags,
  });
  const role = new aws.iam.Role(`${prefix}-flow-role`, {
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "vpc-flow-logs.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
    tags,
  });
  new aws.iam.RolePolicy(`${prefix}-flow-publish`, {
    role: role.id,
    policy: pulumi.jsonStringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          Resource: pulumi.interpolate`arn:aws:logs:${region.region}:${caller.accountId}:log-group:${logGroupName}:*`,
        },
      ],
    }),
  });
  new aws.ec2.FlowLog(`${prefix}-vpc-flow`, {
    vpcId: vpc.id,
    trafficType: "ALL",
    logDestinationType: "cloud-watch-logs",
    logDestination: logGroup.arn,
    iamRoleArn: role.arn,
    tags,
  });
  // Adopting the defaults with no rules removes AWS's allow-all-within-group / allow-all NACL entries.
  new aws.ec2.DefaultSecurityGroup(`${prefix}-default-sg`, { vpcId: vpc.id, tags });
  new aws.ec2.DefaultNetworkAcl(`${prefix}-default-nacl`, { defaultNetworkAclId: vpc.defaultNetworkAclId, tags });
  new aws.ec2.NetworkAcl(`${prefix}-nacl`, {
    vpcId: vpc.id,
    subnetIds: subnets.map((s) => s.id),
    ingress: [
      { ruleNo: 100, action: "allow", protocol: "tcp", cidrBlock: "0.0.0.0/0", fromPort: 443, toPort: 443 },
      { ruleNo: 110, action: "allow", protocol: "-1", cidrBlock: cidr, fromPort: 0, toPort: 0 },
      { ruleNo: 120, action: "allow", protocol: "tcp", cidrBlock: "0.0.0.0/0", fromPort: 1024, toPort: 3388 },
      { ruleNo: 130, action: "allow", protocol: "tcp", cidrBlock: "0.0.0.0/0", fromPort: 3390, toPort: 65535 },
    ],
    egress: [{ ruleNo: 100, action: "allow", protocol: "-1", cidrBlock: "0.0.0.0/0", fromPort: 0, toPort: 0 }],
    tags,
  });
  return { logsKey };
}

const vpc = new aws.ec2.Vpc("initech-eks-vpc", { cidrBlock: "10.140.0.0/16", enableDnsHostnames: true, tags });
const subnets = ["a", "b", "c"].map(
  (az, i) =>
    new aws.ec2.Subnet(`initech-eks-private-${az}`, {
      vpcId: vpc.id,
      cidrBlock: `10.140.${i * 16}.0/20`,
      availabilityZone: `us-east-1${az}`,
      tags: { ...tags, "kubernetes.io/role/internal-elb": "1" },
    }),
);
const { logsKey } = vpcBaseline("initech-eks", vpc, "10.140.0.0/16", subnets, tags);

const secretsKey = new aws.kms.Key("initech-eks-secrets-key", { description: "EKS secrets envelope encryption", enableKeyRotation: true, tags });

// EKS writes control-plane logs here; creating it ourselves gives it a CMK and a retention.
const controlPlaneLogs = new aws.cloudwatch.LogGroup("initech-eks-control-plane-logs", {
  name: `/aws/eks/${clusterName}/cluster`,
  retentionInDays: 365,
  kmsKeyId: logsKey.arn,
  tags,
});

const assume = (service: string) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  });
const clusterRole = new aws.iam.Role("initech-eks-cluster-role", {
  assumeRolePolicy: assume("eks.amazonaws.com"),
  managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"],
  tags,
});
const nodeRole = new aws.iam.Role("initech-eks-node-role", {
  assumeRolePolicy: assume("ec2.amazonaws.com"),
  managedPolicyArns: [
    "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
    "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
  ],
  tags,
});

// kubectl reaches the private endpoint from inside the VPC (CI runners, the VPN), on 443 only.
const apiAccessSg = new aws.ec2.SecurityGroup("initech-eks-api-access-sg", {
  vpcId: vpc.id,
  description: "in-VPC access to the private Kubernetes API",
  ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.140.0.0/16"] }],
  tags,
});

const cluster = new aws.eks.Cluster(
  "initech-eks",
  {
    name: clusterName,
    roleArn: clusterRole.arn,
    version: "1.31",
    vpcConfig: {
      subnetIds: subnets.map((s) => s.id),
      securityGroupIds: [apiAccessSg.id],
      endpointPrivateAccess: true,
      endpointPublicAccess: false,
    },
    encryptionConfig: { provider: { keyArn: secretsKey.arn }, resources: ["secrets"] },
    enabledClusterLogTypes: ["api", "audit", "authenticator"],
    accessConfig: { authenticationMode: "API" },
    tags,
  },
  { dependsOn: [controlPlaneLogs] },
);

const nodeLt = new aws.ec2.LaunchTemplate("initech-eks-node-lt", {
  namePrefix: "initech-eks-node-",
  // Pods need the second hop; tokens stay mandatory.
  metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 2 },
  blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 80, volumeType: "gp3", encrypted: "true" } }],
  tags,
});
new aws.eks.NodeGroup("initech-eks-nodes", {
  clusterName: cluster.name,
  nodeRoleArn: nodeRole.arn,
  subnetIds: subnets.map((s) => s.id),
  instanceTypes: ["m6i.large"],
  scalingConfig: { minSize: 2, desiredSize: 3, maxSize: 6 },
  launchTemplate: { id: nodeLt.id, version: nodeLt.latestVersion.apply((v) => String(v)) },
  tags,
});

export const endpoint = cluster.endpoint;
