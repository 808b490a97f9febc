// expect: no-typed-in-credentials logs-search
// why: an OpenSearch domain kept inside the VPC, but fine-grained access control's master user has a password written into the program.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("logs-vpc", { cidrBlock: "10.40.0.0/16" });
const subnet = new aws.ec2.Subnet("logs-private-a", { vpcId: vpc.id, cidrBlock: "10.40.1.0/24", availabilityZone: "us-east-1a" });
const sg = new aws.ec2.SecurityGroup("logs-search-sg", { vpcId: vpc.id, description: "search domain" });
new aws.vpc.SecurityGroupIngressRule("logs-search-from-vpc", { securityGroupId: sg.id, cidrIpv4: "10.40.0.0/16", ipProtocol: "tcp", fromPort: 443, toPort: 443 });

new aws.opensearch.Domain("logs-search", {
  engineVersion: "OpenSearch_2.13",
  clusterConfig: { instanceType: "r6g.large.search", instanceCount: 1 },
  ebsOptions: { ebsEnabled: true, volumeSize: 100 },
  vpcOptions: { subnetIds: [subnet.id], securityGroupIds: [sg.id] },
  encryptAtRest: { enabled: true },
  nodeToNodeEncryption: { enabled: true },
  domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-2-2019-07" },
  advancedSecurityOptions: {
    enabled: true,
    internalUserDatabaseEnabled: true,
    masterUserOptions: { masterUserName: "admin", masterUserPassword: "Search-Admin-2024!" },
  },
});
