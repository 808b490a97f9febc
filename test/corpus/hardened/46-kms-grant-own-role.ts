// expect: clean
// why: a key whose policy lets in only this account (root, and any principal of it via Secrets Manager: kms:CallerAccount + kms:ViaService), and a KMS grant to this stack's own task role with an encryption-context constraint (https://docs.aws.amazon.com/kms/latest/developerguide/grants.html, https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const caller = aws.getCallerIdentityOutput();
const region = aws.getRegionOutput();

const key = new aws.kms.Key("ledger-key", {
  description: "ledger",
  enableKeyRotation: true,
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "AccountRoot", Effect: "Allow", Principal: { AWS: pulumi.interpolate`arn:aws:iam::${caller.accountId}:root` }, Action: "kms:*", Resource: "*" },
      {
        Sid: "ViaSecretsManager",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"],
        Resource: "*",
        Condition: { StringEquals: { "kms:CallerAccount": caller.accountId, "kms:ViaService": pulumi.interpolate`secretsmanager.${region.name}.amazonaws.com` } },
      },
    ],
  }),
});

const task = new aws.iam.Role("ledger-task-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
});

new aws.kms.Grant("ledger-task-decrypt", {
  name: "ledger-task",
  keyId: key.keyId,
  granteePrincipal: task.arn,
  operations: ["Decrypt", "GenerateDataKey"],
  constraints: [{ encryptionContextEquals: { app: "ledger" } }],
});
