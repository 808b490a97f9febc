// Reproduces the shape of pulumi/templates static-website-aws-typescript
// (https://github.com/pulumi/templates/tree/master/static-website-aws-typescript): a private S3 bucket with every
// public-access block on, a CloudFront distribution reading it through an Origin Access Control, and a bucket
// policy letting cloudfront.amazonaws.com read objects for that distribution only. Written for bulkhead, not copied:
// same config keys, defaults and exports; www/ holds pages of our own.
// Offline adaptation: @pulumi/synced-folder (a multi-language package not installed here) is replaced by one private
// aws.s3.BucketObject per page of www/, the private objects the folder sync would upload.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const settings = new pulumi.Config();
const siteDir = settings.get("path") || "www";
const indexPage = settings.get("indexDocument") || "index.html";
const errorPage = settings.get("errorDocument") || "error.html";

const site = new aws.s3.Bucket("bucket");

const noPublicAccess = new aws.s3.BucketPublicAccessBlock("public-access-block", {
    bucket: site.bucket,
    blockPublicAcls: true,
    ignorePublicAcls: true,
    blockPublicPolicy: true,
    restrictPublicBuckets: true,
});

// Uploaded only once the block is in place, so no object is ever public.
[indexPage, errorPage].forEach((page) => {
    new aws.s3.BucketObject(
        page,
        {
            bucket: site.bucket,
            key: page,
            acl: "private",
            contentType: "text/html",
            source: new pulumi.asset.FileAsset(`${__dirname}/${siteDir}/${page}`),
        },
        { dependsOn: [noPublicAccess] },
    );
});

// CloudFront signs its origin requests (SigV4) so the bucket policy below can tell them apart.
const oac = new aws.cloudfront.OriginAccessControl("origin-access-control", {
    originAccessControlOriginType: "s3",
    signingProtocol: "sigv4",
    signingBehavior: "always",
});

const readOnlyMethods = ["GET", "HEAD", "OPTIONS"];
const tenMinutes = 600;

const cdn = new aws.cloudfront.Distribution("cdn", {
    enabled: true,
    priceClass: "PriceClass_100",
    defaultRootObject: indexPage,
    origins: [{ originId: site.arn, domainName: site.bucketRegionalDomainName, originAccessControlId: oac.id }],
    defaultCacheBehavior: {
        targetOriginId: site.arn,
        viewerProtocolPolicy: "redirect-to-https",
        allowedMethods: readOnlyMethods,
        cachedMethods: readOnlyMethods,
        minTtl: tenMinutes,
        defaultTtl: tenMinutes,
        maxTtl: tenMinutes,
        forwardedValues: { queryString: true, cookies: { forward: "all" } },
    },
    customErrorResponses: [{ errorCode: 404, responseCode: 404, responsePagePath: `/${errorPage}` }],
    restrictions: { geoRestriction: { restrictionType: "none" } },
    viewerCertificate: { cloudfrontDefaultCertificate: true },
});

// Only this distribution's requests (AWS:SourceArn) may read objects.
new aws.s3.BucketPolicy("bucket-policy", {
    bucket: site.bucket,
    policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: {
            Effect: "Allow",
            Principal: { Service: "cloudfront.amazonaws.com" },
            Action: "s3:GetObject",
            Resource: pulumi.interpolate`${site.arn}/*`,
            Condition: { StringEquals: { "AWS:SourceArn": cdn.arn } },
        },
    }),
});

export const cdnURL = pulumi.interpolate`https://${cdn.domainName}`;
export const cdnHostname = cdn.domainName;
