/**
 * Network doors of issue 11 ("Endpoints, not groups") in shapes the other tables do not write: data ports that are a
 * property of the service endpoint rather than of the port number (OpenSearch's REST API on 443, EFS on 2049, Amazon
 * MQ, DAX, ElastiCache Serverless's reader port, FSx, MSK's public listeners), services AWS makes public by one flag,
 * the VPC's default security group joining every endpoint that names no group, and Transfer Family's SFTP 22 (a
 * managed file service, not a host's shell). Each row adds one door (or its hardened form) to the hardened fixture
 * and asserts the exact mandatory findings (`rule resource kind`); the AWS page it follows is cited per row.
 */
import { describe, expect, it } from "vitest";
import { findingsTable, mandatoryFindings, type Case } from "./doors-helpers";
import { hardened, Stack, TYPES, UNKNOWN } from "./fixtures";

const acme = { "bulkhead:tenant": "acme" };
const globex = { "bulkhead:tenant": "globex" };
const TY = {
  efsMount: "aws:efs/mountTarget:MountTarget",
  mq: "aws:mq/broker:Broker",
  dax: "aws:dax/cluster:Cluster",
  serverlessCache: "aws:elasticache/serverlessCache:ServerlessCache",
  influx: "aws:timestreaminfluxdb/dbInstance:DbInstance",
  shardGroup: "aws:rds/shardGroup:ShardGroup",
  fsxWindows: "aws:fsx/windowsFileSystem:WindowsFileSystem",
  aossVpce: "aws:opensearch/serverlessVpcEndpoint:ServerlessVpcEndpoint",
  msk: "aws:msk/cluster:Cluster",
  transfer: "aws:transfer/server:Server",
  sgEgress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  vpce: "aws:ec2/vpcEndpoint:VpcEndpoint",
};

/** A group in the shared VPC, tagged acme unless told otherwise; `deps` names the groups its inline rules reference. */
const sg = (s: Stack, name: string, ingress: Record<string, any>[] = [], deps: string[] = [], tags: Record<string, string> = acme) =>
  s.add(TYPES.sg, name, { vpcId: UNKNOWN, ingress, tags }, { vpcId: ["main-vpc"], ...(deps.length ? { ingress: deps } : {}) });
const tcp = (from: number, extra: Record<string, any>, to = from) => ({ protocol: "tcp", fromPort: from, toPort: to, ...extra });
const globexGroup = (s: Stack) => sg(s, "globex-app-sg", [], [], globex);
const globexSubnet = (s: Stack) => s.add(TYPES.subnet, "globex-a", { vpcId: UNKNOWN, cidrBlock: "10.0.50.0/24", tags: globex }, { vpcId: ["main-vpc"] });
const opensearch = (s: Stack, name: string, groups: string[]) =>
  s.add(
    TYPES.opensearch,
    name,
    { domainName: name, engineVersion: "OpenSearch_2.13", encryptAtRest: { enabled: true, kmsKeyId: UNKNOWN }, nodeToNodeEncryption: { enabled: true }, domainEndpointOptions: { enforceHttps: true }, vpcOptions: { subnetIds: [UNKNOWN], securityGroupIds: groups.map(() => UNKNOWN) }, tags: acme },
    { encryptAtRest: ["acme-key"], vpcOptions: ["acme-db-a", ...groups] },
  );
const efs = (s: Stack, group: string) => s.add(TY.efsMount, "acme-files-a", { fileSystemId: "fs-0123456789abcdef0", subnetId: UNKNOWN, securityGroups: [UNKNOWN] }, { subnetId: ["acme-db-a"], securityGroups: [group] });
const rabbit = (s: Stack, group: string) =>
  s.add(TY.mq, "acme-orders-mq", { brokerName: "acme-orders", engineType: "RabbitMQ", engineVersion: "3.13", hostInstanceType: "mq.m5.large", publiclyAccessible: false, securityGroups: [UNKNOWN], subnetIds: [UNKNOWN], users: [{ username: "app", password: UNKNOWN }], tags: acme }, { securityGroups: [group], subnetIds: ["acme-db-a"], users: ["acme-db-password"] });
