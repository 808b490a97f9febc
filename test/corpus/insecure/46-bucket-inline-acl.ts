// expect: no-public-resource-policy build-artifacts
// why: the bucket's own acl argument is "public-read-write", so anyone can replace the build artifacts the deploys pull.
import * as aws from "@pulumi/aws";

export default async () => {
  const identity = await aws.getCallerIdentity();
  const region = await aws.getRegion();

  const bucket = new aws.s3.Bucket("build-artifacts", {
    bucket: `build-artifacts-${identity.accountId}-${region.region}`,
    // the deploy agents on the old CI "couldn't write" with private
    acl: "public-read-write",
    versioning: { enabled: true },
    tags: { team: "platform" },
  });

  return { artifactsBucket: bucket.bucket };
};
