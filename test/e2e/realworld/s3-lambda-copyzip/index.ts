// Reproduces the shape of pulumi/examples aws-ts-s3-lambda-copyzip
// (https://github.com/pulumi/examples/tree/master/aws-ts-s3-lambda-copyzip): two buckets and an onObjectCreated
// handler (a CallbackFunction with its default role) that zips each new object of the first into the second.
// Written for bulkhead, not copied.
// Offline adaptations: the handler loads @aws-sdk/client-s3 and adm-zip with require() where it runs rather than
// importing them at the top (neither is installed here); the buckets are aws.s3.Bucket, since @pulumi/aws 7 dropped
// BucketV2's event mixins (Bucket is the same resource there).
import * as aws from "@pulumi/aws";

const reports = new aws.s3.Bucket("tpsReports");
const archives = new aws.s3.Bucket("tpsZips");
const archiveBucket = archives.bucket;

reports.onObjectCreated("zipTpsReports", async (event) => {
    const { S3 } = require("@aws-sdk/client-s3");
    const AdmZip = require("adm-zip");
    const client = new S3({});
    const destination = archiveBucket.get();
    for (const record of event.Records ?? []) {
        const source = record.s3.bucket.name;
        const key = record.s3.object.key;
        const original = await client.getObject({ Bucket: source, Key: key });
        const archive = new AdmZip();
        archive.addFile(key, original.Body);
        console.log(`archiving s3://${source}/${key} as s3://${destination}/${key}.zip`);
        await client.putObject({ Bucket: destination, Key: `${key}.zip`, Body: archive.toBuffer() });
    }
});

export const tpsReportsBucket = reports.bucket;
export const tpsZipsBucket = archives.bucket;
