// expect: clean
// why: a partner file drop on AWS Transfer Family: an internet-facing SFTP endpoint in the VPC whose group admits 22 only from the partners' published ranges; SFTP 22 there is the managed file service (no shell behind it), so no bastion is involved.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const tags = { "bulkhead:tenant": "umbrella" };

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

const vpc = new aws.ec2.Vpc("umbrella-sftp-vpc", { cidrBlock: "10.127.0.0/16", enableDnsHostnames: true, tags });
const subnet = new aws.ec2.Subnet("umbrella-sftp-public-a", { vpcId: vpc.id, cidrBlock: "10.127.1.0/24", availabilityZone: "us-east-1a", tags });
const igw = new aws.ec2.InternetGateway("umbrella-sftp-igw", { vpcId: vpc.id, tags });
const rt = new aws.ec2.RouteTable("umbrella-sftp-rt", { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }], tags });
new aws.ec2.RouteTableAssociation("umbrella-sftp-rta", { subnetId: subnet.id, routeTableId: rt.id });
const partners = ["52.95.0.0/24", "3.5.140.0/22"];
vpcBaseline("umbrella-sftp", vpc, "10.127.0.0/16", [subnet], tags, partners.map((cidrBlock, i) => ({ ruleNo: 140 + i, action: "allow", protocol: "tcp", cidrBlock, fromPort: 22, toPort: 22 })));

// https://docs.aws.amazon.com/transfer/latest/userguide/create-server-in-vpc.html: an internet-facing VPC endpoint
// takes Elastic IPs and the security groups that decide which clients reach SFTP on port 22.
const sftpSg = new aws.ec2.SecurityGroup("umbrella-sftp-sg", { vpcId: vpc.id, description: "partner SFTP clients", tags });
partners.forEach((cidrIpv4, i) =>
  new aws.vpc.SecurityGroupIngressRule(`umbrella-sftp-partner-${i}`, { securityGroupId: sftpSg.id, cidrIpv4, ipProtocol: "tcp", fromPort: 22, toPort: 22, tags }),
);
const eip = new aws.ec2.Eip("umbrella-sftp-eip", { domain: "vpc", tags });

const loggingRole = new aws.iam.Role("umbrella-sftp-logging", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "transfer.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
  managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AWSTransferLoggingAccess"],
  tags,
});
new aws.transfer.Server("umbrella-partner-sftp", {
  endpointType: "VPC",
  protocols: ["SFTP"],
  identityProviderType: "SERVICE_MANAGED",
  domain: "S3",
  securityPolicyName: "TransferSecurityPolicy-2024-01",
  loggingRole: loggingRole.arn,
  endpointDetails: { vpcId: vpc.id, subnetIds: [subnet.id], addressAllocationIds: [eip.id], securityGroupIds: [sftpSg.id] },
  tags,
});
