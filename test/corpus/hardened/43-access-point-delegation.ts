// expect: clean
// why: a private bucket that delegates access control to its account's access points (Principal "*" pinned by s3:DataAccessPointAccount, which S3 counts as not public), and one access point whose policy names only the reporting role (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-policies.html#access-points-delegating-control).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const tags = { "bulkhead:tenant": "initech" };
const caller = aws.getCallerIdentityOutput();
const region = aws.getRegionOutput();
const account = caller.accountId;

const key = new aws.kms.Key("initech-reports-key", { description: "initech reports", enableKeyRotation: true, tags });
const bucket = new aws.s3.Bucket("initech-reports", { bucket: "initech-reports-prod", tags });
new aws.s3.BucketPublicAccessBlock("initech-reports-pab", { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
new aws.s3.BucketOwnershipControls("initech-reports-ownership", { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } });
new aws.s3.BucketServerSideEncryptionConfiguration("initech-reports-sse", {
  bucket: bucket.id,
  rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }],
});
new aws.s3.BucketVersioning("initech-reports-versioning", { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } });

new aws.s3.BucketPolicy("initech-reports-policy", {
  bucket: bucket.id,
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: ["arn:aws:s3:::initech-reports-prod", "arn:aws:s3:::initech-reports-prod/*"],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      {
        Sid: "DelegateToAccessPoints",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: "*",
        Resource: ["arn:aws:s3:::initech-reports-prod", "arn:aws:s3:::initech-reports-prod/*"],
        Condition: { StringEquals: { "s3:DataAccessPointAccount": account } },
      },
    ],
  }),
});

const reader = new aws.iam.Role("initech-report-reader", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
  tags,
});
new aws.iam.RolePolicy("initech-report-reader-read", {
  role: reader.id,
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: pulumi.interpolate`arn:aws:s3:${region.name}:${account}:accesspoint/initech-reports-read/object/monthly/*` }],
  }),
});

new aws.s3.AccessPoint("initech-reports-read", {
  bucket: bucket.id,
  name: "initech-reports-read",
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReporterReadsMonthly",
        Effect: "Allow",
        Principal: { AWS: pulumi.interpolate`arn:aws:iam::${account}:role/initech-report-reader` },
        Action: "s3:GetObject",
        Resource: pulumi.interpolate`arn:aws:s3:${region.name}:${account}:accesspoint/initech-reports-read/object/monthly/*`,
      },
    ],
  }),
});
