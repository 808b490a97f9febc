// expect: tenant-isolation tyrell-att
// why: two tenants' VPCs on one transit gateway with AWS's default route table association and propagation: every attachment can route to every other.
import * as aws from "@pulumi/aws";

const hub = new aws.ec2transitgateway.TransitGateway("hub", { description: "tenant hub" });

const tyrell = { "bulkhead:tenant": "tyrell" };
const tyrellVpc = new aws.ec2.Vpc("tyrell-vpc", { cidrBlock: "10.210.0.0/16", tags: tyrell });
const tyrellSubnet = new aws.ec2.Subnet("tyrell-private-a", { vpcId: tyrellVpc.id, cidrBlock: "10.210.1.0/24", availabilityZone: "us-east-1a", tags: tyrell });
new aws.ec2transitgateway.VpcAttachment("tyrell-att", { transitGatewayId: hub.id, vpcId: tyrellVpc.id, subnetIds: [tyrellSubnet.id], tags: tyrell });

const weyland = { "bulkhead:tenant": "weyland" };
const weylandVpc = new aws.ec2.Vpc("weyland-vpc", { cidrBlock: "10.211.0.0/16", tags: weyland });
const weylandSubnet = new aws.ec2.Subnet("weyland-private-a", { vpcId: weylandVpc.id, cidrBlock: "10.211.1.0/24", availabilityZone: "us-east-1a", tags: weyland });
new aws.ec2transitgateway.VpcAttachment("weyland-att", { transitGatewayId: hub.id, vpcId: weylandVpc.id, subnetIds: [weylandSubnet.id], tags: weyland });