const dax = (s: Stack, group: string) =>
  s.add(TY.dax, "acme-sessions-dax", { clusterName: "acme-sessions", nodeType: "dax.r5.large", replicationFactor: 2, iamRoleArn: UNKNOWN, securityGroupIds: [UNKNOWN], serverSideEncryption: { enabled: true }, clusterEndpointEncryptionType: "TLS", tags: acme }, { iamRoleArn: ["acme-app-role"], securityGroupIds: [group] });
const influx = (s: Stack, group: string, publiclyAccessible: boolean) =>
  s.add(TY.influx, "acme-metrics", { name: "acme-metrics", dbInstanceType: "db.influx.medium", allocatedStorage: 20, bucket: "metrics", organization: "acme", username: "admin", password: UNKNOWN, publiclyAccessible, vpcSecurityGroupIds: [UNKNOWN], vpcSubnetIds: [UNKNOWN], tags: acme }, { password: ["acme-db-password"], vpcSecurityGroupIds: [group], vpcSubnetIds: [publiclyAccessible ? "public-a" : "acme-db-a"] });
const worker = (s: Stack, name: string, subnet: string, tags: Record<string, string>) =>
  s.add(TYPES.instance, name, { ami: "ami-1", instanceType: "t3.small", subnetId: UNKNOWN, metadataOptions: { httpTokens: "required" }, rootBlockDevice: { encrypted: true }, tags }, { subnetId: [subnet] });
const sftp = (s: Stack, group: string) =>
  s.add(TY.transfer, "partner-sftp", { endpointType: "VPC", protocols: ["SFTP"], identityProviderType: "SERVICE_MANAGED", domain: "S3", endpointDetails: { vpcId: UNKNOWN, subnetIds: [UNKNOWN], addressAllocationIds: [UNKNOWN], securityGroupIds: [UNKNOWN] }, tags: acme }, { endpointDetails: ["main-vpc", "public-a", "nat-eip", group] });

const table = (cases: Case[]) => findingsTable(cases, (s) => mandatoryFindings(s));

