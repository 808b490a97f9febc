// expect: clean
// why: a tenant's shared uploads on EFS: encrypted with its own key, mount targets admitting NFS 2049 only from the tenant's app group, and a search domain whose HTTPS data API admits only the same group.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const tags = { "bulkhead:tenant": "stark" };

const caller = aws.getCallerIdentityOutput();
const region = aws.getRegionOutput();

/**
 * The VPC baseline every network of ours gets: flow logs into a KMS-encrypted log group, the default
 * security group and NACL adopted with no rules, and one subnet NACL (HTTPS in, VPC-internal traffic,
 * return traffic on ephemeral ports with RDP's 3389 carved out, plus what the program adds).
 */
function vpcBaseline(prefix: string, vpc: aws.ec2.Vpc, cidr: string, subnets: aws.ec2.Subnet[], tags: Record<string, string>, extraIngress: aws.types.input.ec2.NetworkAclIngress[] = []) {
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
      ...extraIngress,
    ],
    egress: [{ ruleNo: 100, action: "allow", protocol: "-1", cidrBlock: "0.0.0.0/0", fromPort: 0, toPort: 0 }],
    tags,
  });
  return { logsKey };
}

const vpc = new aws.ec2.Vpc("stark-vpc", { cidrBlock: "10.128.0.0/16", enableDnsHostnames: true, tags });
const a = new aws.ec2.Subnet("stark-app-a", { vpcId: vpc.id, cidrBlock: "10.128.1.0/24", availabilityZone: "us-east-1a", tags });
const b = new aws.ec2.Subnet("stark-app-b", { vpcId: vpc.id, cidrBlock: "10.128.2.0/24", availabilityZone: "us-east-1b", tags });
vpcBaseline("stark", vpc, "10.128.0.0/16", [a, b], tags);

const appSg = new aws.ec2.SecurityGroup("stark-app-sg", { vpcId: vpc.id, description: "stark app hosts", tags });
const filesSg = new aws.ec2.SecurityGroup("stark-files-sg", { vpcId: vpc.id, description: "uploads mount targets", tags });
const searchSg = new aws.ec2.SecurityGroup("stark-search-sg", { vpcId: vpc.id, description: "uploads search", tags });
// https://docs.aws.amazon.com/efs/latest/ug/network-access.html and
// https://docs.aws.amazon.com/opensearch-service/latest/developerguide/vpc.html: each admits only the app group.
new aws.vpc.SecurityGroupIngressRule("stark-files-from-app", { securityGroupId: filesSg.id, referencedSecurityGroupId: appSg.id, ipProtocol: "tcp", fromPort: 2049, toPort: 2049, tags });
new aws.vpc.SecurityGroupIngressRule("stark-search-from-app", { securityGroupId: searchSg.id, referencedSecurityGroupId: appSg.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, tags });

const key = new aws.kms.Key("stark-data-key", { description: "uploads and their index", enableKeyRotation: true, tags });
const fs = new aws.efs.FileSystem("stark-uploads", { encrypted: true, kmsKeyId: key.arn, tags });
[a, b].forEach((subnet, i) => new aws.efs.MountTarget(`stark-uploads-${i}`, { fileSystemId: fs.id, subnetId: subnet.id, securityGroups: [filesSg.id] }));

new aws.opensearch.Domain("stark-uploads-search", {
  domainName: "stark-uploads",
  engineVersion: "OpenSearch_2.13",
  clusterConfig: { instanceType: "r6g.large.search", instanceCount: 2, zoneAwarenessEnabled: true, zoneAwarenessConfig: { availabilityZoneCount: 2 } },
  ebsOptions: { ebsEnabled: true, volumeSize: 50, volumeType: "gp3" },
  vpcOptions: { subnetIds: [a.id, b.id], securityGroupIds: [searchSg.id] },
  encryptAtRest: { enabled: true, kmsKeyId: key.arn },
  nodeToNodeEncryption: { enabled: true },
  domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-2-PFS-2023-10" },
  tags,
});

new aws.ec2.Instance("stark-app", {
  ami: "ami-0f1a2b3c4d5e6f7a8",
  instanceType: "t3.medium",
  subnetId: a.id,
  vpcSecurityGroupIds: [appSg.id],
  metadataOptions: { httpTokens: "required" },
  rootBlockDevice: { encrypted: true, kmsKeyId: key.arn },
  tags,
});
