/**
 * Endpoints, tenancy by membership and IMDS inheritance, each case written from the AWS page cited beside it: the
 * hardened fixture plus one shape, asserting the exact set of mandatory findings as `rule resource kind`.
 */
import { describe, expect, it } from "vitest";
import { evaluate } from "../../policies/pack";
import { hardened, Stack, TYPES, UNKNOWN } from "./fixtures";

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
const instance = (s: Stack, name: string, groups: string[], extra: Record<string, any> = {}, tags: Record<string, string> = acme) =>
  s.add(
    T.instance,
    name,
    { ami: "ami-1", instanceType: "t3.small", subnetId: UNKNOWN, vpcSecurityGroupIds: groups.map(() => UNKNOWN), metadataOptions: { httpTokens: "required" }, rootBlockDevice: { encrypted: true }, tags, ...extra },
    { subnetId: ["acme-app-a"], vpcSecurityGroupIds: groups },
  );

type Case = [title: string, build: (s: Stack) => void, expected: string[]];

function table(cases: Case[]) {
  for (const [title, build, expected] of cases)
    it(title, () => {
      const s = hardened();
      build(s);
      expect(findings(s)).toEqual([...expected].sort());
    });
}

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
      ["only-lbs-face-world half-high world-facing-across-groups", "only-lbs-face-world half-low world-facing-across-groups"],
    ],
    [
      "insecure: an ENI with one half and a NetworkInterfaceSecurityGroupAttachment adding the other, on 5432 (ec2 networkInterfaceSecurityGroupAttachment)",
      (s) => {
        sg(s, "eni-low", [cidr(5432, "0.0.0.0/1")], acme);
        sg(s, "eni-high", [cidr(5432, "128.0.0.0/1")], acme);
        s.add(T.eni, "db-eni", { subnetId: UNKNOWN, securityGroups: [UNKNOWN], tags: acme }, { subnetId: ["acme-db-a"], securityGroups: ["eni-low"] });
        s.add(T.eniSgAtt, "db-eni-extra", { securityGroupId: UNKNOWN, networkInterfaceId: UNKNOWN }, { securityGroupId: ["eni-high"], networkInterfaceId: ["db-eni"] });
      },
      [
        "data-ports-tenant-only eni-high data-port-public-cidr",
        "data-ports-tenant-only eni-low data-port-public-cidr",
        "no-world-open-sensitive-port eni-high world-open-port-across-groups",
        "no-world-open-sensitive-port eni-low world-open-port-across-groups",
        "only-lbs-face-world eni-high world-facing-across-groups",
        "only-lbs-face-world eni-low world-facing-across-groups",
      ],
    ],
    [
      "insecure: a spot instance request in two groups covering the IPv6 internet on 3389 (spot-requests.html, vpc-security-group-rules.html)",
      (s) => {
        sg(s, "v6-low", [cidr6(3389, "2000::/4")]);
        sg(s, "v6-high", [cidr6(3389, "3000::/4")]);
        s.add(T.spot, "spot-worker", { ami: "ami-1", instanceType: "t3.small", subnetId: UNKNOWN, vpcSecurityGroupIds: [UNKNOWN, UNKNOWN], metadataOptions: { httpTokens: "required" }, tags: acme }, { subnetId: ["acme-app-a"], vpcSecurityGroupIds: ["v6-low", "v6-high"] });
      },
      [
        "bastion-only-admin v6-high admin-port-not-from-bastion",
        "bastion-only-admin v6-low admin-port-not-from-bastion",
        "no-world-open-sensitive-port v6-high world-open-port-across-groups",
        "no-world-open-sensitive-port v6-low world-open-port-across-groups",
        "only-lbs-face-world v6-high world-facing-across-groups",
        "only-lbs-face-world v6-low world-facing-across-groups",
      ],
    ],
    [
      "insecure: an awsvpc ECS service in two groups that together admit the world on 8080 (task-networking-awsvpc.html)",
      (s) => {
        sg(s, "svc-low", [cidr(8080, "0.0.0.0/1")]);
        sg(s, "svc-high", [cidr(8080, "128.0.0.0/1")]);
        s.add(T.ecsService, "acme-svc", { networkConfiguration: { subnets: [UNKNOWN], securityGroups: [UNKNOWN, UNKNOWN], assignPublicIp: false }, tags: acme }, { networkConfiguration: ["acme-app-a", "svc-low", "svc-high"] });
      },
      ["only-lbs-face-world svc-high world-facing-across-groups", "only-lbs-face-world svc-low world-facing-across-groups"],
    ],
    [
      "insecure: a Lambda function in a VPC with two groups that together open 22 (configuration-vpc.html)",
      (s) => {
        sg(s, "fn-low", [cidr(22, "0.0.0.0/1")]);
        sg(s, "fn-high", [cidr(22, "128.0.0.0/1")]);
        s.add(T.lambda, "vpc-fn", { runtime: "nodejs20.x", role: UNKNOWN, vpcConfig: { subnetIds: [UNKNOWN], securityGroupIds: [UNKNOWN, UNKNOWN] } }, { role: ["acme-app-role"], vpcConfig: ["acme-app-a", "fn-low", "fn-high"] });
      },
      [
        "bastion-only-admin fn-high admin-port-not-from-bastion",
        "bastion-only-admin fn-low admin-port-not-from-bastion",
        "no-world-open-sensitive-port fn-high world-open-port-across-groups",
        "no-world-open-sensitive-port fn-low world-open-port-across-groups",
        "only-lbs-face-world fn-high world-facing-across-groups",
        "only-lbs-face-world fn-low world-facing-across-groups",
      ],
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
      [
        "bastion-only-admin lc-high admin-port-not-from-bastion",
        "bastion-only-admin lc-low admin-port-not-from-bastion",
        "no-world-open-sensitive-port lc-high world-open-port-across-groups",
        "no-world-open-sensitive-port lc-low world-open-port-across-groups",
        "only-lbs-face-world lc-high world-facing-across-groups",
        "only-lbs-face-world lc-low world-facing-across-groups",
      ],
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
      [
        "bastion-only-admin mix-high admin-port-not-from-bastion",
        "bastion-only-admin mix-low admin-port-not-from-bastion",
        "no-world-open-sensitive-port mix-high world-open-port-across-groups",
        "no-world-open-sensitive-port mix-low world-open-port-across-groups",
        "only-lbs-face-world mix-high world-facing-across-groups",
        "only-lbs-face-world mix-low world-facing-across-groups",
      ],
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
