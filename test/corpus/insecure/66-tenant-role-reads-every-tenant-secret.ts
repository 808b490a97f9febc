// expect: tenant-isolation acme-worker-secrets
// why: acme's worker may read every secret under the platform's namespace "to keep the policy short": it reads globex's database secret too (https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples.html).
import * as aws from "@pulumi/aws";

const trust = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

for (const tenant of ["acme", "globex"]) {
  new aws.secretsmanager.Secret(`${tenant}-db-secret`, { name: `bulkhead/shop/prod/${tenant}/db`, tags: { "bulkhead:tenant": tenant } });
}

const acmeRole = new aws.iam.Role("acme-worker-role", { assumeRolePolicy: trust, tags: { "bulkhead:tenant": "acme" } });

new aws.iam.RolePolicy("acme-worker-secrets", {
  role: acmeRole.id,
  policy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Sid: "ReadSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:bulkhead/shop/prod/*" }],
  }),
});
