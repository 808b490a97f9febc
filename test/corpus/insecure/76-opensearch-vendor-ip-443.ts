// expect: data-ports-tenant-only search-from-vendor
// why: the OpenSearch domain stays in the VPC, but its group admits a monitoring vendor's public address on 443: on a search domain HTTPS is the REST API, i.e. the data itself, not a web port.
import * as aws from "@pulumi/aws";

const tags = { "bulkhead:tenant": "initech" };

const vpc = new aws.ec2.Vpc("initech-vpc", { cidrBlock: "10.76.0.0/16", enableDnsHostnames: true, tags });
const a = new aws.ec2.Subnet("initech-data-a", { vpcId: vpc.id, cidrBlock: "10.76.1.0/24", availabilityZone: "us-east-1a", tags });
const b = new aws.ec2.Subnet("initech-data-b", { vpcId: vpc.id, cidrBlock: "10.76.2.0/24", availabilityZone: "us-east-1b", tags });

const searchSg = new aws.ec2.SecurityGroup("initech-search-sg", { vpcId: vpc.id, description: "ticket search", tags });
// https://docs.aws.amazon.com/opensearch-service/latest/developerguide/vpc.html: the domain's ENIs take this group.
new aws.vpc.SecurityGroupIngressRule("search-from-vendor", {
  securityGroupId: searchSg.id,
  cidrIpv4: "52.95.40.7/32",
  ipProtocol: "tcp",
  fromPort: 443,
  toPort: 443,
  description: "log shipping vendor",
});

const key = new aws.kms.Key("initech-search-key", { description: "ticket search at rest", enableKeyRotation: true, tags });
new aws.opensearch.Domain("initech-tickets", {
  domainName: "initech-tickets",
  engineVersion: "OpenSearch_2.13",
  clusterConfig: { instanceType: "r6g.large.search", instanceCount: 2, zoneAwarenessEnabled: true, zoneAwarenessConfig: { availabilityZoneCount: 2 } },
  ebsOptions: { ebsEnabled: true, volumeSize: 50, volumeType: "gp3" },
  vpcOptions: { subnetIds: [a.id, b.id], securityGroupIds: [searchSg.id] },
  encryptAtRest: { enabled: true, kmsKeyId: key.arn },
  nodeToNodeEncryption: { enabled: true },
  domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-2-PFS-2023-10" },
  tags,
});