describe("insecure: network doors by AWS's documented behaviour", () => {
  table([
    [
      "an OpenSearch domain in the VPC whose group admits a vendor's public /32 on 443, the REST API that is its data (https://docs.aws.amazon.com/opensearch-service/latest/developerguide/vpc.html)",
      (s) => {
        sg(s, "search-sg", [tcp(443, { cidrBlocks: ["52.95.40.7/32"] })]);
        opensearch(s, "acme-search", ["search-sg"]);
      },
      ["data-ports-tenant-only search-sg data-port-public-cidr"],
    ],
    [
      "an OpenSearch domain whose group admits another tenant's application group on 443 (https://docs.aws.amazon.com/opensearch-service/latest/developerguide/vpc.html)",
      (s) => {
        globexGroup(s);
        sg(s, "search-sg", [tcp(443, { securityGroups: [UNKNOWN] })], ["globex-app-sg"]);
        opensearch(s, "acme-search", ["search-sg"]);
      },
      ["data-ports-tenant-only search-sg data-port-other-owner", "tenant-isolation search-sg group-reference-crosses-tenants"],
    ],
    [
      "an OpenSearch domain whose group takes a standalone SecurityGroupIngressRule admitting ::/0 on 443 (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html)",
      (s) => {
        sg(s, "search-sg");
        s.add(TYPES.sgIngress, "search-v6-world", { securityGroupId: UNKNOWN, cidrIpv6: "::/0", ipProtocol: "tcp", fromPort: 443, toPort: 443 }, { securityGroupId: ["search-sg"] });
        opensearch(s, "acme-search", ["search-sg"]);
      },
      ["data-ports-tenant-only search-v6-world data-port-public-cidr", "no-world-open-sensitive-port search-v6-world world-open-port", "only-lbs-face-world search-v6-world world-facing-non-lb"],
    ],
    [
      "an EFS mount target whose group admits NFS 2049 from 0.0.0.0/0 by protocol number 6 (https://docs.aws.amazon.com/efs/latest/ug/network-access.html)",
      (s) => {
        sg(s, "files-sg");
        s.add(TYPES.sgRule, "files-nfs-world", { type: "ingress", securityGroupId: UNKNOWN, cidrBlocks: ["0.0.0.0/0"], protocol: "6", fromPort: 2049, toPort: 2049 }, { securityGroupId: ["files-sg"] });
        efs(s, "files-sg");
      },
      ["data-ports-tenant-only files-nfs-world data-port-public-cidr", "no-world-open-sensitive-port files-nfs-world world-open-port", "only-lbs-face-world files-nfs-world world-facing-non-lb"],
    ],
    [
      "a private RabbitMQ broker whose group admits AMQPS 5671 from a partner's public range (https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/rabbitmq-basic-elements-broker.html)",
      (s) => {
        sg(s, "mq-sg", [tcp(5671, { cidrBlocks: ["52.95.0.0/24"] })]);
        rabbit(s, "mq-sg");
      },
      ["data-ports-tenant-only mq-sg data-port-public-cidr"],
    ],
    [
      "a DAX cluster whose group admits 8111 from the whole VPC CIDR, which covers another tenant's subnet (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/DAX.create-cluster.console.configure-inbound-rules.html)",
      (s) => {
        globexSubnet(s);
        sg(s, "dax-sg", [tcp(8111, { cidrBlocks: ["10.0.0.0/16"] })]);
        dax(s, "dax-sg");
      },
      ["data-ports-tenant-only dax-sg data-port-cidr-covers-other-subnet", "tenant-isolation dax-sg cidr-covers-other-tenant-subnet"],
    ],
    [
      "an ElastiCache Serverless cache whose reader port 6380 is admitted from a managed prefix list holding 0.0.0.0/0 (https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists.html)",
      (s) => {
        sg(s, "cache-sg");
        s.add(TYPES.prefixList, "partners-pl", { name: "partners", addressFamily: "IPv4", maxEntries: 4, entries: [{ cidr: "52.94.10.10/32" }, { cidr: "0.0.0.0/0", description: "temporary" }] });
        s.add(TYPES.sgIngress, "cache-reader-partners", { securityGroupId: UNKNOWN, prefixListId: UNKNOWN, ipProtocol: "tcp", fromPort: 6380, toPort: 6380 }, { securityGroupId: ["cache-sg"], prefixListId: ["partners-pl"] });
        s.add(TY.serverlessCache, "acme-sessions", { name: "acme-sessions", engine: "valkey", securityGroupIds: [UNKNOWN], subnetIds: [UNKNOWN], kmsKeyId: UNKNOWN, tags: acme }, { securityGroupIds: ["cache-sg"], subnetIds: ["acme-db-a"], kmsKeyId: ["acme-key"] });
      },
      ["data-ports-tenant-only cache-reader-partners data-port-public-cidr", "no-world-open-sensitive-port cache-reader-partners world-open-port", "only-lbs-face-world cache-reader-partners world-facing-non-lb"],
    ],
    [
      "a Timestream for InfluxDB instance with publiclyAccessible: true (https://docs.aws.amazon.com/timestream/latest/developerguide/timestream-for-influx-db-connecting.html)",
      (s) => {
        sg(s, "influx-sg");
        influx(s, "influx-sg", true);
      },
      ["no-public-databases acme-metrics publicly-accessible"],
    ],
    [
      "an Aurora PostgreSQL Limitless shard group with publiclyAccessible: true (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/limitless-shard.html)",
      (s) => s.add(TY.shardGroup, "acme-limitless", { dbShardGroupIdentifier: "acme-limitless", dbClusterIdentifier: UNKNOWN, maxAcu: 768, publiclyAccessible: true, tags: acme }, { dbClusterIdentifier: ["acme-db"] }),
      ["no-public-databases acme-limitless publicly-accessible"],
    ],
    [
      "an FSx for Windows file system whose group admits a port range over SMB 445 from another tenant's group (https://docs.aws.amazon.com/fsx/latest/WindowsGuide/limit-access-security-groups.html)",
      (s) => {
        globexGroup(s);
        sg(s, "shares-sg", [tcp(400, { securityGroups: [UNKNOWN] }, 500)], ["globex-app-sg"]);
        s.add(TY.fsxWindows, "acme-shares", { storageCapacity: 32, throughputCapacity: 8, subnetIds: [UNKNOWN], securityGroupIds: [UNKNOWN], activeDirectoryId: "d-1234567890", kmsKeyId: UNKNOWN, tags: acme }, { subnetIds: ["acme-db-a"], securityGroupIds: ["shares-sg"], kmsKeyId: ["acme-key"] });
      },
      ["data-ports-tenant-only shares-sg data-port-other-owner", "tenant-isolation shares-sg group-reference-crosses-tenants"],
    ],
    [
      "an OpenSearch Serverless VPC endpoint whose group admits another tenant's group on 443 (https://docs.aws.amazon.com/opensearch-service/latest/developerguide/serverless-vpc.html)",
      (s) => {
        globexGroup(s);
        sg(s, "aoss-sg", [tcp(443, { securityGroups: [UNKNOWN] })], ["globex-app-sg"]);
        s.add(TY.aossVpce, "acme-logs-vpce", { name: "acme-logs", vpcId: UNKNOWN, subnetIds: [UNKNOWN], securityGroupIds: [UNKNOWN] }, { vpcId: ["main-vpc"], subnetIds: ["acme-db-a"], securityGroupIds: ["aoss-sg"] });
      },
      ["data-ports-tenant-only aoss-sg data-port-other-owner", "tenant-isolation aoss-sg group-reference-crosses-tenants"],
    ],
    [
      "an MSK cluster whose group admits the public-access IAM listener 9198 from 0.0.0.0/0 (https://docs.aws.amazon.com/msk/latest/developerguide/port-info.html)",
      (s) => {
        sg(s, "kafka-sg", [tcp(9198, { cidrBlocks: ["0.0.0.0/0"] })]);
        s.add(TY.msk, "acme-events", { clusterName: "acme-events", kafkaVersion: "3.6.0", numberOfBrokerNodes: 2, brokerNodeGroupInfo: { instanceType: "kafka.m5.large", clientSubnets: [UNKNOWN], securityGroups: [UNKNOWN] }, tags: acme }, { brokerNodeGroupInfo: ["acme-db-a", "kafka-sg"] });
      },
      ["data-ports-tenant-only kafka-sg data-port-public-cidr", "no-world-open-sensitive-port kafka-sg world-open-port", "only-lbs-face-world kafka-sg world-facing-non-lb"],
    ],
    [
      "the adopted default security group keeps a self rule, and an acme and a globex worker that name no group both get it (https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html)",
      (s) => {
        globexSubnet(s);
        s.set("main-default-sg", { ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, self: true }] });
        worker(s, "acme-batch", "acme-app-a", acme);
        worker(s, "globex-batch", "globex-a", globex);
      },
      ["bastion-only-admin main-default-sg admin-port-not-from-bastion", "data-ports-tenant-only main-default-sg data-port-shared-by-tenants", "tenant-isolation main-default-sg self-reference-spans-tenants"],
    ],
    [
      "a VPC whose default group is not adopted keeps AWS's allow-all-from-members rule, and an acme and a globex worker name no group (https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html)",
      (s) => {
        s.remove("main-default-sg");
        globexSubnet(s);
        worker(s, "acme-batch", "acme-app-a", acme);
        worker(s, "globex-batch", "globex-a", globex);
      },
      ["tenant-isolation main-vpc default-group-spans-tenants"],
    ],
    [
      "acme's RDS instance names no group (placed by its DB subnet group) and globex's worker names none either: the unadopted default group joins them (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html)",
      (s) => {
        s.remove("main-default-sg");
        globexSubnet(s);
        s.add("aws:rds/subnetGroup:SubnetGroup", "acme-reports-subnets", { subnetIds: [UNKNOWN], tags: acme }, { subnetIds: ["acme-db-a"] });
        s.add(TYPES.rds, "acme-reports-db", { engine: "mysql", instanceClass: "db.t3.micro", username: "app", manageMasterUserPassword: true, publiclyAccessible: false, storageEncrypted: true, kmsKeyId: UNKNOWN, deletionProtection: true, dbSubnetGroupName: UNKNOWN, tags: acme }, { kmsKeyId: ["acme-key"], dbSubnetGroupName: ["acme-reports-subnets"] });
        worker(s, "globex-batch", "globex-a", globex);
      },
      ["tenant-isolation main-vpc default-group-spans-tenants"],
    ],
    [
      "ICMP echo from 0.0.0.0/0 on an app group is still world-facing: only path-MTU messages are exempt (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/security-group-rules-reference.html#sg-rules-ping)",
      (s) => s.add(TYPES.sgIngress, "app-ping-world", { securityGroupId: UNKNOWN, cidrIpv4: "0.0.0.0/0", ipProtocol: "icmp", fromPort: 8, toPort: -1 }, { securityGroupId: ["acme-app-sg"] }),
      ["only-lbs-face-world app-ping-world world-facing-non-lb"],
    ],
  ]);
});

