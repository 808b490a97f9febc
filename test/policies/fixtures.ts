/**
 * Hand-built stacks for the pack's tests: `hardened()` passes every rule (mandatory and advisory); each failing case
 * in the tests changes one thing in it.
 */
import type { StackResource } from "../../policies/model";

/** The SDK's unknown-string sentinel (what a preview gives for ids and values derived from them). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export const urnOf = (type: string, name: string) => `urn:pulumi:dev::bulkhead-test::${type}::${name}`;

export class Stack {
  readonly resources: StackResource[] = [];

  /** Adds a resource; `deps` maps a top-level property to the resource names its value came from. */
  add(type: string, name: string, props: Record<string, any>, deps: Record<string, string[]> = {}): string {
    const urn = urnOf(type, name);
    const propertyDependencies: Record<string, string[]> = {};
    for (const [k, names] of Object.entries(deps)) propertyDependencies[k] = names.map((n) => this.urn(n));
    this.resources.push({ urn, type, name, props, dependencies: [...new Set(Object.values(propertyDependencies).flat())], propertyDependencies });
    return urn;
  }

  urn(name: string): string {
    const r = this.resources.find((x) => x.name === name);
    if (!r) throw new Error(`fixture has no resource named ${name}`);
    return r.urn;
  }

  get(name: string): StackResource {
    return this.resources.find((x) => x.name === name)!;
  }

  /** Replaces props of a resource (shallow merge; `undefined` deletes). */
  set(name: string, props: Record<string, any>, deps?: Record<string, string[]>): this {
    const r = this.get(name);
    for (const [k, v] of Object.entries(props)) {
      if (v === undefined) delete r.props[k];
      else r.props[k] = v;
    }
    if (deps) for (const [k, names] of Object.entries(deps)) r.propertyDependencies[k] = names.map((n) => this.urn(n));
    return this;
  }

  remove(name: string): this {
    const i = this.resources.findIndex((x) => x.name === name);
    this.resources.splice(i, 1);
    return this;
  }
}

export const TYPES = {
  vpc: "aws:ec2/vpc:Vpc",
  subnet: "aws:ec2/subnet:Subnet",
  igw: "aws:ec2/internetGateway:InternetGateway",
  rt: "aws:ec2/routeTable:RouteTable",
  rta: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  sgRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  sgIngress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  defaultSg: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  defaultNacl: "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl",
  nacl: "aws:ec2/networkAcl:NetworkAcl",
  naclRule: "aws:ec2/networkAclRule:NetworkAclRule",
  flowLog: "aws:ec2/flowLog:FlowLog",
  instance: "aws:ec2/instance:Instance",
  lt: "aws:ec2/launchTemplate:LaunchTemplate",
  asg: "aws:autoscaling/group:Group",
  eip: "aws:ec2/eip:Eip",
  eni: "aws:ec2/networkInterface:NetworkInterface",
  nat: "aws:ec2/natGateway:NatGateway",
  lb: "aws:lb/loadBalancer:LoadBalancer",
  rds: "aws:rds/instance:Instance",
  rdsCluster: "aws:rds/cluster:Cluster",
  redshift: "aws:redshift/cluster:Cluster",
  opensearch: "aws:opensearch/domain:Domain",
  eks: "aws:eks/cluster:Cluster",
  lightsail: "aws:lightsail/instance:Instance",
  lightsailPorts: "aws:lightsail/instancePublicPorts:InstancePublicPorts",
  peering: "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
  tgw: "aws:ec2transitgateway/transitGateway:TransitGateway",
  tgwAtt: "aws:ec2transitgateway/vpcAttachment:VpcAttachment",
  tgwRt: "aws:ec2transitgateway/routeTable:RouteTable",
  prefixList: "aws:ec2/managedPrefixList:ManagedPrefixList",
  eigw: "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway",
  ecsService: "aws:ecs/service:Service",
  eksNodeGroup: "aws:eks/nodeGroup:NodeGroup",
  prefixListEntry: "aws:ec2/managedPrefixListEntry:ManagedPrefixListEntry",
  tgwAssoc: "aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation",
  tgwProp: "aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation",
  tgwRoute: "aws:ec2transitgateway/route:Route",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  rpa: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  policy: "aws:iam/policy:Policy",
  bucket: "aws:s3/bucket:Bucket",
  bucketAcl: "aws:s3/bucketAclV2:BucketAclV2",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  secret: "aws:secretsmanager/secret:Secret",
  secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
  rotation: "aws:secretsmanager/secretRotation:SecretRotation",
  random: "random:index/randomPassword:RandomPassword",
  kms: "aws:kms/key:Key",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  lambda: "aws:lambda/function:Function",
  ecsTask: "aws:ecs/taskDefinition:TaskDefinition",
  ssmDoc: "aws:ssm/document:Document",
  ebsVolume: "aws:ebs/volume:Volume",
} as const;

