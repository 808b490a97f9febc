/**
 * Endpoints, tenancy by membership and IMDS inheritance, each case written from the AWS page cited beside it: the
 * hardened fixture plus one shape, asserting the exact set of mandatory findings as `rule resource kind`.
 */
import { describe, expect, it } from "vitest";
import { evaluate } from "../../policies/pack";
import { hardened, Stack, TYPES, UNKNOWN } from "./fixtures";
import { findingsTable, type Case } from "./doors-helpers";

const T = {
  ...TYPES,
  spot: "aws:ec2/spotInstanceRequest:SpotInstanceRequest",
  lc: "aws:ec2/launchConfiguration:LaunchConfiguration",
  eniSgAtt: "aws:ec2/networkInterfaceSecurityGroupAttachment:NetworkInterfaceSecurityGroupAttachment",
  eniAtt: "aws:ec2/networkInterfaceAttachment:NetworkInterfaceAttachment",
  imdsDefaults: "aws:ec2/instanceMetadataDefaults:InstanceMetadataDefaults",
  beanstalk: "aws:elasticbeanstalk/environment:Environment",
  memorydb: "aws:memorydb/cluster:Cluster",
  msk: "aws:msk/cluster:Cluster",
  neptune: "aws:neptune/cluster:Cluster",
  docdb: "aws:docdb/cluster:Cluster",
  cache: "aws:elasticache/replicationGroup:ReplicationGroup",
  vpce: "aws:ec2/vpcEndpoint:VpcEndpoint",
  ice: "aws:ec2transitgateway/instanceConnectEndpoint:InstanceConnectEndpoint",
  sgVpcAssoc: "aws:vpc/securityGroupVpcAssociation:SecurityGroupVpcAssociation",
} as const;

const nameOf = (urn?: string) => (urn ? urn.slice(urn.lastIndexOf("::") + 2) : "<stack>");
/** Mandatory findings as sorted `rule resource kind` lines. */
export function findings(s: Stack): string[] {
  return [
    ...new Set(
      evaluate(s.resources)
        .filter((d) => d.enforcement === "mandatory")
        .map((d) => `${d.policy} ${nameOf(d.urn)} ${d.kind}`),
    ),
  ].sort();
}

const globex = { "bulkhead:tenant": "globex" };
const acme = { "bulkhead:tenant": "acme" };
const sg = (s: Stack, name: string, ingress: Record<string, any>[] = [], tags?: Record<string, string>) =>
  s.add(T.sg, name, { vpcId: UNKNOWN, ingress, ...(tags ? { tags } : {}) }, { vpcId: ["main-vpc"] });
const cidr = (port: number, ...cidrBlocks: string[]) => ({ protocol: "tcp", fromPort: port, toPort: port, cidrBlocks });
const cidr6 = (port: number, ...ipv6CidrBlocks: string[]) => ({ protocol: "tcp", fromPort: port, toPort: port, ipv6CidrBlocks });
/** A private instance of tenant `tags` (acme by default) in that tenant's subnet (created for globex on first use). */
const instance = (s: Stack, name: string, groups: string[], extra: Record<string, any> = {}, tags: Record<string, string> = acme) => {
  const subnet = tags === globex ? "globex-a" : "acme-app-a";
  if (subnet === "globex-a" && !s.resources.some((r) => r.name === "globex-a"))
    s.add(T.subnet, "globex-a", { vpcId: UNKNOWN, cidrBlock: "10.0.50.0/24", tags: globex }, { vpcId: ["main-vpc"] });
  return s.add(
    T.instance,
    name,
    { ami: "ami-1", instanceType: "t3.small", subnetId: UNKNOWN, vpcSecurityGroupIds: groups.map(() => UNKNOWN), metadataOptions: { httpTokens: "required" }, rootBlockDevice: { encrypted: true }, tags, ...extra },
    { subnetId: [subnet], vpcSecurityGroupIds: groups },
  );
};

/**
 * Findings when grants on two groups of one endpoint only together cover the internet: every world rule blames
 * both grants; an admin port also fails bastion-only-admin, a data port data-ports-tenant-only.
 */
function openedTogether(low: string, high: string, port: "web" | "admin" | "data"): string[] {
  const kinds = ["only-lbs-face-world {g} world-facing-across-groups"];
  if (port !== "web") kinds.push("no-world-open-sensitive-port {g} world-open-port-across-groups");
  if (port === "admin") kinds.push("bastion-only-admin {g} admin-port-not-from-bastion");
  if (port === "data") kinds.push("data-ports-tenant-only {g} data-port-public-cidr");
  return [low, high].flatMap((g) => kinds.map((k) => k.replace("{g}", g)));
}

const table = (cases: Case[]) => findingsTable(cases, findings);

