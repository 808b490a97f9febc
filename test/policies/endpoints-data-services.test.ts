/**
 * Data services, VPC endpoints, EC2 Instance Connect endpoints and Lightsail as endpoints, one table per service. A
 * managed database, cache, broker, search domain, warehouse or VPC endpoint is reached through the union of the groups
 * it is placed in, exactly as an instance is, so each of those services gets the same shapes, written from the
 * service's own security-group page (cited per service below) and the VPC security-group rules page
 * (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html: rules of every group of an ENI are
 * aggregated; a rule's source is a CIDR or a group whose members' private addresses are admitted). Every case asserts
 * the exact set of mandatory findings as `rule resource kind` on top of the hardened fixture.
 */
import { describe, expect, it } from "vitest";
import { evaluate } from "../../policies/pack";
import { hardened, Stack, TYPES, UNKNOWN } from "./fixtures";

const nameOf = (urn?: string) => (urn ? urn.slice(urn.lastIndexOf("::") + 2) : "<stack>");
function findings(s: Stack): string[] {
  return [
    ...new Set(
      evaluate(s.resources)
        .filter((d) => d.enforcement === "mandatory")
        .map((d) => `${d.policy} ${nameOf(d.urn)} ${d.kind}`),
    ),
  ].sort();
}

const acme = { "bulkhead:tenant": "acme" };
const globex = { "bulkhead:tenant": "globex" };

interface Service {
  /** What the table's titles call it. */
  title: string;
  /** The service's page on security groups / VPC access. */
  doc: string;
  port: number;
  /**
   * Whether the pack counts `port` as a data port. Every service here does: a data port is a property of the
   * service endpoint, not of the number (OpenSearch's VPC endpoint serves its data on HTTPS 443, which stays a web
   * port on a load balancer's group; policies/model/service-ports.ts).
   */
  dataPort: boolean;
  /** Adds the service as `name`, placed in `groups` (fixture names), tagged acme, otherwise hardened. */
  add(s: Stack, name: string, groups: string[]): void;
}

const ids = (groups: string[]) => groups.map(() => UNKNOWN);

