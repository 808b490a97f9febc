// expect: clean
// why: two tenants' batch hosts name no security group in a pooled VPC whose default group is adopted and emptied: both are in that group, and an empty group admits nothing, so neither reaches the other.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const platform = { "bulkhead:role": "platform" };
const acme = { "bulkhead:tenant": "acme" };
const globex = { "bulkhead:tenant": "globex" };

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

const vpc = new aws.ec2.Vpc("pool-batch-vpc", { cidrBlock: "10.132.0.0/16", tags: platform });
const acmeSubnet = new aws.ec2.Subnet("acme-batch-a", { vpcId: vpc.id, cidrBlock: "10.132.1.0/24", availabilityZone: "us-east-1a", tags: acme });
const globexSubnet = new aws.ec2.Subnet("globex-batch-a", { vpcId: vpc.id, cidrBlock: "10.132.2.0/24", availabilityZone: "us-east-1a", tags: globex });
// https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html: adopted with no rules by the baseline.
vpcBaseline("pool-batch", vpc, "10.132.0.0/16", [acmeSubnet, globexSubnet], platform);

const key = new aws.kms.Key("pool-batch-ebs-key", { description: "batch volumes", enableKeyRotation: true, tags: platform });
for (const [name, subnet, tags] of [["acme-batch", acmeSubnet, acme], ["globex-batch", globexSubnet, globex]] as const)
  new aws.ec2.Instance(name, {
    ami: "ami-0f1a2b3c4d5e6f7a8",
    instanceType: "c6i.large",
    subnetId: subnet.id,
    metadataOptions: { httpTokens: "required" },
    rootBlockDevice: { encrypted: true, kmsKeyId: key.arn },
    tags,
  });
