// The cold-start benchmark's program: two resources, no findings.
import * as aws from "@pulumi/aws";

const logs = new aws.s3.Bucket("logs", { tags: { purpose: "bench" } });
new aws.s3.BucketPublicAccessBlock("logs-private", {
  bucket: logs.id,
  blockPublicAcls: true,
  blockPublicPolicy: true,
  ignorePublicAcls: true,
  restrictPublicBuckets: true,
});
