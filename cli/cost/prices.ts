/**
 * The checked-in price table the cost estimate uses: AWS on-demand LIST prices in us-east-1, in USD, as published
 * on the pages in `sources`; `asOf` is the date the table was last checked against them (KMS, Aurora Serverless
 * v2 ACU-hour, public IPv4 and the RDS-managed secret charge were confirmed on that date; re-read every page
 * before quoting a figure). No free tier, no Savings Plans or reserved pricing, no
 * taxes. Only FIXED prices are here: what a resource costs per hour or month while it serves no traffic. Usage
 * (data processed, requests, LCUs, log ingestion, storage that grows with data, I/O) is left out on purpose and
 * the resource types billed only by usage are listed in `USAGE_ONLY` so they are never mistaken for
 * "not priced".
 *
 * Update: open each source page, set the numbers and `asOf`, then run `npx tsx scripts/cost-table.ts` (the README
 * table is generated from this file; a test fails when it is stale).
 */

export interface PriceTable {
  /** Date (YYYY-MM-DD) the table was last checked against the source pages. */
  asOf: string;
  /** Region the prices are for; a stack elsewhere is estimated with these prices and says so. */
  region: string;
  currency: "USD";
  /** Hours in a month for hourly prices (AWS's own calculator uses 730). */
  hoursPerMonth: number;
  /** Pricing page per service: where every number below comes from. */
  sources: Record<string, string>;
  /** EC2 Linux on-demand, $/hour, by instance type. */
  ec2Hourly: Record<string, number>;
  /** EBS, $/GB-month, by volume type. */
  ebsGbMonth: Record<string, number>;
  /** RDS single-AZ on-demand, $/hour, by engine family (`mysql` covers MariaDB, priced the same) then instance class (Multi-AZ pays twice). */
  rdsHourly: Record<"postgres" | "mysql", Record<string, number>>;
  /** RDS storage, $/GB-month single-AZ, by storage type (Multi-AZ pays twice). */
  rdsStorageGbMonth: Record<string, number>;
  /** RDS provisioned IOPS (io1/io2), $/IOPS-month single-AZ. */
  rdsIopsMonth: number;
  /** Aurora provisioned instances, $/hour (Aurora Standard), by engine family then class. */
  auroraHourly: Record<"postgres" | "mysql", Record<string, number>>;
  /** Aurora Serverless v2, $/ACU-hour: Aurora Standard and Aurora I/O-Optimized storage configurations. */
  auroraAcuHour: { standard: number; ioOptimized: number };
  /** Multiplier of Aurora instance prices under the I/O-Optimized configuration. */
  auroraIoOptimizedInstanceFactor: number;
  /** Load balancers, $/hour each (capacity units are usage and left out). */
  loadBalancerHourly: { application: number; network: number; gateway: number };
  /** NAT gateway, $/hour (data processed is usage). */
  natGatewayHourly: number;
  /** Every public IPv4 address (Elastic IP, NAT, load balancer node, instance), $/hour. */
  publicIpv4Hourly: number;
  /** Interface VPC endpoint, $/hour per AZ (one per subnet). Gateway endpoints (S3, DynamoDB) are free. */
  interfaceEndpointAzHourly: number;
  /** Customer managed KMS key, $/month (each automatic rotation adds $1/month, for the first two rotations only). */
  kmsKeyMonth: number;
  /** Secrets Manager secret, $/month (each replica region counts as one more secret). */
  secretMonth: number;
  /** CloudWatch alarm (standard resolution, one metric), $/month. */
  alarmMonth: number;
  /** Route 53 hosted zone, $/month (first 25 zones). */
  hostedZoneMonth: number;
  /** EKS cluster (standard support), $/hour. */
  eksClusterHourly: number;
  /** Transit gateway attachment, $/hour. */
  transitGatewayAttachmentHourly: number;
}

