/**
 * Database access for the rotation steps: log in (classifying why a login failed) and, as the master user,
 * make the alternate user carry the pending password with the same rights as the current user.
 */
import { Client, escapeIdentifier, escapeLiteral } from "pg";
import * as mysql from "mysql2/promise";
import type { AppSecret } from "./secret";
import { scramSha256Verifier } from "./secret";

/** Where and as whom to log in: the connection fields of a secret version. */
export type Target = Pick<AppSecret, "engine" | "host" | "port" | "dbname" | "username" | "password" | "ssl">;

export interface Session {
  /** Runs a trivial statement: proves the session is usable, not just authenticated. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Why a login failed: `auth` means the server rejected the user/password, `unreachable` everything else. */
export type LoginFailure = { kind: "auth" | "unreachable"; message: string };
export type LoginResult = { ok: true; session: Session } | { ok: false; failure: LoginFailure };

export interface User {
  username: string;
  password: string;
}

const PG_AUTH_CODES = new Set(["28P01", "28000"]);
const MYSQL_AUTH_ERRNOS = new Set([1044, 1045, 1698]);

function tlsModes(ssl: Target["ssl"]): boolean[] {
  if (ssl === true || (typeof ssl === "string" && ssl.toLowerCase() === "true")) return [true];
  if (ssl === false || (typeof ssl === "string" && ssl.toLowerCase() === "false")) return [false];
  // Like AWS's templates: without an explicit choice, prefer TLS and fall back to plain.
  return [true, false];
}

function describe(err: unknown): string {
  const e = err as { code?: string; errno?: number; message?: string };
  const text = e?.message || String(err);
  return e?.code && !text.includes(e.code) ? `${e.code}: ${text}` : text;
}

function pgClient(t: Target, tls: boolean, timeoutMs: number): Client {
  const client = new Client({
    host: t.host,
    port: t.port,
    user: t.username,
    password: t.password,
    database: t.dbname ?? "postgres",
    ssl: tls ? { rejectUnauthorized: true } : false,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
  });
  // A server that goes away later must not crash the process through an unhandled 'error' event.
  client.on("error", () => undefined);
  return client;
}

async function pgLogin(t: Target, tls: boolean, timeoutMs: number): Promise<LoginResult> {
  const client = pgClient(t, tls, timeoutMs);
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    const code = (err as { code?: string }).code;
    return { ok: false, failure: { kind: code && PG_AUTH_CODES.has(code) ? "auth" : "unreachable", message: describe(err) } };
  }
  return {
    ok: true,
    session: {
      ping: async () => void (await client.query("SELECT 1")),
      close: () => client.end().catch(() => undefined),
    },
  };
}

async function mysqlLogin(t: Target, tls: boolean, timeoutMs: number): Promise<LoginResult> {
  let conn: mysql.Connection;
  try {
    conn = await mysql.createConnection({
      host: t.host,
      port: t.port,
      user: t.username,
      password: t.password,
      database: t.dbname,
      connectTimeout: timeoutMs,
      ...(tls ? { ssl: { rejectUnauthorized: true } } : {}),
    });
  } catch (err) {
    const errno = (err as { errno?: number }).errno;
    return { ok: false, failure: { kind: errno && MYSQL_AUTH_ERRNOS.has(errno) ? "auth" : "unreachable", message: describe(err) } };
  }
  conn.on("error", () => undefined);
  return {
    ok: true,
    session: {
      ping: async () => void (await conn.query("SELECT 1")),
      close: () => conn.end().catch(() => undefined),
    },
  };
}

/** Logs in as `t.username`; never throws. An authentication failure is never retried without TLS. */
export async function login(t: Target, timeoutMs = 5000): Promise<LoginResult> {
  const modes = tlsModes(t.ssl);
  const messages: string[] = [];
  let last: LoginResult | undefined;
  for (const tls of modes) {
    last = t.engine === "postgres" ? await pgLogin(t, tls, timeoutMs) : await mysqlLogin(t, tls, timeoutMs);
    if (last.ok || last.failure.kind === "auth") return last;
    messages.push(`${modes.length > 1 ? (tls ? "with TLS: " : "without TLS: ") : ""}${last.failure.message}`);
  }
  // Both attempts failing usually means the TLS one has the real cause (e.g. an untrusted CA on a server
  // that requires TLS): report both.
  return { ok: false, failure: { kind: "unreachable", message: messages.join("; ") } };
}

/** What `provisionAlternate` did, for the log (never contains a password). */
export interface ProvisionReport {
  bootstrappedCurrent: boolean;
  createdPending: boolean;
  /** Pooled only: this call created the tenant's database. */
  createdDatabase?: boolean;
}

