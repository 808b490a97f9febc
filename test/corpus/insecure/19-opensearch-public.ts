// expect: no-public-databases search-logs
// why: an OpenSearch domain outside any VPC whose access policy lets Principal "*" call es:*.
import * as aws from "@pulumi/aws";

const region = aws.getRegionOutput();
const caller = aws.getCallerIdentityOutput();

new aws.opensearch.Domain("search-logs", {
  domainName: "app-logs",
  engineVersion: "OpenSearch_2.13",
  clusterConfig: { instanceType: "r6g.large.search", instanceCount: 2 },
  ebsOptions: { ebsEnabled: true, volumeSize: 100, volumeType: "gp3" },
  encryptAtRest: { enabled: true },
  nodeToNodeEncryption: { enabled: true },
  domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-2-2019-07" },
  accessPolicies: `{
    "Version": "2012-10-17",
    "Statement": [{
      "Effect": "Allow",
      "Principal": "*",
      "Action": "es:*",
      "Resource": "arn:aws:es:us-east-1:123456789012:domain/app-logs/*"
    }]
  }`,
});

export const where = { region: region.region, account: caller.accountId };
