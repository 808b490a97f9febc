// expect: no-world-open-sensitive-port debug-sg
// expect: bastion-only-admin debug-sg
// expect: data-ports-tenant-only debug-sg
// expect: only-lbs-face-world debug-sg
// why: "temporary" 0-65535/tcp from the world while debugging a health check covers SSH and every database port.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("orders-vpc", { cidrBlock: "10.60.0.0/16" });
const subnet = new aws.ec2.Subnet("orders-private-a", {
  vpcId: vpc.id,
  cidrBlock: "10.60.1.0/24",
  availabilityZone: "us-east-1a",
});

const appSg = new aws.ec2.SecurityGroup("orders-app-sg", {
  vpcId: vpc.id,
  description: "orders service",
  egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
});

// Added at 2am while the target group kept flapping; nobody removed it.
const debugSg = new aws.ec2.SecurityGroup("debug-sg", {
  vpcId: vpc.id,
  description: "debug health checks",
  ingress: [{ protocol: "tcp", fromPort: 0, toPort: 65535, cidrBlocks: ["0.0.0.0/0"] }],
});

const ami = aws.ec2.getAmiOutput({
  mostRecent: true,
  owners: ["amazon"],
  filters: [{ name: "name", values: ["al2023-ami-2023.*-x86_64"] }],
});

new aws.ec2.Instance("orders-app", {
  ami: ami.id,
  instanceType: "t3.medium",
  subnetId: subnet.id,
  vpcSecurityGroupIds: [appSg.id, debugSg.id],
  metadataOptions: { httpTokens: "required" },
  rootBlockDevice: { encrypted: true },
  tags: { Name: "orders-app" },
});
