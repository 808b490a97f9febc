// expect: no-public-resource-policy dropbox-policy
// why: a bucket policy letting Principal "*" call s3:PutObject - an anonymous file drop for malware and warez.
import * as aws from "@pulumi/aws";

const bucket = new aws.s3.Bucket("dropbox", { bucket: "partner-dropbox-prod" });

new aws.s3.BucketPublicAccessBlock("dropbox-pab", {
  bucket: bucket.id,
  blockPublicAcls: true,
  ignorePublicAcls: true,
  blockPublicPolicy: false,
  restrictPublicBuckets: false,
});

new aws.s3.BucketPolicy("dropbox-policy", {
  bucket: bucket.id,
  policy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "PartnersUpload",
        Effect: "Allow",
        Principal: "*",
        Action: ["s3:PutObject", "s3:PutObjectAcl"],
        Resource: "arn:aws:s3:::partner-dropbox-prod/incoming/*",
      },
    ],
  }),
});
