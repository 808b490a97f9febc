// Source: pulumi/examples, aws-ts-webserver/index.ts (Apache-2.0), kept as written.
import * as aws from "@pulumi/aws";

// Get the id for the latest Amazon Linux 2023 AMI
const ami = aws.ec2.getAmi({
    filters: [
        { name: "name", values: ["al2023-ami-*-x86_64"] },
    ],
    owners: ["137112412989"], // Amazon
    mostRecent: true,
}).then(result => result.id);

// create a new security group for port 80
const group = new aws.ec2.SecurityGroup("web-secgrp", {
    ingress: [
        { protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["0.0.0.0/0"] },
    ],
});

const userData =
`#!/bin/bash
echo "Hello, World!" > index.html
nohup python -m SimpleHTTPServer 80 &`;

const server = new aws.ec2.Instance("web-server-www", {
    tags: { "Name": "web-server-www" },
    instanceType: aws.ec2.InstanceType.T2_Micro,
    vpcSecurityGroupIds: [ group.id ],
    ami: ami,
    userData: userData,
});

export const publicIp = server.publicIp;
export const publicHostName = server.publicDns;
