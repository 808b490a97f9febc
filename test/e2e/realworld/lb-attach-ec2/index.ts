// Reproduces the shape of pulumi/pulumi-awsx examples/ts-lb-attach-ec2
// (https://github.com/pulumi/pulumi-awsx/tree/master/examples/ts-lb-attach-ec2): an awsx VPC with public subnets
// only and no NAT gateway, an awsx ALB in it, and an EC2 instance in the default VPC (its own security group open
// to the world on port 80) attached to the ALB's default target group through awsx.lb.TargetGroupAttachment.
// Written for bulkhead, not copied.
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";

const network = new awsx.ec2.Vpc("vpc", { natGateways: { strategy: "None" }, subnetSpecs: [{ type: "Public" }] });

const alb = new awsx.lb.ApplicationLoadBalancer("lb", { subnets: network.subnets });

// Amazon Linux 2 (HVM, EBS-backed) from Amazon's account.
const imageId = aws.ec2.getAmiOutput({
    owners: ["137112412989"],
    mostRecent: true,
    filters: [{ name: "name", values: ["amzn2-ami-hvm-*-x86_64-ebs"] }],
}).id;

// The instance's own door: port 80 from anyone, whether or not traffic comes through the ALB.
const webGroup = new aws.ec2.SecurityGroup("web-secgrp", {
    ingress: [{ protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["0.0.0.0/0"] }],
});

const target = new aws.ec2.Instance("instance", {
    ami: imageId,
    instanceType: aws.ec2.InstanceType.T2_Micro,
    vpcSecurityGroupIds: [webGroup.id],
    userData: ["#!/bin/bash", "printf 'lb-attach-ec2 target\\n' > index.html", "nohup python3 -m http.server 80 &"].join("\n"),
});

new awsx.lb.TargetGroupAttachment("attachment", { instance: target, targetGroup: alb.defaultTargetGroup });

export const url = alb.loadBalancer.dnsName;
