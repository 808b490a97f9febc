// Reproduces the shape of pulumi/examples aws-ts-webserver
// (https://github.com/pulumi/examples/tree/master/aws-ts-webserver): one EC2 instance in the default VPC serving
// HTTP itself, its security group open to the world on port 80. Written for bulkhead from that program's
// description, not copied: same resources, names and security-relevant values.
import * as aws from "@pulumi/aws";

const HTTP = 80;

// Newest Amazon Linux 2023 image published by Amazon's own account.
const amazonLinux = aws.ec2
    .getAmi({
        owners: ["137112412989"],
        mostRecent: true,
        filters: [{ name: "name", values: ["al2023-ami-*-x86_64"] }],
    })
    .then((image) => image.id);

// The instance answers HTTP directly, so the group admits everyone on that port (no load balancer in front).
const webGroup = new aws.ec2.SecurityGroup("web-secgrp", {
    ingress: [{ protocol: "tcp", fromPort: HTTP, toPort: HTTP, cidrBlocks: ["0.0.0.0/0"] }],
});

const bootScript = [
    "#!/bin/bash",
    `printf 'Served by the web-server-www instance\\n' > index.html`,
    `nohup python3 -m http.server ${HTTP} &`,
].join("\n");

// No subnet given: the instance lands in the default VPC, whose subnets hand out public addresses.
const webServer = new aws.ec2.Instance("web-server-www", {
    ami: amazonLinux,
    instanceType: aws.ec2.InstanceType.T2_Micro,
    vpcSecurityGroupIds: [webGroup.id],
    userData: bootScript,
    tags: { Name: "web-server-www" },
});

export const publicIp = webServer.publicIp;
export const publicHostName = webServer.publicDns;