const SERVICES: Service[] = [
  {
    title: "an RDS PostgreSQL instance",
    doc: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.RDSSecurityGroups.html",
    port: 5432,
    dataPort: true,
    add: (s, name, groups) =>
      s.add(TYPES.rds, name, { engine: "postgres", instanceClass: "db.t3.micro", username: "app", manageMasterUserPassword: true, publiclyAccessible: false, storageEncrypted: true, kmsKeyId: UNKNOWN, deletionProtection: true, vpcSecurityGroupIds: ids(groups), tags: acme }, { kmsKeyId: ["acme-key"], vpcSecurityGroupIds: groups }),
  },
  {
    title: "an Aurora MySQL cluster",
    doc: "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Overview.RDSSecurityGroups.html",
    port: 3306,
    dataPort: true,
    add: (s, name, groups) =>
      s.add(TYPES.rdsCluster, name, { engine: "aurora-mysql", masterUsername: "app", manageMasterUserPassword: true, storageEncrypted: true, kmsKeyId: UNKNOWN, deletionProtection: true, vpcSecurityGroupIds: ids(groups), tags: acme }, { kmsKeyId: ["acme-key"], vpcSecurityGroupIds: groups }),
  },
  {
    title: "a DocumentDB cluster",
    doc: "https://docs.aws.amazon.com/documentdb/latest/developerguide/security.vpc.html",
    port: 27017,
    dataPort: true,
    add: (s, name, groups) => s.add("aws:docdb/cluster:Cluster", name, { engine: "docdb", storageEncrypted: true, kmsKeyId: UNKNOWN, deletionProtection: true, vpcSecurityGroupIds: ids(groups), tags: acme }, { kmsKeyId: ["acme-key"], vpcSecurityGroupIds: groups }),
  },
  {
    title: "a Neptune cluster",
    doc: "https://docs.aws.amazon.com/neptune/latest/userguide/security-vpc.html",
    port: 8182,
    dataPort: true,
    add: (s, name, groups) => s.add("aws:neptune/cluster:Cluster", name, { engine: "neptune", storageEncrypted: true, kmsKeyArn: UNKNOWN, deletionProtection: true, vpcSecurityGroupIds: ids(groups), tags: acme }, { kmsKeyArn: ["acme-key"], vpcSecurityGroupIds: groups }),
  },
  {
    title: "an ElastiCache Redis replication group",
    doc: "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/VPCs.html",
    port: 6379,
    dataPort: true,
    add: (s, name, groups) => s.add("aws:elasticache/replicationGroup:ReplicationGroup", name, { description: "acme", engine: "redis", atRestEncryptionEnabled: true, transitEncryptionEnabled: true, kmsKeyId: UNKNOWN, securityGroupIds: ids(groups), tags: acme }, { kmsKeyId: ["acme-key"], securityGroupIds: groups }),
  },
  {
    title: "a MemoryDB cluster",
    doc: "https://docs.aws.amazon.com/memorydb/latest/devguide/memorydb-vpc-accessing.html",
    port: 6379,
    dataPort: true,
    add: (s, name, groups) => s.add("aws:memorydb/cluster:Cluster", name, { nodeType: "db.t4g.small", aclName: "acme", kmsKeyArn: UNKNOWN, securityGroupIds: ids(groups), tags: acme }, { kmsKeyArn: ["acme-key"], securityGroupIds: groups }),
  },
  {
    title: "an MSK cluster's brokers (TLS listener)",
    doc: "https://docs.aws.amazon.com/msk/latest/developerguide/port-info.html",
    port: 9094,
    dataPort: true,
    add: (s, name, groups) =>
      s.add("aws:msk/cluster:Cluster", name, { clusterName: name, kafkaVersion: "3.6.0", numberOfBrokerNodes: 2, brokerNodeGroupInfo: { instanceType: "kafka.t3.small", clientSubnets: [UNKNOWN], securityGroups: ids(groups) }, tags: acme }, { brokerNodeGroupInfo: ["acme-db-a", ...groups] }),
  },
  {
    title: "an OpenSearch domain in the VPC",
    doc: "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/vpc.html",
    port: 443,
    dataPort: true,
    add: (s, name, groups) =>
      s.add(TYPES.opensearch, name, { domainName: name, engineVersion: "OpenSearch_2.13", encryptAtRest: { enabled: true, kmsKeyId: UNKNOWN }, nodeToNodeEncryption: { enabled: true }, domainEndpointOptions: { enforceHttps: true }, vpcOptions: { subnetIds: [UNKNOWN], securityGroupIds: ids(groups) }, tags: acme }, { encryptAtRest: ["acme-key"], vpcOptions: ["acme-db-a", ...groups] }),
  },
  {
    title: "a Redshift cluster",
    doc: "https://docs.aws.amazon.com/redshift/latest/mgmt/managing-vpc-security-groups-for-cluster.html",
    port: 5439,
    dataPort: true,
    add: (s, name, groups) =>
      s.add(TYPES.redshift, name, { clusterIdentifier: name, nodeType: "ra3.xlplus", masterUsername: "app", manageMasterPassword: true, publiclyAccessible: false, encrypted: true, kmsKeyId: UNKNOWN, vpcSecurityGroupIds: ids(groups), tags: acme }, { kmsKeyId: ["acme-key"], vpcSecurityGroupIds: groups }),
  },
];

const sg = (s: Stack, name: string, ingress: Record<string, any>[] = [], deps: string[] = []) =>
  s.add(TYPES.sg, name, { vpcId: UNKNOWN, ingress, tags: acme }, { vpcId: ["main-vpc"], ...(deps.length ? { ingress: deps } : {}) });
const tcp = (port: number, extra: Record<string, any>) => ({ protocol: "tcp", fromPort: port, toPort: port, ...extra });

/** A group whose own grants admit the world on the service's port. */
const worldOn = (svc: Service, g: string) => [
  `only-lbs-face-world ${g} world-facing-non-lb`,
  ...(svc.dataPort ? [`no-world-open-sensitive-port ${g} world-open-port`, `data-ports-tenant-only ${g} data-port-public-cidr`] : []),
];
/** Groups whose grants admit the world on the service's port only together (every world rule blames each). */
const worldAcross = (svc: Service, ...groups: string[]) =>
  groups.flatMap((g) => [
    `only-lbs-face-world ${g} world-facing-across-groups`,
    ...(svc.dataPort ? [`no-world-open-sensitive-port ${g} world-open-port-across-groups`, `data-ports-tenant-only ${g} data-port-public-cidr`] : []),
  ]);
const otherTenant = (svc: Service, g: string) => [`tenant-isolation ${g} group-reference-crosses-tenants`, ...(svc.dataPort ? [`data-ports-tenant-only ${g} data-port-other-owner`] : [])];

