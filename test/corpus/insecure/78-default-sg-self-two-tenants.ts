// expect: tenant-isolation pool-default-sg
// expect: data-ports-tenant-only pool-default-sg
// why: the pooled VPC's default security group is adopted but keeps AWS's allow-all-from-itself rule, and both tenants' batch hosts name no group, so AWS puts each in the default group: acme and globex reach each other on every port.
import * as aws from "@pulumi/aws";

const acme = { "bulkhead:tenant": "acme" };
const globex = { "bulkhead:tenant": "globex" };

const vpc = new aws.ec2.Vpc("pool-vpc", { cidrBlock: "10.78.0.0/16" });
// https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html: instances launched without a group get it.
new aws.ec2.DefaultSecurityGroup("pool-default-sg", {
  vpcId: vpc.id,
  ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, self: true }],
  egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
});
const acmeSubnet = new aws.ec2.Subnet("acme-batch-a", { vpcId: vpc.id, cidrBlock: "10.78.1.0/24", availabilityZone: "us-east-1a", tags: acme });
const globexSubnet = new aws.ec2.Subnet("globex-batch-a", { vpcId: vpc.id, cidrBlock: "10.78.2.0/24", availabilityZone: "us-east-1a", tags: globex });

for (const [name, subnet, tags] of [["acme-batch", acmeSubnet, acme], ["globex-batch", globexSubnet, globex]] as const)
  new aws.ec2.Instance(name, {
    ami: "ami-0f1a2b3c4d5e6f7a8",
    instanceType: "c6i.large",
    subnetId: subnet.id,
    metadataOptions: { httpTokens: "required" },
    rootBlockDevice: { encrypted: true },
    tags,
  });
