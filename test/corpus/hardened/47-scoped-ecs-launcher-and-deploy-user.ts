// expect: clean
// why: a launcher function that passes exactly its task's two roles to ECS and runs only revisions of one task definition on one cluster, and a site-deploy user whose access key may only sync one bucket: neither can escalate (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html, https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const caller = aws.getCallerIdentityOutput();
const region = aws.getRegionOutput();
const account = caller.accountId;

const launcher = new aws.iam.Role("report-launcher-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
  managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"],
});

new aws.iam.RolePolicy("report-launcher-run", {
  role: launcher.id,
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "RunReportRevisions",
        Effect: "Allow",
        Action: "ecs:RunTask",
        Resource: pulumi.interpolate`arn:aws:ecs:${region.name}:${account}:task-definition/monthly-report:*`,
        Condition: { ArnEquals: { "ecs:cluster": pulumi.interpolate`arn:aws:ecs:${region.name}:${account}:cluster/reports` } },
      },
      {
        Sid: "PassReportRoles",
        Effect: "Allow",
        Action: "iam:PassRole",
        Resource: [pulumi.interpolate`arn:aws:iam::${account}:role/monthly-report-task`, pulumi.interpolate`arn:aws:iam::${account}:role/monthly-report-exec`],
        Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
      },
    ],
  }),
});

const deployer = new aws.iam.User("site-deploy", { name: "site-deploy", path: "/ci/" });
new aws.iam.AccessKey("site-deploy-key", { user: deployer.name });
new aws.iam.UserPolicy("site-deploy-sync", {
  user: deployer.name,
  policy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: ["s3:ListBucket"], Resource: "arn:aws:s3:::acme-www-site" },
      { Effect: "Allow", Action: ["s3:PutObject", "s3:DeleteObject", "s3:GetObject"], Resource: "arn:aws:s3:::acme-www-site/*" },
    ],
  }),
});
