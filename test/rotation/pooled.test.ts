/**
 * The pooled database tier against real servers (PostgreSQL 15 and MariaDB, one of each for the whole file):
 * two tenants share one server; each tenant's first rotation, run by the real handler with the server's
 * master secret, creates its database and both alternating users; neither tenant can reach the other's
 * data; rotation keeps the app working; and an old password dies exactly when the design says.
 *
 * "Previous" in alternating users: rotation n gives the user AWSCURRENT does not name a new password and
 * makes it AWSCURRENT; the version it replaced becomes AWSPREVIOUS and keeps working (apps that still hold it
 * must not fail). Rotation n+1 then sets a new password on that AWSPREVIOUS user, so the credential that was
 * AWSPREVIOUS after rotation n stops working after rotation n+1, and never before.
 */
import { describe, expect, it } from "vitest";
import { GetSecretValueCommand, PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { Client } from "pg";
import * as mysql from "mysql2/promise";
import { mysqlGrantDatabase } from "../../rotation/databases";
import { parseAppSecret } from "../../rotation/secret";
import {
  appQuery, bulkheadRotate, createAppSecret, createItems, holders, maria, moto, pg, readCurrent, stagesOf, startClientLoop,
  useRotationWorld, type Creds,
} from "./world";
import type { Database } from "./services";

useRotationWorld();

/** What the platform writes for a pooled tenant (TenantDatabase with a pool): its own database and users. */
async function pooledSecret(db: Database, tenant: string, connectionlimit: number, dbname = `t_${tenant}`): Promise<string> {
  const username = `t_${tenant}_app`;
  const arn = await createAppSecret(db, { tenant, username, dbname, name: `${tenant}/pooled-${db.engine}` });
  const value = JSON.parse((await moto.client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: "AWSCURRENT" }))).SecretString!);
  await moto.client.send(new PutSecretValueCommand({
    SecretId: arn,
    SecretString: JSON.stringify({ ...value, placement: "pooled", connectionlimit }),
    VersionStages: ["AWSCURRENT"],
  }));
  return arn;
}

async function rotateOk(arn: string): Promise<void> {
  const run = await bulkheadRotate({ secret: [arn], format: "json" });
  expect(run.json.secrets.map((s: any) => [s.status, s.reason])).toEqual([["rotated", null]]);
}

async function previousOf(arn: string): Promise<Creds> {
  const id = holders(await stagesOf(arn), "AWSPREVIOUS")[0]!;
  const v = JSON.parse((await moto.client.send(new GetSecretValueCommand({ SecretId: arn, VersionId: id }))).SecretString!);
  return { username: v.username, password: v.password };
}

