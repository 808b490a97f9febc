// expect: no-world-open-sensitive-port game-allow-all
// expect: bastion-only-admin game-allow-all
// expect: data-ports-tenant-only game-allow-all
// expect: only-lbs-face-world game-allow-all
// why: a separate aws.ec2.SecurityGroupRule with protocol "all" from the world, added to an otherwise tight group.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("game-vpc", { cidrBlock: "10.90.0.0/16" });

const gameSg = new aws.ec2.SecurityGroup("game-server-sg", {
  vpcId: vpc.id,
  description: "dedicated game servers",
  ingress: [{ protocol: "udp", fromPort: 7777, toPort: 7777, cidrBlocks: ["10.90.0.0/16"] }],
  egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
});

// Players on some ISPs couldn't connect; opening everything "fixed" it.
new aws.ec2.SecurityGroupRule("game-allow-all", {
  type: "ingress",
  securityGroupId: gameSg.id,
  protocol: "all",
  fromPort: 0,
  toPort: 65535,
  cidrBlocks: ["0.0.0.0/0"],
  description: "players",
});