export const PRICES: PriceTable = {
  asOf: "2026-11-29",
  region: "us-east-1",
  currency: "USD",
  hoursPerMonth: 730,
  sources: {
    ec2: "https://aws.amazon.com/ec2/pricing/on-demand/",
    ebs: "https://aws.amazon.com/ebs/pricing/",
    rdsPostgres: "https://aws.amazon.com/rds/postgresql/pricing/",
    rdsMysql: "https://aws.amazon.com/rds/mysql/pricing/",
    rdsMariadb: "https://aws.amazon.com/rds/mariadb/pricing/",
    aurora: "https://aws.amazon.com/rds/aurora/pricing/",
    elb: "https://aws.amazon.com/elasticloadbalancing/pricing/",
    vpc: "https://aws.amazon.com/vpc/pricing/",
    publicIpv4: "https://aws.amazon.com/blogs/aws/new-aws-public-ipv4-address-charge-public-ip-insights/",
    privatelink: "https://aws.amazon.com/privatelink/pricing/",
    kms: "https://aws.amazon.com/kms/pricing/",
    secretsManager: "https://aws.amazon.com/secrets-manager/pricing/",
    rdsManagedSecret: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html",
    cloudwatch: "https://aws.amazon.com/cloudwatch/pricing/",
    lambda: "https://aws.amazon.com/lambda/pricing/",
    route53: "https://aws.amazon.com/route53/pricing/",
    eks: "https://aws.amazon.com/eks/pricing/",
    transitGateway: "https://aws.amazon.com/transit-gateway/pricing/",
  },
  ec2Hourly: {
    "t2.micro": 0.0116,
    "t2.small": 0.023,
    "t3.nano": 0.0052,
    "t3.micro": 0.0104,
    "t3.small": 0.0208,
    "t3.medium": 0.0416,
    "t3.large": 0.0832,
    "t3a.nano": 0.0047,
    "t3a.micro": 0.0094,
    "t3a.small": 0.0188,
    "t3a.medium": 0.0376,
    "t4g.nano": 0.0042,
    "t4g.micro": 0.0084,
    "t4g.small": 0.0168,
    "t4g.medium": 0.0336,
    "t4g.large": 0.0672,
    "m5.large": 0.096,
    "m5.xlarge": 0.192,
    "m6i.large": 0.096,
    "m6i.xlarge": 0.192,
    "m6g.large": 0.077,
    "m6g.xlarge": 0.154,
    "m7g.large": 0.0816,
    "m7i.large": 0.1008,
    "c5.large": 0.085,
    "c6i.large": 0.085,
    "c6g.large": 0.068,
    "c7g.large": 0.0725,
    "r5.large": 0.126,
    "r6i.large": 0.126,
    "r6g.large": 0.1008,
  },
  ebsGbMonth: { gp3: 0.08, gp2: 0.1, io1: 0.125, io2: 0.125, st1: 0.045, sc1: 0.015, standard: 0.05 },
  rdsHourly: {
    postgres: {
      "db.t3.micro": 0.018,
      "db.t3.small": 0.036,
      "db.t3.medium": 0.072,
      "db.t4g.micro": 0.016,
      "db.t4g.small": 0.032,
      "db.t4g.medium": 0.065,
      "db.t4g.large": 0.129,
      "db.m5.large": 0.178,
      "db.m6i.large": 0.178,
      "db.m6g.large": 0.159,
    },
    mysql: {
      "db.t3.micro": 0.017,
      "db.t3.small": 0.034,
      "db.t3.medium": 0.068,
      "db.t4g.micro": 0.016,
      "db.t4g.small": 0.032,
      "db.t4g.medium": 0.065,
      "db.t4g.large": 0.129,
      "db.m5.large": 0.171,
      "db.m6i.large": 0.171,
      "db.m6g.large": 0.152,
    },
  },
  rdsStorageGbMonth: { gp2: 0.115, gp3: 0.115, io1: 0.125, io2: 0.125, standard: 0.1 },
  rdsIopsMonth: 0.1,
  auroraHourly: {
    postgres: { "db.t3.medium": 0.082, "db.t4g.medium": 0.073, "db.t4g.large": 0.146, "db.r6g.large": 0.26, "db.r7g.large": 0.276 },
    mysql: { "db.t3.small": 0.041, "db.t3.medium": 0.082, "db.t4g.medium": 0.073, "db.t4g.large": 0.146, "db.r6g.large": 0.26, "db.r7g.large": 0.276 },
  },
  auroraAcuHour: { standard: 0.12, ioOptimized: 0.156 },
  auroraIoOptimizedInstanceFactor: 1.3,
  loadBalancerHourly: { application: 0.0225, network: 0.0225, gateway: 0.0125 },
  natGatewayHourly: 0.045,
  publicIpv4Hourly: 0.005,
  interfaceEndpointAzHourly: 0.01,
  kmsKeyMonth: 1,
  secretMonth: 0.4,
  alarmMonth: 0.1,
  hostedZoneMonth: 0.5,
  eksClusterHourly: 0.1,
  transitGatewayAttachmentHourly: 0.05,
};

/**
 * Types that cost nothing while they exist (configuration objects, IAM, addressing, rules, templates whose
 * instances are priced through their Auto Scaling group). Counted as $0 on purpose, not "not priced".
 */