/**
 * A tenant database on a server shared with other tenants: the first rotation creates the database, and
 * both users get rights on that database only, each capped at `connectionLimit` sessions so one tenant
 * cannot take every connection the server has.
 */
export interface PooledDatabase {
  connectionLimit: number;
}

/**
 * As the master user: if the current user does not exist yet (first rotation of a fresh database), create
 * it with the current password and all rights on `dbname`; then create the pending user with the current
 * user's rights if missing, and set its password. A repeated call converges to the same state.
 */
export async function provisionAlternate(
  master: Target,
  current: User,
  pending: User,
  timeoutMs = 5000,
  pooled?: PooledDatabase,
): Promise<ProvisionReport> {
  if (master.engine === "postgres") {
    if (pooled) return pgPooledProvision(master, master.dbname!, current, pending, pooled, timeoutMs);
    return pgProvision(await pgMasterClient(master, timeoutMs), master.dbname ?? "postgres", current, pending);
  }
  return mysqlProvision(await mysqlMasterConnection(master, timeoutMs), master.dbname, current, pending, pooled);
}

/** Reports whether `username` exists, as seen by the master user. */
export async function userExists(master: Target, username: string, timeoutMs = 5000): Promise<boolean> {
  if (master.engine === "postgres") {
    const client = await pgMasterClient(master, timeoutMs);
    try {
      return (await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [username])).rowCount! > 0;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  const conn = await mysqlMasterConnection(master, timeoutMs);
  try {
    const [rows] = await conn.query("SELECT 1 FROM mysql.user WHERE User = ?", [username]);
    return (rows as unknown[]).length > 0;
  } finally {
    await conn.end().catch(() => undefined);
  }
}

async function pgMasterClient(master: Target, timeoutMs: number): Promise<Client> {
  let lastError = "";
  for (const tls of tlsModes(master.ssl)) {
    const client = pgClient(master, tls, timeoutMs);
    try {
      await client.connect();
      return client;
    } catch (err) {
      await client.end().catch(() => undefined);
      lastError = describe(err);
      if (PG_AUTH_CODES.has((err as { code?: string }).code ?? "")) break;
    }
  }
  throw new Error(`cannot log in as master user ${master.username} at ${master.host}:${master.port}: ${lastError}`);
}

async function mysqlMasterConnection(master: Target, timeoutMs: number): Promise<mysql.Connection> {
  let lastError = "";
  for (const tls of tlsModes(master.ssl)) {
    try {
      const conn = await mysql.createConnection({
        host: master.host,
        port: master.port,
        user: master.username,
        password: master.password,
        connectTimeout: timeoutMs,
        ...(tls ? { ssl: { rejectUnauthorized: true } } : {}),
      });
      conn.on("error", () => undefined);
      return conn;
    } catch (err) {
      lastError = describe(err);
      if (MYSQL_AUTH_ERRNOS.has((err as { errno?: number }).errno ?? 0)) break;
    }
  }
  throw new Error(`cannot log in as master user ${master.username} at ${master.host}:${master.port}: ${lastError}`);
}

/** Non-ASCII passwords go in clear so the server applies SASLprep itself; ASCII ones as a SCRAM verifier. */
function pgPasswordLiteral(password: string): string {
  return escapeLiteral(/^[\x20-\x7e]*$/.test(password) ? scramSha256Verifier(password) : password);
}

async function pgProvision(client: Client, dbname: string, current: User, pending: User): Promise<ProvisionReport> {
  const cur = escapeIdentifier(current.username);
  const pend = escapeIdentifier(pending.username);
  const exists = async (name: string) => (await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [name])).rowCount! > 0;
  const report: ProvisionReport = { bootstrappedCurrent: false, createdPending: false };
  try {
    // Role DDL is transactional in PostgreSQL: a failure half-way leaves no half-made user behind.
    await client.query("BEGIN");
    // GRANTs on the same database or schema from concurrent rotations fail with "tuple concurrently
    // updated": one provisioning at a time per server, released at COMMIT/ROLLBACK.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('bulkhead-rotation'))");
    if (!(await exists(current.username))) {
      await client.query(`CREATE ROLE ${cur} WITH LOGIN PASSWORD ${pgPasswordLiteral(current.password)}`);
      await client.query(`GRANT ALL PRIVILEGES ON DATABASE ${escapeIdentifier(dbname)} TO ${cur}`);
      if ((await client.query("SELECT 1 FROM pg_namespace WHERE nspname = 'public'")).rowCount! > 0) {
        await client.query(`GRANT ALL ON SCHEMA public TO ${cur}`);
      }
      report.bootstrappedCurrent = true;
    }
    if (!(await exists(pending.username))) {
      await client.query(`CREATE ROLE ${pend} WITH LOGIN PASSWORD ${pgPasswordLiteral(pending.password)}`);
      await client.query(`GRANT ${cur} TO ${pend}`);
      // Sessions of the alternate user act as the first user, so every object either creates has one owner
      // and both users keep access to all of them after any number of rotations.
      await client.query(`ALTER ROLE ${pend} SET role = ${escapeLiteral(current.username)}`);
      report.createdPending = true;
    } else {
      await client.query(`ALTER ROLE ${pend} WITH LOGIN PASSWORD ${pgPasswordLiteral(pending.password)}`);
    }
    await client.query("COMMIT");
    return report;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Pooled PostgreSQL, as the master user. Three sessions, because CREATE DATABASE cannot run in a transaction
 * and a schema's grants can only be changed from inside its database:
 * 1. in `postgres`: create the tenant database if missing;
 * 2. in `postgres`, one transaction: the two roles (CONNECTION LIMIT each), the pending one a member of the
 *    current one, and `REVOKE ALL ON DATABASE … FROM PUBLIC` + all rights on it for the current role, so no
 *    other tenant's role can even CONNECT (new databases grant CONNECT and TEMP to PUBLIC);
 * 3. in the tenant database: CREATE on schema public taken from PUBLIC (already so since PostgreSQL 15, kept
 *    explicit for 14 and for databases created from a template that still grants it), all of it to the role.
 * Refuses to hand an existing database that already admits other roles to a user being created.
 */
async function pgPooledProvision(master: Target, dbname: string, current: User, pending: User, pooled: PooledDatabase, timeoutMs: number): Promise<ProvisionReport> {
  const cur = escapeIdentifier(current.username);
  const pend = escapeIdentifier(pending.username);
  const db = escapeIdentifier(dbname);
  const limit = Number(pooled.connectionLimit);
  const report: ProvisionReport = { bootstrappedCurrent: false, createdPending: false, createdDatabase: false };
  const admin = await pgMasterClient({ ...master, dbname: "postgres" }, timeoutMs);
  const exists = async (name: string) => (await admin.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [name])).rowCount! > 0;
  try {
    if ((await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [dbname])).rowCount === 0) {
      try {
        await admin.query(`CREATE DATABASE ${db}`);
        report.createdDatabase = true;
      } catch (err) {
        // 42P04 duplicate_database: a concurrent attempt of the same rotation made it first.
        if ((err as { code?: string }).code !== "42P04") throw err;
      }
    }
    try {
      await admin.query("BEGIN");
      await admin.query("SELECT pg_advisory_xact_lock(hashtext('bulkhead-rotation'))");
      if (!(await exists(current.username))) {
        const holders = (await admin.query(
          "SELECT DISTINCT r.rolname FROM pg_database d CROSS JOIN LATERAL aclexplode(d.datacl) a JOIN pg_roles r ON r.oid = a.grantee WHERE d.datname = $1 AND a.grantee <> d.datdba",
          [dbname],
        )).rows.map((r: { rolname: string }) => r.rolname).filter((n: string) => n !== pending.username);
        if (holders.length > 0) {
          throw new Error(`database ${dbname} already admits ${holders.join(", ")}; refusing to give it to new user ${current.username} too: a pooled tenant's database must be its own (check the secret's dbname)`);
        }
        await admin.query(`CREATE ROLE ${cur} WITH LOGIN CONNECTION LIMIT ${limit} PASSWORD ${pgPasswordLiteral(current.password)}`);
        report.bootstrappedCurrent = true;
      } else {
        await admin.query(`ALTER ROLE ${cur} WITH CONNECTION LIMIT ${limit}`);
      }
      await admin.query(`REVOKE ALL ON DATABASE ${db} FROM PUBLIC`);
      await admin.query(`GRANT ALL PRIVILEGES ON DATABASE ${db} TO ${cur}`);
      if (!(await exists(pending.username))) {
        await admin.query(`CREATE ROLE ${pend} WITH LOGIN CONNECTION LIMIT ${limit} PASSWORD ${pgPasswordLiteral(pending.password)}`);
        await admin.query(`GRANT ${cur} TO ${pend}`);
        // As in pgProvision: the alternate's sessions act as the first user, so both own everything made.
        await admin.query(`ALTER ROLE ${pend} SET role = ${escapeLiteral(current.username)}`);
        report.createdPending = true;
      } else {
        await admin.query(`ALTER ROLE ${pend} WITH LOGIN CONNECTION LIMIT ${limit} PASSWORD ${pgPasswordLiteral(pending.password)}`);
      }
      await admin.query("COMMIT");
    } catch (err) {
      await admin.query("ROLLBACK").catch(() => undefined);
      throw err;
    }
  } finally {
    await admin.end().catch(() => undefined);
  }
  const inside = await pgMasterClient({ ...master, dbname }, timeoutMs);
  try {
    await inside.query("BEGIN");
    await inside.query("SELECT pg_advisory_xact_lock(hashtext('bulkhead-rotation'))");
    if ((await inside.query("SELECT 1 FROM pg_namespace WHERE nspname = 'public'")).rowCount! > 0) {
      await inside.query("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
      await inside.query(`GRANT ALL ON SCHEMA public TO ${cur}`);
    }
    await inside.query("COMMIT");
  } catch (err) {
    await inside.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    await inside.end().catch(() => undefined);
  }
  return report;
}

/** `GRANT … TO 'user'@'host' [IDENTIFIED BY PASSWORD …]` → the part before the grantee. */
export function grantPrefix(grant: string): string | undefined {
  const at = grant.search(/ TO [`'"]/);
  return at > 0 ? grant.slice(0, at) : undefined;
}

/**
 * A database name as a GRANT's database level reads it: `_` and `%` are wildcards there, so `t_a` would also
 * grant `txa`; escaped, the grant names exactly one database.
 */
export function mysqlGrantDatabase(dbname: string): string {
  return dbname.replace(/[\\_%]/g, "\\$&");
}

async function mysqlProvision(conn: mysql.Connection, dbname: string | undefined, current: User, pending: User, pooled?: PooledDatabase): Promise<ProvisionReport> {
  const report: ProvisionReport = { bootstrappedCurrent: false, createdPending: false, ...(pooled ? { createdDatabase: false } : {}) };
  const account = (user: string, host: string) => `${conn.escape(user)}@${conn.escape(host)}`;
  // Pooled: MAX_USER_CONNECTIONS caps each user's sessions; SHOW GRANTS does not carry it (MySQL 8), so it is set on both users each time.
  const limit = pooled ? ` WITH MAX_USER_CONNECTIONS ${Number(pooled.connectionLimit)}` : "";
  try {
    const [hostRows] = await conn.query("SELECT Host FROM mysql.user WHERE User = ?", [current.username]);
    let hosts = (hostRows as Array<{ Host: string }>).map((r) => r.Host);
    if (pooled && dbname) {
      const grantDb = mysqlGrantDatabase(dbname);
      const [schemaRows] = await conn.query("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", [dbname]);
      if (hosts.length === 0 && (schemaRows as unknown[]).length > 0) {
        const [others] = await conn.query("SELECT DISTINCT User FROM mysql.db WHERE Db IN (?, ?) AND User <> ?", [dbname, grantDb, pending.username]);
        const names = (others as Array<{ User: string | Buffer }>).map((r) => String(r.User));
        if (names.length > 0) {
          throw new Error(`database ${dbname} already admits ${names.join(", ")}; refusing to give it to new user ${current.username} too: a pooled tenant's database must be its own (check the secret's dbname)`);
        }
      }
      if ((schemaRows as unknown[]).length === 0) {
        await conn.query(`CREATE DATABASE IF NOT EXISTS ${conn.escapeId(dbname)}`);
        report.createdDatabase = true;
      }
      if (hosts.length === 0) {
        await conn.query(`CREATE USER ${account(current.username, "%")} IDENTIFIED BY ${conn.escape(current.password)}${limit}`);
        // Only the tenant's own database: no global, no other schema; SHOW DATABASES then lists just it.
        await conn.query(`GRANT ALL PRIVILEGES ON ${conn.escapeId(grantDb)}.* TO ${account(current.username, "%")}`);
        report.bootstrappedCurrent = true;
        hosts = ["%"];
      }
    }
    if (hosts.length === 0) {
      await conn.query(`CREATE USER ${account(current.username, "%")} IDENTIFIED BY ${conn.escape(current.password)}`);
      if (dbname) await conn.query(`GRANT ALL PRIVILEGES ON ${conn.escapeId(dbname)}.* TO ${account(current.username, "%")}`);
      report.bootstrappedCurrent = true;
      hosts = ["%"];
    }
    for (const host of hosts) {
      const [existing] = await conn.query("SELECT 1 FROM mysql.user WHERE User = ? AND Host = ?", [pending.username, host]);
      if ((existing as unknown[]).length === 0) {
        await conn.query(`CREATE USER ${account(pending.username, host)} IDENTIFIED BY ${conn.escape(pending.password)}`);
        report.createdPending = true;
      }
      // Grants are copied on every rotation: rights given to the current user since the last one follow it.
      const [grants] = await conn.query(`SHOW GRANTS FOR ${account(current.username, host)}`);
      for (const row of grants as Array<Record<string, string>>) {
        const prefix = grantPrefix(Object.values(row)[0] ?? "");
        if (prefix) await conn.query(`${prefix} TO ${account(pending.username, host)}`);
      }
      const [tlsRows] = await conn.query(
        "SELECT ssl_type, ssl_cipher, x509_issuer, x509_subject FROM mysql.user WHERE User = ? AND Host = ?",
        [current.username, host],
      );
      const tls = (tlsRows as Array<Record<string, Buffer | string | null>>)[0] ?? {};
      const text = (v: Buffer | string | null | undefined) => (v == null ? "" : String(v));
      const sslType = text(tls.ssl_type).toUpperCase();
      const require =
        sslType === "" ? "NONE"
          : sslType === "ANY" ? "SSL"
            : sslType === "X509" ? "X509"
              : `CIPHER ${conn.escape(text(tls.ssl_cipher))} AND ISSUER ${conn.escape(text(tls.x509_issuer))} AND SUBJECT ${conn.escape(text(tls.x509_subject))}`;
      await conn.query(`ALTER USER ${account(pending.username, host)} REQUIRE ${require}`);
      await conn.query(`ALTER USER ${account(pending.username, host)} IDENTIFIED BY ${conn.escape(pending.password)}`);
      if (pooled) {
        await conn.query(`ALTER USER ${account(current.username, host)}${limit}`);
        await conn.query(`ALTER USER ${account(pending.username, host)}${limit}`);
      }
    }
    return report;
  } finally {
    await conn.end().catch(() => undefined);
  }
}

/** A master connection opened by `withMaster`, engine-neutral for the few statements breach mode needs. */
async function withMaster<T>(master: Target, timeoutMs: number, pgWork: (c: Client) => Promise<T>, myWork: (c: mysql.Connection) => Promise<T>): Promise<T> {
  if (master.engine === "postgres") {
    const client = await pgMasterClient(master, timeoutMs);
    try {
      return await pgWork(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  const conn = await mysqlMasterConnection(master, timeoutMs);
  try {
    return await myWork(conn);
  } finally {
    await conn.end().catch(() => undefined);
  }
}

// MySQL refuses KILL of another user's thread without CONNECTION_ADMIN/SUPER (RDS masters have neither);
// RDS provides mysql.rds_kill for exactly this. 1094: the thread ended on its own meanwhile.
const MYSQL_KILL_DENIED = 1095;
const MYSQL_UNKNOWN_THREAD = 1094;

/**
 * As the master user: ends every open session of `username` except the one this call runs on, and returns how
 * many it ended. PostgreSQL waits for each backend to exit (pg_terminate_backend with a timeout, PostgreSQL 14+);
 * MySQL/MariaDB use KILL CONNECTION, falling back to RDS's mysql.rds_kill when KILL is denied.
 * Used right after a password change, so every session it finds was opened with the old password.
 */
export async function endSessions(master: Target, username: string, timeoutMs = 5000): Promise<number> {
  return withMaster(
    master,
    timeoutMs,
    async (c) => {
      const out = await c.query(
        "SELECT count(*)::int AS n FROM (SELECT pg_terminate_backend(pid, $2) AS ok FROM pg_stat_activity WHERE usename = $1 AND pid <> pg_backend_pid()) t WHERE ok",
        [username, Math.max(1000, Math.floor(timeoutMs / 2))],
      );
      return Number(out.rows[0]?.n ?? 0);
    },
    async (c) => {
      const [rows] = await c.query("SELECT ID FROM information_schema.PROCESSLIST WHERE USER = ? AND ID <> CONNECTION_ID()", [username]);
      let ended = 0;
      for (const { ID } of rows as Array<{ ID: number }>) {
        try {
          await c.query(`KILL CONNECTION ${Number(ID)}`);
          ended++;
        } catch (err) {
          const errno = (err as { errno?: number }).errno;
          if (errno === MYSQL_UNKNOWN_THREAD) continue;
          if (errno !== MYSQL_KILL_DENIED) throw err;
          await c.query("CALL mysql.rds_kill(?)", [Number(ID)]);
          ended++;
        }
      }
      return ended;
    },
  );
}
