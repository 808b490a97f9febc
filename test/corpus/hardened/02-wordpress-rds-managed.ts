// expect: clean
// why: WordPress for one tenant: RDS with an RDS-managed master password, CMK encryption, deletion protection, reachable only from the tenant's web group.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const tags = { "bulkhead:tenant": "wayne" };
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

const vpc = new aws.ec2.Vpc("wayne-wp-vpc", { cidrBlock: "10.120.0.0/16", enableDnsHostnames: true, tags });
const igw = new aws.ec2.InternetGateway("wayne-wp-igw", { vpcId: vpc.id, tags });
const publicA = new aws.ec2.Subnet("wayne-wp-public-a", { vpcId: vpc.id, cidrBlock: "10.120.0.0/24", availabilityZone: "us-east-1a", tags });
const publicB = new aws.ec2.Subnet("wayne-wp-public-b", { vpcId: vpc.id, cidrBlock: "10.120.1.0/24", availabilityZone: "us-east-1b", tags });
const privateA = new aws.ec2.Subnet("wayne-wp-private-a", { vpcId: vpc.id, cidrBlock: "10.120.10.0/24", availabilityZone: "us-east-1a", tags });
const privateB = new aws.ec2.Subnet("wayne-wp-private-b", { vpcId: vpc.id, cidrBlock: "10.120.11.0/24", availabilityZone: "us-east-1b", tags });
const publicRt = new aws.ec2.RouteTable("wayne-wp-public-rt", { vpcId: vpc.id, tags });
new aws.ec2.Route("wayne-wp-public-default", { routeTableId: publicRt.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id });
new aws.ec2.RouteTableAssociation("wayne-wp-public-a-rt", { subnetId: publicA.id, routeTableId: publicRt.id });
new aws.ec2.RouteTableAssociation("wayne-wp-public-b-rt", { subnetId: publicB.id, routeTableId: publicRt.id });
vpcBaseline("wayne-wp", vpc, "10.120.0.0/16", [publicA, publicB, privateA, privateB], tags);

const albSg = new aws.ec2.SecurityGroup("wayne-wp-alb-sg", {
  vpcId: vpc.id,
  description: "wordpress load balancer",
  ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
  egress: [{ protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["10.120.10.0/23"] }],
  tags,
});
const webSg = new aws.ec2.SecurityGroup("wayne-wp-web-sg", {
  vpcId: vpc.id,
  description: "wordpress web servers",
  egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
  tags,
});
new aws.vpc.SecurityGroupIngressRule("wayne-wp-web-from-alb", {
  securityGroupId: webSg.id,
  referencedSecurityGroupId: albSg.id,
  ipProtocol: "tcp",
  fromPort: 80,
  toPort: 80,
  tags,
});
const dbSg = new aws.ec2.SecurityGroup("wayne-wp-db-sg", { vpcId: vpc.id, description: "wordpress database", tags });
new aws.vpc.SecurityGroupIngressRule("wayne-wp-db-from-web", {
  securityGroupId: dbSg.id,
  referencedSecurityGroupId: webSg.id,
  ipProtocol: "tcp",
  fromPort: 3306,
  toPort: 3306,
  description: "mysql from the tenant's web servers only",
  tags,
});

const dbKey = new aws.kms.Key("wayne-wp-db-key", { description: "wayne wordpress database", enableKeyRotation: true, tags });
const dbSubnets = new aws.rds.SubnetGroup("wayne-wp-db-subnets", {
  name: "wayne-wp-db",
  subnetIds: [privateA.id, privateB.id],
  tags,
});
const db = new aws.rds.Instance("wayne-wp-db", {
  identifier: "wayne-wordpress",
  engine: "mysql",
  engineVersion: "8.0",
  instanceClass: "db.t4g.medium",
  allocatedStorage: 50,
  maxAllocatedStorage: 200,
  dbName: "wordpress",
  username: "wpadmin",
  // RDS generates, stores and rotates the master password in Secrets Manager.
  manageMasterUserPassword: true,
  masterUserSecretKmsKeyId: dbKey.arn,
  storageEncrypted: true,
  kmsKeyId: dbKey.arn,
  deletionProtection: true,
  publiclyAccessible: false,
  multiAz: true,
  backupRetentionPeriod: 14,
  dbSubnetGroupName: dbSubnets.name,
  vpcSecurityGroupIds: [dbSg.id],
  finalSnapshotIdentifier: "wayne-wordpress-final",
  tags,
});

const webRole = new aws.iam.Role("wayne-wp-web-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
  managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"],
  tags,
});
new aws.iam.RolePolicy("wayne-wp-web-read-db-secret", {
  role: webRole.id,
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue"],
        Resource: pulumi.interpolate`arn:aws:secretsmanager:${region.region}:${caller.accountId}:secret:rds!db-*`,
      },
    ],
  }),
});
const webProfile = new aws.iam.InstanceProfile("wayne-wp-web-profile", { role: webRole.name, tags });

const ami = aws.ec2.getAmiOutput({
  mostRecent: true,
  owners: ["amazon"],
  filters: [{ name: "name", values: ["al2023-ami-2023.*-x86_64"] }],
});
const web = [privateA, privateB].map(
  (subnet, i) =>
    new aws.ec2.Instance(`wayne-wp-web-${i}`, {
      ami: ami.id,
      instanceType: "t3.small",
      subnetId: subnet.id,
      vpcSecurityGroupIds: [webSg.id],
      iamInstanceProfile: webProfile.name,
      metadataOptions: { httpEndpoint: "enabled", httpTokens: "required" },
      rootBlockDevice: { volumeSize: 20, volumeType: "gp3", encrypted: true },
      userData: "#!/bin/bash\ndnf install -y httpd php php-mysqlnd\nsystemctl enable --now httpd\n",
      tags: { ...tags, Name: `wayne-wp-web-${i}` },
    }),
);

const alb = new aws.lb.LoadBalancer("wayne-wp-alb", {
  loadBalancerType: "application",
  securityGroups: [albSg.id],
  subnets: [publicA.id, publicB.id],
  tags,
});
const tg = new aws.lb.TargetGroup("wayne-wp-tg", { port: 80, protocol: "HTTP", vpcId: vpc.id, tags });
web.forEach((instance, i) => new aws.lb.TargetGroupAttachment(`wayne-wp-tg-${i}`, { targetGroupArn: tg.arn, targetId: instance.id }));
new aws.lb.Listener("wayne-wp-https", {
  loadBalancerArn: alb.arn,
  port: 443,
  protocol: "HTTPS",
  sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
  certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e",
  defaultActions: [{ type: "forward", targetGroupArn: tg.arn }],
  tags,
});

export const endpoint = db.address;
