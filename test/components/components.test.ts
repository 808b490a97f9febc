// The components and both stacks under Pulumi's mock runtime: hardening properties, tag propagation,
// secrets hygiene and address-plan stability, asserted on what the program actually registers.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ACCOUNT, PASSWORD_MARKER, Registration, Run, plaintextLeaks, run, secretWrapped } from "./harness";
import {
  AdminAccess,
  InputPropertiesError,
  ManagedSecret,
  PlatformNetwork,
  TenantDatabase,
  validatePooledDatabaseArgs,
  validateAdminAccessArgs,
  validateManagedSecretArgs,
  validatePlatformNetworkArgs,
  validatePublicLoadBalancerArgs,
  validateTenantArgs,
  validateTenantDatabaseArgs,
} from "../../components";
import { buildPlatform, readPlatformConfig } from "../../stacks/platform";

const T = {
  vpc: "aws:ec2/vpc:Vpc",
  subnet: "aws:ec2/subnet:Subnet",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  sgRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  instance: "aws:ec2/instance:Instance",
  lt: "aws:ec2/launchTemplate:LaunchTemplate",
  eip: "aws:ec2/eip:Eip",
  nat: "aws:ec2/natGateway:NatGateway",
  lb: "aws:lb/loadBalancer:LoadBalancer",
  db: "aws:rds/instance:Instance",
  secret: "aws:secretsmanager/secret:Secret",
  secretPolicy: "aws:secretsmanager/secretPolicy:SecretPolicy",
  secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
  rotation: "aws:secretsmanager/secretRotation:SecretRotation",
  kms: "aws:kms/key:Key",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  flowLog: "aws:ec2/flowLog:FlowLog",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  defaultSg: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  defaultNacl: "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl",
  nacl: "aws:ec2/networkAcl:NetworkAcl",
  doc: "aws:ssm/document:Document",
  tenant: "bulkhead:tenant:Tenant",
};

/** Stack config from a stack file, as `pulumi` would hand it to the program. */
function stackConfig(stack: string): Record<string, unknown> {
  return parse(readFileSync(path.join(__dirname, "../../stacks", `Pulumi.${stack}.yaml`), "utf8")).config;
}
const program = () => buildPlatform(readPlatformConfig());

const tagsOf = (r: Registration): Record<string, string> => r.inputs.tags ?? {};
const tenantOf = (r: Registration | undefined) => (r ? tagsOf(r)["bulkhead:tenant"] : undefined);
const covers = (r: Registration, port: number) =>
  r.inputs.ipProtocol === "-1" || (r.inputs.fromPort <= port && port <= r.inputs.toPort);
const bastionSgIds = (s: Run) => s.byType(T.sg).filter((g) => tagsOf(g)["bulkhead:role"] === "bastion").map((g) => g.id);
const tenantIds = (s: Run) => s.byType(T.tenant).map((t) => t.name);
/** IAM documents arrive as JSON text or, where built from outputs, as objects the provider serialises. */
const statements = (doc: string | { Statement: unknown }): any[] => [].concat((typeof doc === "string" ? JSON.parse(doc) : doc).Statement as any);
/** Mock inputs keep a nested secret wrapped; this is its value. */
const unwrap = (v: any) => (v && typeof v === "object" && "value" in v ? v.value : v);

let dev: Run;
let prod: Run;
beforeAll(async () => {
  dev = await run(program, stackConfig("dev"));
  prod = await run(program, stackConfig("prod"));
});

/** The TenantDatabase of a tenant: dev pools both tenants' databases, which are named apart from dedicated ones. */
const dbOf = (stack: string, tenant: string) => (stack === "dev" ? `${tenant}-pooled-database` : `${tenant}-database`);

