// expect: no-public-resource-policy billing-export-grant
// why: the key policy names only this account, but a KMS grant lets a partner account decrypt with the billing key: a grant is one more Allow on the key, and IAM Access Analyzer reports it as external access (https://docs.aws.amazon.com/kms/latest/developerguide/grants.html).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const caller = aws.getCallerIdentityOutput();

const key = new aws.kms.Key("billing-key", {
  description: "billing exports",
  enableKeyRotation: true,
  policy: caller.accountId.apply((account) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Sid: "AccountRoot", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "kms:*", Resource: "*" }],
    }),
  ),
});

// The reporting partner reads the encrypted exports from their own account.
new aws.kms.Grant("billing-export-grant", {
  name: "partner-reporting",
  keyId: key.keyId,
  granteePrincipal: "arn:aws:iam::210987654321:root",
  operations: ["Decrypt", "DescribeKey"],
});

// The exporter that writes the encrypted exports, in this account.
const exporter = new aws.iam.Role("billing-exporter-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
});
new aws.iam.RolePolicy("billing-exporter-encrypt", {
  role: exporter.id,
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Encrypt"], Resource: key.arn }],
  }),
});
