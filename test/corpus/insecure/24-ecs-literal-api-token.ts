// expect: no-typed-in-credentials checkout-task
// why: a payment provider API token pasted into the ECS container definition's environment.
import * as aws from "@pulumi/aws";

const execRole = new aws.iam.Role("checkout-exec-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
});
new aws.iam.RolePolicyAttachment("checkout-exec-policy", {
  role: execRole.name,
  policyArn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
});

new aws.ecs.TaskDefinition("checkout-task", {
  family: "checkout",
  requiresCompatibilities: ["FARGATE"],
  networkMode: "awsvpc",
  cpu: "512",
  memory: "1024",
  executionRoleArn: execRole.arn,
  containerDefinitions: JSON.stringify([
    {
      name: "checkout",
      image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/checkout:1.8.2",
      essential: true,
      portMappings: [{ containerPort: 8080, protocol: "tcp" }],
      environment: [
        { name: "PORT", value: "8080" },
        { name: "PAYMENTS_API_TOKEN", value: "tok_prod_9f8e7d6c5b4a39281706f5e4d3c2b1a0" },
      ],
    },
  ]),
});
