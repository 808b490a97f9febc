// expect: tenant-isolation shared-thumbnailer-role
// why: one execution role for both tenants' thumbnail functions "since the code is the same": whatever one tenant's function can reach, the other's can too - a cross-tenant principal whatever its policies say (https://docs.aws.amazon.com/whitepapers/latest/saas-tenant-isolation-strategies/iam-isolation.html).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const role = new aws.iam.Role("shared-thumbnailer-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
  managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"],
});

for (const tenant of ["acme", "globex"]) {
  new aws.lambda.Function(`${tenant}-thumbnailer`, {
    runtime: aws.lambda.Runtime.NodeJS20dX,
    handler: "index.handler",
    role: role.arn,
    code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({});") }),
    tags: { "bulkhead:tenant": tenant },
  });
}