const ASSUME_EC2 = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

const tenantA = { "bulkhead:tenant": "acme" };
const bastionTag = { "bulkhead:role": "bastion" };

/**
 * A hardened two-tier stack in preview form (ids unknown, references resolved through propertyDependencies):
 * shared platform VPC with an internet-facing ALB, a bastion in a public subnet, tenant "acme" app + Postgres in
 * private subnets, flow logs, adopted default SG/NACL, Session Manager logging, scoped IAM, private EKS, S3.
 */
export function hardened(): Stack {
  const s = new Stack();
  const T = TYPES;
  s.add(T.vpc, "main-vpc", { cidrBlock: "10.0.0.0/16" });
  s.add(T.flowLog, "main-flow", { vpcId: UNKNOWN, trafficType: "ALL", logDestination: UNKNOWN }, { vpcId: ["main-vpc"] });
  s.add(T.defaultSg, "main-default-sg", { vpcId: UNKNOWN }, { vpcId: ["main-vpc"] });
  s.add(T.defaultNacl, "main-default-nacl", { defaultNetworkAclId: UNKNOWN }, { defaultNetworkAclId: ["main-vpc"] });
  s.add(T.igw, "main-igw", { vpcId: UNKNOWN }, { vpcId: ["main-vpc"] });
  s.add(T.subnet, "public-a", { vpcId: UNKNOWN, cidrBlock: "10.0.0.0/24", mapPublicIpOnLaunch: false }, { vpcId: ["main-vpc"] });
  s.add(T.subnet, "acme-app-a", { vpcId: UNKNOWN, cidrBlock: "10.0.10.0/24", tags: tenantA }, { vpcId: ["main-vpc"] });
  s.add(T.subnet, "acme-db-a", { vpcId: UNKNOWN, cidrBlock: "10.0.20.0/24", tags: tenantA }, { vpcId: ["main-vpc"] });
  s.add(T.rt, "public-rt", { vpcId: UNKNOWN, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: UNKNOWN }] }, { vpcId: ["main-vpc"], routes: ["main-igw"] });
  s.add(T.rta, "public-a-rta", { subnetId: UNKNOWN, routeTableId: UNKNOWN }, { subnetId: ["public-a"], routeTableId: ["public-rt"] });

  s.add(T.sg, "alb-sg", { vpcId: UNKNOWN, ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] }], egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }] }, { vpcId: ["main-vpc"] });
  s.add(T.lb, "web-alb", { loadBalancerType: "application", internal: false, securityGroups: [UNKNOWN], subnets: [UNKNOWN] }, { securityGroups: ["alb-sg"], subnets: ["public-a"] });
  s.add(T.sg, "bastion-sg", { vpcId: UNKNOWN, tags: bastionTag, ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["52.94.10.10/32"] }] }, { vpcId: ["main-vpc"] });
  s.add(T.instance, "bastion", { ami: "ami-1", instanceType: "t3.micro", subnetId: UNKNOWN, associatePublicIpAddress: true, vpcSecurityGroupIds: [UNKNOWN], metadataOptions: { httpTokens: "required" }, rootBlockDevice: { encrypted: true }, tags: bastionTag }, { subnetId: ["public-a"], vpcSecurityGroupIds: ["bastion-sg"] });

  s.add(T.sg, "acme-app-sg", { vpcId: UNKNOWN, tags: tenantA }, { vpcId: ["main-vpc"] });
  s.add(T.sgIngress, "acme-app-from-alb", { securityGroupId: UNKNOWN, referencedSecurityGroupId: UNKNOWN, ipProtocol: "tcp", fromPort: 8080, toPort: 8080 }, { securityGroupId: ["acme-app-sg"], referencedSecurityGroupId: ["alb-sg"] });
  s.add(T.sgRule, "acme-app-ssh", { type: "ingress", securityGroupId: UNKNOWN, sourceSecurityGroupId: UNKNOWN, protocol: "tcp", fromPort: 22, toPort: 22 }, { securityGroupId: ["acme-app-sg"], sourceSecurityGroupId: ["bastion-sg"] });
  s.add(T.role, "acme-app-role", { assumeRolePolicy: ASSUME_EC2, tags: tenantA });
  s.add(T.rolePolicy, "acme-app-policy", { role: UNKNOWN, policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::acme-assets/*" }] }) }, { role: ["acme-app-role"] });
  s.add(T.lt, "acme-app-lt", { imageId: "ami-1", instanceType: "t3.small", vpcSecurityGroupIds: [UNKNOWN], metadataOptions: { httpTokens: "required" }, networkInterfaces: [], blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true" } }], tags: tenantA }, { vpcSecurityGroupIds: ["acme-app-sg"] });
  s.add(T.asg, "acme-app-asg", { minSize: 1, maxSize: 2, launchTemplate: { id: UNKNOWN, version: "$Latest" }, vpcZoneIdentifiers: [UNKNOWN] }, { launchTemplate: ["acme-app-lt"], vpcZoneIdentifiers: ["acme-app-a"] });
  s.add(T.instance, "acme-worker", { ami: "ami-1", instanceType: "t3.small", subnetId: UNKNOWN, vpcSecurityGroupIds: [UNKNOWN], metadataOptions: { httpTokens: "required" }, rootBlockDevice: { encrypted: true }, tags: tenantA }, { subnetId: ["acme-app-a"], vpcSecurityGroupIds: ["acme-app-sg"] });

  s.add(T.sg, "acme-db-sg", { vpcId: UNKNOWN, tags: tenantA }, { vpcId: ["main-vpc"] });
  s.add(T.sgRule, "acme-db-from-app", { type: "ingress", securityGroupId: UNKNOWN, sourceSecurityGroupId: UNKNOWN, protocol: "tcp", fromPort: 5432, toPort: 5432 }, { securityGroupId: ["acme-db-sg"], sourceSecurityGroupId: ["acme-app-sg"] });
  s.add(T.kms, "acme-key", { enableKeyRotation: true, tags: tenantA });
  s.add(T.random, "acme-db-password", { length: 32, special: true });
  s.add(T.rds, "acme-db", { engine: "postgres", instanceClass: "db.t3.micro", username: "app", password: UNKNOWN, publiclyAccessible: false, storageEncrypted: true, kmsKeyId: UNKNOWN, deletionProtection: true, vpcSecurityGroupIds: [UNKNOWN], tags: tenantA }, { password: ["acme-db-password"], kmsKeyId: ["acme-key"], vpcSecurityGroupIds: ["acme-db-sg"] });
  s.add(T.secret, "acme-db-secret", { kmsKeyId: UNKNOWN, tags: tenantA }, { kmsKeyId: ["acme-key"] });
  s.add(T.secretVersion, "acme-db-secret-v", { secretId: UNKNOWN, secretString: UNKNOWN }, { secretId: ["acme-db-secret"], secretString: ["acme-db-password", "acme-db"] });
  s.add(T.rotation, "acme-db-rotation", { secretId: UNKNOWN, rotationRules: { automaticallyAfterDays: 30 } }, { secretId: ["acme-db-secret"] });
  s.add(T.logGroup, "acme-logs", { retentionInDays: 90, kmsKeyId: UNKNOWN }, { kmsKeyId: ["acme-key"] });
  s.add(T.lambda, "acme-fn", { runtime: "nodejs20.x", role: UNKNOWN, environment: { variables: { DB_SECRET_ARN: UNKNOWN, LOG_LEVEL: "info" } }, tags: tenantA }, { role: ["acme-app-role"], environment: ["acme-db-secret"] });
  s.add(T.ecsTask, "acme-task", { family: "acme", containerDefinitions: JSON.stringify([{ name: "web", image: "nginx", environment: [{ name: "MODE", value: "prod" }], secrets: [{ name: "DB_PASSWORD", valueFrom: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:acme" }] }]) });

  s.add(T.bucket, "acme-assets", { bucket: "acme-assets", acl: "private", tags: tenantA });
  s.add(T.bucketPolicy, "acme-assets-policy", { bucket: UNKNOWN, policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "cloudfront.amazonaws.com" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::acme-assets/*", Condition: { StringEquals: { "AWS:SourceArn": "arn:aws:cloudfront::123456789012:distribution/EDFDVBD6EXAMPLE" } } }, { Effect: "Allow", Principal: "*", Action: "s3:PutObject", Resource: "arn:aws:s3:::acme-assets/*", Condition: { StringEquals: { "aws:SourceVpce": "vpce-123" } } }] }) }, { bucket: ["acme-assets"] });
  s.add(T.eks, "platform-eks", { roleArn: UNKNOWN, vpcConfig: { subnetIds: [UNKNOWN], endpointPrivateAccess: true, endpointPublicAccess: false } }, { vpcConfig: ["acme-app-a"] });
  s.add(T.ssmDoc, "session-prefs", { name: "SSM-SessionManagerRunShell", documentType: "Session", content: JSON.stringify({ schemaVersion: "1.0", sessionType: "Standard_Stream", inputs: { cloudWatchLogGroupName: "/ssm/sessions", cloudWatchEncryptionEnabled: true } }) });
  s.add(T.eip, "nat-eip", { domain: "vpc" });
  s.add(T.nat, "nat", { allocationId: UNKNOWN, subnetId: UNKNOWN }, { allocationId: ["nat-eip"], subnetId: ["public-a"] });
  return s;
}
