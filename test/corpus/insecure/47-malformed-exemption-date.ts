// expect: exemption-valid mainframe-console-sg
// expect: no-world-open-sensitive-port mainframe-console-sg
// expect: bastion-only-admin mainframe-console-sg
// expect: only-lbs-face-world mainframe-console-sg
// why: an exemption whose date is not YYYY-MM-DD is malformed and exempts nothing.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("legacy-vpc", { cidrBlock: "10.47.0.0/16" });

new aws.ec2.SecurityGroup("mainframe-console-sg", {
  vpcId: vpc.id,
  description: "legacy telnet console",
  ingress: [{ protocol: "tcp", fromPort: 23, toPort: 23, cidrBlocks: ["0.0.0.0/0"] }],
  tags: { "bulkhead:exempt:no-world-open-sensitive-port": "31/12/2099 mainframe console until cutover" },
});
