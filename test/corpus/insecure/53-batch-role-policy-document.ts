// expect: no-admin-workloads etl-batch-permissions
// why: the ETL batch job's task role, rendered through aws.iam.getPolicyDocument, quietly ends in actions ["*"] on resources ["*"].
import * as aws from "@pulumi/aws";

const trust = aws.iam.getPolicyDocumentOutput({
  statements: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["ecs-tasks.amazonaws.com"] }] }],
});
const taskRole = new aws.iam.Role("etl-batch-task-role", { assumeRolePolicy: trust.json });

const permissions = aws.iam.getPolicyDocumentOutput({
  statements: [
    { sid: "ReadRaw", actions: ["s3:GetObject", "s3:ListBucket"], resources: ["arn:aws:s3:::etl-raw", "arn:aws:s3:::etl-raw/*"] },
    { sid: "WriteCurated", actions: ["s3:PutObject"], resources: ["arn:aws:s3:::etl-curated/*"] },
    // "Glue kept failing with AccessDenied on something"
    { sid: "Unblock", actions: ["*"], resources: ["*"] },
  ],
});
new aws.iam.RolePolicy("etl-batch-permissions", { role: taskRole.id, policy: permissions.json });

new aws.batch.JobDefinition("etl-batch-job", {
  type: "container",
  platformCapabilities: ["FARGATE"],
  containerProperties: taskRole.arn.apply((jobRoleArn) =>
    JSON.stringify({
      image: "public.ecr.aws/acme/etl:5.2.0",
      jobRoleArn,
      resourceRequirements: [
        { type: "VCPU", value: "1" },
        { type: "MEMORY", value: "2048" },
      ],
      networkConfiguration: { assignPublicIp: "DISABLED" },
    }),
  ),
});