for (const svc of SERVICES) {
  describe(`${svc.title} (${svc.doc})`, () => {
    const p = svc.port;
    const cases: Array<[string, (s: Stack) => void, string[]]> = [
      [
        `insecure: its group takes a standalone rule admitting 0.0.0.0/0 on ${p}`,
        (s) => {
          sg(s, "svc-sg");
          s.add(TYPES.sgIngress, "svc-world", { securityGroupId: UNKNOWN, cidrIpv4: "0.0.0.0/0", ipProtocol: "tcp", fromPort: p, toPort: p }, { securityGroupId: ["svc-sg"] });
          svc.add(s, "svc", ["svc-sg"]);
        },
        worldOn(svc, "svc-world"),
      ],
      [
        `insecure: two groups whose halves of the IPv6 internet (global unicast 2000::/3) only together admit it on ${p}`,
        (s) => {
          sg(s, "v6-low", [tcp(p, { ipv6CidrBlocks: ["2000::/4"] })]);
          sg(s, "v6-high", [tcp(p, { ipv6CidrBlocks: ["3000::/4"] })]);
          svc.add(s, "svc", ["v6-low", "v6-high"]);
        },
        worldAcross(svc, "v6-low", "v6-high"),
      ],
      [
        `insecure: its group admits another tenant's application group on ${p}`,
        (s) => {
          s.add(TYPES.sg, "globex-app-sg", { vpcId: UNKNOWN, tags: globex }, { vpcId: ["main-vpc"] });
          sg(s, "svc-sg", [tcp(p, { securityGroups: [UNKNOWN] })], ["globex-app-sg"]);
          svc.add(s, "svc", ["svc-sg"]);
        },
        otherTenant(svc, "svc-sg"),
      ],
      [
        `secure: its group admits only the tenant's own application group on ${p}`,
        (s) => {
          sg(s, "svc-sg", [tcp(p, { securityGroups: [UNKNOWN] })], ["acme-app-sg"]);
          svc.add(s, "svc", ["svc-sg"]);
        },
        [],
      ],
      [
        `secure: two groups, one admitting the tenant's app subnet CIDR and one the tenant's app group, on ${p}`,
        (s) => {
          sg(s, "svc-cidr", [tcp(p, { cidrBlocks: ["10.0.10.0/24"] })]);
          sg(s, "svc-ref", [tcp(p, { securityGroups: [UNKNOWN] })], ["acme-app-sg"]);
          svc.add(s, "svc", ["svc-cidr", "svc-ref"]);
        },
        [],
      ],
    ];
    for (const [title, build, expected] of cases)
      it(title, () => {
        const s = hardened();
        build(s);
        expect(findings(s)).toEqual([...expected].sort());
      });
  });
}

type Case = [title: string, build: (s: Stack) => void, expected: string[]];
function table(cases: Case[]) {
  for (const [title, build, expected] of cases)
    it(title, () => {
      const s = hardened();
      build(s);
      expect(findings(s)).toEqual([...expected].sort());
    });
}

const VPCE = "aws:ec2/vpcEndpoint:VpcEndpoint";
const ICE = "aws:ec2transitgateway/instanceConnectEndpoint:InstanceConnectEndpoint";
const interfaceEndpoint = (s: Stack, name: string, service: string, groups: string[]) =>
  s.add(VPCE, name, { vpcId: UNKNOWN, serviceName: `com.amazonaws.eu-west-1.${service}`, vpcEndpointType: "Interface", privateDnsEnabled: true, subnetIds: [UNKNOWN], securityGroupIds: ids(groups) }, { vpcId: ["main-vpc"], subnetIds: ["acme-app-a"], securityGroupIds: groups });

