// expect: no-hidden-internet-paths sftp-ssh-tg
// expect: bastion-only-admin sftp-hosts-sg
// why: an internet-facing NLB forwards 22 to IP targets, which AWS does not give the client's address by default, and the hosts admit SSH "only from the VPC": every connection arrives from the NLB's private address, so SSH is open to the world (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-target-groups.html#client-ip-preservation).
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("sftp-vpc", { cidrBlock: "10.62.0.0/16" });
const igw = new aws.ec2.InternetGateway("sftp-igw", { vpcId: vpc.id });
const publicRt = new aws.ec2.RouteTable("sftp-public-rt", { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }] });
const publicA = new aws.ec2.Subnet("sftp-public-a", { vpcId: vpc.id, cidrBlock: "10.62.0.0/24", availabilityZone: "us-east-1a" });
new aws.ec2.RouteTableAssociation("sftp-public-a-rt", { subnetId: publicA.id, routeTableId: publicRt.id });
const privateA = new aws.ec2.Subnet("sftp-private-a", { vpcId: vpc.id, cidrBlock: "10.62.10.0/24", availabilityZone: "us-east-1a" });

const hostsSg = new aws.ec2.SecurityGroup("sftp-hosts-sg", {
  vpcId: vpc.id,
  description: "customer sftp hosts",
  ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.62.0.0/16"], description: "sftp via the nlb" }],
  egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
});
const host = new aws.ec2.Instance("sftp-host", {
  ami: "ami-0abcdef1234567890",
  instanceType: "t3.small",
  subnetId: privateA.id,
  privateIp: "10.62.10.20",
  vpcSecurityGroupIds: [hostsSg.id],
  metadataOptions: { httpTokens: "required" },
  rootBlockDevice: { encrypted: true },
});

const nlb = new aws.lb.LoadBalancer("sftp-nlb", { loadBalancerType: "network", internal: false, subnets: [publicA.id] });
const tg = new aws.lb.TargetGroup("sftp-ssh-tg", { port: 22, protocol: "TCP", targetType: "ip", vpcId: vpc.id });
new aws.lb.TargetGroupAttachment("sftp-host-target", { targetGroupArn: tg.arn, targetId: "10.62.10.20", port: 22 }, { dependsOn: [host] });
new aws.lb.Listener("sftp-22", { loadBalancerArn: nlb.arn, port: 22, protocol: "TCP", defaultActions: [{ type: "forward", targetGroupArn: tg.arn }] });
