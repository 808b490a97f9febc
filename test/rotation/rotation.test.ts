/**
 * The rotation function and `bulkhead rotate` against real parts: moto_server for Secrets Manager and real
 * PostgreSQL and MariaDB servers, all on loopback ports, started here and stopped at the end.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";
import { Client } from "pg";
import * as mysql from "mysql2/promise";
import { Command } from "commander";
import { parseRotateOptions, registerRotateCommand, runRotate, type RotateOptions } from "../../cli/commands/rotate";
import { rotate, STEPS, type RotationDeps } from "../../rotation/handler";
import { startMariadb, startMoto, startPostgres, type Database, type Moto } from "./services";
import { HandlerDriver, type HandlerDriverOptions } from "./driver";
import { bundleRotationHandler } from "../../components/DatabaseRotation";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

let moto: Moto;
let pg: Database;
let maria: Database;
let functionArn: string;
const masterArn = new Map<Database, string>();

beforeAll(async () => {
  [moto, pg, maria] = await Promise.all([startMoto(), startPostgres(), startMariadb()]);
  functionArn = await moto.createFunction("tenant-db-rotation");
  for (const db of [pg, maria]) {
    const out = await moto.client.send(new CreateSecretCommand({ Name: `rds!${db.engine}-master`, SecretString: JSON.stringify(db.master) }));
    masterArn.set(db, out.ARN!);
  }
}, 60_000);

afterAll(async () => {
  await Promise.all([moto?.stop(), pg?.stop(), maria?.stop()]);
});

interface SecretSpec {
  tenant?: string;
  managed?: string;
  username: string;
  name?: string;
  /** The secret's `ssl` field; absent = TLS first, then plain (what the per-engine tests exercise). */
  ssl?: boolean;
}

/** A managed app secret with rotation configured and no rotation in flight; its user does not exist yet. */
async function createAppSecret(db: Database, spec: SecretSpec): Promise<string> {
  const tags = [
    ...(spec.tenant !== undefined ? [{ Key: "bulkhead:tenant", Value: spec.tenant }] : []),
    ...(spec.managed !== undefined ? [{ Key: "bulkhead:managed", Value: spec.managed }] : []),
  ];
  const value = {
    engine: db.engine,
    host: db.host,
    port: db.port,
    dbname: db.dbname,
    username: spec.username,
    password: `initial-${spec.username}-Pw1`,
    masterarn: masterArn.get(db),
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

interface Creds {
  username: string;
  password: string;
}

async function readCurrent(arn: string): Promise<Creds & { versionId: string }> {
  const out = await moto.client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: "AWSCURRENT" }));
  const v = JSON.parse(out.SecretString!);
  return { username: v.username, password: v.password, versionId: out.VersionId! };
}

async function stagesOf(arn: string): Promise<Record<string, string[]>> {
  return (await moto.client.send(new DescribeSecretCommand({ SecretId: arn }))).VersionIdsToStages ?? {};
}

function holders(stages: Record<string, string[]>, stage: string): string[] {
  return Object.entries(stages).filter(([, s]) => s.includes(stage)).map(([id]) => id);
}

/** What an app does: a fresh connection, one query on the app's table. Throws with `auth` set on a bad password. */
/** Each test's app has its own table, named after its base user, so tests never share objects. */
function tableOf(c: Creds): string {
  return `items_${c.username.replace(/_clone$/, "")}`;
}

