// Reproduces the shape of pulumi/templates container-aws-typescript
// (https://github.com/pulumi/templates/tree/master/container-aws-typescript): an ECS cluster, an awsx ALB, an awsx
// ECR repository and an awsx Fargate service with a public IP and no network configuration of its own, its one
// container registered with the ALB's default target group. Written for bulkhead, not copied: same config keys,
// defaults and export.
// Offline adaptations: no Docker build — where the template builds ./app into an awsx.ecr.Image, the container
// uses the repository's `latest` tag (what that build would push); and the container is named "app", since
// @pulumi/awsx 3.9's types require a container name the template predates.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";

const settings = new pulumi.Config();
const port = settings.getNumber("containerPort") || 80;
const cpu = settings.getNumber("cpu") || 512;
const memory = settings.getNumber("memory") || 128;

const ecsCluster = new aws.ecs.Cluster("cluster", {});

// awsx builds the ALB with a default target group and an HTTP listener on 80.
const alb = new awsx.lb.ApplicationLoadBalancer("loadbalancer", {});

const registry = new awsx.ecr.Repository("repo", { forceDelete: true });

// With no networkConfiguration, awsx picks the default VPC and a security group of its own for the tasks.
new awsx.ecs.FargateService("service", {
    cluster: ecsCluster.arn,
    assignPublicIp: true,
    taskDefinitionArgs: {
        container: {
            name: "app",
            image: pulumi.interpolate`${registry.url}:latest`,
            essential: true,
            cpu,
            memory,
            portMappings: [{ containerPort: port, targetGroup: alb.defaultTargetGroup }],
        },
    },
});

export const url = pulumi.interpolate`http://${alb.loadBalancer.dnsName}`;
