/** Pulumi type tokens the model reads, in one place. */
import { TGW_TYPES } from "./transit";

export const T = {
  vpc: "aws:ec2/vpc:Vpc",
  subnet: "aws:ec2/subnet:Subnet",
  routeTable: "aws:ec2/routeTable:RouteTable",
  route: "aws:ec2/route:Route",
  rtAssoc: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  mainRtAssoc: "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation",
  defaultRt: "aws:ec2/defaultRouteTable:DefaultRouteTable",
  igw: "aws:ec2/internetGateway:InternetGateway",
  igwAttachment: "aws:ec2/internetGatewayAttachment:InternetGatewayAttachment",
  nat: "aws:ec2/natGateway:NatGateway",
  peering: "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
  tgwAttachment: TGW_TYPES.vpcAttachment,
  tgw: TGW_TYPES.tgw,
  sg: "aws:ec2/securityGroup:SecurityGroup",
  defaultSg: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  sgRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  sgIngress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  sgEgress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  sgVpcAssociation: "aws:vpc/securityGroupVpcAssociation:SecurityGroupVpcAssociation",
  nacl: "aws:ec2/networkAcl:NetworkAcl",
  naclRule: "aws:ec2/networkAclRule:NetworkAclRule",
  defaultNacl: "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl",
  instance: "aws:ec2/instance:Instance",
  spotInstance: "aws:ec2/spotInstanceRequest:SpotInstanceRequest",
  spotFleet: "aws:ec2/spotFleetRequest:SpotFleetRequest",
  ec2Fleet: "aws:ec2/fleet:Fleet",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  launchConfiguration: "aws:ec2/launchConfiguration:LaunchConfiguration",
  metadataDefaults: "aws:ec2/instanceMetadataDefaults:InstanceMetadataDefaults",
  asg: "aws:autoscaling/group:Group",
  eni: "aws:ec2/networkInterface:NetworkInterface",
  eniAttachment: "aws:ec2/networkInterfaceAttachment:NetworkInterfaceAttachment",
  eniSgAttachment: "aws:ec2/networkInterfaceSecurityGroupAttachment:NetworkInterfaceSecurityGroupAttachment",
  eip: "aws:ec2/eip:Eip",
  eipAssoc: "aws:ec2/eipAssociation:EipAssociation",
  lb: "aws:lb/loadBalancer:LoadBalancer",
  alb: "aws:alb/loadBalancer:LoadBalancer",
  elb: "aws:elb/loadBalancer:LoadBalancer",
  vpcEndpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
  instanceConnectEndpoint: "aws:ec2transitgateway/instanceConnectEndpoint:InstanceConnectEndpoint",
  rdsInstance: "aws:rds/instance:Instance",
  rdsCluster: "aws:rds/cluster:Cluster",
  rdsClusterInstance: "aws:rds/clusterInstance:ClusterInstance",
  rdsProxy: "aws:rds/proxy:Proxy",
  redshift: "aws:redshift/cluster:Cluster",
  redshiftWorkgroup: "aws:redshiftserverless/workgroup:Workgroup",
  cacheCluster: "aws:elasticache/cluster:Cluster",
  cacheRg: "aws:elasticache/replicationGroup:ReplicationGroup",
  cacheServerless: "aws:elasticache/serverlessCache:ServerlessCache",
  memorydb: "aws:memorydb/cluster:Cluster",
  msk: "aws:msk/cluster:Cluster",
  mskServerless: "aws:msk/serverlessCluster:ServerlessCluster",
  neptune: "aws:neptune/cluster:Cluster",
  neptuneInstance: "aws:neptune/clusterInstance:ClusterInstance",
  docdb: "aws:docdb/cluster:Cluster",
  docdbInstance: "aws:docdb/clusterInstance:ClusterInstance",
  docdbElastic: "aws:docdbelastic/cluster:Cluster",
  opensearch: "aws:opensearch/domain:Domain",
  opensearchPolicy: "aws:opensearch/domainPolicy:DomainPolicy",
  elasticsearch: "aws:elasticsearch/domain:Domain",
  elasticsearchPolicy: "aws:elasticsearch/domainPolicy:DomainPolicy",
  efsMountTarget: "aws:efs/mountTarget:MountTarget",
  mqBroker: "aws:mq/broker:Broker",
  eks: "aws:eks/cluster:Cluster",
  eksNodeGroup: "aws:eks/nodeGroup:NodeGroup",
  lightsail: "aws:lightsail/instance:Instance",
  lightsailPorts: "aws:lightsail/instancePublicPorts:InstancePublicPorts",
  lightsailDb: "aws:lightsail/database:Database",
  lambda: "aws:lambda/function:Function",
  ecsService: "aws:ecs/service:Service",
  ecsTask: "aws:ecs/taskDefinition:TaskDefinition",
  beanstalkEnv: "aws:elasticbeanstalk/environment:Environment",
  prefixList: "aws:ec2/managedPrefixList:ManagedPrefixList",
  prefixListEntry: "aws:ec2/managedPrefixListEntry:ManagedPrefixListEntry",
} as const;

export const LB_TYPES: readonly string[] = [T.lb, T.alb, T.elb];

/** Load balancers v2 and what routes through them; the `alb` module's tokens are aliases of the `lb` ones. */
export const LB_V2 = {
  lbs: ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"],
  listeners: ["aws:lb/listener:Listener", "aws:alb/listener:Listener"],
  listenerRules: ["aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule"],
  targetGroups: ["aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"],
  attachments: ["aws:lb/targetGroupAttachment:TargetGroupAttachment", "aws:alb/targetGroupAttachment:TargetGroupAttachment"],
} as const;
/**
 * A security group id as EC2 gives it: `sg-` and 8 (older) or 17 hex digits
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_SecurityGroup.html). A CIDR or a name is none.
 */
export const SG_ID_PATTERN = "^sg-([0-9a-f]{8}|[0-9a-f]{17})$";

export const SG_TYPES: readonly string[] = [T.sg, T.defaultSg];
export const TENANT_TAG = "bulkhead:tenant";
export const ROLE_TAG = "bulkhead:role";
