// expect: no-public-databases legacy-search
// why: a legacy Elasticsearch domain with a public endpoint and an access policy for {"AWS": "*"}.
import * as aws from "@pulumi/aws";

new aws.elasticsearch.Domain("legacy-search", {
  domainName: "catalog-search",
  elasticsearchVersion: "7.10",
  clusterConfig: { instanceType: "m5.large.elasticsearch", instanceCount: 2 },
  ebsOptions: { ebsEnabled: true, volumeSize: 50 },
  accessPolicies: JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: ["es:ESHttpGet", "es:ESHttpPost", "es:ESHttpPut"],
        Resource: "arn:aws:es:us-east-1:123456789012:domain/catalog-search/*",
      },
    ],
  }),
});