describe.each(["dev", "prod"])("the %s stack", (stack) => {
  const s = () => (stack === "dev" ? dev : prod);
  const region = stack === "dev" ? "us-east-1" : "eu-west-1";

  it("builds the tenants its config lists", () => {
    expect(tenantIds(s())).toEqual(stack === "dev" ? ["acme", "globex"] : ["acme", "globex", "initech", "umbrella", "hooli"]);
  });

  it("gives the SSM bastion no inbound rule at all", () => {
    const bastions = bastionSgIds(s());
    expect(bastions.length).toBe(stack === "dev" ? 1 : 2); // prod: the silo tenant has its own
    for (const id of bastions) {
      expect(s().byType(T.ingress).filter((r) => r.inputs.securityGroupId === id)).toEqual([]);
      expect(s().byId(id)!.inputs.ingress ?? []).toEqual([]);
    }
    expect(s().byType(T.sgRule)).toEqual([]); // no legacy rule resources that could add one
    for (const i of s().byType(T.instance)) expect(tagsOf(i)["bulkhead:role"]).toBe("bastion");
  });

  it("admits admin ports only from a bastion group of the same VPC", () => {
    const bastions = bastionSgIds(s());
    const admin = s().byType(T.ingress).filter((r) => [22, 3389, 5985, 5900].some((p) => covers(r, p)));
    expect(admin.length).toBe(tenantIds(s()).length);
    for (const r of admin) {
      expect(bastions).toContain(r.inputs.referencedSecurityGroupId);
      expect(r.inputs.cidrIpv4 ?? r.inputs.cidrIpv6 ?? r.inputs.prefixListId).toBeUndefined();
      expect(s().byId(r.inputs.referencedSecurityGroupId)!.inputs.vpcId).toBe(s().byId(r.inputs.securityGroupId)!.inputs.vpcId);
    }
    for (const g of s().byType(T.sg)) expect(g.inputs.ingress ?? []).toEqual([]); // every rule is a standalone, checked resource
  });

  it("admits each database port only from its own tenant's app and rotation groups", () => {
    const dbs = s().byType(T.db);
    // dev: both tenants pooled, one shared server per engine; prod: an instance per tenant.
    expect(dbs.map((d) => d.name).sort()).toEqual(stack === "dev" ? ["pooled-mysql-db", "pooled-postgres-db"] : tenantIds(s()).map((t) => `${t}-database-db`).sort());
    let groups = 0;
    for (const db of dbs) {
      const port = db.inputs.engine === "postgres" ? 5432 : 3306;
      // A dedicated instance has its tenant's group; a shared server one group per member tenant, none shared.
      for (const sgId of db.inputs.vpcSecurityGroupIds) {
        const tenant = tenantOf(s().byId(sgId))!;
        expect(tenantIds(s())).toContain(tenant);
        if (tenantOf(db) !== undefined) expect(tenant).toBe(tenantOf(db));
        const rules = s().byType(T.ingress).filter((r) => r.inputs.securityGroupId === sgId);
        expect(rules.map((r) => r.name).sort()).toEqual([`${dbOf(stack, tenant)}-from-app`, `${dbOf(stack, tenant)}-from-rotation`]);
        for (const r of rules) {
          expect([r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort]).toEqual(["tcp", port, port]);
          expect(tenantOf(s().byId(r.inputs.referencedSecurityGroupId))).toBe(tenant);
        }
        expect(s().byId(rules.find((r) => r.name.endsWith("from-app"))!.inputs.referencedSecurityGroupId)!.name).toBe(`${tenant}-app-sg`);
        groups++;
      }
    }
    expect(groups).toBe(tenantIds(s()).length);
    // No rule anywhere opens a data port from a CIDR or from another tenant.
    for (const r of s().byType(T.ingress).filter((x) => [3306, 5432].some((p) => covers(x, p)))) {
      expect(r.inputs.referencedSecurityGroupId).toBeDefined();
      expect(tenantOf(s().byId(r.inputs.referencedSecurityGroupId))).toBe(tenantOf(s().byId(r.inputs.securityGroupId)));
    }
  });

  it("never references one tenant's group from another tenant's group, in either direction", () => {
    const refs = [...s().byType(T.ingress), ...s().byType(T.egress)].filter((r) => r.inputs.referencedSecurityGroupId !== undefined);
    expect(refs.length).toBeGreaterThan(20);
    for (const r of refs) {
      const a = tenantOf(s().byId(r.inputs.securityGroupId));
      const b = tenantOf(s().byId(r.inputs.referencedSecurityGroupId));
      // Untagged = the shared platform (bastion, load balancer, endpoints); a tenant meets only those.
      expect([r.name, a === undefined || b === undefined || a === b]).toEqual([r.name, true]);
    }
    for (const r of s().byType(T.ingress).filter((x) => x.inputs.referencedSecurityGroupId === undefined)) {
      expect(tenantOf(s().byId(r.inputs.securityGroupId))).toBe(tenantOf(r)); // CIDR rules stay on their owner's group
    }
  });

  it("opens to the world only 443 on internet-facing load balancer groups", () => {
    const world = s().byType(T.ingress).filter((r) => r.inputs.cidrIpv4 !== undefined || r.inputs.cidrIpv6 !== undefined);
    const lbSgs = s().byType(T.lb).filter((l) => l.inputs.internal === false).flatMap((l) => l.inputs.securityGroups);
    expect(world.length).toBe(lbSgs.length);
    for (const r of world) {
      expect(r.inputs.cidrIpv4).toBe("0.0.0.0/0");
      expect([r.inputs.fromPort, r.inputs.toPort]).toEqual([443, 443]);
      expect(lbSgs).toContain(r.inputs.securityGroupId);
    }
  });

  it("puts public IPs only on NAT gateways and load balancers", () => {
    for (const sn of s().byType(T.subnet)) expect(sn.inputs.mapPublicIpOnLaunch).toBe(false);
    for (const i of s().byType(T.instance)) expect(i.inputs.associatePublicIpAddress).toBe(false);
    for (const lt of s().byType(T.lt)) {
      expect(lt.inputs.networkInterfaces.map((n: any) => n.associatePublicIpAddress)).toEqual(["false"]);
    }
    const natAllocations = s().byType(T.nat).map((n) => n.inputs.allocationId);
    expect(s().byType(T.eip).map((e) => e.id).sort()).toEqual([...natAllocations].sort());
    for (const db of s().byType(T.db)) expect(db.inputs.publiclyAccessible).toBe(false);
    expect(s().byType(T.nat).length).toBe(stack === "dev" ? 1 : 3 + 3); // single vs perAz (platform + silo)
  });

  it("requires IMDSv2 and encrypts EBS on every instance and launch template", () => {
    const compute = [...s().byType(T.instance), ...s().byType(T.lt)];
    expect(compute.length).toBeGreaterThan(2);
    for (const c of compute) expect(c.inputs.metadataOptions.httpTokens).toBe("required");
    for (const i of s().byType(T.instance)) expect(i.inputs.rootBlockDevice.encrypted).toBe(true);
    for (const lt of s().byType(T.lt)) expect(lt.inputs.blockDeviceMappings.map((b: any) => b.ebs.encrypted)).toEqual(["true"]);
  });

  it("logs every VPC's flows to a KMS-encrypted log group and adopts its default SG and NACL with no rules", () => {
    const vpcs = s().byType(T.vpc);
    expect(vpcs.length).toBe(stack === "dev" ? 1 : 2);
    for (const v of vpcs) {
      const flow = s().byType(T.flowLog).filter((f) => f.inputs.vpcId === v.id);
      expect(flow.map((f) => f.inputs.trafficType)).toEqual(["ALL"]);
      const group = s().byType(T.logGroup).find((g) => `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:loggroup/${g.name}` === flow[0]!.inputs.logDestination)!;
      expect(group.inputs.name).toBe(`/bulkhead/test/flowlogs/${v.name.replace(/-vpc$/, "")}`);
      expect(group.inputs.kmsKeyId).toMatch(/^arn:aws:kms:/);
      expect(group.inputs.retentionInDays).toBe(stack === "dev" ? 30 : 365);
      const dsg = s().byType(T.defaultSg).filter((d) => d.inputs.vpcId === v.id);
      expect(dsg.map((d) => [d.inputs.ingress, d.inputs.egress])).toEqual([[[], []]]);
      const dnacl = s().byType(T.defaultNacl).filter((d) => d.inputs.defaultNetworkAclId === `${v.name}-default-acl`);
      expect(dnacl.map((d) => [d.inputs.ingress, d.inputs.egress, d.inputs.subnetIds])).toEqual([[[], [], undefined]]);
    }
  });

  it("never lets a NACL admit 22 or 3389 from the world, while the public tier admits 80/443 and return traffic", () => {
    for (const n of s().byType(T.nacl)) {
      for (const r of n.inputs.ingress) {
        if (r.cidrBlock !== "0.0.0.0/0") continue;
        for (const port of [22, 3389]) expect(r.protocol !== "-1" && (r.fromPort > port || r.toPort < port)).toBe(true);
      }
    }
    const pub = s().byType(T.nacl).find((n) => n.name === "platform-public-nacl")!;
    const world = pub.inputs.ingress.filter((r: any) => r.cidrBlock === "0.0.0.0/0").map((r: any) => [r.fromPort, r.toPort]);
    expect(world).toEqual([[443, 443], [80, 80], [1024, 3388], [3390, 65535]]);
  });

  it("gives every tenant its own KMS key, used by its secrets and database", () => {
    const keys = new Map<string, Registration>();
    for (const k of s().byType(T.kms)) if (tenantOf(k) && k.name === `${tenantOf(k)}-key`) keys.set(tenantOf(k)!, k);
    expect([...keys.keys()].sort()).toEqual([...tenantIds(s())].sort());
    for (const sec of s().byType(T.secret)) expect(sec.inputs.kmsKeyId).toBe(keys.get(tenantOf(sec)!)!.inputs.arn ?? `arn:aws:kms:us-east-1:${ACCOUNT}:key/${tenantOf(sec)}-key`);
    for (const db of s().byType(T.db)) {
      // A shared server holds several tenants' data: it has a customer-managed key of its own, no tenant's.
      const owner = tenantOf(db) ?? db.name.replace(/-db$/, "");
      const arn = `arn:aws:kms:us-east-1:${ACCOUNT}:key/${owner}-key`;
      expect([db.inputs.kmsKeyId, db.inputs.masterUserSecretKmsKeyId, db.inputs.storageEncrypted]).toEqual([arn, arn, true]);
    }
  });

  it("scopes each secret's policy to its tenant's role and rotation function", () => {
    const policies = s().byType(T.secretPolicy);
    expect(policies.length).toBe(s().byType(T.secret).length);
    for (const p of policies) {
      const tenant = p.name.split("-")[0]!;
      const rotationRole = `${dbOf(stack, tenant)}-rotation-role`;
      expect(p.inputs.blockPublicPolicy).toBe(true);
      const [st] = statements(p.inputs.policy);
      expect(st).toMatchObject({ Effect: "Deny", Principal: "*", Action: "secretsmanager:GetSecretValue" });
      const allowed: string[] = st.Condition.ArnNotEquals["aws:PrincipalArn"];
      expect(allowed).toEqual([
        `arn:aws:iam::${ACCOUNT}:role/${tenant}-role`,
        `arn:aws:iam::${ACCOUNT}:role/${rotationRole}`,
        `arn:aws:iam::${ACCOUNT}:role/bulkhead-${stack}-deployer`, // from config: deployerRoleArns
      ]);
      for (const arn of allowed.slice(0, 2)) expect(tenantOf(s().one(T.role, arn.split("/")[1]!))).toBe(tenant);
    }
    // The tenant role reads only its own namespace, where every secret of that tenant (and no other) lives.
    for (const t of tenantIds(s())) {
      const [read, decrypt] = statements(s().one(T.rolePolicy, `${t}-read-secrets`).inputs.policy);
      const ns = `bulkhead/bulkhead-platform/test/${t}/`;
      expect(read.Resource).toBe(`arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:${ns}*`);
      for (const x of s().byType(T.secret)) expect(x.inputs.namePrefix.startsWith(ns)).toBe(tenantOf(x) === t);
      expect(decrypt.Condition.StringEquals["aws:ResourceTag/bulkhead:tenant"]).toBe(t);
    }
  });

  it("rotates every secret (or carries a dated exemption) and logs sessions to an encrypted group", () => {
    const rotated = new Set(s().byType(T.rotation).map((r) => r.inputs.secretId));
    for (const sec of s().byType(T.secret)) {
      expect(rotated.has(`arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret/${sec.name}`) || tagsOf(sec)["bulkhead:exempt:secrets-rotation"] !== undefined).toBe(true);
      expect(tagsOf(sec)["bulkhead:managed"]).toBe("true");
    }
    const docs = s().byType(T.doc);
    expect(docs.map((d) => [d.inputs.name, d.inputs.documentType])).toEqual([["SSM-SessionManagerRunShell", "Session"]]);
    const inputs = JSON.parse(docs[0]!.inputs.content).inputs;
    expect(inputs.cloudWatchLogGroupName).toBe("/bulkhead/test/sessions/admin");
    expect(s().one(T.logGroup, "admin-sessions").inputs).toMatchObject({ name: "/bulkhead/test/sessions/admin", kmsKeyId: `arn:aws:kms:us-east-1:${ACCOUNT}:key/admin-sessions-key` });
    expect(inputs.kmsKeyId).toBe("alias/bulkhead/test/admin-sessions");
    expect(s().one("aws:kms/alias:Alias", "admin-sessions-key-alias").inputs).toEqual({ name: "alias/bulkhead/test/admin-sessions", targetKeyId: "admin-sessions-key-id" });
  });

  it("protects databases from deletion in prod and carries a dated exemption in dev", () => {
    for (const db of s().byType(T.db)) {
      expect(db.inputs.deletionProtection).toBe(stack === "prod");
      expect(db.inputs.manageMasterUserPassword).toBe(true);
      expect(db.inputs.password).toBeUndefined();
      const tag = tagsOf(db)["bulkhead:exempt:rds-deletion-protection"];
      if (stack === "dev") expect(tag).toMatch(/^\d{4}-\d{2}-\d{2} \S/);
      else expect(tag).toBeUndefined();
      expect(db.inputs.backupRetentionPeriod).toBe(stack === "dev" ? 1 : 14);
    }
  });

  it("never grants Action * on Resource * to a role", () => {
    for (const p of s().byType(T.rolePolicy)) {
      for (const st of statements(p.inputs.policy)) {
        const actions = [].concat(st.Action);
        expect(actions.some((a) => a === "*" || a === "*:*") && [].concat(st.Resource).includes("*" as never)).toBe(false);
      }
    }
  });

  it("tags everything a tenant owns with its id, the platform with none", () => {
    const untaggable = new Set([
      "aws:ec2/route:Route", "aws:ec2/routeTableAssociation:RouteTableAssociation", T.rolePolicy,
      "aws:iam/rolePolicyAttachment:RolePolicyAttachment", T.secretPolicy, T.secretVersion, T.rotation,
      "aws:lambda/permission:Permission", "aws:kms/alias:Alias", "aws:autoscaling/group:Group", "random:index/randomPassword:RandomPassword",
    ]);
    const tenants = tenantIds(s());
    let checked = 0;
    for (const r of s().resources) {
      if (!r.type.startsWith("aws:") || untaggable.has(r.type)) continue;
      // A tenant's own security group on a shared server is named by the server (`pooled-postgres-door-acme`).
      const owner = tenants.find((t) => r.name.startsWith(`${t}-`) || (r.name.startsWith("pooled-") && r.name.endsWith(`-door-${t}`)));
      expect([r.name, tenantOf(r)]).toEqual([r.name, owner]);
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
    for (const g of s().byType("aws:autoscaling/group:Group")) {
      expect(g.inputs.tags).toContainEqual({ key: "bulkhead:tenant", value: g.name.replace(/-asg$/, ""), propagateAtLaunch: true });
    }
  });

  it("registers no plaintext credential in any input, component output or stack output", () => {
    const leaks = [
      ...s().resources.flatMap((r) => plaintextLeaks(r.raw).map((p) => `${r.type} ${r.name} ${p}`)),
      ...s().outputs.flatMap((o) => plaintextLeaks(o.raw).map((p) => `${o.urn} ${p}`)),
    ];
    expect(leaks).toEqual([]);
    // The scan is not vacuous: each generated credential does reach Secrets Manager, wrapped as a secret.
    const versions = s().byType(T.secretVersion);
    expect(versions.length).toBe(tenantIds(s()).length);
    for (const v of versions) {
      expect(secretWrapped(v.raw.secretStringWo)).toBe(true);
      expect(v.raw.secretString).toBeUndefined();
      const tenant = v.name.replace(/(-pooled)?-database-credential-version$/, "");
      const username = stack === "dev" ? `t_${tenant}_app` : "app"; // pooled: named by the tenant, unique on the server
      expect(JSON.parse(unwrap(v.inputs.secretStringWo))).toMatchObject({ username, password: expect.stringContaining(PASSWORD_MARKER) });
    }
  });

  it("outputs secret ARNs, database endpoints and the bastion session command", () => {
    const r = s().result;
    expect(r.bastionSessionCommand).toBe("aws ssm start-session --target admin-bastion-id");
    for (const t of tenantIds(s())) {
      expect(r.tenants[t].secretArns).toEqual([`arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret/${dbOf(stack, t)}-credential-secret`]);
      const host = stack === "dev" ? "pooled-(postgres|mysql)-db" : `${t}-database-db`;
      expect(r.tenants[t].databaseEndpoint).toMatch(new RegExp(`^${host}\\.db\\.internal:(5432|3306)$`));
    }
    expect(Object.keys(r.pooledDatabases).sort()).toEqual(stack === "dev" ? ["pooled-mysql", "pooled-postgres"] : []);
  });
});

describe("the silo tenant (prod)", () => {
  it("gets its own VPC with its own CIDR, bastion and load balancer, and is never peered", () => {
    const vpc = prod.one(T.vpc, "hooli-network-vpc");
    expect([vpc.inputs.cidrBlock, tenantOf(vpc)]).toEqual(["10.64.0.0/20", "hooli"]);
    expect(prod.one(T.sg, "hooli-app-sg").inputs.vpcId).toBe(vpc.id);
    expect(prod.one(T.db, "hooli-database-db").inputs.dbSubnetGroupName).toBe("hooli-database-subnets-x");
    expect(prod.result.tenants.hooli.bastionSessionCommand).toBe("aws ssm start-session --target hooli-admin-bastion-id");
    expect(prod.resources.filter((r) => /Peering|TransitGateway|transitgateway\/(vpcAttachment|route)/i.test(r.type))).toEqual([]);
    for (const sn of prod.byType(T.subnet).filter((x) => x.inputs.vpcId === vpc.id)) expect(tenantOf(sn)).toBe("hooli");
  });
});

describe("the pooled database tier", () => {
  const rotationPolicy = (s: Run, t: string, db = `${t}-pooled-database`) => statements(s.one(T.rolePolicy, `${db}-rotation-policy`).inputs.policy);

  it("dev: pooled tenants create no RDS instance, security group, subnet or parameter group of their own", () => {
    for (const t of ["acme", "globex"]) {
      for (const role of ["db", "sg", "subnets", "params"]) {
        expect(dev.resources.filter((r) => r.name === `${t}-database-${role}` || r.name === `${t}-pooled-database-${role}`)).toEqual([]);
      }
      expect(dev.byType(T.db).filter((d) => tenantOf(d) === t)).toEqual([]);
    }
    expect(dev.byType("bulkhead:data:PooledDatabase").map((c) => c.name).sort()).toEqual(["pooled-mysql", "pooled-postgres"]);
  });

  it("dev: each shared server is a private, encrypted RDS instance with its own key, an RDS-managed master secret and one group per member tenant", () => {
    for (const [server, engine, tenant] of [["pooled-postgres", "postgres", "acme"], ["pooled-mysql", "mysql", "globex"]] as const) {
      const db = dev.one(T.db, `${server}-db`);
      const key = dev.one(T.kms, `${server}-key`);
      expect(tenantOf(key)).toBeUndefined();
      expect(key.inputs.enableKeyRotation).toBe(true);
      expect(db.inputs).toMatchObject({
        engine, storageEncrypted: true, kmsKeyId: key.inputs.arn ?? `arn:aws:kms:us-east-1:${ACCOUNT}:key/${server}-key`,
        manageMasterUserPassword: true, publiclyAccessible: false, instanceClass: "db.t4g.micro", maxAllocatedStorage: 50,
        deletionProtection: false, backupRetentionPeriod: 1,
      });
      expect(db.inputs.masterUserSecretKmsKeyId).toBe(db.inputs.kmsKeyId);
      expect([db.inputs.password, db.inputs.dbName]).toEqual([undefined, undefined]);
      expect(tagsOf(db)["bulkhead:exempt:rds-deletion-protection"]).toMatch(/^2027-06-30 dev databases/);
      expect(tenantOf(db)).toBeUndefined();
      expect(dev.one("aws:rds/subnetGroup:SubnetGroup", `${server}-subnets`).inputs.subnetIds).toEqual(["platform-data-a-id", "platform-data-b-id"]);
      const door = dev.one(T.sg, `${server}-door-${tenant}`);
      expect(db.inputs.vpcSecurityGroupIds).toEqual([door.id]);
      expect(tenantOf(door)).toBe(tenant);
      // The door has no egress, and its only ingress is the tenant's app and rotation groups (checked per stack above).
      expect(dev.byType(T.egress).filter((r) => r.inputs.securityGroupId === door.id)).toEqual([]);
      expect(dev.byType(T.egress).filter((r) => r.inputs.referencedSecurityGroupId === door.id).map((r) => r.name).sort())
        .toEqual([`${tenant}-pooled-database-app-to-db`, `${tenant}-pooled-database-rotation-to-db`]);
    }
  });

  it("dev: the tenant's credential names its own database and users on the server, pooled, with a session cap", () => {
    for (const [tenant, server] of [["acme", "pooled-postgres"], ["globex", "pooled-mysql"]]) {
      const v = JSON.parse(unwrap(dev.one(T.secretVersion, `${tenant}-pooled-database-credential-version`).inputs.secretStringWo));
      expect({ ...v, password: undefined }).toEqual({
        engine: server === "pooled-postgres" ? "postgres" : "mysql",
        host: `${server}-db.db.internal`,
        port: server === "pooled-postgres" ? 5432 : 3306,
        dbname: `t_${tenant}`,
        username: `t_${tenant}_app`,
        masterarn: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:rds!${server}-db`,
        placement: "pooled",
        connectionlimit: 20,
        password: undefined,
      });
      // Encrypted with the tenant's key, readable by the tenant's role (and its rotation function, the deployer) only.
      expect(dev.one(T.secret, `${tenant}-pooled-database-credential-secret`).inputs.kmsKeyId).toBe(`arn:aws:kms:us-east-1:${ACCOUNT}:key/${tenant}-key`);
    }
  });

  it("dev: the rotation function reads exactly the server's master secret and decrypts with exactly its key, via Secrets Manager", () => {
    for (const [tenant, server] of [["acme", "pooled-postgres"], ["globex", "pooled-mysql"]]) {
      // The shared key's grant is a policy of its own: at preview every key ARN is unknown and an unknown Resource is
      // resolved through its policy's dependencies, so the tenant key's statement must not share them with it.
      const masterKey = statements(dev.one(T.rolePolicy, `${tenant}-pooled-database-rotation-master-key-policy`).inputs.policy);
      expect(masterKey.map((x) => x.Sid)).toEqual(["DecryptTheMasterSecret"]);
      expect(rotationPolicy(dev, tenant).map((x) => x.Sid)).not.toContain("DecryptTheMasterSecret");
      const st = Object.fromEntries([...rotationPolicy(dev, tenant), ...masterKey].map((x) => [x.Sid, x]));
      expect(st.ReadTheMasterSecret.Resource).toEqual([`arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:rds!${server}-db`]);
      expect(st.ReadTheMasterSecret.Action).toEqual(["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:ListSecretVersionIds"]);
      expect(st.DecryptTheMasterSecret).toEqual({
        Sid: "DecryptTheMasterSecret", Effect: "Allow", Action: ["kms:Decrypt"],
        Resource: [`arn:aws:kms:us-east-1:${ACCOUNT}:key/${server}-key`],
        Condition: { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } },
      });
      expect(st.UseTheTenantKey.Resource).toEqual([`arn:aws:kms:us-east-1:${ACCOUNT}:key/${tenant}-key`]);
    }
    // Dedicated tenants' functions have no second key to decrypt with.
    for (const t of ["acme", "globex"]) {
      expect(rotationPolicy(prod, t, `${t}-database`).map((x) => x.Sid)).not.toContain("DecryptTheMasterSecret");
      expect(prod.resources.filter((r) => r.name === `${t}-database-rotation-master-key-policy`)).toEqual([]);
    }
  });

  it("dev: outputs what a tenant stack needs to attach to each server", () => {
    expect(dev.result.pooledDatabases).toEqual({
      "pooled-postgres": {
        engine: "postgres", pool: 0, endpoint: "pooled-postgres-db.db.internal", port: 5432,
        masterSecretArn: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:rds!pooled-postgres-db`,
        kmsKeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/pooled-postgres-key`,
        securityGroupIds: { acme: "pooled-postgres-door-acme-id" },
      },
      "pooled-mysql": {
        engine: "mysql", pool: 0, endpoint: "pooled-mysql-db.db.internal", port: 3306,
        masterSecretArn: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:rds!pooled-mysql-db`,
        kmsKeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/pooled-mysql-key`,
        securityGroupIds: { globex: "pooled-mysql-door-globex-id" },
      },
    });
  });

  it("mixed placements: pool slots get their own servers, dedicated and silo tenants keep their instances", async () => {
    const cfg = stackConfig("prod");
    const tenants = (cfg["bulkhead-platform:tenants"] as any[]).map((t) => {
      if (t.tenantId === "acme" || t.tenantId === "initech") return { ...t, database: { engine: "postgres", placement: "pooled", connectionLimit: 50 } };
      if (t.tenantId === "umbrella") return { ...t, database: { engine: "postgres", placement: "pooled", pool: 1 } };
      return t;
    });
    const s = await run(program, { ...cfg, "bulkhead-platform:tenants": tenants, "bulkhead-platform:pooledDatabase": { multiAz: true } });
    expect(s.byType(T.db).map((d) => d.name).sort()).toEqual(["globex-database-db", "hooli-database-db", "pooled-postgres-1-db", "pooled-postgres-db"]);
    const shared = s.one(T.db, "pooled-postgres-db");
    expect(shared.inputs.vpcSecurityGroupIds).toEqual(["pooled-postgres-door-acme-id", "pooled-postgres-door-initech-id"]);
    // The shared server takes pooledDatabase, not the dedicated instances' databaseDefaults (db.t4g.medium, 50 GiB).
    expect(shared.inputs).toMatchObject({ instanceClass: "db.t4g.small", allocatedStorage: 20, multiAz: true, deletionProtection: true, backupRetentionPeriod: 7 });
    expect(s.one(T.db, "pooled-postgres-1-db").inputs.vpcSecurityGroupIds).toEqual(["pooled-postgres-1-door-umbrella-id"]);
    expect(s.one(T.db, "globex-database-db").inputs.instanceClass).toBe("db.t4g.medium");
    expect(JSON.parse(unwrap(s.one(T.secretVersion, "acme-pooled-database-credential-version").inputs.secretStringWo)).connectionlimit).toBe(50);
    expect(JSON.parse(unwrap(s.one(T.secretVersion, "globex-database-credential-version").inputs.secretStringWo)).placement).toBeUndefined();
    expect(Object.keys(s.result.pooledDatabases).sort()).toEqual(["pooled-postgres", "pooled-postgres-1"]);
    expect(s.result.pooledDatabases["pooled-postgres-1"].pool).toBe(1);
  });

  it("moving a tenant (movingFrom): both databases stand side by side, nothing deployed is renamed or resized", async () => {
    const cfg = stackConfig("prod");
    const withAcme = (database: unknown) => ({
      ...cfg,
      "bulkhead-platform:tenants": (cfg["bulkhead-platform:tenants"] as any[]).map((t) => (t.tenantId === "acme" ? { ...t, database } : t)),
    });
    const moving = await run(program, withAcme({ engine: "postgres", placement: "pooled", movingFrom: "dedicated" }));
    const names = (r: Run) => new Set(r.resources.filter((x) => x.name.startsWith("acme-database-")).map((x) => `${x.type}::${x.name}`));
    // Every resource of the deployed dedicated database is still there, under the same name, with the same size.
    expect([...names(prod)].filter((n) => !names(moving).has(n))).toEqual([]);
    expect(moving.one(T.db, "acme-database-db").inputs).toMatchObject({ instanceClass: "db.t4g.medium", allocatedStorage: 50, multiAz: true });
    expect(moving.one(T.db, "pooled-postgres-db").inputs.vpcSecurityGroupIds).toEqual(["pooled-postgres-door-acme-id"]);
    // The app sees both credentials (new placement first) and the new endpoint; it switches when the data is across.
    expect(moving.result.tenants.acme.secretArns).toEqual([
      `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret/acme-pooled-database-credential-secret`,
      `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret/acme-database-credential-secret`,
    ]);
    expect(moving.result.tenants.acme.databaseEndpoint).toBe("pooled-postgres-db.db.internal:5432");
    // Done: movingFrom removed, the dedicated side goes and the pooled side keeps its names.
    const done = await run(program, withAcme({ engine: "postgres", placement: "pooled" }));
    expect(names(done).size).toBe(0);
    const pooledNames = (r: Run) => r.resources.filter((x) => x.name.startsWith("acme-pooled-database-")).map((x) => `${x.type}::${x.name}`).sort();
    expect(pooledNames(done)).toEqual(pooledNames(moving));
    expect(pooledNames(done).length).toBeGreaterThan(10);
  });

  it("rejects bad placements by the stack config key the user wrote, before any resource exists", async () => {
    const cfg = stackConfig("dev");
    const tenants = cfg["bulkhead-platform:tenants"] as any[];
    let err: unknown;
    const s = await run(() => {
      try {
        return program();
      } catch (e) {
        err = e;
        return {};
      }
    }, {
      ...cfg,
      "bulkhead-platform:pooledDatabase": { tenantsPerServer: 20, backupRetentionDays: 0 },
      "bulkhead-platform:tenants": [
        { ...tenants[0], database: { engine: "postgres", placement: "shared" } },
        { ...tenants[1], database: { engine: "mysql", placement: "pooled", instanceClass: "db.t4g.large", username: "bob", connectionLimit: 0 } },
        { tenantId: "hooli", isolation: "silo", cidrBlock: "10.64.0.0/20", database: { engine: "postgres", placement: "pooled" } },
      ],
    });
    expect(err).toBeInstanceOf(InputPropertiesError);
    expect((err as InputPropertiesError).problems.map((x) => [x.field, x.value])).toEqual([
      ["bulkhead-platform:tenants[0].database.placement", "shared"],
      ["bulkhead-platform:tenants[1].database.instanceClass", "db.t4g.large"],
      ["bulkhead-platform:tenants[1].database.username", "bob"],
      ["bulkhead-platform:tenants[1].database.connectionLimit", 0],
      ["bulkhead-platform:tenants[2].database.placement", "pooled"],
      ["bulkhead-platform:pooledDatabase.backupRetentionDays", 0],
      ["bulkhead-platform:pooledDatabase.tenantsPerServer", 20],
    ]);
    expect((err as Error).message).toContain('tenants[0].database.placement = "shared": unknown database placement. Fix: use "dedicated" (an RDS instance of its own, the default) or "pooled"');
    expect(s.resources.map((r) => r.type)).toEqual(["pulumi:pulumi:Stack"]);
  });

  it("PooledDatabase and TenantDatabase name every bad argument", () => {
    expect(() => validatePooledDatabaseArgs("p", { engine: "oracle" as any, tenantIds: ["acme", "acme", "Bad"], vpcId: "v", subnetIds: [], tenantsPerServer: 2, tags: { "bulkhead:tenant": "acme" } }))
      .toThrow(/PooledDatabase "p": 5 invalid inputs\n  - engine = "oracle": unknown engine[\s\S]*tenantIds\[1\] = "acme": listed twice[\s\S]*tenantIds\[2\] = "Bad"[\s\S]*tenantIds = \["acme","acme","Bad"\]: 3 tenants need 3 security groups on the server; tenantsPerServer is 2[\s\S]*tags.bulkhead:tenant = "acme"/);
    const base = {
      tenantId: "acme", engine: "postgres" as const, kmsKeyArn: "k", vpcId: "v", subnetIds: ["a", "b"], appSecurityGroupId: "sg-app",
      endpointSecurityGroupId: "sg-ep", readerRoleArns: ["arn:aws:iam::123456789012:role/acme"],
    };
    const server = { engine: "mysql" as const, address: "h", port: 3306, masterSecretArn: "m", kmsKeyArn: "k2", securityGroupId: "sg-door" };
    expect(() => validateTenantDatabaseArgs("d", { ...base, placement: "pooled" })).toThrow(/server = \(unset\): a pooled database lives on a shared server/);
    expect(() => validateTenantDatabaseArgs("d", { ...base, placement: "pooled", server })).toThrow(/server.engine = "mysql": the shared server runs mysql, the tenant asks for postgres/);
    expect(() => validateTenantDatabaseArgs("d", { ...base, server: { ...server, engine: "postgres" } })).toThrow(/server = "\(given\)": only a pooled database uses a shared server/);
  });

  it("TenantDatabase on a shared server: rules on its door only, master key passed to its rotation", async () => {
    const s = await run(() => void new TenantDatabase("acme-db", {
      tenantId: "acme", engine: "postgres", kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/acme", vpcId: "vpc-1", subnetIds: ["a", "b"],
      appSecurityGroupId: "sg-app", endpointSecurityGroupId: "sg-ep", readerRoleArns: ["arn:aws:iam::123456789012:role/acme"],
      placement: "pooled", connectionLimit: 7,
      server: { engine: "postgres", address: "shared.internal", port: 5432, masterSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!x", kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/shared", securityGroupId: "sg-door" },
    }));
    expect(s.byType(T.db)).toEqual([]);
    expect(s.byType(T.sg).map((g) => g.name)).toEqual(["acme-db-rotation-sg"]);
    expect(s.byType(T.ingress).filter((r) => r.inputs.securityGroupId === "sg-door").map((r) => [r.name, r.inputs.referencedSecurityGroupId]))
      .toEqual([["acme-db-from-app", "sg-app"], ["acme-db-from-rotation", "acme-db-rotation-sg-id"]]);
    const v = JSON.parse(unwrap(s.one(T.secretVersion, "acme-db-credential-version").inputs.secretStringWo));
    expect([v.host, v.dbname, v.username, v.placement, v.connectionlimit]).toEqual(["shared.internal", "t_acme", "t_acme_app", "pooled", 7]);
  });
});

describe("stability", () => {
  it("adding a tenant and an AZ (listed in any order) leaves every existing name and CIDR unchanged", async () => {
    const cfg = stackConfig("dev");
    const grown = {
      ...cfg,
      "bulkhead-platform:availabilityZones": ["us-east-1c", "us-east-1b", "us-east-1a"],
      "bulkhead-platform:tenants": [{ tenantId: "initech", database: { engine: "postgres" } }, ...(cfg["bulkhead-platform:tenants"] as unknown[])],
    };
    const after = await run(program, grown);
    const key = (r: Registration) => `${r.type}::${r.name}`;
    const later = new Map(after.resources.map((r) => [key(r), r]));
    const missing = dev.resources.filter((r) => !later.has(key(r))).map(key);
    expect(missing).toEqual([]);
    const cidrs = (s: Run) => s.resources.filter((r) => r.inputs.cidrBlock !== undefined).map((r) => [key(r), r.inputs.cidrBlock]);
    const before = cidrs(dev);
    expect(before.length).toBe(9); // the VPC and 8 subnets
    for (const [k, c] of before) expect(later.get(k as string)!.inputs.cidrBlock).toBe(c);
    expect(after.byType(T.subnet).length).toBe(12);
    expect(after.one(T.subnet, "platform-app-c").inputs.cidrBlock).toBe("10.0.80.0/21");
    expect(tenantIds(after)).toEqual(["initech", "acme", "globex"]);
  });
});

describe("preview", () => {
  it("keeps every workload role policy and the session preferences known at preview, where the pack reads them", async () => {
    const s = await run(program, stackConfig("dev"), true);
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    const docs = [
      ...s.byType(T.rolePolicy).filter((p) => !p.name.includes("-rotation-")).map((p) => [p.name, p.raw.policy]),
      ...s.byType(T.doc).map((d) => [d.name, d.raw.content]),
    ];
    expect(docs.map(([n]) => n).sort()).toEqual(["acme-read-secrets", "admin-session-logging", "admin-session-preferences", "globex-read-secrets", "platform-flowlogs-policy"]);
    expect(docs.filter(([, v]) => typeof v !== "string" || v.includes(unknown)).map(([n]) => n)).toEqual([]);
    // Security-group references stay traceable: unknown ids carry the dependency on the group they name.
    const rule = s.one(T.ingress, "acme-admin-from-bastion");
    expect(rule.raw.referencedSecurityGroupId).toBe(unknown);
    expect(rule.propertyDependencies.referencedSecurityGroupId).toEqual([s.one(T.sg, "admin-sg").urn]);
  });
});

describe("components on their own", () => {
  it("SSH mode opens 22 only to the allowlist, gives the bastion its public IP and an optional Instance Connect Endpoint", async () => {
    const s = await run(() => void new AdminAccess("ops", {
      vpcId: "vpc-1", subnetIds: ["subnet-pub"], region: "us-east-1",
      mode: "ssh", adminCidrs: ["203.0.113.10/32", "2001:db8::/64"], instanceConnectEndpoint: true, sessionPreferences: false,
    }));
    const rules = s.byType(T.ingress);
    expect(rules.map((r) => [r.name, r.inputs.cidrIpv4 ?? r.inputs.cidrIpv6, r.inputs.fromPort, r.inputs.toPort])).toEqual([
      ["ops-ssh-203-0-113-10-32", "203.0.113.10/32", 22, 22],
      ["ops-ssh-2001-db8-64", "2001:db8::/64", 22, 22],
    ]);
    expect(s.one(T.instance, "ops-bastion").inputs.associatePublicIpAddress).toBe(true);
    expect(s.byType("aws:ec2transitgateway/instanceConnectEndpoint:InstanceConnectEndpoint").map((e) => e.inputs.securityGroupIds)).toEqual([["ops-sg-id"]]);
    expect(s.byType(T.doc)).toEqual([]);
  });

  it("ManagedSecret wires a given rotation function and writes only through the write-only argument", async () => {
    const s = await run(() => void new ManagedSecret("api-key", {
      tenantId: "acme", kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k", readerRoleArns: ["arn:aws:iam::123456789012:role/acme"],
      rotation: { functionArn: "arn:aws:lambda:us-east-1:123456789012:function:rot", days: 7 },
    }));
    expect(s.one(T.rotation, "api-key-rotation").inputs).toMatchObject({ rotationLambdaArn: "arn:aws:lambda:us-east-1:123456789012:function:rot", rotationRules: { automaticallyAfterDays: 7 } });
    const v = s.one(T.secretVersion, "api-key-version");
    expect(unwrap(v.inputs.secretStringWo)).toBe(`${PASSWORD_MARKER}api-key-password`);
    expect([v.inputs.secretStringWoVersion, v.inputs.secretString]).toEqual([1, undefined]);
    expect(s.resources.flatMap((r) => plaintextLeaks(r.raw))).toEqual([]);
  });

  it("TenantDatabase without rotation tags its secret with the dated reason and creates no rotation function", async () => {
    const s = await run(() => void new TenantDatabase("legacy", {
      tenantId: "acme", engine: "mysql", kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k", vpcId: "vpc-1", subnetIds: ["a", "b"],
      appSecurityGroupId: "sg-app", endpointSecurityGroupId: "sg-ep", readerRoleArns: ["arn:aws:iam::123456789012:role/acme"],
      rotation: false, rotationExemption: { expires: "2027-03-31", reason: "vendor app caches credentials" },
    }));
    expect(tagsOf(s.one(T.secret, "legacy-credential-secret"))["bulkhead:exempt:secrets-rotation"]).toBe("2027-03-31 vendor app caches credentials");
    expect(s.byType("bulkhead:data:DatabaseRotation")).toEqual([]);
    expect(s.byType(T.ingress).map((r) => r.inputs.referencedSecurityGroupId)).toEqual(["sg-app"]);
    expect(statements(s.one(T.secretPolicy, "legacy-credential-policy").inputs.policy)[0].Condition.ArnNotEquals["aws:PrincipalArn"]).toEqual(["arn:aws:iam::123456789012:role/acme"]);
  });

  it("PlatformNetwork with a count of AZs and NAT none names zones from the region and adds no NAT", async () => {
    const s = await run(() => void new PlatformNetwork("n", { cidrBlock: "10.1.0.0/20", availabilityZones: 3, region: "eu-west-1", natStrategy: "none", flowLogs: false }));
    expect(s.byType(T.subnet).filter((x) => x.name.startsWith("n-data-")).map((x) => [x.inputs.availabilityZone, x.inputs.cidrBlock])).toEqual([
      ["eu-west-1a", "10.1.8.0/25"], ["eu-west-1b", "10.1.8.128/25"], ["eu-west-1c", "10.1.9.0/25"],
    ]);
    expect([s.byType(T.nat).length, s.byType(T.eip).length, s.byType(T.flowLog).length]).toEqual([0, 0, 0]);
  });

  it("validation runs before any resource exists", async () => {
    const cfg = { ...stackConfig("dev"), "bulkhead-platform:vpcCidr": "10.0.0.0/26" };
    let err: unknown;
    const s = await run(() => {
      try {
        return program();
      } catch (e) {
        err = e;
        return {};
      }
    }, cfg);
    expect(err).toBeInstanceOf(InputPropertiesError);
    expect(s.resources.map((r) => r.type)).toEqual(["pulumi:pulumi:Stack"]);
  });
});

describe("component argument validation messages", () => {
  const messageOf = (f: () => void): string => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(InputPropertiesError);
      return (e as Error).message;
    }
    throw new Error("expected an InputPropertiesError");
  };
  const key = "arn:aws:kms:us-east-1:123456789012:key/k";

  it("ManagedSecret", () => {
    expect(messageOf(() => validateManagedSecretArgs("s", {
      tenantId: "acme", kmsKeyArn: key, readerRoleArns: [], passwordLength: 8, recoveryWindowInDays: 3,
      payload: { password: "hunter2" }, rotation: { functionArn: "f", days: 5000 },
    }))).toBe([
      'ManagedSecret "s": 5 invalid inputs',
      "  - passwordLength = 8: must be a whole number from 16 to 128. Fix: set a value between 16 and 128",
      "  - rotation.days = 5000: must be a whole number from 1 to 1000. Fix: set a value between 1 and 1000",
      "  - readerRoleArns = []: the secret policy would deny every principal. Fix: pass the tenant role ARN(s) that may read the secret",
      "  - recoveryWindowInDays = 3: Secrets Manager accepts 0 or 7 to 30. Fix: use 30 (default) or 7",
      '  - payload.password = "(given)": the password is generated, never passed in. Fix: remove payload.password',
    ].join("\n"));
  });

  it("TenantDatabase", () => {
    const m = messageOf(() => validateTenantDatabaseArgs("d", {
      tenantId: "acme", engine: "oracle" as any, kmsKeyArn: key, vpcId: "v", subnetIds: [], appSecurityGroupId: "a",
      endpointSecurityGroupId: "e", readerRoleArns: ["r"], rotation: false,
    }));
    expect(m).toContain('  - engine = "oracle": unknown engine. Fix: use one of postgres, mysql');
    expect(m).toContain("  - rotationExemption = (unset): turning rotation off needs a dated, written exemption");
  });

  it("Tenant", () => {
    expect(messageOf(() => validateTenantArgs("t", { tenantId: "acme", region: "mars", app: {} }))).toBe([
      'Tenant "t": 5 invalid inputs',
      '  - region = "mars": not an AWS region name. Fix: set aws:region or pass region, e.g. "eu-west-1"',
      "  - network = (unset): a pooled tenant joins the platform network. Fix: pass the PlatformNetwork outputs as network",
      "  - bastionSecurityGroupId = (unset): a pooled tenant's admin port must reference the platform bastion. Fix: pass AdminAccess.securityGroupId",
      "  - loadBalancer = (unset): a pooled app tier sits behind the platform load balancer. Fix: pass PublicLoadBalancer's securityGroupId and listenerArn",
      "  - listenerRulePriority = (unset): a pooled app tier's listener rule needs a priority from 1 to 50000, unique on the shared listener. Fix: pass the tenant's routing.priority from stack config (`bulkhead tenants allocate` proposes free ones)",
    ].join("\n"));
    const silo = messageOf(() => validateTenantArgs("t", { tenantId: "acme", region: "eu-west-1", isolation: "silo", cidrBlock: "10.9.0.0/16", bastionSecurityGroupId: "sg-b", app: {} }));
    expect(silo).toContain('  - bastionSecurityGroupId = "(given)": a silo tenant builds its own and never shares the platform\'s. Fix: remove bastionSecurityGroupId');
    expect(silo).toContain("  - certificateArn = (unset): a silo app tier gets its own HTTPS listener. Fix: pass an ACM certificate ARN");
  });

  it("AdminAccess, PlatformNetwork and PublicLoadBalancer", () => {
    expect(messageOf(() => validateAdminAccessArgs("a", { vpcId: "v", subnetIds: [], region: "eu-west", mode: "ssh", adminCidrs: ["0.0.0.0/1", "128.0.0.0/1"] })))
      .toBe([
        'AdminAccess "a": 2 invalid inputs',
        '  - adminCidrs = ["0.0.0.0/1","128.0.0.0/1"]: together these CIDRs open the admin port to the whole internet. Fix: list only your admins\' addresses (e.g. /32s) or use the SSM bastion',
        '  - region = "eu-west": not an AWS region name. Fix: set aws:region or pass region, e.g. "eu-west-1"',
      ].join("\n"));
    expect(messageOf(() => validatePlatformNetworkArgs("n", { cidrBlock: "10.0.0.0/16", availabilityZones: 4 })))
      .toBe('PlatformNetwork "n": region = (unset): an AZ count needs the region to name the zones. Fix: set aws:region (e.g. "eu-west-1") or list the AZ names');
    expect(messageOf(() => validatePublicLoadBalancerArgs("l", { vpcId: "v", subnetIds: [], certificateArn: "arn:x", sslPolicy: "ELBSecurityPolicy-2016-08" })))
      .toBe('PublicLoadBalancer "l": sslPolicy = "ELBSecurityPolicy-2016-08": allows TLS below 1.2. Fix: use "ELBSecurityPolicy-TLS13-1-2-2021-06"');
    expect(messageOf(() => validatePublicLoadBalancerArgs("l", { vpcId: "v", subnetIds: [], certificateArn: "my-cert", tenantId: "Acme" })))
      .toBe([
        'PublicLoadBalancer "l": 2 invalid inputs',
        '  - tenantId = "Acme": a tenant id must be 2-20 characters of lower-case letters, digits and single hyphens, starting with a letter and not ending with a hyphen. Fix: use an id such as "acme" or "acme-eu"',
        '  - certificateArn = "my-cert": not an ARN. Fix: pass an ACM certificate ARN',
      ].join("\n"));
  });
});

