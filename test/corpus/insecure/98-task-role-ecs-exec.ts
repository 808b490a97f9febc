// expect: no-workload-admin-tools worker-exec-policy
// why: the queue worker's task role may open ECS Exec sessions into every task of the shared cluster "for debugging": one compromised worker is a shell in every tenant's containers (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html).
import * as aws from "@pulumi/aws";

const taskRole = new aws.iam.Role("worker-task-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
});

new aws.iam.RolePolicy("worker-exec-policy", {
  role: taskRole.id,
  policy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "Debug", Effect: "Allow", Action: ["ecs:ExecuteCommand", "ecs:DescribeTasks"], Resource: "arn:aws:ecs:eu-west-1:123456789012:task/shared-cluster/*" },
    ],
  }),
});
