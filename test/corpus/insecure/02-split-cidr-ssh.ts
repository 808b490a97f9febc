// expect: no-world-open-sensitive-port build-runner-sg
// expect: bastion-only-admin build-runner-sg
// expect: only-lbs-face-world build-runner-sg
// why: 0.0.0.0/1 + 128.0.0.0/1 in one group is the whole IPv4 internet on SSH, written to dodge a 0.0.0.0/0 string check.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("ci-vpc", { cidrBlock: "10.40.0.0/16", enableDnsHostnames: true });
const privateSubnet = new aws.ec2.Subnet("ci-private-a", {
  vpcId: vpc.id,
  cidrBlock: "10.40.10.0/24",
  availabilityZone: "us-east-1a",
});

// "security said no 0.0.0.0/0", so the runner's SSH was split in two halves
const runnerSg = new aws.ec2.SecurityGroup("build-runner-sg", {
  vpcId: vpc.id,
  description: "self-hosted CI runner",
  ingress: [
    { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/1"], description: "ssh (lower half)" },
    { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["128.0.0.0/1"], description: "ssh (upper half)" },
  ],
  egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
});

const ami = aws.ec2.getAmiOutput({
  mostRecent: true,
  owners: ["amazon"],
  filters: [{ name: "name", values: ["al2023-ami-2023.*-x86_64"] }],
});

new aws.ec2.Instance("build-runner", {
  ami: ami.id,
  instanceType: "c6i.large",
  subnetId: privateSubnet.id,
  vpcSecurityGroupIds: [runnerSg.id],
  metadataOptions: { httpTokens: "required", httpEndpoint: "enabled" },
  rootBlockDevice: { volumeSize: 100, encrypted: true },
  tags: { Name: "build-runner" },
});