// https://docs.aws.amazon.com/vpc/latest/privatelink/interface-endpoints.html#interface-endpoint-security-group: an
// interface endpoint's network interfaces take the endpoint's groups, whose inbound rules must admit HTTPS (443) from
// the clients; https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html: a gateway endpoint is a
// route-table target with no network interface and no security group.
describe("VPC endpoints as endpoints of their groups", () => {
  table([
    [
      "insecure: an interface endpoint (ssm) whose group admits 443 from 0.0.0.0/0",
      (s) => {
        sg(s, "vpce-sg", [tcp(443, { cidrBlocks: ["0.0.0.0/0"] })]);
        interfaceEndpoint(s, "ssm-vpce", "ssm", ["vpce-sg"]);
      },
      ["only-lbs-face-world vpce-sg world-facing-non-lb"],
    ],
    [
      "insecure: an interface endpoint (kms) in two groups whose halves of the internet only together admit 443",
      (s) => {
        sg(s, "vpce-low", [tcp(443, { cidrBlocks: ["0.0.0.0/1"] })]);
        sg(s, "vpce-high", [tcp(443, { cidrBlocks: ["128.0.0.0/1"] })]);
        interfaceEndpoint(s, "kms-vpce", "kms", ["vpce-low", "vpce-high"]);
      },
      ["only-lbs-face-world vpce-high world-facing-across-groups", "only-lbs-face-world vpce-low world-facing-across-groups"],
    ],
    [
      "insecure: acme's Secrets Manager interface endpoint admits globex's application group on 443",
      (s) => {
        s.add(TYPES.sg, "globex-app-sg", { vpcId: UNKNOWN, tags: globex }, { vpcId: ["main-vpc"] });
        sg(s, "vpce-sg", [tcp(443, { securityGroups: [UNKNOWN] })], ["globex-app-sg"]);
        interfaceEndpoint(s, "secrets-vpce", "secretsmanager", ["vpce-sg"]);
      },
      ["tenant-isolation vpce-sg group-reference-crosses-tenants"],
    ],
    [
      "secure: an S3 gateway endpoint has no group to open (a route-table target only)",
      (s) => s.add(VPCE, "s3-gateway", { vpcId: UNKNOWN, serviceName: "com.amazonaws.eu-west-1.s3", vpcEndpointType: "Gateway", routeTableIds: [UNKNOWN] }, { vpcId: ["main-vpc"], routeTableIds: ["public-rt"] }),
      [],
    ],
    [
      "secure: an interface endpoint (logs) admitting 443 from the tenant's app subnet CIDR and the tenant's app group",
      (s) => {
        sg(s, "vpce-sg", [tcp(443, { cidrBlocks: ["10.0.10.0/24"] }), tcp(443, { securityGroups: [UNKNOWN] })], ["acme-app-sg"]);
        interfaceEndpoint(s, "logs-vpce", "logs", ["vpce-sg"]);
      },
      [],
    ],
  ]);
});

// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/eice-security-groups.html: an EC2 Instance Connect Endpoint
// connects from its own network interface, so an instance admits it by a rule whose source is the endpoint's group;
// the endpoint needs no inbound rule. bulkhead's convention: admin ports are reached only through what is declared
// the bastion (tagged bulkhead:role=bastion, or in the bastion's group).
describe("EC2 Instance Connect endpoints as endpoints of their groups", () => {
  const eice = (s: Stack, name: string, group: string, subnet = "acme-app-a", tags?: Record<string, string>) =>
    s.add(ICE, name, { subnetId: UNKNOWN, securityGroupIds: [UNKNOWN], preserveClientIp: false, ...(tags ? { tags } : {}) }, { subnetId: [subnet], securityGroupIds: [group] });
  const sshFrom = (s: Stack, name: string, source: string) =>
    s.add(TYPES.sgRule, name, { type: "ingress", securityGroupId: UNKNOWN, sourceSecurityGroupId: UNKNOWN, protocol: "tcp", fromPort: 22, toPort: 22 }, { securityGroupId: ["acme-app-sg"], sourceSecurityGroupId: [source] });
  table([
    [
      "insecure: the endpoint's group admits 22 from 0.0.0.0/0 (a latent door: the endpoint needs no inbound rule)",
      (s) => {
        sg(s, "eice-sg", [tcp(22, { cidrBlocks: ["0.0.0.0/0"] })]);
        eice(s, "eice", "eice-sg");
      },
      ["bastion-only-admin eice-sg admin-port-not-from-bastion", "no-world-open-sensitive-port eice-sg world-open-port", "only-lbs-face-world eice-sg world-facing-non-lb"],
    ],
    [
      "insecure: acme's instances admit SSH from globex's endpoint group (a cross-tenant admin path)",
      (s) => {
        s.add(TYPES.subnet, "globex-a", { vpcId: UNKNOWN, cidrBlock: "10.0.50.0/24", tags: globex }, { vpcId: ["main-vpc"] });
        s.add(TYPES.sg, "globex-eice-sg", { vpcId: UNKNOWN, tags: globex }, { vpcId: ["main-vpc"] });
        eice(s, "globex-eice", "globex-eice-sg", "globex-a", globex);
        sshFrom(s, "ssh-from-globex-eice", "globex-eice-sg");
      },
      ["bastion-only-admin ssh-from-globex-eice admin-port-not-from-bastion", "tenant-isolation ssh-from-globex-eice group-reference-crosses-tenants"],
    ],
    [
      "insecure: an endpoint not declared the bastion (tagged acme only) through which the app group admits SSH: a second admin door",
      (s) => {
        sg(s, "eice-sg");
        eice(s, "acme-eice", "eice-sg", "acme-app-a", acme);
        sshFrom(s, "ssh-from-eice", "eice-sg");
      },
      ["bastion-only-admin ssh-from-eice admin-port-not-from-bastion"],
    ],
    [
      "secure: an endpoint tagged bastion in a group without inbound rules, through which the app group admits SSH",
      (s) => {
        s.add(TYPES.sg, "eice-sg", { vpcId: UNKNOWN, tags: { "bulkhead:role": "bastion" } }, { vpcId: ["main-vpc"] });
        eice(s, "bastion-eice", "eice-sg", "acme-app-a", { "bulkhead:role": "bastion" });
        sshFrom(s, "ssh-from-eice", "eice-sg");
      },
      [],
    ],
    [
      "secure: an endpoint placed in the app group reaches no instance there (the app group admits SSH only from the bastion's group)",
      (s) => eice(s, "app-eice", "acme-app-sg"),
      [],
    ],
  ]);
});

