// expect: no-typed-in-credentials rails-storefront-task
// why: the database password arrives as an ECS secret from Parameter Store, but RAILS_MASTER_KEY (which decrypts every Rails credential) is typed into the container environment, readable by anyone who can describe the task definition.
import * as aws from "@pulumi/aws";

const tags = { "bulkhead:tenant": "umbrella" };

// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specifying-sensitive-data.html: secrets belong in
// `secrets` valueFrom Secrets Manager or Parameter Store; `environment` values are stored in the task definition.
new aws.ecs.TaskDefinition("rails-storefront-task", {
  family: "rails-storefront",
  requiresCompatibilities: ["FARGATE"],
  networkMode: "awsvpc",
  cpu: "512",
  memory: "1024",
  executionRoleArn: "arn:aws:iam::123456789012:role/umbrella-ecs-exec",
  containerDefinitions: JSON.stringify([
    {
      name: "web",
      image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/umbrella-storefront:7.1.3",
      essential: true,
      portMappings: [{ containerPort: 3000, protocol: "tcp" }],
      environment: [
        { name: "RAILS_ENV", value: "production" },
        { name: "RAILS_LOG_TO_STDOUT", value: "1" },
        { name: "RAILS_MASTER_KEY", value: "5c0f3e1b9a2d47f6b8e0c1d2a3f4e5b6" },
      ],
      secrets: [{ name: "DATABASE_PASSWORD", valueFrom: "arn:aws:ssm:eu-west-1:123456789012:parameter/umbrella/storefront/db-password" }],
    },
  ]),
  tags,
});
