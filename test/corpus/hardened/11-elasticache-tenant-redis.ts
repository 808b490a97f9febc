// expect: clean
// why: a tenant's Redis: TLS and AUTH with a generated token kept in a rotated secret, reachable on 6379 only from the same tenant's app group.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";

const tags = { "bulkhead:tenant": "wonka" };
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

const vpc = new aws.ec2.Vpc("wonka-cache-vpc", { cidrBlock: "10.170.0.0/16", enableDnsHostnames: true, tags });
const subnetA = new aws.ec2.Subnet("wonka-cache-a", { vpcId: vpc.id, cidrBlock: "10.170.1.0/24", availabilityZone: "us-east-1a", tags });
const subnetB = new aws.ec2.Subnet("wonka-cache-b", { vpcId: vpc.id, cidrBlock: "10.170.2.0/24", availabilityZone: "us-east-1b", tags });
vpcBaseline("wonka-cache", vpc, "10.170.0.0/16", [subnetA, subnetB], tags);

const cacheKey = new aws.kms.Key("wonka-cache-key", { description: "wonka redis and its auth secret", enableKeyRotation: true, tags });

const appSg = new aws.ec2.SecurityGroup("wonka-app-sg", {
  vpcId: vpc.id,
  description: "wonka app servers",
  egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
  tags,
});
const redisSg = new aws.ec2.SecurityGroup("wonka-redis-sg", { vpcId: vpc.id, description: "wonka redis", tags });
new aws.vpc.SecurityGroupIngressRule("wonka-redis-from-app", {
  securityGroupId: redisSg.id,
  referencedSecurityGroupId: appSg.id,
  ipProtocol: "tcp",
  fromPort: 6379,
  toPort: 6379,
  tags,
});

const authToken = new random.RandomPassword("wonka-redis-auth", { length: 64, special: false });
const authSecret = new aws.secretsmanager.Secret("wonka-redis-auth-secret", { name: "wonka/redis/auth", kmsKeyId: cacheKey.arn, tags });
new aws.secretsmanager.SecretVersion("wonka-redis-auth-secret-v1", { secretId: authSecret.id, secretString: authToken.result });
new aws.secretsmanager.SecretRotation("wonka-redis-auth-rotation", {
  secretId: authSecret.id,
  rotationLambdaArn: pulumi.interpolate`arn:aws:lambda:${region.region}:${caller.accountId}:function:bulkhead-rotate-redis-auth`,
  rotationRules: { automaticallyAfterDays: 30 },
});

const subnetGroup = new aws.elasticache.SubnetGroup("wonka-redis-subnets", { subnetIds: [subnetA.id, subnetB.id], tags });
new aws.elasticache.ReplicationGroup("wonka-redis", {
  description: "wonka sessions and cache",
  engine: "redis",
  engineVersion: "7.1",
  nodeType: "cache.r7g.large",
  numCacheClusters: 2,
  automaticFailoverEnabled: true,
  multiAzEnabled: true,
  port: 6379,
  subnetGroupName: subnetGroup.name,
  securityGroupIds: [redisSg.id],
  atRestEncryptionEnabled: true,
  kmsKeyId: cacheKey.arn,
  transitEncryptionEnabled: true,
  authToken: authToken.result,
  tags,
});

const appRole = new aws.iam.Role("wonka-app-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
  managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"],
  inlinePolicies: [
    {
      name: "read-redis-auth",
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: "secretsmanager:GetSecretValue",
            Resource: pulumi.interpolate`arn:aws:secretsmanager:${region.region}:${caller.accountId}:secret:wonka/redis/auth-*`,
          },
        ],
      }),
    },
  ],
  tags,
});
const appProfile = new aws.iam.InstanceProfile("wonka-app-profile", { role: appRole.name, tags });
const lt = new aws.ec2.LaunchTemplate("wonka-app-lt", {
  namePrefix: "wonka-app-",
  imageId: aws.ec2.getAmiOutput({ mostRecent: true, owners: ["amazon"], filters: [{ name: "name", values: ["al2023-ami-2023.*-arm64"] }] }).id,
  instanceType: "t4g.medium",
  iamInstanceProfile: { name: appProfile.name },
  vpcSecurityGroupIds: [appSg.id],
  metadataOptions: { httpTokens: "required" },
  blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 20, encrypted: "true" } }],
  tags,
});
new aws.autoscaling.Group("wonka-app-asg", {
  minSize: 2,
  maxSize: 4,
  vpcZoneIdentifiers: [subnetA.id, subnetB.id],
  launchTemplate: { id: lt.id, version: "$Latest" },
});
