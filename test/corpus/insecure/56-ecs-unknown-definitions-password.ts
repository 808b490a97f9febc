// expect: no-typed-in-credentials reports-task
// why: the image comes from a repository created in the same stack, so the whole container definition is unknown at preview; a password typed into its environment can't be seen and must fail closed.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const repo = new aws.ecr.Repository("reports", { imageScanningConfiguration: { scanOnPush: true } });

const execRole = new aws.iam.Role("reports-exec-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
});
new aws.iam.RolePolicyAttachment("reports-exec-policy", {
  role: execRole.name,
  policyArn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
});

new aws.ecs.TaskDefinition("reports-task", {
  family: "reports",
  requiresCompatibilities: ["FARGATE"],
  networkMode: "awsvpc",
  cpu: "256",
  memory: "512",
  executionRoleArn: execRole.arn,
  containerDefinitions: pulumi.jsonStringify([
    {
      name: "reports",
      image: pulumi.interpolate`${repo.repositoryUrl}:2.0.3`,
      essential: true,
      environment: [
        { name: "DB_HOST", value: "reports.cluster-ro.internal" },
        { name: "DB_PASSWORD", value: "R3ports-2024!" },
      ],
    },
  ]),
});
