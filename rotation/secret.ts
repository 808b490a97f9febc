/**
 * The secret formats the rotation function reads and writes, the alternating-user naming rule and password
 * generation. Pure functions only: the handler and the `bulkhead rotate` tests share them.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, randomInt } from "node:crypto";

export type Engine = "postgres" | "mysql";
export type Placement = "pooled" | "dedicated";
/** Sessions per user of a pooled tenant when its secret names no `connectionlimit`. */
export const DEFAULT_POOLED_CONNECTION_LIMIT = 20;

/** The application credential secret: `{engine, host, port, dbname, username, password, masterarn}`. */
export interface AppSecret {
  engine: Engine;
  host: string;
  port: number;
  /** Database the user works in; PostgreSQL defaults to `postgres`, MySQL connects without one. */
  dbname?: string;
  username: string;
  password: string;
  /** ARN of the RDS-managed master secret (`{username, password}`), used to create/alter the other user. */
  masterarn: string;
  /** TLS: absent = try TLS, fall back to plain; true/"true" = TLS only; false/"false" = plain only. */
  ssl?: boolean | string;
  /**
   * `pooled`: `dbname` lives on a server shared by several tenants. The first rotation then also creates the
   * database, shuts every other user out of it and caps each of the two users at `connectionlimit` sessions.
   * Absent or `dedicated`: the database server belongs to this secret's tenant alone (the database exists).
   */
  placement?: Placement;
  /** Pooled only: concurrent sessions each of the two users may hold. Default 20; 1-10000. */
  connectionlimit?: number;
  /** Fields the function does not know are carried from version to version unchanged. */
  [extra: string]: unknown;
}

/** The RDS-managed master secret; host and port come from the application secret. */
export interface MasterSecret {
  username: string;
  password: string;
}

const ENGINE_ALIASES: Record<string, Engine> = {
  postgres: "postgres",
  postgresql: "postgres",
  "aurora-postgresql": "postgres",
  mysql: "mysql",
  mariadb: "mysql",
  "aurora-mysql": "mysql",
};
const DEFAULT_PORT: Record<Engine, number> = { postgres: 5432, mysql: 3306 };
/** PostgreSQL truncates identifiers at 63 bytes, MySQL 8 and MariaDB limit user names to 32 characters. */
const MAX_USERNAME: Record<Engine, number> = { postgres: 63, mysql: 32 };
export const CLONE_SUFFIX = "_clone";

function parseJson(text: string | undefined, where: string): Record<string, unknown> {
  if (text === undefined || text === "") throw new Error(`${where} has no SecretString; store the credential JSON as a string`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The parse error would echo the secret's text; only say where it is.
    throw new Error(`${where} is not valid JSON; store {"engine","host","port","dbname","username","password","masterarn"}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new Error(`${where} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** Parses and checks an application secret, naming every missing or malformed field at once. */
export function parseAppSecret(text: string | undefined, where: string): AppSecret {
  const raw = parseJson(text, where);
  const problems: string[] = [];
  const engine = typeof raw.engine === "string" ? ENGINE_ALIASES[raw.engine.toLowerCase()] : undefined;
  if (engine === undefined) {
    problems.push(`engine: ${JSON.stringify(raw.engine)} is not supported; use "postgres" or "mysql"`);
  }
  for (const field of ["host", "username", "password", "masterarn"] as const) {
    if (typeof raw[field] !== "string" || raw[field] === "") {
      problems.push(`${field}: ${field === "password" ? "(hidden)" : JSON.stringify(raw[field])} is missing; it must be a non-empty string`);
    }
  }
  const port = raw.port === undefined ? (engine ? DEFAULT_PORT[engine] : 0) : Number(raw.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    problems.push(`port: ${JSON.stringify(raw.port)} is not a TCP port; use an integer 1-65535`);
  }
  if (raw.dbname !== undefined && raw.dbname !== null && typeof raw.dbname !== "string") {
    problems.push(`dbname: ${JSON.stringify(raw.dbname)} must be a string`);
  }
  if (raw.placement !== undefined && raw.placement !== "pooled" && raw.placement !== "dedicated") {
    problems.push(`placement: ${JSON.stringify(raw.placement)} is not supported; use "pooled" or "dedicated" (or leave it out)`);
  }
  if (raw.placement === "pooled" && (typeof raw.dbname !== "string" || raw.dbname === "")) {
    problems.push(`dbname: ${JSON.stringify(raw.dbname)} is missing; a pooled tenant's credential must name its own database`);
  }
  const limit = raw.connectionlimit;
  if (limit !== undefined && (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 || limit > 10000)) {
    problems.push(`connectionlimit: ${JSON.stringify(limit)} is not a session count; use an integer 1-10000`);
  }
  if (problems.length > 0) throw new Error(`${where} is not a usable database secret:\n  - ${problems.join("\n  - ")}`);
  return { ...raw, engine: engine!, port, dbname: (raw.dbname as string | null | undefined) ?? undefined } as AppSecret;
}

/** Parses the master secret; `username` and `password` are all the function uses from it. */
export function parseMasterSecret(text: string | undefined, where: string): MasterSecret {
  const raw = parseJson(text, where);
  const problems: string[] = [];
  if (typeof raw.username !== "string" || raw.username === "") problems.push(`username: ${JSON.stringify(raw.username)} is missing`);
  if (typeof raw.password !== "string" || raw.password === "") problems.push("password: (hidden) is missing");
  if (problems.length > 0) throw new Error(`${where} is not a usable master secret:\n  - ${problems.join("\n  - ")}`);
  return { username: raw.username as string, password: raw.password as string };
}

/** `app` ↔ `app_clone`: the user that is not in use by AWSCURRENT. */
export function alternateUsername(username: string, engine: Engine): string {
  if (username.endsWith(CLONE_SUFFIX) && username.length > CLONE_SUFFIX.length) {
    return username.slice(0, -CLONE_SUFFIX.length);
  }
  const alternate = username + CLONE_SUFFIX;
  if (alternate.length > MAX_USERNAME[engine]) {
    throw new Error(
      `username ${JSON.stringify(username)} is too long to clone: ${alternate} exceeds ${MAX_USERNAME[engine]} characters for ${engine}; shorten the base user name`,
    );
  }
  return alternate;
}

// No quotes, backslash, slash, @ or whitespace: these break connection strings, shells and some drivers.
const PASSWORD_CLASSES = ["ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz", "0123456789", "!#$%&()*+,-.:;<=>?[]^_{|}~"];

/**
 * A random password with at least one character of every class. Generated here rather than with
 * GetRandomPassword so the function's role needs no `Resource: "*"` statement (that API has no resource).
 */
export function generatePassword(length = 32): string {
  if (length < PASSWORD_CLASSES.length) throw new Error(`password length ${length} is too short; use at least ${PASSWORD_CLASSES.length}`);
  const all = PASSWORD_CLASSES.join("");
  const chars = PASSWORD_CLASSES.map((set) => set[randomInt(set.length)]!);
  while (chars.length < length) chars.push(all[randomInt(all.length)]!);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join("");
}

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for a password (RFC 5802/7677, 4096 iterations as the server
 * uses). Sending the verifier instead of the password keeps the clear text out of server logs and
 * pg_stat_statements.
 */
export function scramSha256Verifier(password: string, salt: Buffer = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(password.normalize("NFKC"), salt, iterations, 32, "sha256");
  const clientKey = createHmac("sha256", salted).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest();
  const serverKey = createHmac("sha256", salted).update("Server Key").digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}
