// expect: tenant-isolation globex-key
// why: globex's key policy also names acme's reporting role (by reference) "for the shared dashboard": within one account a key policy that names a principal grants on its own, so acme decrypts globex's data (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const acmeReports = new aws.iam.Role("acme-reports-role", {
  name: "acme-reports",
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
  tags: { "bulkhead:tenant": "acme" },
});

new aws.kms.Key("globex-key", {
  enableKeyRotation: true,
  tags: { "bulkhead:tenant": "globex" },
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "EnableIamPolicies", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "kms:*", Resource: "*" },
      { Sid: "DashboardDecrypt", Effect: "Allow", Principal: { AWS: acmeReports.arn }, Action: ["kms:Decrypt", "kms:DescribeKey"], Resource: "*" },
    ],
  }),
});