describe("hardened: the same services done right", () => {
  table([
    [
      "an OpenSearch domain admitting 443 only from the tenant's app group, beside the internet-facing ALB's world-wide 443 (a web port on a load balancer) (https://docs.aws.amazon.com/opensearch-service/latest/developerguide/vpc.html)",
      (s) => {
        sg(s, "search-sg", [tcp(443, { securityGroups: [UNKNOWN] })], ["acme-app-sg"]);
        opensearch(s, "acme-search", ["search-sg"]);
      },
      [],
    ],
    [
      "an EFS mount target admitting NFS 2049 from the tenant's app subnet only (https://docs.aws.amazon.com/efs/latest/ug/network-access.html)",
      (s) => {
        sg(s, "files-sg", [tcp(2049, { cidrBlocks: ["10.0.10.0/24"] })]);
        efs(s, "files-sg");
      },
      [],
    ],
    [
      "an internet-facing Transfer Family SFTP server admitting 22 from partners' public ranges: SFTP served by AWS, no shell, not an admin door (https://docs.aws.amazon.com/transfer/latest/userguide/create-server-in-vpc.html)",
      (s) => {
        sg(s, "sftp-sg", [tcp(22, { cidrBlocks: ["52.95.0.0/24", "3.5.140.0/22"] })]);
        sftp(s, "sftp-sg");
      },
      [],
    ],
    [
      "a private RabbitMQ broker and a DAX cluster admitting their ports only from the tenant's app group (https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/rabbitmq-basic-elements-broker.html)",
      (s) => {
        sg(s, "mq-sg", [tcp(5671, { securityGroups: [UNKNOWN] })], ["acme-app-sg"]);
        rabbit(s, "mq-sg");
        sg(s, "dax-sg", [tcp(9111, { securityGroups: [UNKNOWN] })], ["acme-app-sg"]);
        dax(s, "dax-sg");
      },
      [],
    ],
    [
      "a private Timestream for InfluxDB instance reached on 8086 only from the tenant's app group (https://docs.aws.amazon.com/timestream/latest/developerguide/timestream-for-influx-db-connecting.html)",
      (s) => {
        sg(s, "influx-sg", [tcp(8086, { securityGroups: [UNKNOWN] })], ["acme-app-sg"]);
        influx(s, "influx-sg", false);
      },
      [],
    ],
    [
      "two tenants' workers that name no group share the adopted, empty default group: membership opens nothing (https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html)",
      (s) => {
        globexSubnet(s);
        worker(s, "acme-batch", "acme-app-a", acme);
        worker(s, "globex-batch", "globex-a", globex);
      },
      [],
    ],
    [
      "world-wide egress in both rule forms opens no door: security groups are stateful and egress admits nothing in (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html)",
      (s) => {
        s.add(TY.sgEgress, "app-egress-v4", { securityGroupId: UNKNOWN, cidrIpv4: "0.0.0.0/0", ipProtocol: "-1" }, { securityGroupId: ["acme-app-sg"] });
        s.add(TY.sgEgress, "app-egress-v6", { securityGroupId: UNKNOWN, cidrIpv6: "::/0", ipProtocol: "-1" }, { securityGroupId: ["acme-app-sg"] });
        s.add(TYPES.sgRule, "app-egress-ssh", { type: "egress", securityGroupId: UNKNOWN, cidrBlocks: ["0.0.0.0/0"], protocol: "tcp", fromPort: 22, toPort: 22 }, { securityGroupId: ["acme-app-sg"] });
      },
      [],
    ],
    [
      "a subnet NACL allowing all traffic does not open what the security groups keep closed (https://docs.aws.amazon.com/vpc/latest/userguide/infrastructure-security.html#VPC_Security_Comparison)",
      (s) => s.add(TYPES.nacl, "acme-app-nacl", { vpcId: UNKNOWN, subnetIds: [UNKNOWN], ingress: [{ protocol: "-1", ruleNo: 100, action: "allow", cidrBlock: "0.0.0.0/0", fromPort: 0, toPort: 0 }] }, { vpcId: ["main-vpc"], subnetIds: ["acme-app-a"] }),
      [],
    ],
    [
      "path MTU discovery from anywhere: ICMP type 3 code 4 over IPv4 and ICMPv6 packet-too-big over IPv6 open no service (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/security-group-rules-reference.html#sg-rules-path-mtu)",
      (s) => {
        s.add(TYPES.sgIngress, "app-pmtud-v4", { securityGroupId: UNKNOWN, cidrIpv4: "0.0.0.0/0", ipProtocol: "icmp", fromPort: 3, toPort: 4 }, { securityGroupId: ["acme-app-sg"] });
        s.add(TYPES.sgIngress, "app-pmtud-v6", { securityGroupId: UNKNOWN, cidrIpv6: "::/0", ipProtocol: "58", fromPort: 2, toPort: 0 }, { securityGroupId: ["acme-app-sg"] });
      },
      [],
    ],
    [
      "a VPC whose default group is not adopted, with one tenant's group-less worker only: nobody else shares that group (the advisory default-sg-no-rules says adopt it) (https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html)",
      (s) => {
        s.remove("main-default-sg");
        worker(s, "acme-batch", "acme-app-a", acme);
      },
      [],
    ],
    [
      "an interface VPC endpoint (execute-api) admitting 443 from the tenant's app subnet: a generic endpoint's 443 is no data port (https://docs.aws.amazon.com/vpc/latest/privatelink/interface-endpoints.html)",
      (s) => {
        sg(s, "api-vpce-sg", [tcp(443, { cidrBlocks: ["10.0.10.0/24"] })]);
        s.add(TY.vpce, "api-vpce", { vpcId: UNKNOWN, serviceName: "com.amazonaws.eu-west-1.execute-api", vpcEndpointType: "Interface", privateDnsEnabled: true, subnetIds: [UNKNOWN], securityGroupIds: [UNKNOWN] }, { vpcId: ["main-vpc"], subnetIds: ["acme-app-a"], securityGroupIds: ["api-vpce-sg"] });
      },
      [],
    ],
  ]);
});

describe("the insecure shapes before this change (what the pack used to say), kept as a regression guard", () => {
  it("443 on a load balancer's group stays a web port: the fixture's world-wide ALB 443 is still clean", () => {
    expect(mandatoryFindings(hardened())).toEqual([]);
  });
});
