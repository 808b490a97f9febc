// expect: no-public-resource-policy uploads-acl
// why: a "public-read-write" ACL: anyone on the internet can upload, overwrite or host content in the bucket.
import * as aws from "@pulumi/aws";

const bucket = new aws.s3.Bucket("uploads", { bucket: "acme-customer-uploads" });

const ownership = new aws.s3.BucketOwnershipControls("uploads-ownership", {
  bucket: bucket.id,
  rule: { objectOwnership: "BucketOwnerPreferred" },
});
const pab = new aws.s3.BucketPublicAccessBlock("uploads-pab", {
  bucket: bucket.id,
  blockPublicAcls: false,
  ignorePublicAcls: false,
  blockPublicPolicy: false,
  restrictPublicBuckets: false,
});

new aws.s3.BucketAcl(
  "uploads-acl",
  { bucket: bucket.id, acl: "public-read-write" },
  { dependsOn: [ownership, pab] },
);