async function appQuery(db: Database, c: Creds): Promise<number> {
  if (db.engine === "postgres") {
    const client = new Client({ host: db.host, port: db.port, user: c.username, password: c.password, database: db.dbname, connectionTimeoutMillis: 2000 });
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
    conn = await mysql.createConnection({ host: db.host, port: db.port, user: c.username, password: c.password, database: db.dbname, connectTimeout: 2000 });
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
function startClientLoop(db: Database, arn: string, initial: Creds) {
  const stats = { queries: 0, failed: 0, authFailed: 0, unreachable: 0, rereads: 0, okAs: new Map<string, number>(), errors: [] as string[] };
  let creds = initial;
  let running = true;
  const attempt = async () => {
    await appQuery(db, creds);
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
      await new Promise((r) => setTimeout(r, Math.max(0, 50 - (Date.now() - started))));
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

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
  json: any;
}

async function bulkheadRotate(opts: RotateOptions, driverOptions: HandlerDriverOptions = {}): Promise<Captured> {
  let stdout = "";
  let stderr = "";
  const code = await runRotate(opts, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    client: moto.client,
    driver: new HandlerDriver(moto.client, driverOptions),
    pollIntervalMs: 20,
  });
  return { code, stdout, stderr, json: opts.format === "json" ? JSON.parse(stdout) : undefined };
}

async function createItems(db: Database, c: Creds): Promise<void> {
  if (db.engine === "postgres") {
    const client = new Client({ host: db.host, port: db.port, user: c.username, password: c.password, database: db.dbname });
    await client.connect();
    await client.query(`CREATE TABLE ${tableOf(c)} (id int)`);
    await client.query(`INSERT INTO ${tableOf(c)} VALUES (1)`);
    await client.end();
  } else {
    const conn = await mysql.createConnection({ host: db.host, port: db.port, user: c.username, password: c.password, database: db.dbname });
    await conn.query(`CREATE TABLE ${tableOf(c)} (id int)`);
    await conn.query(`INSERT INTO ${tableOf(c)} VALUES (1)`);
    await conn.end();
  }
}

describe.each(["postgres", "mariadb"])("rotation function on %s", (engineName) => {
  const db = () => (engineName === "postgres" ? pg : maria);
  // Not "pg_": PostgreSQL reserves that prefix for its own roles.
  const prefix = engineName === "postgres" ? "ps" : "my";

  /** The secret the first test bootstraps; the zero-downtime test goes on rotating it. */
  let bootstrapped: string;

  it("first rotation creates both users; AWSCURRENT moves once and AWSPREVIOUS keeps working", async () => {
    const arn = await createAppSecret(db(), { tenant: "acme", username: `${prefix}_first` });
    bootstrapped = arn;
    const before = await readCurrent(arn);
    const run = await bulkheadRotate({ secret: [arn], format: "json" });
    expect(run.json.secrets.map((s: any) => [s.status, s.reason])).toEqual([["rotated", null]]);
    expect(run.code).toBe(0);
    const after = await readCurrent(arn);
    expect(after.username).toBe(`${prefix}_first_clone`);
    const stages = await stagesOf(arn);
    expect(holders(stages, "AWSCURRENT")).toEqual([after.versionId]);
    expect(holders(stages, "AWSPREVIOUS")).toEqual([before.versionId]);
    expect(holders(stages, "AWSPENDING")).toEqual([]);
    // Objects made through either user are visible to the other: the app must not care which one it holds.
    await createItems(db(), after);
    expect(await appQuery(db(), before)).toBe(1);
    expect(await appQuery(db(), after)).toBe(1);
  });

  it("every step repeated does no harm and never leaves two AWSCURRENT", async () => {
    const arn = await createAppSecret(db(), { tenant: "acme", username: `${prefix}_idem` });
    const start = await moto.client.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: functionArn }));
    const token = start.VersionId!;
    const deps: RotationDeps = { client: moto.client, log: () => undefined };
    let firstPending: string | undefined;
    for (const step of STEPS) {
      await rotate({ SecretId: arn, ClientRequestToken: token, Step: step }, deps);
      if (step === "createSecret") {
        firstPending = (await moto.client.send(new GetSecretValueCommand({ SecretId: arn, VersionId: token, VersionStage: "AWSPENDING" }))).SecretString;
      }
      await rotate({ SecretId: arn, ClientRequestToken: token, Step: step }, deps);
      expect(holders(await stagesOf(arn), "AWSCURRENT"), step).toHaveLength(1);
    }
    const current = await moto.client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: "AWSCURRENT" }));
    expect(current.VersionId).toBe(token);
    expect(current.SecretString).toBe(firstPending);
    await createItems(db(), JSON.parse(current.SecretString!));
    expect(await appQuery(db(), JSON.parse(current.SecretString!))).toBe(1);
  });

  it("refuses to take over a user whose password the secret does not hold", async () => {
    const arn = await createAppSecret(db(), { tenant: "acme", username: `${prefix}_owned` });
    const d = db();
    if (d.engine === "postgres") {
      const c = new Client({ host: d.host, port: d.port, user: d.master.username, password: d.master.password, database: d.dbname });
      await c.connect();
      await c.query(`CREATE ROLE ${prefix}_owned LOGIN PASSWORD 'someone-elses'`);
      await c.end();
    } else {
      const c = await mysql.createConnection({ host: d.host, port: d.port, user: d.master.username, password: d.master.password });
      await c.query(`CREATE USER '${prefix}_owned'@'%' IDENTIFIED BY 'someone-elses'`);
      await c.end();
    }
    const before = await readCurrent(arn);
    const run = await bulkheadRotate({ secret: [arn], format: "json" });
    expect(run.code).toBe(1);
    expect(run.json.secrets[0].status).toBe("failed");
    expect(run.json.secrets[0].reason).toMatch(new RegExp(`^setSecret failed for ${arn.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: AWSCURRENT user ${prefix}_owned exists but its stored password does not log in`));
    expect((await readCurrent(arn)).versionId).toBe(before.versionId);
  });

  it("zero downtime: three rotations while an app connects every 50 ms", async () => {
    const arn = bootstrapped;
    const initial = await readCurrent(arn);
    const loop = startClientLoop(db(), arn, initial);
    await new Promise((r) => setTimeout(r, 150));
    const versions: string[] = [];
    for (let i = 0; i < 3; i++) {
      const run = await bulkheadRotate({ secret: [arn], format: "json" });
      expect(run.json.secrets[0].reason).toBeNull();
      expect(run.code).toBe(0);
      versions.push(run.json.secrets[0].newVersion);
      await new Promise((r) => setTimeout(r, 120));
    }
    const stats = await loop.stop();
    console.log(`[${engineName}] zero downtime over 3 rotations: ${stats.queries} queries, ${stats.failed} failed, ${stats.rereads} AWSCURRENT re-reads after an auth failure`);
    expect(stats.errors).toEqual([]);
    expect(stats.queries).toBeGreaterThanOrEqual(10);
    expect(stats.rereads).toBeGreaterThanOrEqual(1);
    const stages = await stagesOf(arn);
    expect(holders(stages, "AWSCURRENT")).toEqual([versions[2]]);
    expect(holders(stages, "AWSPREVIOUS")).toEqual([versions[1]]);
  });

  it("database stopped during setSecret: fails naming secret and step, AWSCURRENT unchanged, app keeps working; --resume finishes", async () => {
    const arn = await createAppSecret(db(), { tenant: "acme", username: `${prefix}_fault` });
    expect((await bulkheadRotate({ secret: [arn] })).code).toBe(0);
    const old = await readCurrent(arn);
    await createItems(db(), old);
    const loop = startClientLoop(db(), arn, old);
    await new Promise((r) => setTimeout(r, 120));

    const failed = await bulkheadRotate(
      { secret: [arn] },
      { beforeStep: async (step) => (step === "setSecret" ? db().halt() : undefined) },
    );
    expect(failed.code).toBe(1);
    const name = `acme/${prefix}_fault`;
    expect(failed.stdout).toMatch(new RegExp(`${name}\\s+failed`));
    expect(failed.stdout).toContain(`setSecret failed for ${arn}: database 127.0.0.1:${db().port} is unreachable`);
    expect((await readCurrent(arn)).versionId).toBe(old.versionId);
    expect(holders(await stagesOf(arn), "AWSCURRENT")).toEqual([old.versionId]);

    await db().start();
    const okBefore = loop.stats.okAs.get(old.username) ?? 0;
    await new Promise((r) => setTimeout(r, 300));
    const stats = await loop.stop();
    console.log(`[${engineName}] fault: ${stats.queries} queries ok, ${stats.unreachable} failed while the database was down, ${stats.authFailed} auth failures`);
    expect(stats.authFailed).toBe(0);
    expect(stats.rereads).toBe(0);
    expect(loop.current().username).toBe(old.username);
    expect(stats.okAs.get(old.username)! - okBefore).toBeGreaterThan(0);

    const leftAlone = await bulkheadRotate({ secret: [arn], format: "json" });
    expect([leftAlone.code, leftAlone.json.secrets[0].status]).toEqual([1, "in-progress"]);
    const resumed = await bulkheadRotate({ secret: [arn], resume: true, format: "json" });
    expect(resumed.json.secrets[0].reason).toBeNull();
    expect([resumed.code, resumed.json.secrets[0].status]).toEqual([0, "rotated"]);
    expect(holders(await stagesOf(arn), "AWSPREVIOUS")).toEqual([old.versionId]);
    expect(await appQuery(db(), await readCurrent(arn))).toBe(1);
  });
});