// https://docs.aws.amazon.com/lightsail/latest/userguide/understanding-firewall-and-port-mappings-in-amazon-lightsail.html:
// a Lightsail instance always has a public IP and its own firewall, open by default (Linux/Unix: 22 and 80, plus 443
// for some blueprints; Windows: 3389 and 80) to any address; PutInstancePublicPorts
// (https://docs.aws.amazon.com/lightsail/2016-11-28/api-reference/API_PutInstancePublicPorts.html) replaces every
// rule of that firewall with its own list.
describe("Lightsail: the firewall AWS opens by itself", () => {
  const lightsail = (s: Stack, name: string, extra: Record<string, any> = {}) =>
    s.add(TYPES.lightsail, name, { availabilityZone: "eu-west-1a", blueprintId: "wordpress", bundleId: "nano_3_0", ...extra });
  const publicPorts = (s: Stack, name: string, instance: string, portInfos: Record<string, any>[]) =>
    s.add(TYPES.lightsailPorts, name, { instanceName: UNKNOWN, portInfos }, { instanceName: [instance] });
  const bastion = { tags: { "bulkhead:role": "bastion" } };
  table([
    [
      "insecure: a Windows blueprint with the default firewall opens RDP 3389 to any address",
      (s) => lightsail(s, "win", { blueprintId: "windows_server_2022", bundleId: "small_win_3_0" }),
      ["bastion-only-admin win admin-port-not-from-bastion", "no-world-open-sensitive-port win world-open-port", "only-lbs-face-world win world-facing-non-lb", "public-ip-only-bastion-lb win lightsail-public-ip"],
    ],
    [
      "insecure: InstancePublicPorts replacing the defaults with 443 and MySQL 3306 from 0.0.0.0/0",
      (s) => {
        lightsail(s, "db-box");
        publicPorts(s, "db-box-ports", "db-box", [tcp(443, { cidrs: ["0.0.0.0/0"] }), tcp(3306, { cidrs: ["0.0.0.0/0"] })]);
      },
      ["data-ports-tenant-only db-box-ports data-port-public-cidr", "no-world-open-sensitive-port db-box-ports world-open-port", "only-lbs-face-world db-box-ports world-facing-non-lb", "public-ip-only-bastion-lb db-box lightsail-public-ip"],
    ],
    [
      "insecure: a dual-stack instance whose firewall admits SSH from ::/0 only",
      (s) => {
        lightsail(s, "v6-box", { ipAddressType: "dualstack" });
        publicPorts(s, "v6-box-ports", "v6-box", [tcp(22, { ipv6Cidrs: ["::/0"] })]);
      },
      ["bastion-only-admin v6-box-ports admin-port-not-from-bastion", "no-world-open-sensitive-port v6-box-ports world-open-port", "only-lbs-face-world v6-box-ports world-facing-non-lb", "public-ip-only-bastion-lb v6-box lightsail-public-ip"],
    ],
    [
      "secure: an instance declared the bastion whose firewall admits SSH from one office address only",
      (s) => {
        lightsail(s, "ls-bastion", bastion);
        publicPorts(s, "ls-bastion-ports", "ls-bastion", [tcp(22, { cidrs: ["52.94.10.10/32"] })]);
      },
      [],
    ],
    [
      "secure: an instance declared the bastion whose firewall is emptied (no public port at all)",
      (s) => {
        lightsail(s, "closed-box", bastion);
        publicPorts(s, "closed-ports", "closed-box", []);
      },
      [],
    ],
  ]);
});
