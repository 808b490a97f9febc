/**
 * Shared world of the rotation tests: moto_server for Secrets Manager and real PostgreSQL and MariaDB servers
 * on loopback ports (started per test file by useRotationWorld), plus what an app and the operator do.
 */
import { afterAll, beforeAll } from "vitest";
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
  UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";
import { Client } from "pg";
import * as mysql from "mysql2/promise";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { runRotate, type RotateIO, type RotateOptions } from "../../cli/commands/rotate";
import { startMariadb, startMoto, startPostgres, type Database, type Moto } from "./services";
import { FunctionLog, HandlerDriver, InProcessInvoker, type HandlerDriverOptions } from "./driver";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

export let moto: Moto;
export let pg: Database;
export let maria: Database;
export let functionArn: string;
export let functionLog: FunctionLog;
/** Journals of the test runs go here, never into the repository. */
export let journalDir: string;
const masterArn = new Map<Database, string>();

/** Starts moto, PostgreSQL and MariaDB for the calling test file and stops them after it. */
export function useRotationWorld(): void {
  beforeAll(async () => {
    [moto, pg, maria] = await Promise.all([startMoto(), startPostgres(), startMariadb()]);
    functionArn = await moto.createFunction("tenant-db-rotation");
    functionLog = new FunctionLog(moto.logs);
    journalDir = mkdtempSync(path.join(tmpdir(), "bulkhead-journal-"));
    for (const db of [pg, maria]) {
      const out = await moto.client.send(new CreateSecretCommand({ Name: `rds!${db.engine}-master`, SecretString: JSON.stringify(db.master) }));
      masterArn.set(db, out.ARN!);
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all([moto?.stop(), pg?.stop(), maria?.stop()]);
  });
}

export interface SecretSpec {
  tenant?: string;
  managed?: string;
  username: string;
  name?: string;
  /** The secret's `ssl` field; absent = TLS first, then plain (what the per-engine tests exercise). */
  ssl?: boolean;
  /** Master secret ARN; default the server's shared master. */
  masterArn?: string;
  /** Database the user works in; default the server's `appdb`. */
  dbname?: string;
}

/** A managed app secret with rotation configured and no rotation in flight; its user does not exist yet. */
export async function createAppSecret(db: Database, spec: SecretSpec): Promise<string> {
  const tags = [
    ...(spec.tenant !== undefined ? [{ Key: "bulkhead:tenant", Value: spec.tenant }] : []),
    ...(spec.managed !== undefined ? [{ Key: "bulkhead:managed", Value: spec.managed }] : []),
  ];
  const value = {
    engine: db.engine,
    host: db.host,
    port: db.port,
    dbname: spec.dbname ?? db.dbname,
    username: spec.username,
    password: `initial-${spec.username}-Pw1`,
    masterarn: spec.masterArn ?? masterArn.get(db),
    ...(spec.ssl !== undefined ? { ssl: spec.ssl } : {}),
  };
  const out = await moto.client.send(new CreateSecretCommand({ Name: spec.name ?? `${spec.tenant ?? "none"}/${spec.username}`, SecretString: JSON.stringify(value), Tags: tags }));
  // Configures the function without rotating; moto leaves a copy labelled AWSPENDING that the service would not.
  await moto.client.send(
    new RotateSecretCommand({ SecretId: out.ARN, RotationLambdaARN: functionArn, RotationRules: { AutomaticallyAfterDays: 30 }, RotateImmediately: false }),
  );
  // moto answers this call with the AWSCURRENT version id, so the pending copy is found by its label.
  const meta = await moto.client.send(new DescribeSecretCommand({ SecretId: out.ARN }));
  for (const [id, stages] of Object.entries(meta.VersionIdsToStages ?? {})) {
    if (stages.includes("AWSPENDING")) {
      await moto.client.send(new UpdateSecretVersionStageCommand({ SecretId: out.ARN, VersionStage: "AWSPENDING", RemoveFromVersionId: id }));
    }
  }
  return out.ARN!;
}

export interface Creds {
  username: string;
  password: string;
}

export async function readCurrent(arn: string): Promise<Creds & { versionId: string }> {
  const out = await moto.client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: "AWSCURRENT" }));
  const v = JSON.parse(out.SecretString!);
  return { username: v.username, password: v.password, versionId: out.VersionId! };
}

export async function stagesOf(arn: string): Promise<Record<string, string[]>> {
  return (await moto.client.send(new DescribeSecretCommand({ SecretId: arn }))).VersionIdsToStages ?? {};
}

export function holders(stages: Record<string, string[]>, stage: string): string[] {
  return Object.entries(stages).filter(([, s]) => s.includes(stage)).map(([id]) => id);
}

/** What an app does: a fresh connection, one query on the app's table. Throws with `auth` set on a bad password. */
/** Each test's app has its own table, named after its base user, so tests never share objects. */
export function tableOf(c: Creds): string {
  return `items_${c.username.replace(/_clone$/, "")}`;
}