// Rules of all groups attached to an instance are aggregated:
// https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-group-rules.html ("If you associate multiple security
// groups with a resource, the rules from each security group are aggregated to form a single set of rules").
describe("endpoints: the union of every group attached through every path", () => {
  table([
    [
      "insecure: an instance in two groups whose halves of the internet only together open 8080 (vpc-security-group-rules.html)",
      (s) => {
        sg(s, "half-low", [cidr(8080, "0.0.0.0/1")]);
        sg(s, "half-high", [cidr(8080, "128.0.0.0/1")]);
        instance(s, "two-groups", ["half-low", "half-high"]);
      },
      openedTogether("half-low", "half-high", "web"),
    ],
    [
      "insecure: an ENI with one half and a NetworkInterfaceSecurityGroupAttachment adding the other, on 5432 (ec2 networkInterfaceSecurityGroupAttachment)",
      (s) => {
        sg(s, "eni-low", [cidr(5432, "0.0.0.0/1")], acme);
        sg(s, "eni-high", [cidr(5432, "128.0.0.0/1")], acme);
        s.add(T.eni, "db-eni", { subnetId: UNKNOWN, securityGroups: [UNKNOWN], tags: acme }, { subnetId: ["acme-db-a"], securityGroups: ["eni-low"] });
        s.add(T.eniSgAtt, "db-eni-extra", { securityGroupId: UNKNOWN, networkInterfaceId: UNKNOWN }, { securityGroupId: ["eni-high"], networkInterfaceId: ["db-eni"] });
      },
      openedTogether("eni-low", "eni-high", "data"),
    ],
    [
      "insecure: a spot instance request in two groups covering the IPv6 internet on 3389 (spot-requests.html, vpc-security-group-rules.html)",
      (s) => {
        sg(s, "v6-low", [cidr6(3389, "2000::/4")]);
        sg(s, "v6-high", [cidr6(3389, "3000::/4")]);
        s.add(T.spot, "spot-worker", { ami: "ami-1", instanceType: "t3.small", subnetId: UNKNOWN, vpcSecurityGroupIds: [UNKNOWN, UNKNOWN], metadataOptions: { httpTokens: "required" }, tags: acme }, { subnetId: ["acme-app-a"], vpcSecurityGroupIds: ["v6-low", "v6-high"] });
      },
      openedTogether("v6-low", "v6-high", "admin"),
    ],
    [
      "insecure: an awsvpc ECS service in two groups that together admit the world on 8080 (task-networking-awsvpc.html)",
      (s) => {
        sg(s, "svc-low", [cidr(8080, "0.0.0.0/1")]);
        sg(s, "svc-high", [cidr(8080, "128.0.0.0/1")]);
        s.add(T.ecsService, "acme-svc", { networkConfiguration: { subnets: [UNKNOWN], securityGroups: [UNKNOWN, UNKNOWN], assignPublicIp: false }, tags: acme }, { networkConfiguration: ["acme-app-a", "svc-low", "svc-high"] });
      },
      openedTogether("svc-low", "svc-high", "web"),
    ],
    [
      "insecure: a Lambda function in a VPC with two groups that together open 22 (configuration-vpc.html)",
      (s) => {
        sg(s, "fn-low", [cidr(22, "0.0.0.0/1")]);
        sg(s, "fn-high", [cidr(22, "128.0.0.0/1")]);
        s.add(T.lambda, "vpc-fn", { runtime: "nodejs20.x", role: UNKNOWN, vpcConfig: { subnetIds: [UNKNOWN], securityGroupIds: [UNKNOWN, UNKNOWN] } }, { role: ["acme-app-role"], vpcConfig: ["acme-app-a", "fn-low", "fn-high"] });
      },
      openedTogether("fn-low", "fn-high", "admin"),
    ],
    [
      "secure: the same two halves on two DIFFERENT instances open nothing to the world (each group alone admits half)",
      (s) => {
        sg(s, "half-low", [cidr(8080, "0.0.0.0/1")]);
        sg(s, "half-high", [cidr(8080, "128.0.0.0/1")]);
        instance(s, "one", ["half-low"]);
        instance(s, "other", ["half-high"]);
      },
      [],
    ],
    [
      "secure: an instance in two groups that admit the same half twice does not cover the internet",
      (s) => {
        sg(s, "same-a", [cidr(8080, "0.0.0.0/1")]);
        sg(s, "same-b", [cidr(8080, "0.0.0.0/1")]);
        instance(s, "twice", ["same-a", "same-b"]);
      },
      [],
    ],
    [
      "secure: a spot request and an ENI in private groups admitted only from the load balancer's group",
      (s) => {
        sg(s, "spot-sg", [{ protocol: "tcp", fromPort: 8080, toPort: 8080, securityGroups: [UNKNOWN] }], acme);
        s.set("spot-sg", {}, { ingress: ["alb-sg"] });
        s.add(T.spot, "spot-ok", { ami: "ami-1", instanceType: "t3.small", subnetId: UNKNOWN, vpcSecurityGroupIds: [UNKNOWN], associatePublicIpAddress: false, metadataOptions: { httpTokens: "required" }, tags: acme }, { subnetId: ["acme-app-a"], vpcSecurityGroupIds: ["spot-sg"] });
        s.add(T.eni, "spot-eni", { subnetId: UNKNOWN, securityGroups: [UNKNOWN], tags: acme }, { subnetId: ["acme-app-a"], securityGroups: ["spot-sg"] });
      },
      [],
    ],
  ]);
});

