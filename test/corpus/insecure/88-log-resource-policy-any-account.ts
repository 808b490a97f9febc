// expect: no-public-resource-policy partner-ingest-logs-policy
// why: a CloudWatch Logs resource policy meant for a partner's log shipper names Principal {AWS: "*"}: every AWS account may create streams and write into the platform's log groups (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/iam-access-control-overview-cwl.html).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const caller = aws.getCallerIdentityOutput();
const region = aws.getRegionOutput();

const key = new aws.kms.Key("partner-logs-key", { description: "partner logs", enableKeyRotation: true });
new aws.cloudwatch.LogGroup("partner-ingest", { name: "/partners/ingest", retentionInDays: 90, kmsKeyId: key.arn });

new aws.cloudwatch.LogResourcePolicy("partner-ingest-logs-policy", {
  policyName: "partner-ingest",
  policyDocument: aws.iam.getPolicyDocumentOutput({
    statements: [
      {
        effect: "Allow",
        principals: [{ type: "AWS", identifiers: ["*"] }],
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [pulumi.interpolate`arn:aws:logs:${region.name}:${caller.accountId}:log-group:/partners/*`],
      },
    ],
  }).json,
});
