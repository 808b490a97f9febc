// expect: clean
// why: two tenants' workload roles with hardened ABAC - secrets and keys only where aws:ResourceTag/bulkhead:tenant equals the caller's aws:PrincipalTag/bulkhead:tenant - and no right to retag (https://docs.aws.amazon.com/IAM/latest/UserGuide/introduction_attribute-based-access-control.html).
import * as aws from "@pulumi/aws";

const abac = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "OwnTenantOnly",
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue", "kms:Decrypt"],
      Resource: "*",
      Condition: { StringEquals: { "aws:ResourceTag/bulkhead:tenant": "${aws:PrincipalTag/bulkhead:tenant}" } },
    },
  ],
});

for (const tenant of ["acme", "globex"]) {
  const role = new aws.iam.Role(`${tenant}-worker-role`, {
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
    tags: { "bulkhead:tenant": tenant },
  });
  new aws.iam.RolePolicy(`${tenant}-worker-abac`, { role: role.id, policy: abac });
}
