// expect: no-hidden-internet-paths reports-mysql-3306
// why: an internet-facing NLB listener forwards 3306 to the MySQL hosts of an auto-scaling group "so the BI vendor can connect": the database port is reachable from the internet through the load balancer, whatever the hosts' group says (https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/how-elastic-load-balancing-works.html#load-balancer-scheme).
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("reports-vpc", { cidrBlock: "10.63.0.0/16" });
const igw = new aws.ec2.InternetGateway("reports-igw", { vpcId: vpc.id });
const publicRt = new aws.ec2.RouteTable("reports-public-rt", { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }] });
const publicA = new aws.ec2.Subnet("reports-public-a", { vpcId: vpc.id, cidrBlock: "10.63.0.0/24", availabilityZone: "us-east-1a" });
new aws.ec2.RouteTableAssociation("reports-public-a-rt", { subnetId: publicA.id, routeTableId: publicRt.id });
const dbA = new aws.ec2.Subnet("reports-db-a", { vpcId: vpc.id, cidrBlock: "10.63.20.0/24", availabilityZone: "us-east-1a" });

const mysqlSg = new aws.ec2.SecurityGroup("reports-mysql-sg", {
  vpcId: vpc.id,
  description: "self-managed mysql",
  egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
});
const lt = new aws.ec2.LaunchTemplate("reports-mysql-lt", {
  imageId: "ami-0abcdef1234567890",
  instanceType: "r6i.large",
  vpcSecurityGroupIds: [mysqlSg.id],
  metadataOptions: { httpTokens: "required" },
  blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeSize: 200 } }],
});
const tg = new aws.lb.TargetGroup("reports-mysql-tg", { port: 3306, protocol: "TCP", vpcId: vpc.id });
new aws.autoscaling.Group("reports-mysql-asg", {
  minSize: 1,
  maxSize: 1,
  vpcZoneIdentifiers: [dbA.id],
  launchTemplate: { id: lt.id, version: "$Latest" },
  targetGroupArns: [tg.arn],
});
const nlb = new aws.lb.LoadBalancer("reports-nlb", { loadBalancerType: "network", internal: false, subnets: [publicA.id] });
new aws.lb.Listener("reports-mysql-3306", { loadBalancerArn: nlb.arn, port: 3306, protocol: "TCP", defaultActions: [{ type: "forward", targetGroupArn: tg.arn }] });
