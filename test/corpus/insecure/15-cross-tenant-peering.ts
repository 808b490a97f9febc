// expect: tenant-isolation acme-globex-peering
// why: a peering connection between two tenants' VPCs lets either side route to the other.
import * as aws from "@pulumi/aws";

const acmeVpc = new aws.ec2.Vpc("acme-vpc", { cidrBlock: "10.100.0.0/16", tags: { "bulkhead:tenant": "acme" } });
const globexVpc = new aws.ec2.Vpc("globex-vpc", { cidrBlock: "10.101.0.0/16", tags: { "bulkhead:tenant": "globex" } });

const acmeRt = new aws.ec2.RouteTable("acme-private-rt", { vpcId: acmeVpc.id, tags: { "bulkhead:tenant": "acme" } });
const globexRt = new aws.ec2.RouteTable("globex-private-rt", { vpcId: globexVpc.id, tags: { "bulkhead:tenant": "globex" } });

// the two companies merged their analytics teams
const peering = new aws.ec2.VpcPeeringConnection("acme-globex-peering", {
  vpcId: acmeVpc.id,
  peerVpcId: globexVpc.id,
  autoAccept: true,
});
new aws.ec2.Route("acme-to-globex", {
  routeTableId: acmeRt.id,
  destinationCidrBlock: "10.101.0.0/16",
  vpcPeeringConnectionId: peering.id,
});
new aws.ec2.Route("globex-to-acme", {
  routeTableId: globexRt.id,
  destinationCidrBlock: "10.100.0.0/16",
  vpcPeeringConnectionId: peering.id,
});
