// expect: no-admin-workloads reports-task-everything
// why: an ECS task role with a standalone inline policy of "*:*" on "*": one RCE in the container owns the account.
import * as aws from "@pulumi/aws";

const taskRole = new aws.iam.Role("reports-task-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: ["ecs-tasks.amazonaws.com"] }, Action: ["sts:AssumeRole"] }],
  }),
});

new aws.iam.RolePolicy("reports-task-everything", {
  role: taskRole.id,
  policy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::reports-input/*"] },
      { Effect: "Allow", Action: ["*:*"], Resource: ["*"] },
    ],
  }),
});

new aws.ecs.TaskDefinition("reports-task", {
  family: "reports",
  requiresCompatibilities: ["FARGATE"],
  networkMode: "awsvpc",
  cpu: "256",
  memory: "512",
  taskRoleArn: taskRole.arn,
  containerDefinitions: JSON.stringify([
    { name: "reports", image: "public.ecr.aws/acme/reports:2.1.0", essential: true, environment: [{ name: "MODE", value: "nightly" }] },
  ]),
});
