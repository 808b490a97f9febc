// expect: no-public-s3-write build-artifacts
// why: the bucket's own acl argument is "public-read-write", so anyone can replace the build artifacts the deploys pull.
import * as aws from "@pulumi/aws";

new aws.s3.Bucket("build-artifacts", {
  bucket: "acme-build-artifacts",
  acl: "public-read-write",
  versioning: { enabled: true },
  tags: { team: "platform" },
});
