// expect: clean
// why: private buckets: public access blocked, ACLs disabled, SSE-KMS, TLS-only; the only Principal "*" statements are Deny, and reads go through CloudFront's service principal.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const tags = { "bulkhead:tenant": "umbrella" };
const caller = aws.getCallerIdentityOutput();

const dataKey = new aws.kms.Key("umbrella-s3-key", { description: "umbrella buckets", enableKeyRotation: true, tags });

function privateBucket(logicalName: string, bucketName: string) {
  const bucket = new aws.s3.Bucket(logicalName, { bucket: bucketName, tags });
  new aws.s3.BucketPublicAccessBlock(`${logicalName}-pab`, {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  new aws.s3.BucketOwnershipControls(`${logicalName}-ownership`, {
    bucket: bucket.id,
    rule: { objectOwnership: "BucketOwnerEnforced" },
  });
  new aws.s3.BucketServerSideEncryptionConfiguration(`${logicalName}-sse`, {
    bucket: bucket.id,
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: dataKey.arn }, bucketKeyEnabled: true }],
  });
  new aws.s3.BucketVersioning(`${logicalName}-versioning`, {
    bucket: bucket.id,
    versioningConfiguration: { status: "Enabled" },
  });
  return bucket;
}

const invoices = privateBucket("umbrella-invoices", "umbrella-invoices-prod");
new aws.s3.BucketPolicy("umbrella-invoices-policy", {
  bucket: invoices.id,
  policy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: ["arn:aws:s3:::umbrella-invoices-prod", "arn:aws:s3:::umbrella-invoices-prod/*"],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      {
        Sid: "DenyUnencryptedUploads",
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: "s3:PutObject",
        Resource: "arn:aws:s3:::umbrella-invoices-prod/*",
        Condition: { StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" } },
      },
    ],
  }),
});

// Static site assets: readable only through the CloudFront distribution (origin access control).
const assets = privateBucket("umbrella-assets", "umbrella-site-assets");
const oac = new aws.cloudfront.OriginAccessControl("umbrella-assets-oac", {
  originAccessControlOriginType: "s3",
  signingBehavior: "always",
  signingProtocol: "sigv4",
});
const cdn = new aws.cloudfront.Distribution("umbrella-cdn", {
  enabled: true,
  defaultRootObject: "index.html",
  origins: [{ originId: "assets", domainName: assets.bucketRegionalDomainName, originAccessControlId: oac.id }],
  defaultCacheBehavior: {
    targetOriginId: "assets",
    viewerProtocolPolicy: "redirect-to-https",
    allowedMethods: ["GET", "HEAD"],
    cachedMethods: ["GET", "HEAD"],
    cachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6",
  },
  restrictions: { geoRestriction: { restrictionType: "none" } },
  viewerCertificate: { cloudfrontDefaultCertificate: true },
  tags,
});
new aws.s3.BucketPolicy("umbrella-assets-policy", {
  bucket: assets.id,
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "CloudFrontReadOnly",
        Effect: "Allow",
        Principal: { Service: "cloudfront.amazonaws.com" },
        Action: "s3:GetObject",
        Resource: "arn:aws:s3:::umbrella-site-assets/*",
        Condition: { StringLike: { "AWS:SourceArn": pulumi.interpolate`arn:aws:cloudfront::${caller.accountId}:distribution/*` } },
      },
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: ["arn:aws:s3:::umbrella-site-assets", "arn:aws:s3:::umbrella-site-assets/*"],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  }),
});

export const cdnDomain = cdn.domainName;