/** Connects as `c` to `dbname`; resolves to the error code (pg SQLSTATE / MySQL errno) or "ok". */
async function tryConnect(db: Database, c: Creds, dbname: string): Promise<string> {
  if (db.engine === "postgres") {
    const client = new Client({ host: db.host, port: db.port, user: c.username, password: c.password, database: dbname, connectionTimeoutMillis: 5000 });
    client.on("error", () => undefined);
    try {
      await client.connect();
      await client.query("SELECT 1");
      return "ok";
    } catch (err) {
      return String((err as { code?: string }).code);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  try {
    const conn = await mysql.createConnection({ host: db.host, port: db.port, user: c.username, password: c.password, database: dbname, connectTimeout: 5000 });
    await conn.end();
    return "ok";
  } catch (err) {
    return String((err as { errno?: number }).errno);
  }
}

async function asMaster<T>(db: Database, dbname: string, work: (q: (sql: string, params?: unknown[]) => Promise<any[]>) => Promise<T>): Promise<T> {
  if (db.engine === "postgres") {
    const c = new Client({ host: db.host, port: db.port, user: db.master.username, password: db.master.password, database: dbname });
    await c.connect();
    try {
      return await work(async (sql, params) => (await c.query(sql, params as unknown[])).rows);
    } finally {
      await c.end();
    }
  }
  const c = await mysql.createConnection({ host: db.host, port: db.port, user: db.master.username, password: db.master.password });
  try {
    return await work(async (sql, params) => (await c.query(sql, params))[0] as any[]);
  } finally {
    await c.end();
  }
}

describe("pooled secret fields", () => {
  it("names a bad placement and a bad connection limit, and requires a database for pooled", () => {
    const base = { engine: "postgres", host: "h", username: "u", password: "p", masterarn: "m" };
    expect(() => parseAppSecret(JSON.stringify({ ...base, placement: "shared", connectionlimit: 0 }), "s")).toThrow(
      /placement: "shared" is not supported[\s\S]*connectionlimit: 0 is not a session count/,
    );
    expect(() => parseAppSecret(JSON.stringify({ ...base, placement: "pooled" }), "s")).toThrow(/dbname: undefined is missing; a pooled tenant's credential must name its own database/);
    expect(parseAppSecret(JSON.stringify({ ...base, placement: "pooled", dbname: "t_a", connectionlimit: 5 }), "s")).toMatchObject({ placement: "pooled", connectionlimit: 5 });
  });

  it("escapes MySQL's GRANT wildcards so a grant names exactly one database", () => {
    expect(mysqlGrantDatabase("t_acme_eu")).toBe("t\\_acme\\_eu");
    expect(mysqlGrantDatabase("t%")).toBe("t\\%");
  });
});

describe.each(["postgres", "mariadb"])("pooled tier on %s", (engineName) => {
  const db = () => (engineName === "postgres" ? pg : maria);
  const a = { arn: "", dbname: `t_pa${engineName[0]}` };
  const b = { arn: "", dbname: `t_pb${engineName[0]}` };
  const LIMIT = 4;

  it("first rotation with the master secret creates each tenant's database and both users, capped and closed to PUBLIC", async () => {
    a.arn = await pooledSecret(db(), a.dbname.slice(2), LIMIT);
    b.arn = await pooledSecret(db(), b.dbname.slice(2), LIMIT);
    await rotateOk(a.arn);
    await rotateOk(b.arn);
    for (const t of [a, b]) {
      const user = `${t.dbname}_app`;
      const found = await asMaster(db(), engineName === "postgres" ? "postgres" : "", async (q) => {
        if (engineName === "postgres") {
          return {
            db: (await q("SELECT datname FROM pg_database WHERE datname = $1", [t.dbname])).length,
            users: (await q("SELECT rolname, rolconnlimit FROM pg_roles WHERE rolname IN ($1, $2) ORDER BY rolname", [user, `${user}_clone`])).map((r) => [r.rolname, r.rolconnlimit]),
            // Who may CONNECT besides the owner (the master): only the tenant's first user (the clone is its member).
            connect: (await q("SELECT r.rolname FROM pg_roles r WHERE r.rolname NOT LIKE 'pg\\_%' AND has_database_privilege(r.oid, $1, 'CONNECT') AND NOT r.rolsuper ORDER BY 1", [t.dbname])).map((r) => r.rolname),
            publicAcl: (await q("SELECT count(*)::int AS n FROM pg_database d, aclexplode(d.datacl) x WHERE d.datname = $1 AND x.grantee = 0", [t.dbname]))[0].n,
          };
        }
        return {
          db: (await q("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", [t.dbname])).length,
          users: (await q("SELECT User AS u, max_user_connections AS n FROM mysql.user WHERE User IN (?, ?) ORDER BY User", [user, `${user}_clone`])).map((r) => [String(r.u), Number(r.n)]),
          connect: (await q("SELECT DISTINCT User AS u FROM mysql.db WHERE Db = ? ORDER BY User", [mysqlGrantDatabase(t.dbname)])).map((r) => String(r.u)),
          publicAcl: 0,
        };
      });
      expect(found).toEqual({
        db: 1,
        users: [[user, LIMIT], [`${user}_clone`, LIMIT]],
        connect: engineName === "postgres" ? [user, `${user}_clone`] : [user, `${user}_clone`],
        publicAcl: 0,
      });
      const cur = await readCurrent(t.arn);
      expect(cur.username).toBe(`${user}_clone`);
      await createItems(db(), cur, t.dbname);
      expect(await appQuery(db(), await previousOf(t.arn), t.dbname)).toBe(1);
    }
  });

  it("tenant A's users cannot connect to, list or read tenant B's database", async () => {
    const aUsers = [await readCurrent(a.arn), await previousOf(a.arn)];
    for (const u of aUsers) {
      expect(await tryConnect(db(), u, a.dbname)).toBe("ok");
      // PostgreSQL 42501 insufficient_privilege ("permission denied for database"); MySQL/MariaDB 1044 ER_DBACCESS_DENIED_ERROR.
      expect(await tryConnect(db(), u, b.dbname)).toBe(engineName === "postgres" ? "42501" : "1044");
    }
    const bTable = `${b.dbname}.items_${b.dbname}_app`;
    if (engineName === "postgres") {
      // pg_database is readable by every role (PostgreSQL has no per-database catalog visibility), so names are
      // listed; what a role may do with them is not: A holds no privilege at all on B's database.
      const c = new Client({ host: pg.host, port: pg.port, user: aUsers[0]!.username, password: aUsers[0]!.password, database: a.dbname });
      await c.connect();
      const rows = (await c.query("SELECT datname FROM pg_database WHERE has_database_privilege(datname, 'CONNECT') AND datname LIKE 't\\_p%' ORDER BY 1")).rows;
      expect(rows.map((r) => r.datname)).toEqual([a.dbname]);
      const privs = (await c.query("SELECT has_database_privilege($1, 'CONNECT') AS c, has_database_privilege($1, 'CREATE') AS k, has_database_privilege($1, 'TEMP') AS t", [b.dbname])).rows[0];
      expect(privs).toEqual({ c: false, k: false, t: false });
      // PUBLIC cannot create in the tenant's own schema either: another role let in by mistake still could not plant objects.
      expect((await c.query("SELECT has_schema_privilege('public', 'public', 'CREATE') AS x")).rows[0].x).toBe(false);
      await c.end();
    } else {
      const c = await mysql.createConnection({ host: maria.host, port: maria.port, user: aUsers[0]!.username, password: aUsers[0]!.password, database: a.dbname });
      const [dbs] = await c.query("SHOW DATABASES");
      expect((dbs as Array<{ Database: string }>).map((r) => r.Database).sort()).toEqual([a.dbname, "information_schema"].sort());
      // 1142 ER_TABLEACCESS_DENIED_ERROR: SELECT denied on B's table, even by its full name.
      await expect(c.query(`SELECT * FROM ${bTable}`)).rejects.toMatchObject({ errno: 1142 });
      await expect(c.query(`CREATE TABLE ${b.dbname}.planted (id int)`)).rejects.toMatchObject({ errno: 1142 });
      await c.end();
    }
  });

  it("caps each user's sessions at the connection limit", async () => {
    const cur = await readCurrent(a.arn);
    const open: Array<{ end(): Promise<unknown> }> = [];
    try {
      for (let i = 0; i < LIMIT; i++) {
        if (engineName === "postgres") {
          const c = new Client({ host: pg.host, port: pg.port, user: cur.username, password: cur.password, database: a.dbname });
          c.on("error", () => undefined);
          await c.connect();
          open.push(c);
        } else {
          open.push(await mysql.createConnection({ host: maria.host, port: maria.port, user: cur.username, password: cur.password, database: a.dbname }));
        }
      }
      // PostgreSQL 53300 too_many_connections ("too many connections for role"); MariaDB 1226 ER_USER_LIMIT_REACHED.
      expect(await tryConnect(db(), cur, a.dbname)).toBe(engineName === "postgres" ? "53300" : "1226");
      // The other user has its own cap: an app holding the previous credential is not locked out by this one.
      expect(await tryConnect(db(), await previousOf(a.arn), a.dbname)).toBe("ok");
    } finally {
      await Promise.all(open.map((c) => c.end().catch(() => undefined)));
    }
  });

  it("rotation keeps every query working; the AWSPREVIOUS credential works until the next rotation, then fails", async () => {
    const loop = startClientLoop(db(), a.arn, await readCurrent(a.arn), { dbname: a.dbname });
    await new Promise((r) => setTimeout(r, 100));
    const previous: Creds[] = [];
    for (let i = 0; i < 2; i++) {
      await rotateOk(a.arn);
      previous.push(await previousOf(a.arn));
      // Right after its rotation the previous credential still works: apps holding it are not cut off.
      expect(await tryConnect(db(), previous[i]!, a.dbname)).toBe("ok");
      await new Promise((r) => setTimeout(r, 100));
    }
    const stats = await loop.stop();
    console.log(`[pooled ${engineName}] 2 rotations: ${stats.queries} queries, ${stats.failed} failed, ${stats.rereads} re-reads`);
    expect(stats.errors).toEqual([]);
    expect(stats.failed).toBe(0);
    expect(stats.queries).toBeGreaterThanOrEqual(4);
    // The credential that was AWSPREVIOUS after the first rotation is dead after the second (same user, new password).
    expect(previous[1]!.username).not.toBe(previous[0]!.username);
    expect(await tryConnect(db(), previous[0]!, a.dbname)).toBe(engineName === "postgres" ? "28P01" : "1045");
    expect(await appQuery(db(), await readCurrent(a.arn), a.dbname)).toBe(1);
    expect(await appQuery(db(), previous[1]!, a.dbname)).toBe(1);
    // Tenant B was untouched by A's rotations.
    expect(await appQuery(db(), await readCurrent(b.arn), b.dbname)).toBe(1);
  });

  it("refuses to give an existing tenant database to a secret naming a new user", async () => {
    const arn = await pooledSecret(db(), `px${engineName[0]}`, LIMIT, a.dbname);
    const before = await readCurrent(arn);
    const run = await bulkheadRotate({ secret: [arn], format: "json" });
    expect(run.code).toBe(1);
    expect(run.json.secrets[0].reason).toMatch(new RegExp(`^setSecret failed for .*: database ${a.dbname} already admits .*${a.dbname}_app.*refusing to give it to new user t_px${engineName[0]}_app`));
    expect((await readCurrent(arn)).versionId).toBe(before.versionId);
    expect(await tryConnect(db(), { username: before.username, password: before.password }, a.dbname)).toBe(engineName === "postgres" ? "28P01" : "1045");
  });

  it("a changed connection limit reaches both users at the next rotation", async () => {
    const value = JSON.parse((await moto.client.send(new GetSecretValueCommand({ SecretId: b.arn, VersionStage: "AWSCURRENT" }))).SecretString!);
    await moto.client.send(new PutSecretValueCommand({ SecretId: b.arn, SecretString: JSON.stringify({ ...value, connectionlimit: LIMIT + 2 }), VersionStages: ["AWSCURRENT"] }));
    await rotateOk(b.arn);
    const user = `${b.dbname}_app`;
    const limits = await asMaster(db(), engineName === "postgres" ? "postgres" : "", async (q) => engineName === "postgres"
      ? (await q("SELECT rolconnlimit AS n FROM pg_roles WHERE rolname IN ($1, $2)", [user, `${user}_clone`])).map((r) => Number(r.n))
      : (await q("SELECT max_user_connections AS n FROM mysql.user WHERE User IN (?, ?)", [user, `${user}_clone`])).map((r) => Number(r.n)));
    expect(limits).toEqual([LIMIT + 2, LIMIT + 2]);
  });
});