export async function appQuery(db: Database, c: Creds, dbname = db.dbname): Promise<number> {
  if (db.engine === "postgres") {
    const client = new Client({ host: db.host, port: db.port, user: c.username, password: c.password, database: dbname, connectionTimeoutMillis: 5000 });
    client.on("error", () => undefined);
    try {
      await client.connect();
      return Number((await client.query(`SELECT count(*) AS n FROM ${tableOf(c)}`)).rows[0].n);
    } catch (err) {
      throw Object.assign(err as Error, { auth: ["28P01", "28000"].includes((err as { code?: string }).code ?? "") });
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  let conn: mysql.Connection | undefined;
  try {
    conn = await mysql.createConnection({ host: db.host, port: db.port, user: c.username, password: c.password, database: dbname, connectTimeout: 5000 });
    const [rows] = await conn.query(`SELECT COUNT(*) AS n FROM ${tableOf(c)}`);
    return Number((rows as Array<{ n: number }>)[0]!.n);
  } catch (err) {
    throw Object.assign(err as Error, { auth: [1044, 1045].includes((err as { errno?: number }).errno ?? 0) });
  } finally {
    await conn?.end().catch(() => undefined);
  }
}

/**
 * The documented app behaviour: a new connection every ~50 ms with the cached AWSCURRENT credential; on an
 * authentication failure read AWSCURRENT again and retry once. Counts what an app would see.
 */
export function startClientLoop(db: Database, arn: string, initial: Creds, options: { cacheTtlMs?: number; dbname?: string; intervalMs?: number } = {}) {
  const stats = { queries: 0, failed: 0, authFailed: 0, unreachable: 0, rereads: 0, okAs: new Map<string, number>(), errors: [] as string[] };
  let creds = initial;
  let readAt = Date.now();
  let running = true;
  const attempt = async () => {
    // The README's contract: the cached credential is read again once it is older than the cache TTL.
    if (options.cacheTtlMs !== undefined && Date.now() - readAt >= options.cacheTtlMs) {
      creds = await readCurrent(arn);
      readAt = Date.now();
    }
    await appQuery(db, creds, options.dbname);
    stats.queries++;
    stats.okAs.set(creds.username, (stats.okAs.get(creds.username) ?? 0) + 1);
  };
  const loop = (async () => {
    while (running) {
      const started = Date.now();
      try {
        await attempt();
      } catch (err) {
        if ((err as { auth?: boolean }).auth) {
          stats.rereads++;
          creds = await readCurrent(arn);
          readAt = Date.now();
          try {
            await attempt();
          } catch (again) {
            stats.failed++;
            stats.errors.push(`after re-read as ${creds.username}: ${(again as Error).message}`);
            if ((again as { auth?: boolean }).auth) stats.authFailed++;
            else stats.unreachable++;
          }
        } else {
          stats.failed++;
          stats.unreachable++;
          stats.errors.push(`as ${creds.username}: ${(err as Error).message}`);
        }
      }
      await new Promise((r) => setTimeout(r, Math.max(0, (options.intervalMs ?? 50) - (Date.now() - started))));
    }
  })();
  return {
    stats,
    current: () => creds,
    stop: async () => {
      running = false;
      await loop;
      return stats;
    },
  };
}

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
  json: any;
}

export async function bulkheadRotate(opts: RotateOptions, driverOptions: HandlerDriverOptions = {}, io: Partial<RotateIO> = {}): Promise<Captured> {
  let stdout = "";
  let stderr = "";
  const driver = new HandlerDriver(moto.client, functionLog, driverOptions);
  let code: number;
  try {
    code = await runRotate(opts, {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      client: moto.client,
      logs: moto.logs,
      lambda: moto.lambda,
      invoker: new InProcessInvoker(moto.client),
      driver,
      poll: { minMs: 1000, maxMs: 2000 },
      logEveryMs: 300,
      startTimeoutMs: 10_000,
      // One machine, one clock: no skew to allow for, and moto scans less of the shared log group.
      logSkewMs: 1000,
      cwd: journalDir,
      ...io,
    });
  } finally {
    // The service's clean-up after the last step (dropping AWSPENDING) may land just after the command returns.
    await driver.idle();
  }
  return { code, stdout, stderr, json: opts.format === "json" ? JSON.parse(stdout) : undefined };
}

export async function createItems(db: Database, c: Creds, dbname = db.dbname): Promise<void> {
  if (db.engine === "postgres") {
    const client = new Client({ host: db.host, port: db.port, user: c.username, password: c.password, database: dbname });
    await client.connect();
    await client.query(`CREATE TABLE ${tableOf(c)} (id int)`);
    await client.query(`INSERT INTO ${tableOf(c)} VALUES (1)`);
    await client.end();
  } else {
    const conn = await mysql.createConnection({ host: db.host, port: db.port, user: c.username, password: c.password, database: dbname });
    await conn.query(`CREATE TABLE ${tableOf(c)} (id int)`);
    await conn.query(`INSERT INTO ${tableOf(c)} VALUES (1)`);
    await conn.end();
  }
}
