// expect: public-ip-only-bastion-lb storefront-svc
// why: a Fargate service given public IPs "so it can pull images without a NAT gateway": every task is an internet host, one security-group slip from open.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("storefront-vpc", { cidrBlock: "10.30.0.0/16", enableDnsHostnames: true });
const igw = new aws.ec2.InternetGateway("storefront-igw", { vpcId: vpc.id });
const publicA = new aws.ec2.Subnet("storefront-public-a", { vpcId: vpc.id, cidrBlock: "10.30.1.0/24", availabilityZone: "us-east-1a" });
const routes = new aws.ec2.RouteTable("storefront-public-rt", { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }] });
new aws.ec2.RouteTableAssociation("storefront-public-a-rta", { subnetId: publicA.id, routeTableId: routes.id });

const appSg = new aws.ec2.SecurityGroup("storefront-app-sg", {
  vpcId: vpc.id,
  description: "storefront tasks",
  ingress: [{ protocol: "tcp", fromPort: 8080, toPort: 8080, cidrBlocks: ["10.30.0.0/16"] }],
  egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
});

const execRole = new aws.iam.Role("storefront-exec-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
  managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"],
});

const cluster = new aws.ecs.Cluster("storefront", {});
const task = new aws.ecs.TaskDefinition("storefront-task", {
  family: "storefront",
  requiresCompatibilities: ["FARGATE"],
  networkMode: "awsvpc",
  cpu: "256",
  memory: "512",
  executionRoleArn: execRole.arn,
  containerDefinitions: JSON.stringify([
    { name: "web", image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/storefront:4.2.0", essential: true, portMappings: [{ containerPort: 8080 }] },
  ]),
});

new aws.ecs.Service("storefront-svc", {
  cluster: cluster.arn,
  taskDefinition: task.arn,
  launchType: "FARGATE",
  desiredCount: 2,
  networkConfiguration: { subnets: [publicA.id], securityGroups: [appSg.id], assignPublicIp: true },
});