export const NO_CHARGE = new Set<string>([
  "aws:iam/role:Role",
  "aws:iam/rolePolicy:RolePolicy",
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  "aws:iam/policy:Policy",
  "aws:iam/policyAttachment:PolicyAttachment",
  "aws:iam/instanceProfile:InstanceProfile",
  "aws:iam/user:User",
  "aws:iam/userPolicy:UserPolicy",
  "aws:iam/userPolicyAttachment:UserPolicyAttachment",
  "aws:iam/group:Group",
  "aws:iam/groupPolicy:GroupPolicy",
  "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
  "aws:iam/serviceLinkedRole:ServiceLinkedRole",
  "aws:ec2/vpc:Vpc",
  "aws:ec2/subnet:Subnet",
  "aws:ec2/routeTable:RouteTable",
  "aws:ec2/route:Route",
  "aws:ec2/routeTableAssociation:RouteTableAssociation",
  "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation",
  "aws:ec2/internetGateway:InternetGateway",
  "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway",
  "aws:ec2/securityGroup:SecurityGroup",
  "aws:ec2/securityGroupRule:SecurityGroupRule",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl",
  "aws:ec2/defaultRouteTable:DefaultRouteTable",
  "aws:ec2/defaultVpc:DefaultVpc",
  "aws:ec2/networkAcl:NetworkAcl",
  "aws:ec2/networkAclRule:NetworkAclRule",
  "aws:ec2/networkAclAssociation:NetworkAclAssociation",
  "aws:ec2/launchTemplate:LaunchTemplate",
  "aws:ec2/keyPair:KeyPair",
  "aws:ec2/eipAssociation:EipAssociation",
  "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
  "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter",
  "aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation",
  "aws:ec2/vpcEndpointSubnetAssociation:VpcEndpointSubnetAssociation",
  "aws:ec2/volumeAttachment:VolumeAttachment",
  "aws:lb/targetGroup:TargetGroup",
  "aws:lb/targetGroupAttachment:TargetGroupAttachment",
  "aws:lb/listener:Listener",
  "aws:lb/listenerRule:ListenerRule",
  "aws:lb/listenerCertificate:ListenerCertificate",
  "aws:alb/targetGroup:TargetGroup",
  "aws:alb/listener:Listener",
  "aws:alb/listenerRule:ListenerRule",
  "aws:autoscaling/policy:Policy",
  "aws:autoscaling/attachment:Attachment",
  "aws:autoscaling/lifecycleHook:LifecycleHook",
  "aws:kms/alias:Alias",
  "aws:kms/grant:Grant",
  "aws:kms/keyPolicy:KeyPolicy",
  "aws:secretsmanager/secretVersion:SecretVersion",
  "aws:secretsmanager/secretPolicy:SecretPolicy",
  "aws:secretsmanager/secretRotation:SecretRotation",
  "aws:lambda/permission:Permission",
  "aws:lambda/alias:Alias",
  "aws:lambda/eventSourceMapping:EventSourceMapping",
  "aws:rds/parameterGroup:ParameterGroup",
  "aws:rds/clusterParameterGroup:ClusterParameterGroup",
  "aws:rds/subnetGroup:SubnetGroup",
  "aws:rds/optionGroup:OptionGroup",
  "aws:ssm/document:Document",
  "aws:ssm/parameter:Parameter",
  "aws:acm/certificate:Certificate",
  "aws:acm/certificateValidation:CertificateValidation",
  "aws:route53/record:Record",
  "aws:cloudwatch/eventRule:EventRule",
  "aws:cloudwatch/eventTarget:EventTarget",
  "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
  "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
  "aws:s3/bucketPolicy:BucketPolicy",
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  "aws:s3/bucketVersioningV2:BucketVersioningV2",
  "aws:s3/bucketVersioning:BucketVersioning",
  "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  "aws:sns/topicSubscription:TopicSubscription",
  "aws:sns/topicPolicy:TopicPolicy",
  "aws:sqs/queuePolicy:QueuePolicy",
  "aws:ec2transitgateway/routeTable:RouteTable",
  "aws:ec2transitgateway/route:Route",
  "aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation",
  "aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation",
  "aws:ec2transitgateway/transitGateway:TransitGateway",
  "random:index/randomPassword:RandomPassword",
  "random:index/randomString:RandomString",
  "random:index/randomId:RandomId",
  "random:index/randomPet:RandomPet",
  "random:index/randomInteger:RandomInteger",
  "random:index/randomUuid:RandomUuid",
  "tls:index/privateKey:PrivateKey",
  // Objects inside a database server (a pooled tenant's database, users, grants): the server is what is billed.
  "postgresql:index/database:Database",
  "postgresql:index/role:Role",
  "postgresql:index/grant:Grant",
  "mysql:index/database:Database",
  "mysql:index/user:User",
  "mysql:index/grant:Grant",
  "aws:lambda/invocation:Invocation",
]);

/**
 * Types billed only by usage (requests, GB ingested or stored, invocations): $0 fixed at zero traffic, and
 * named as such in the estimate so a reader sees what the fixed figure leaves out.
 */
export const USAGE_ONLY = new Map<string, string>([
  ["aws:cloudwatch/logGroup:LogGroup", "log ingestion and storage"],
  ["aws:ec2/flowLog:FlowLog", "log ingestion"],
  ["aws:lambda/function:Function", "requests and duration"],
  ["aws:s3/bucket:Bucket", "storage and requests"],
  ["aws:s3/bucketV2:BucketV2", "storage and requests"],
  ["aws:sqs/queue:Queue", "requests"],
  ["aws:sns/topic:Topic", "requests"],
  ["aws:cloudtrail/trail:Trail", "events beyond the first management copy"],
  ["aws:ecr/repository:Repository", "image storage"],
]);

