// expect: clean
// why: each tenant's key and queue policies name only that tenant's own role (by reference) beside the account root, and acme's vendor role trusts one named account behind an exact sts:ExternalId: resource policies grant on their own within one account, so they must stay inside the tenant (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html, https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for_user_externalid.html).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const caller = aws.getCallerIdentityOutput();

for (const tenant of ["acme", "globex"]) {
  const tags = { "bulkhead:tenant": tenant };
  const role = new aws.iam.Role(`${tenant}-jobs-role`, {
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
    tags,
  });
  const key = new aws.kms.Key(`${tenant}-jobs-key`, {
    enableKeyRotation: true,
    policy: pulumi.jsonStringify({
      Version: "2012-10-17",
      Statement: [
        { Sid: "AccountAdministration", Effect: "Allow", Principal: { AWS: pulumi.interpolate`arn:aws:iam::${caller.accountId}:root` }, Action: "kms:*", Resource: "*" },
        { Sid: "OwnTenantUse", Effect: "Allow", Principal: { AWS: role.arn }, Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: "*" },
      ],
    }),
    tags,
  });
  const queue = new aws.sqs.Queue(`${tenant}-jobs`, { kmsMasterKeyId: key.arn, tags });
  new aws.sqs.QueuePolicy(`${tenant}-jobs-policy`, {
    queueUrl: queue.url,
    policy: pulumi.jsonStringify({
      Version: "2012-10-17",
      Statement: [{ Sid: "OwnTenantWorkers", Effect: "Allow", Principal: { AWS: role.arn }, Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:SendMessage"], Resource: queue.arn }],
    }),
  });
}

// The monitoring vendor reads acme's metrics from its own account, only with the ExternalId acme gave it.
new aws.iam.Role("acme-vendor-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::999988887777:root" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": "acme-7f3e2a91" } } }],
  }),
  tags: { "bulkhead:tenant": "acme" },
});
