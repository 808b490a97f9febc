/**
 * The ports a managed service serves on the network interfaces it puts in its security groups, and what they carry.
 * A data port is a property of the endpoint, not of the port number: an OpenSearch domain's REST API is its data on
 * HTTPS 443, an EFS mount target's data is NFS 2049, a DAX cluster's 8111/9111. A grant on a group whose members
 * include such an endpoint opens that endpoint's data, whatever the port is elsewhere (443 on a load balancer is a
 * web port). Likewise an admin port is a property of a host with a shell: AWS Transfer Family serves SFTP on 22 with
 * no shell behind it, so 22 on a group whose members are all Transfer servers is the file service, not an admin door.
 *
 * Sources (each service's security-group page):
 *   OpenSearch/Elasticsearch in a VPC, 443 (and 80 unless HTTPS is enforced): https://docs.aws.amazon.com/opensearch-service/latest/developerguide/vpc.html
 *   OpenSearch Serverless VPC endpoints, 443: https://docs.aws.amazon.com/opensearch-service/latest/developerguide/serverless-vpc.html
 *   EFS mount targets, NFS 2049: https://docs.aws.amazon.com/efs/latest/ug/network-access.html
 *   FSx: https://docs.aws.amazon.com/fsx/latest/WindowsGuide/limit-access-security-groups.html (SMB 445),
 *        https://docs.aws.amazon.com/fsx/latest/LustreGuide/limit-access-security-groups.html (988, 1018-1023),
 *        https://docs.aws.amazon.com/fsx/latest/ONTAPGuide/limit-access-security-groups.html (NFS 2049/111/635, SMB 445, iSCSI 3260),
 *        https://docs.aws.amazon.com/fsx/latest/OpenZFSGuide/limit-access-security-groups.html (NFS 2049/111)
 *   Amazon MQ: https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/amazon-mq-basic-elements.html (ActiveMQ 61617,
 *        5671, 61614, 8883, 61619, console 8162), https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/rabbitmq-basic-elements-broker.html
 *        (RabbitMQ 5671, console and management API 443)
 *   DynamoDB Accelerator: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/DAX.create-cluster.console.configure-inbound-rules.html (8111, TLS 9111)
 *   ElastiCache Serverless: https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/set-up.html (Valkey/Redis OSS 6379 + reader 6380, Memcached 11211 + 11212)
 *   MSK: https://docs.aws.amazon.com/msk/latest/developerguide/port-info.html (9092/9094/9096/9098, public access 9194/9196/9198)
 *   Timestream for InfluxDB: https://docs.aws.amazon.com/timestream/latest/developerguide/timestream-for-influx-db-connecting.html (8086 unless `port` says otherwise)
 *   RDS Proxy: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy-setup.html (the engine family's port)
 *   Transfer Family: https://docs.aws.amazon.com/transfer/latest/userguide/create-server-in-vpc.html (SFTP 22, FTP/FTPS 21 and 8192-8200)
 */
import { T } from "./aws-types";
import { enginePort } from "./ports";
import { asList } from "./resource-index";
import type { StackResource } from "./types";

export interface ServicePorts {
  /** Ports that carry the service's data. */
  data: number[];
  /** Ports the service serves as its own protocol with no host shell behind them (never admin ports there). */
  service: number[];
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const num = (v: unknown) => (typeof v === "number" && Number.isInteger(v) && v > 0 ? v : undefined);

const TRANSFER = "aws:transfer/server:Server";
const DAX = "aws:dax/cluster:Cluster";
const INFLUX = ["aws:timestreaminfluxdb/dbInstance:DbInstance", "aws:timestreaminfluxdb/dbCluster:DbCluster"];
const AOSS_VPCE = "aws:opensearch/serverlessVpcEndpoint:ServerlessVpcEndpoint";
const FSX: Record<string, number[]> = {
  "aws:fsx/windowsFileSystem:WindowsFileSystem": [445],
  "aws:fsx/lustreFileSystem:LustreFileSystem": [988, ...range(1018, 1023)],
  "aws:fsx/ontapFileSystem:OntapFileSystem": [111, 445, 635, 2049, 3260],
  "aws:fsx/openZfsFileSystem:OpenZfsFileSystem": [111, 2049],
};
const PROXY_FAMILY: Record<string, number> = { MYSQL: 3306, POSTGRESQL: 5432, SQLSERVER: 1433 };

/** The ports one endpoint resource serves as a managed service (empty for hosts and anything unlisted). */
export function servicePortsOf(r: StackResource): ServicePorts {
  const p = r.props ?? {};
  const data = (...ports: Array<number | undefined>): ServicePorts => ({ data: ports.filter((x): x is number => x !== undefined), service: [] });
  switch (r.type) {
    case T.opensearch:
    case T.elasticsearch:
      // The domain endpoint answers HTTP 80 too unless domainEndpointOptions.enforceHttps is true.
      return data(443, p.domainEndpointOptions?.enforceHttps === true ? undefined : 80, 9200);
    case AOSS_VPCE:
      return data(443);
    case T.efsMountTarget:
      return data(2049);
    case T.mqBroker: {
      const rabbit = typeof p.engineType === "string" && /rabbit/i.test(p.engineType);
      return rabbit ? data(5671, 443) : data(61617, 5671, 61614, 8883, 61619, 8162);
    }
    case DAX:
      return data(8111, 9111);
    case T.cacheServerless:
      return typeof p.engine === "string" && /memcached/i.test(p.engine) ? data(11211, 11212) : data(6379, 6380);
    case T.msk:
      return data(9092, 9094, 9096, 9098, 9194, 9196, 9198);
    case T.mskServerless:
      return data(9098);
    case T.rdsProxy:
      return data(typeof p.engineFamily === "string" ? PROXY_FAMILY[p.engineFamily.toUpperCase()] : undefined);
    case TRANSFER: {
      const protocols = asList(p.protocols).map((x) => String(x).toUpperCase());
      const ftp = protocols.some((x) => x === "FTP" || x === "FTPS");
      const sftp = !protocols.length || protocols.includes("SFTP");
      return { data: [], service: [...(sftp ? [22] : []), ...(ftp ? [21, ...range(8192, 8200)] : [])] };
    }
  }
  if (FSX[r.type]) return data(...FSX[r.type]);
  if (INFLUX.includes(r.type)) return data(num(p.port) ?? 8086);
  if ([T.rdsInstance, T.rdsCluster, T.redshift, T.redshiftWorkgroup, T.cacheCluster, T.cacheRg, T.docdb, T.docdbElastic, T.neptune, T.memorydb].includes(r.type as any))
    return data(num(p.port) ?? enginePort(r.type, p.engine));
  return { data: [], service: [] };
}

/**
 * Per target (a group, or an endpoint for ports AWS opens itself): the data ports of the managed services among its
 * members, and the ports every member serves as a shell-less service protocol (a group with no members, or with any
 * host among them, keeps every admin port).
 */
export function servicePortsByTarget(
  members: (target: string) => string[],
  byUrn: (urn: string) => StackResource | undefined,
): (target: string) => ServicePorts {
  const memo = new Map<string, ServicePorts>();
  return (target) => {
    let v = memo.get(target);
    if (v) return v;
    const ms = members(target);
    const per = ms.map((m) => {
      const r = byUrn(m);
      return r ? servicePortsOf(r) : { data: [], service: [] };
    });
    const data = [...new Set(per.flatMap((x) => x.data))].sort((a, b) => a - b);
    const service = per.length ? per.map((x) => x.service).reduce((acc, s) => acc.filter((p) => s.includes(p))) : [];
    memo.set(target, (v = { data, service }));
    return v;
  };
}