// A group reaching a workload through an attachment resource counts for everything judged on membership.
describe("endpoints: attachment resources", () => {
  table([
    [
      "insecure: the bastion's group attached to an app instance's interface by NetworkInterfaceSecurityGroupAttachment is no longer the bastion's",
      (s) => {
        s.add(T.eni, "worker-eni", { subnetId: UNKNOWN, securityGroups: [UNKNOWN], tags: acme }, { subnetId: ["acme-app-a"], securityGroups: ["acme-app-sg"] });
        s.add(T.eniAtt, "worker-eni-att", { instanceId: UNKNOWN, networkInterfaceId: UNKNOWN, deviceIndex: 1 }, { instanceId: ["acme-worker"], networkInterfaceId: ["worker-eni"] });
        s.add(T.eniSgAtt, "bastion-on-worker", { securityGroupId: UNKNOWN, networkInterfaceId: UNKNOWN }, { securityGroupId: ["bastion-sg"], networkInterfaceId: ["worker-eni"] });
      },
      ["bastion-only-admin acme-app-ssh admin-port-not-from-bastion", "bastion-only-admin bastion-sg admin-port-not-from-bastion"],
    ],
    [
      "insecure: a launch configuration's group (auto-scaling through a launch configuration) opening 22 halves with the launch configuration's second group",
      (s) => {
        sg(s, "lc-low", [cidr(22, "0.0.0.0/1")]);
        sg(s, "lc-high", [cidr(22, "128.0.0.0/1")]);
        s.add(T.lc, "acme-lc", { imageId: "ami-1", instanceType: "t3.small", securityGroups: [UNKNOWN, UNKNOWN], associatePublicIpAddress: false, metadataOptions: { httpTokens: "required" }, rootBlockDevice: { encrypted: true } }, { securityGroups: ["lc-low", "lc-high"] });
        s.add(T.asg, "acme-lc-asg", { minSize: 1, maxSize: 2, launchConfiguration: UNKNOWN, vpcZoneIdentifiers: [UNKNOWN] }, { launchConfiguration: ["acme-lc"], vpcZoneIdentifiers: ["acme-app-a"] });
      },
      openedTogether("lc-low", "lc-high", "admin"),
    ],
    [
      "insecure: the launch template's network-interface group and the launch template of a mixed-instances override together open 2379 to an ASG",
      (s) => {
        sg(s, "mix-low", [cidr(2379, "0.0.0.0/1")]);
        sg(s, "mix-high", [cidr(2379, "128.0.0.0/1")]);
        s.add(T.lt, "mix-lt-a", { imageId: "ami-1", metadataOptions: { httpTokens: "required" }, blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true" } }], networkInterfaces: [{ securityGroups: [UNKNOWN], associatePublicIpAddress: "false" }] }, { networkInterfaces: ["mix-low"] });
        s.add(T.lt, "mix-lt-b", { imageId: "ami-1", metadataOptions: { httpTokens: "required" }, blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true" } }], vpcSecurityGroupIds: [UNKNOWN] }, { vpcSecurityGroupIds: ["mix-high"] });
        s.add(
          T.asg,
          "mix-asg",
          { minSize: 1, maxSize: 2, vpcZoneIdentifiers: [UNKNOWN], mixedInstancesPolicy: { launchTemplate: { launchTemplateSpecification: { launchTemplateId: UNKNOWN }, override: [{ instanceType: "t3.large", launchTemplateSpecification: { launchTemplateId: UNKNOWN } }] } } },
          { vpcZoneIdentifiers: ["acme-app-a"], mixedInstancesPolicy: ["mix-lt-a", "mix-lt-b"] },
        );
      },
      openedTogether("mix-low", "mix-high", "admin"),
    ],
    [
      "secure: a NetworkInterfaceSecurityGroupAttachment adding the tenant's own app group to the tenant's interface",
      (s) => {
        s.add(T.eni, "acme-eni", { subnetId: UNKNOWN, securityGroups: [UNKNOWN], tags: acme }, { subnetId: ["acme-app-a"], securityGroups: ["acme-db-sg"] });
        s.add(T.eniSgAtt, "acme-eni-app", { securityGroupId: UNKNOWN, networkInterfaceId: UNKNOWN }, { securityGroupId: ["acme-app-sg"], networkInterfaceId: ["acme-eni"] });
      },
      [],
    ],
    [
      "secure: an instance naming its own groups does not take its launch template's (RunInstances parameters override the template)",
      (s) => {
        sg(s, "lt-only-low", [cidr(8080, "0.0.0.0/1")]);
        sg(s, "own-high", [cidr(8080, "128.0.0.0/1")]);
        s.add(T.lt, "base-lt", { imageId: "ami-1", metadataOptions: { httpTokens: "required" }, blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true" } }], vpcSecurityGroupIds: [UNKNOWN] }, { vpcSecurityGroupIds: ["lt-only-low"] });
        instance(s, "from-lt", ["own-high"], { launchTemplate: { id: UNKNOWN } });
        s.set("from-lt", {}, { launchTemplate: ["base-lt"] });
      },
      [],
    ],
  ]);
});

// A group's tenants are its members' tenants; a tag is declared intent.
describe("tenancy by membership", () => {
  table([
    [
      "insecure: an untagged group whose members are globex instances, admitted into acme's database (group reference across tenants)",
      (s) => {
        sg(s, "globex-app-sg");
        instance(s, "globex-app", ["globex-app-sg"], {}, globex);
        s.add(T.sgRule, "db-from-globex", { type: "ingress", securityGroupId: UNKNOWN, sourceSecurityGroupId: UNKNOWN, protocol: "tcp", fromPort: 5432, toPort: 5432 }, { securityGroupId: ["acme-db-sg"], sourceSecurityGroupId: ["globex-app-sg"] });
      },
      ["data-ports-tenant-only db-from-globex data-port-other-owner", "tenant-isolation db-from-globex group-reference-crosses-tenants"],
    ],
    [
      "insecure: a self-referencing untagged group shared by acme's and globex's caches is a cross-tenant path on 6379",
      (s) => {
        sg(s, "shared-cache-sg", [{ protocol: "tcp", fromPort: 6379, toPort: 6379, self: true }]);
        s.add(T.cache, "acme-cache", { description: "acme", securityGroupIds: [UNKNOWN], tags: acme }, { securityGroupIds: ["shared-cache-sg"] });
        s.add(T.cache, "globex-cache", { description: "globex", securityGroupIds: [UNKNOWN], tags: globex }, { securityGroupIds: ["shared-cache-sg"] });
      },
      ["data-ports-tenant-only shared-cache-sg data-port-shared-by-tenants", "tenant-isolation shared-cache-sg self-reference-spans-tenants"],
    ],
    [
      "insecure: a group tagged acme whose member is a globex instance (tag and membership disagree)",
      (s) => {
        sg(s, "mislabelled-sg", [], acme);
        instance(s, "globex-box", ["mislabelled-sg"], {}, globex);
      },
      ["tenant-isolation mislabelled-sg tag-membership-mismatch"],
    ],
    [
      "insecure: a CIDR rule into acme's database covering an untagged subnet that holds a globex instance",
      (s) => {
        s.add(T.subnet, "shared-b", { vpcId: UNKNOWN, cidrBlock: "10.0.30.0/24" }, { vpcId: ["main-vpc"] });
        s.add(T.instance, "globex-in-shared", { ami: "ami-1", subnetId: UNKNOWN, vpcSecurityGroupIds: [UNKNOWN], metadataOptions: { httpTokens: "required" }, rootBlockDevice: { encrypted: true }, tags: globex }, { subnetId: ["shared-b"], vpcSecurityGroupIds: ["acme-app-sg"] });
        s.add(T.sgIngress, "db-from-shared-b", { securityGroupId: UNKNOWN, cidrIpv4: "10.0.30.0/24", ipProtocol: "tcp", fromPort: 5432, toPort: 5432 }, { securityGroupId: ["acme-db-sg"] });
      },
      [
        "data-ports-tenant-only acme-db-from-app data-port-other-owner",
        "data-ports-tenant-only db-from-shared-b data-port-cidr-covers-other-subnet",
        "tenant-isolation acme-app-sg tag-membership-mismatch",
        "tenant-isolation acme-db-from-app group-reference-crosses-tenants",
        "tenant-isolation db-from-shared-b cidr-covers-other-tenant-subnet",
      ],
    ],
    [
      "insecure: a globex instance placed in a subnet tagged acme (the subnet's tag and its members disagree)",
      (s) => {
        s.add(T.instance, "globex-stray", { ami: "ami-1", subnetId: UNKNOWN, vpcSecurityGroupIds: [UNKNOWN], metadataOptions: { httpTokens: "required" }, rootBlockDevice: { encrypted: true }, tags: globex }, { subnetId: ["acme-db-a"], vpcSecurityGroupIds: ["main-default-sg"] });
      },
      ["tenant-isolation acme-db-a tag-membership-mismatch"],
    ],
    [
      "insecure: a VPC tagged for one tenant holding another tenant's instance",
      (s) => {
        s.set("main-vpc", { tags: { "bulkhead:tenant": "acme" } });
        s.add(T.subnet, "shared-c", { vpcId: UNKNOWN, cidrBlock: "10.0.70.0/24" }, { vpcId: ["main-vpc"] });
        s.add(T.instance, "globex-guest", { ami: "ami-1", subnetId: UNKNOWN, vpcSecurityGroupIds: [UNKNOWN], metadataOptions: { httpTokens: "required" }, rootBlockDevice: { encrypted: true }, tags: globex }, { subnetId: ["shared-c"], vpcSecurityGroupIds: ["main-default-sg"] });
      },
      ["tenant-isolation main-vpc tag-membership-mismatch"],
    ],
    [
      "insecure: a tenant's group associated with another tenant's VPC (SecurityGroupVpcAssociation)",
      (s) => {
        s.add(T.vpc, "globex-vpc", { cidrBlock: "10.9.0.0/16", tags: globex });
        s.add(T.flowLog, "globex-flow", { vpcId: UNKNOWN, trafficType: "ALL" }, { vpcId: ["globex-vpc"] });
        s.add(T.defaultSg, "globex-default-sg", { vpcId: UNKNOWN }, { vpcId: ["globex-vpc"] });
        s.add(T.defaultNacl, "globex-default-nacl", { defaultNetworkAclId: UNKNOWN }, { defaultNetworkAclId: ["globex-vpc"] });
        s.add(T.sgVpcAssoc, "acme-app-into-globex", { securityGroupId: UNKNOWN, vpcId: UNKNOWN }, { securityGroupId: ["acme-app-sg"], vpcId: ["globex-vpc"] });
      },
      ["tenant-isolation acme-app-sg group-associated-with-other-tenant-vpc"],
    ],
    [
      "secure: an untagged group whose members are all acme's, admitted into acme's database (its tenant is acme by membership)",
      (s) => {
        sg(s, "acme-jobs-sg");
        instance(s, "acme-jobs", ["acme-jobs-sg"]);
        s.add(T.sgRule, "db-from-jobs", { type: "ingress", securityGroupId: UNKNOWN, sourceSecurityGroupId: UNKNOWN, protocol: "tcp", fromPort: 5432, toPort: 5432 }, { securityGroupId: ["acme-db-sg"], sourceSecurityGroupId: ["acme-jobs-sg"] });
      },
      [],
    ],
    [
      "secure: a CIDR rule from an untagged subnet holding only acme's endpoints into acme's database",
      (s) => {
        s.add(T.subnet, "acme-batch-b", { vpcId: UNKNOWN, cidrBlock: "10.0.40.0/24" }, { vpcId: ["main-vpc"] });
        s.add(T.instance, "acme-batch", { ami: "ami-1", subnetId: UNKNOWN, vpcSecurityGroupIds: [UNKNOWN], metadataOptions: { httpTokens: "required" }, rootBlockDevice: { encrypted: true }, tags: acme }, { subnetId: ["acme-batch-b"], vpcSecurityGroupIds: ["acme-app-sg"] });
        s.add(T.sgIngress, "db-from-batch", { securityGroupId: UNKNOWN, cidrIpv4: "10.0.40.0/24", ipProtocol: "tcp", fromPort: 5432, toPort: 5432 }, { securityGroupId: ["acme-db-sg"] });
      },
      [],
    ],
    [
      "secure: an untagged monitoring group on both tenants' instances, admitting only the platform's load balancer on a web port",
      (s) => {
        sg(s, "monitor-sg", [{ protocol: "tcp", fromPort: 9100, toPort: 9100, securityGroups: [UNKNOWN] }]);
        s.set("monitor-sg", {}, { ingress: ["alb-sg"] });
        instance(s, "acme-m", ["monitor-sg"]);
        instance(s, "globex-m", ["monitor-sg"], {}, globex);
      },
      [],
    ],
  ]);
});

// Ports AWS opens by itself are grants on the endpoint.
// https://docs.aws.amazon.com/eks/latest/APIReference/API_RemoteAccessConfig.html: "If you specify an Amazon EC2 SSH
// key but don't specify a source security group when you create a managed node group, then the port on the nodes is
// opened to the internet (0.0.0.0/0)" — 22, or 3389 for Windows.
describe("EKS managed node groups: remote access", () => {
  const nodeGroup = (s: Stack, name: string, extra: Record<string, any>, deps: Record<string, string[]> = {}) =>
    s.add(T.eksNodeGroup, name, { clusterName: "platform", nodeRoleArn: UNKNOWN, subnetIds: [UNKNOWN], scalingConfig: { desiredSize: 1, minSize: 1, maxSize: 2 }, tags: acme, ...extra }, { subnetIds: ["acme-app-a"], ...deps });
  table([
    [
      "insecure: ec2SshKey without sourceSecurityGroupIds opens 22 to 0.0.0.0/0 (API_RemoteAccessConfig)",
      (s) => nodeGroup(s, "ssh-nodes", { remoteAccess: { ec2SshKey: "ops" } }),
      ["bastion-only-admin ssh-nodes admin-port-not-from-bastion", "no-world-open-sensitive-port ssh-nodes world-open-port", "only-lbs-face-world ssh-nodes world-facing-non-lb"],
    ],
    [
      "insecure: a Windows node group with a key and no source groups opens 3389 to 0.0.0.0/0 (API_RemoteAccessConfig)",
      (s) => nodeGroup(s, "win-nodes", { amiType: "WINDOWS_CORE_2022_x86_64", remoteAccess: { ec2SshKey: "ops", sourceSecurityGroupIds: [] } }),
      ["bastion-only-admin win-nodes admin-port-not-from-bastion", "no-world-open-sensitive-port win-nodes world-open-port", "only-lbs-face-world win-nodes world-facing-non-lb"],
    ],
    [
      "insecure: remote access from the application's group, not the bastion's (API_RemoteAccessConfig sourceSecurityGroups)",
      (s) => nodeGroup(s, "app-ssh-nodes", { remoteAccess: { ec2SshKey: "ops", sourceSecurityGroupIds: [UNKNOWN] } }, { remoteAccess: ["acme-app-sg"] }),
      ["bastion-only-admin app-ssh-nodes admin-port-not-from-bastion"],
    ],
    [
      "secure: remote access only from the bastion's group",
      (s) => nodeGroup(s, "bastion-ssh-nodes", { remoteAccess: { ec2SshKey: "ops", sourceSecurityGroupIds: [UNKNOWN] } }, { remoteAccess: ["bastion-sg"] }),
      [],
    ],
    ["secure: no remote access at all (Session Manager instead)", (s) => nodeGroup(s, "quiet-nodes", {}), []],
  ]);
});

// https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/command-options-general.html (aws:autoscaling:launchconfiguration:
// EC2KeyName, SSHSourceRestriction, DisableDefaultEC2SecurityGroup; aws:elasticbeanstalk:environment:EnvironmentType).
describe("Elastic Beanstalk: the instance group AWS creates", () => {
  const env = (s: Stack, name: string, settings: Array<[string, string, unknown]>) =>
    s.add(T.beanstalk, name, { application: "acme", solutionStackName: "64bit Amazon Linux 2023 v4 running PHP 8.3", settings: settings.map(([namespace, n, value]) => ({ namespace, name: n, value })), tags: acme });
  const LC = "aws:autoscaling:launchconfiguration";
  table([
    [
      "insecure: EC2KeyName without SSHSourceRestriction: Beanstalk's group admits 22 from 0.0.0.0/0",
      (s) => env(s, "eb-key", [[LC, "EC2KeyName", "ops"]]),
      ["bastion-only-admin eb-key admin-port-not-from-bastion", "no-world-open-sensitive-port eb-key world-open-port", "only-lbs-face-world eb-key world-facing-non-lb"],
    ],
    [
      "insecure: SSHSourceRestriction spelling out 0.0.0.0/0",
      (s) => env(s, "eb-world", [[LC, "EC2KeyName", "ops"], [LC, "SSHSourceRestriction", "tcp, 22, 22, 0.0.0.0/0"]]),
      ["bastion-only-admin eb-world admin-port-not-from-bastion", "no-world-open-sensitive-port eb-world world-open-port", "only-lbs-face-world eb-world world-facing-non-lb"],
    ],
    [
      "insecure: a single-instance environment faces the world on 80 without a load balancer",
      (s) => env(s, "eb-single", [["aws:elasticbeanstalk:environment", "EnvironmentType", "SingleInstance"]]),
      ["only-lbs-face-world eb-single world-facing-non-lb"],
    ],
    [
      "secure: a key pair with SSH restricted to the bastion's group",
      (s) => {
        s.set("bastion-sg", { name: "bastion-sg" });
        env(s, "eb-bastion", [[LC, "EC2KeyName", "ops"], [LC, "SSHSourceRestriction", "tcp, 22, 22, bastion-sg"]]);
      },
      [],
    ],
    [
      "secure: DisableDefaultEC2SecurityGroup with the tenant's own group",
      (s) => {
        s.set("acme-app-sg", { name: "acme-app-sg" });
        env(s, "eb-own", [[LC, "EC2KeyName", "ops"], [LC, "DisableDefaultEC2SecurityGroup", "true"], [LC, "SecurityGroups", "acme-app-sg"]]);
      },
      [],
    ],
  ]);
});

// Each data service is an endpoint of its own groups; two groups that together cover the internet on its port open it.
describe("data services as endpoints", () => {
  const halves = (s: Stack, prefix: string, port: number) => {
    sg(s, `${prefix}-low`, [cidr(port, "0.0.0.0/1")], acme);
    sg(s, `${prefix}-high`, [cidr(port, "128.0.0.0/1")], acme);
    return [`${prefix}-low`, `${prefix}-high`];
  };
  const expectOpen = (prefix: string) => openedTogether(`${prefix}-low`, `${prefix}-high`, "data");
  table([
    [
      "insecure: MemoryDB on 6379 (https://docs.aws.amazon.com/memorydb/latest/devguide/memorydb-vpc-accessing.html)",
      (s) => s.add(T.memorydb, "acme-mem", { nodeType: "db.t4g.small", aclName: "open-access", securityGroupIds: [UNKNOWN, UNKNOWN], tags: acme }, { securityGroupIds: halves(s, "mem", 6379) }),
      expectOpen("mem"),
    ],
    [
      "insecure: MSK brokers on 9094 (https://docs.aws.amazon.com/msk/latest/developerguide/port-info.html)",
      (s) => s.add(T.msk, "acme-kafka", { clusterName: "acme", kafkaVersion: "3.6.0", numberOfBrokerNodes: 2, brokerNodeGroupInfo: { instanceType: "kafka.t3.small", clientSubnets: [UNKNOWN], securityGroups: [UNKNOWN, UNKNOWN] }, tags: acme }, { brokerNodeGroupInfo: ["acme-db-a", ...halves(s, "kafka", 9094)] }),
      expectOpen("kafka"),
    ],
    [
      "insecure: Neptune on its default 8182 (https://docs.aws.amazon.com/neptune/latest/userguide/security-vpc.html)",
      (s) => s.add(T.neptune, "acme-graph", { engine: "neptune", storageEncrypted: true, vpcSecurityGroupIds: [UNKNOWN, UNKNOWN], tags: acme }, { vpcSecurityGroupIds: halves(s, "graph", 8182) }),
      expectOpen("graph"),
    ],
    [
      "insecure: DocumentDB on 27017 (https://docs.aws.amazon.com/documentdb/latest/developerguide/security.vpc.html)",
      (s) => s.add(T.docdb, "acme-docs", { engine: "docdb", storageEncrypted: true, vpcSecurityGroupIds: [UNKNOWN, UNKNOWN], tags: acme }, { vpcSecurityGroupIds: halves(s, "docs", 27017) }),
      expectOpen("docs"),
    ],
    [
      "insecure: an ElastiCache replication group on 6379 (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/VPCs.html)",
      (s) => s.add(T.cache, "acme-redis", { description: "acme", securityGroupIds: [UNKNOWN, UNKNOWN], tags: acme }, { securityGroupIds: halves(s, "redis", 6379) }),
      expectOpen("redis"),
    ],
    [
      "secure: MemoryDB, MSK and Neptune admitting only the tenant's app group",
      (s) => {
        sg(s, "acme-data-sg", [5432, 6379, 9094, 8182].map((p) => ({ protocol: "tcp", fromPort: p, toPort: p, securityGroups: [UNKNOWN] })), acme);
        s.set("acme-data-sg", {}, { ingress: ["acme-app-sg"] });
        s.add(T.memorydb, "acme-mem", { nodeType: "db.t4g.small", aclName: "acme", securityGroupIds: [UNKNOWN], tags: acme }, { securityGroupIds: ["acme-data-sg"] });
        s.add(T.msk, "acme-kafka", { clusterName: "acme", brokerNodeGroupInfo: { instanceType: "kafka.t3.small", clientSubnets: [UNKNOWN], securityGroups: [UNKNOWN] }, tags: acme }, { brokerNodeGroupInfo: ["acme-db-a", "acme-data-sg"] });
        s.add(T.neptune, "acme-graph", { engine: "neptune", storageEncrypted: true, vpcSecurityGroupIds: [UNKNOWN], tags: acme }, { vpcSecurityGroupIds: ["acme-data-sg"] });
      },
      [],
    ],
    [
      "secure: an interface VPC endpoint in the app's group and an Instance Connect endpoint (tagged bastion) in the bastion's group",
      (s) => {
        s.add(T.vpce, "ssm-endpoint", { vpcId: UNKNOWN, serviceName: "com.amazonaws.eu-west-1.ssm", vpcEndpointType: "Interface", subnetIds: [UNKNOWN], securityGroupIds: [UNKNOWN] }, { vpcId: ["main-vpc"], subnetIds: ["acme-app-a"], securityGroupIds: ["acme-app-sg"] });
        s.add(T.ice, "eice", { subnetId: UNKNOWN, securityGroupIds: [UNKNOWN], tags: { "bulkhead:role": "bastion" } }, { subnetId: ["public-a"], securityGroupIds: ["bastion-sg"] });
      },
      [],
    ],
  ]);
});

// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-new-instances.html: launch parameters, then the
// launch template, then the account-level default (InstanceMetadataDefaults), then the AMI/AWS default (optional).
describe("IMDS inheritance", () => {
  const lt = (s: Stack, name: string, metadataOptions?: Record<string, any>) =>
    s.add(T.lt, name, { imageId: "ami-1", blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true" } }], ...(metadataOptions ? { metadataOptions } : {}) });
  const fromLt = (s: Stack, name: string, template: string, extra: Record<string, any> = {}) => {
    instance(s, name, ["acme-app-sg"], { metadataOptions: undefined, launchTemplate: { id: UNKNOWN }, ...extra });
    s.set(name, { metadataOptions: extra.metadataOptions }, { launchTemplate: [template] });
  };
  table([
    ["secure: an instance that sets nothing takes httpTokens required from its launch template", (s) => (lt(s, "v2-lt", { httpTokens: "required" }), fromLt(s, "inherits-v2", "v2-lt")), []],
    [
      "secure: an instance that sets nothing, under an account-level default of required",
      (s) => {
        s.add(T.imdsDefaults, "account-imds", { httpTokens: "required", httpPutResponseHopLimit: 1 });
        instance(s, "account-default", ["acme-app-sg"], { metadataOptions: undefined });
        s.set("account-default", { metadataOptions: undefined });
      },
      [],
    ],
    [
      "secure: a launch template that sets nothing and a spot request that sets nothing, under the account default",
      (s) => {
        s.add(T.imdsDefaults, "account-imds", { httpTokens: "required" });
        lt(s, "bare-lt");
        s.add(T.spot, "bare-spot", { ami: "ami-1", subnetId: UNKNOWN, vpcSecurityGroupIds: [UNKNOWN], tags: acme }, { subnetId: ["acme-app-a"], vpcSecurityGroupIds: ["acme-app-sg"] });
      },
      [],
    ],
    ["insecure: an instance inheriting httpTokens optional from its launch template is reported on the template", (s) => (lt(s, "v1-lt", { httpTokens: "optional" }), fromLt(s, "inherits-v1", "v1-lt")), ["imdsv2-required v1-lt imds-v1-allowed"]],
    [
      "insecure: an account-level default of optional is reported where it is set",
      (s) => {
        s.add(T.imdsDefaults, "account-v1", { httpTokens: "optional" });
        instance(s, "under-v1-default", ["acme-app-sg"], { metadataOptions: undefined });
        s.set("under-v1-default", { metadataOptions: undefined });
      },
      ["imdsv2-required account-v1 account-default-allows-v1"],
    ],
    [
      "insecure: an account default of no-preference leaves an instance that sets nothing on IMDSv1",
      (s) => {
        s.add(T.imdsDefaults, "account-np", { httpTokens: "no-preference" });
        instance(s, "np-box", ["acme-app-sg"]);
        s.set("np-box", { metadataOptions: undefined });
      },
      ["imdsv2-required np-box imds-unset"],
    ],
    [
      "insecure: an instance's own optional overrides its launch template's required",
      (s) => (lt(s, "v2-base", { httpTokens: "required" }), fromLt(s, "overrides-v1", "v2-base", { metadataOptions: { httpTokens: "optional" } })),
      ["imdsv2-required overrides-v1 imds-v1-allowed"],
    ],
    [
      "insecure: a launch configuration (auto-scaling) and a spot request that set nothing, with no account default",
      (s) => {
        s.add(T.lc, "bare-lc", { imageId: "ami-1", instanceType: "t3.small", securityGroups: [UNKNOWN], associatePublicIpAddress: false, rootBlockDevice: { encrypted: true } }, { securityGroups: ["acme-app-sg"] });
        s.add(T.asg, "bare-lc-asg", { minSize: 1, maxSize: 1, launchConfiguration: UNKNOWN, vpcZoneIdentifiers: [UNKNOWN] }, { launchConfiguration: ["bare-lc"], vpcZoneIdentifiers: ["acme-app-a"] });
        s.add(T.spot, "bare-spot", { ami: "ami-1", subnetId: UNKNOWN, vpcSecurityGroupIds: [UNKNOWN], tags: acme }, { subnetId: ["acme-app-a"], vpcSecurityGroupIds: ["acme-app-sg"] });
      },
      ["imdsv2-required bare-lc imds-unset", "imdsv2-required bare-spot imds-unset"],
    ],
  ]);
});

// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-instance-addressing.html#concepts-public-addresses: a public
// IPv4 address comes from associatePublicIpAddress or the subnet's public-IP attribute, for spot requests and
// auto-scaling launches (launch configurations' AssociatePublicIpAddress) alike.
describe("public addresses on spot requests and launch configurations", () => {
  const spot = (s: Stack, name: string, extra: Record<string, any>, subnet = "acme-app-a") =>
    s.add(T.spot, name, { ami: "ami-1", subnetId: UNKNOWN, vpcSecurityGroupIds: [UNKNOWN], metadataOptions: { httpTokens: "required" }, tags: acme, ...extra }, { subnetId: [subnet], vpcSecurityGroupIds: ["acme-app-sg"] });
  const lcAsg = (s: Stack, name: string, extra: Record<string, any>) => {
    s.add(T.lc, `${name}-lc`, { imageId: "ami-1", instanceType: "t3.small", securityGroups: [UNKNOWN], metadataOptions: { httpTokens: "required" }, ...extra }, { securityGroups: ["acme-app-sg"] });
    s.add(T.asg, name, { minSize: 1, maxSize: 1, launchConfiguration: UNKNOWN, vpcZoneIdentifiers: [UNKNOWN] }, { launchConfiguration: [`${name}-lc`], vpcZoneIdentifiers: ["acme-app-a"] });
  };
  table([
    ["insecure: a spot request with associatePublicIpAddress: true", (s) => spot(s, "public-spot", { associatePublicIpAddress: true }), ["public-ip-only-bastion-lb public-spot associates-public-ip"]],
    [
      "insecure: a spot request in a subnet that maps public IPs on launch",
      (s) => {
        s.set("acme-app-a", { mapPublicIpOnLaunch: true });
        spot(s, "mapped-spot", {});
      },
      // The subnet also puts the hardened fixture's worker and auto-scaling group on public IPs.
      ["public-ip-only-bastion-lb acme-app-asg public-subnet", "public-ip-only-bastion-lb acme-worker public-subnet", "public-ip-only-bastion-lb mapped-spot public-subnet"],
    ],
    ["insecure: a launch configuration with associatePublicIpAddress: true", (s) => lcAsg(s, "public-lc-asg", { associatePublicIpAddress: true }), ["public-ip-only-bastion-lb public-lc-asg-lc associates-public-ip"]],
    ["secure: a spot request in a private subnet that opts out explicitly", (s) => spot(s, "private-spot", { associatePublicIpAddress: false }), []],
    ["secure: a launch configuration that opts out of public IPs", (s) => lcAsg(s, "private-lc-asg", { associatePublicIpAddress: false }), []],
  ]);
});

// The bastion's group may be shared only with what cannot take the bastion's place as a new door.
describe("who may share the bastion's group", () => {
  table([
    [
      "secure: an EC2 Instance Connect endpoint in the bastion's group (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/eice-security-groups.html)",
      (s) => s.add(T.ice, "eice-untagged", { subnetId: UNKNOWN, securityGroupIds: [UNKNOWN] }, { subnetId: ["public-a"], securityGroupIds: ["bastion-sg"] }),
      [],
    ],
    [
      "insecure: a group used only by an interface VPC endpoint is not a bastion's group, so SSH into it from a CIDR is still an admin door",
      (s) => {
        sg(s, "vpce-sg", [cidr(22, "10.0.0.0/8")]);
        s.add(T.vpce, "logs-endpoint", { vpcId: UNKNOWN, serviceName: "com.amazonaws.eu-west-1.logs", vpcEndpointType: "Interface", securityGroupIds: [UNKNOWN] }, { vpcId: ["main-vpc"], securityGroupIds: ["vpce-sg"] });
      },
      ["bastion-only-admin vpce-sg admin-port-not-from-bastion"],
    ],
  ]);
});
