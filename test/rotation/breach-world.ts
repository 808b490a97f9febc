/**
 * What the breach tests add to the rotation world: one master user and master secret per tenant (each tenant
 * database has its own RDS master), what an attacker holds (a copy of every credential and a session opened
 * with each), and a stand-in for RDS's managed rotation of a master secret.
 */
import { CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { Client } from "pg";
import * as mysql from "mysql2/promise";
import type { MasterRotator } from "../../cli/rotate/breach";
import type { MasterEntry } from "../../cli/rotate/journal";
import { generatePassword } from "../../rotation/secret";
import type { Database } from "./services";

export interface TenantMaster {
  arn: string;
  username: string;
  db: Database;
  /** PostgreSQL: the tenant's own database, owned by its master; MariaDB: the server's appdb. */
  dbname: string;
}

async function asServerAdmin<T>(db: Database, work: (q: (sql: string, params?: unknown[]) => Promise<unknown>) => Promise<T>): Promise<T> {
  if (db.engine === "postgres") {
    const c = new Client({ host: db.host, port: db.port, user: db.master.username, password: db.master.password, database: "postgres" });
    await c.connect();
    try {
      return await work((sql, params) => c.query(sql, params as unknown[]));
    } finally {
      await c.end();
    }
  }
  const c = await mysql.createConnection({ host: db.host, port: db.port, user: db.master.username, password: db.master.password });
  try {
    return await work((sql, params) => c.query(sql, params));
  } finally {
    await c.end();
  }
}

/**
 * A tenant master shaped like an RDS master: on PostgreSQL not a superuser but CREATEROLE, owner of the
 * tenant database and member of pg_signal_backend (as rds_superuser is); on MariaDB all global privileges.
 */
export async function createTenantMaster(client: SecretsManagerClient, db: Database, id: string): Promise<TenantMaster> {
  const username = `m_${id}`.replace(/[^a-z0-9_]/g, "_");
  const password = generatePassword();
  const dbname = db.engine === "postgres" ? `db_${id}`.replace(/[^a-z0-9_]/g, "_") : db.dbname;
  await asServerAdmin(db, async (q) => {
    if (db.engine === "postgres") {
      await q(`CREATE ROLE ${username} LOGIN CREATEROLE PASSWORD '${password.replace(/'/g, "''")}'`);
      await q(`GRANT pg_signal_backend TO ${username}`);
      await q(`CREATE DATABASE ${dbname} OWNER ${username}`);
    } else {
      await q(`CREATE USER '${username}'@'%' IDENTIFIED BY ?`, [password]);
      await q(`GRANT ALL PRIVILEGES ON *.* TO '${username}'@'%' WITH GRANT OPTION`);
    }
  });
  const out = await client.send(new CreateSecretCommand({ Name: `rds!${id}-master`, SecretString: JSON.stringify({ username, password }) }));
  return { arn: out.ARN!, username, db, dbname };
}

/**
 * Plays RDS rotating a managed master secret (moto cannot: its RotateSecret without a function only copies
 * the value into a new version): a new password set on the instance, then the new AWSCURRENT version.
 */
export class RdsStandIn implements MasterRotator {
  readonly rotated: string[] = [];
  constructor(
    private readonly client: SecretsManagerClient,
    private readonly masters: Map<string, TenantMaster>,
  ) {}

  async rotate(master: { arn: string }, previousVersion: string | null): Promise<MasterEntry> {
    const entry: MasterEntry = { arn: master.arn, status: "failed", previousVersion, newVersion: null, reason: null };
    const m = this.masters.get(master.arn);
    if (!m) return { ...entry, reason: `no stand-in for ${master.arn}` };
    const password = generatePassword();
    try {
      await asServerAdmin(m.db, async (q) => {
        if (m.db.engine === "postgres") await q(`ALTER ROLE ${m.username} PASSWORD '${password.replace(/'/g, "''")}'`);
        else await q(`ALTER USER '${m.username}'@'%' IDENTIFIED BY ?`, [password]);
      });
    } catch (err) {
      return { ...entry, reason: `RDS could not set the new master password: ${(err as Error).message}` };
    }
    const out = await this.client.send(
      new PutSecretValueCommand({ SecretId: master.arn, SecretString: JSON.stringify({ username: m.username, password }), VersionStages: ["AWSCURRENT"] }),
    );
    this.rotated.push(master.arn);
    return { ...entry, status: "rotated", newVersion: out.VersionId! };
  }
}

export interface Stolen {
  tenant: string;
  what: string;
  db: Database;
  dbname: string;
  username: string;
  password: string;
}

/** Every credential an attacker with read access takes: each labelled version of the app secret, and the master. */
export async function stealAll(client: SecretsManagerClient, tenant: string, appArn: string, master: TenantMaster): Promise<Stolen[]> {
  const out: Stolen[] = [];
  for (const stage of ["AWSCURRENT", "AWSPREVIOUS"]) {
    const v = JSON.parse((await client.send(new GetSecretValueCommand({ SecretId: appArn, VersionStage: stage }))).SecretString!);
    out.push({ tenant, what: `app ${stage}`, db: master.db, dbname: master.dbname, username: v.username, password: v.password });
  }
  const m = JSON.parse((await client.send(new GetSecretValueCommand({ SecretId: master.arn, VersionStage: "AWSCURRENT" }))).SecretString!);
  out.push({ tenant, what: "master", db: master.db, dbname: master.dbname, username: m.username, password: m.password });
  return out;
}

/** A new login with a stolen credential: "ok", or why it failed. */
export async function tryLogin(s: Stolen): Promise<"ok" | "auth" | string> {
  const session = await openSession(s).catch((err: { code?: string; errno?: number; message: string }) => {
    if (["28P01", "28000"].includes(err.code ?? "") || [1044, 1045].includes(err.errno ?? 0)) return "auth" as const;
    return err.message;
  });
  if (typeof session === "string") return session;
  await session.close();
  return "ok";
}

export interface Session {
  alive(): Promise<boolean>;
  close(): Promise<void>;
}

/** A session opened with a stolen credential and kept open, as an attacker would. */
export async function openSession(s: Stolen): Promise<Session> {
  if (s.db.engine === "postgres") {
    const c = new Client({ host: s.db.host, port: s.db.port, user: s.username, password: s.password, database: s.dbname, connectionTimeoutMillis: 3000 });
    c.on("error", () => undefined);
    await c.connect();
    return {
      alive: () => c.query("SELECT 1").then(() => true, () => false),
      close: () => c.end().catch(() => undefined),
    };
  }
  const c = await mysql.createConnection({ host: s.db.host, port: s.db.port, user: s.username, password: s.password, database: s.dbname, connectTimeout: 3000 });
  c.on("error", () => undefined);
  return {
    alive: () => c.query("SELECT 1").then(() => true, () => false),
    close: () => c.end().catch(() => undefined),
  };
}