describe("the deployed artifact", () => {
  it("the esbuild bundle, loaded alone from a directory without node_modules, rotates a PostgreSQL and a MySQL secret", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "bulkhead-lambda-"));
    const saved = { ...process.env };
    // The function logs one JSON line per event to stdout, as Lambda collects it.
    const logs: string[] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void logs.push(args.join(" ")));
    try {
      writeFileSync(path.join(dir, "index.js"), bundleRotationHandler());
      // What the Lambda runtime provides: credentials and region in the environment, the endpoint from the component.
      Object.assign(process.env, {
        SECRETS_MANAGER_ENDPOINT: moto.endpoint,
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "testing",
        AWS_SECRET_ACCESS_KEY: "testing",
      });
      const lambda = createRequire(path.join(dir, "index.js"))("./index.js") as { handler: (event: unknown) => Promise<void> };
      for (const db of [pg, maria]) {
        const arn = await createAppSecret(db, { tenant: "acme", username: `${db.engine.slice(0, 2)}_bundle` });
        const run = await bulkheadRotate({ secret: [arn], format: "json" }, { invoke: (event) => lambda.handler(event) });
        expect(run.json.secrets[0].reason).toBeNull();
        expect(run.code).toBe(0);
        const current = await readCurrent(arn);
        expect(current.username).toBe(`${db.engine.slice(0, 2)}_bundle_clone`);
        await createItems(db, current);
        expect(await appQuery(db, current)).toBe(1);
        expect(logs.some((l) => JSON.parse(l).message === "finishSecret: AWSCURRENT moved" && JSON.parse(l).arn === arn)).toBe(true);
        for (const secret of [current.password, `initial-${db.engine.slice(0, 2)}_bundle-Pw1`]) {
          expect(logs.filter((l) => l.includes(secret))).toEqual([]);
        }
      }
    } finally {
      spy.mockRestore();
      process.env = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("bulkhead rotate across tenants", () => {
  const arns: string[] = [];

  beforeAll(async () => {
    const specs = [];
    for (let t = 1; t <= 5; t++) {
      for (let i = 0; i < 10; i++) specs.push({ t, i });
    }
    // Alternate engines so every tenant has both kinds; created in parallel, they are independent. Plain
    // connections (ssl: false) skip the TLS attempt the local servers would refuse: half the logins.
    const created = await Promise.all(
      specs.map(({ t, i }) => createAppSecret(i % 2 === 0 ? pg : maria, { tenant: `t${t}`, managed: "true", username: `bulk_t${t}_${i}`, ssl: false })),
    );
    arns.push(...created);
    // Lookalikes that must never be selected: not managed, a managed tag with another value, no tenant.
    await createAppSecret(pg, { tenant: "t1", managed: "false", username: "decoy_unmanaged" });
    await createAppSecret(pg, { tenant: "t1", managed: "trueish", username: "decoy_prefix" });
    await createAppSecret(pg, { managed: "true", username: "decoy_no_tenant" });
  }, 60_000);

  it("--dry-run lists exactly t1's managed secrets and changes nothing", async () => {
    const before = await stagesOf(arns[0]!);
    // A managed tenant whose id starts with "t1": the ListSecrets filter matches it, the exact check must not.
    const lookalike = await createAppSecret(pg, { tenant: "t10", managed: "true", username: "decoy_t10" });
    const run = await bulkheadRotate({ tenant: ["t1"], dryRun: true, format: "json" });
    await moto.client.send(new DeleteSecretCommand({ SecretId: lookalike, ForceDeleteWithoutRecovery: true }));
    expect(run.code).toBe(0);
    expect(run.json.secrets.map((s: any) => s.name).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `t1/bulk_t1_${i}`).sort());
    expect(new Set(run.json.secrets.map((s: any) => s.status))).toEqual(new Set(["would-rotate"]));
    expect(await stagesOf(arns[0]!)).toEqual(before);
  });

  it("--all rotates 50 secrets across 5 tenants", async () => {
    const started = Date.now();
    const run = await bulkheadRotate({ all: true, format: "json", concurrency: "10" });
    console.log(`--all: ${run.json.summary.rotated} rotated in ${Date.now() - started} ms`);
    expect(run.json.secrets.filter((s: any) => s.status !== "rotated")).toEqual([]);
    expect(run.json.summary).toMatchObject({ total: 50, rotated: 50, failed: 0 });
    expect(new Set(run.json.secrets.map((s: any) => s.tenant))).toEqual(new Set(["t1", "t2", "t3", "t4", "t5"]));
    expect(run.code).toBe(0);
    expect(run.stderr.split("\n").filter((l) => / rotated /.test(l))).toHaveLength(50);
  });

  it("--all with one secret's function failing: 49 rotated, 1 failed with the function's reason, exit 1", async () => {
    const broken = arns[17]!;
    const value = JSON.parse((await moto.client.send(new GetSecretValueCommand({ SecretId: broken, VersionStage: "AWSCURRENT" }))).SecretString!);
    const missingMaster = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!gone-000000";
    await moto.client.send(new PutSecretValueCommand({ SecretId: broken, SecretString: JSON.stringify({ ...value, masterarn: missingMaster }), VersionStages: ["AWSCURRENT"] }));
    const run = await bulkheadRotate({ all: true, format: "text", concurrency: "10" });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("49 rotated, 1 failed, 0 timed out, 0 left in progress (of 50).");
    expect(run.stdout).toMatch(/^t2\s+t2\/bulk_t2_7\s+failed/m);
    expect(run.stdout).toContain(`setSecret failed for ${broken}: `);
    expect(run.stdout).toMatch(/RESULT/);
  });

  it("reports a tenant without managed secrets and exits 1 when nothing matched", async () => {
    const run = await bulkheadRotate({ tenant: ["nobody"] });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("no secret tagged bulkhead:tenant=nobody and bulkhead:managed=true");
    expect(run.stdout).toBe("No secret matched the selection: nothing rotated.\n");
  });

  it("registers `rotate` on a commander program with repeatable --tenant/--secret and numeric defaults", async () => {
    const program = new Command().exitOverride();
    let seen: RotateOptions | undefined;
    registerRotateCommand(program).action((opts: RotateOptions) => void (seen = opts));
    await program.parseAsync(["rotate", "--tenant", "a", "--tenant", "b", "--secret", "arn:x", "--dry-run", "--resume", "--format", "json", "--region", "eu-west-1", "--profile", "ops", "--endpoint-url", "http://127.0.0.1:1"], { from: "user" });
    expect(seen).toEqual({
      tenant: ["a", "b"], secret: ["arn:x"], dryRun: true, resume: true, format: "json", region: "eu-west-1", profile: "ops",
      endpointUrl: "http://127.0.0.1:1", concurrency: "8", timeout: "300",
    });
    expect(parseRotateOptions(seen!).problems).toEqual([]);
  });

  it("exits 2 on usage errors and when no credentials are found", async () => {
    const quiet = { stdout: () => undefined, stderr: () => undefined };
    expect(await runRotate({}, quiet)).toBe(2);
    expect(await runRotate({ all: true, tenant: ["t1"] }, quiet)).toBe(2);
    expect(await runRotate({ all: true, format: "xml" }, quiet)).toBe(2);
    expect(await runRotate({ all: true, concurrency: "0" }, quiet)).toBe(2);
    // No credentials anywhere (and no instance metadata to ask): the SDK fails before any request.
    const saved = { ...process.env };
    for (const k of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"]) delete process.env[k];
    Object.assign(process.env, { AWS_EC2_METADATA_DISABLED: "true", AWS_CONFIG_FILE: "/nonexistent", AWS_SHARED_CREDENTIALS_FILE: "/nonexistent" });
    let err = "";
    let code: number;
    try {
      code = await runRotate({ all: true, region: "us-east-1", endpointUrl: moto.endpoint }, { stdout: () => undefined, stderr: (t) => (err += t) });
    } finally {
      process.env = saved;
    }
    expect(code).toBe(2);
    expect(err).toMatch(/^bulkhead rotate: credentials, region or permissions problem: CredentialsProviderError: /);
  });
});
