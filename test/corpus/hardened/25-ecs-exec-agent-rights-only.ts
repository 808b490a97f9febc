// expect: clean
// why: ECS Exec enabled the documented way: the task role holds only the SSM agent's channel rights (ssmmessages:*Channel), which open no session anywhere; ecs:ExecuteCommand itself belongs to the admin role operators assume, tagged bulkhead:role=admin (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html).
import * as aws from "@pulumi/aws";

const taskRole = new aws.iam.Role("api-task-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
  tags: { "bulkhead:tenant": "acme" },
});
new aws.iam.RolePolicy("api-task-exec-agent", {
  role: taskRole.id,
  policy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ExecAgentChannels",
        Effect: "Allow",
        Action: ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"],
        Resource: "*",
      },
    ],
  }),
});

new aws.iam.Role("ops-exec-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "sts:AssumeRole", Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } } }],
  }),
  inlinePolicies: [
    {
      name: "exec",
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Sid: "Exec", Effect: "Allow", Action: ["ecs:ExecuteCommand", "ecs:DescribeTasks"], Resource: "arn:aws:ecs:eu-west-1:123456789012:task/acme-cluster/*" }],
      }),
    },
  ],
  tags: { "bulkhead:role": "admin" },
});
