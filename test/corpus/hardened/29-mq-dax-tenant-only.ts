// expect: clean
// why: a tenant's message broker and DynamoDB cache: a private RabbitMQ broker (AMQPS 5671) and a TLS DAX cluster (9111), each admitting only the tenant's worker group; the broker's password is generated and kept in a rotated secret.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";

const tags = { "bulkhead:tenant": "wayne" };
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

const vpc = new aws.ec2.Vpc("wayne-vpc", { cidrBlock: "10.129.0.0/16", enableDnsHostnames: true, tags });
const a = new aws.ec2.Subnet("wayne-app-a", { vpcId: vpc.id, cidrBlock: "10.129.1.0/24", availabilityZone: "us-east-1a", tags });
const b = new aws.ec2.Subnet("wayne-app-b", { vpcId: vpc.id, cidrBlock: "10.129.2.0/24", availabilityZone: "us-east-1b", tags });
const { logsKey } = vpcBaseline("wayne", vpc, "10.129.0.0/16", [a, b], tags);

const workerSg = new aws.ec2.SecurityGroup("wayne-worker-sg", { vpcId: vpc.id, description: "wayne workers", tags });
const mqSg = new aws.ec2.SecurityGroup("wayne-mq-sg", { vpcId: vpc.id, description: "orders broker", tags });
const daxSg = new aws.ec2.SecurityGroup("wayne-dax-sg", { vpcId: vpc.id, description: "sessions cache", tags });
// https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/rabbitmq-basic-elements-broker.html (5671) and
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/DAX.create-cluster.console.configure-inbound-rules.html (9111).
new aws.vpc.SecurityGroupIngressRule("wayne-mq-from-workers", { securityGroupId: mqSg.id, referencedSecurityGroupId: workerSg.id, ipProtocol: "tcp", fromPort: 5671, toPort: 5671, tags });
new aws.vpc.SecurityGroupIngressRule("wayne-dax-from-workers", { securityGroupId: daxSg.id, referencedSecurityGroupId: workerSg.id, ipProtocol: "tcp", fromPort: 9111, toPort: 9111, tags });

const password = new random.RandomPassword("wayne-mq-password", { length: 32, special: false });
const secret = new aws.secretsmanager.Secret("wayne-mq-secret", { kmsKeyId: logsKey.arn, tags });
new aws.secretsmanager.SecretVersion("wayne-mq-secret-v", { secretId: secret.id, secretString: pulumi.jsonStringify({ username: "orders", password: password.result }) });
new aws.secretsmanager.SecretRotation("wayne-mq-rotation", { secretId: secret.id, rotationLambdaArn: "arn:aws:lambda:us-east-1:123456789012:function:wayne-mq-rotator", rotationRules: { automaticallyAfterDays: 30 } });
new aws.mq.Broker("wayne-orders", {
  brokerName: "wayne-orders",
  engineType: "RabbitMQ",
  engineVersion: "3.13",
  hostInstanceType: "mq.m5.large",
  deploymentMode: "SINGLE_INSTANCE",
  publiclyAccessible: false,
  subnetIds: [a.id],
  securityGroups: [mqSg.id],
  encryptionOptions: { useAwsOwnedKey: false, kmsKeyId: logsKey.arn },
  users: [{ username: "orders", password: password.result }],
  tags,
});

const daxRole = new aws.iam.Role("wayne-dax-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "dax.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
  inlinePolicies: [
    {
      name: "sessions-table",
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
            Resource: pulumi.interpolate`arn:aws:dynamodb:${region.region}:${caller.accountId}:table/wayne-sessions`,
          },
        ],
      }),
    },
  ],
  tags,
});
const daxSubnets = new aws.dax.SubnetGroup("wayne-dax-subnets", { subnetIds: [a.id, b.id] });
new aws.dax.Cluster("wayne-sessions-dax", {
  clusterName: "wayne-sessions",
  nodeType: "dax.r5.large",
  replicationFactor: 2,
  iamRoleArn: daxRole.arn,
  subnetGroupName: daxSubnets.name,
  securityGroupIds: [daxSg.id],
  serverSideEncryption: { enabled: true },
  clusterEndpointEncryptionType: "TLS",
  tags,
});
