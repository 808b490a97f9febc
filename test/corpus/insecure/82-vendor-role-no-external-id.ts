// expect: no-public-resource-policy monitoring-vendor-role
// why: the monitoring vendor's account may assume the log-reading role without an sts:ExternalId, so any customer of that vendor can point it at this account (the confused deputy, https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const logs = new aws.cloudwatch.LogGroup("app-logs", { retentionInDays: 90 });

const role = new aws.iam.Role("monitoring-vendor-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::464622532012:root" }, Action: "sts:AssumeRole" }],
  }),
});

new aws.iam.RolePolicy("monitoring-vendor-read-logs", {
  role: role.id,
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["logs:FilterLogEvents", "logs:GetLogEvents"], Resource: pulumi.interpolate`${logs.arn}:*` }],
  }),
});
