/**
 * Breach day as an on-call engineer runs it (issue 12): tenants shaped as TenantDatabase builds them (an app
 * secret in the alternating-users format, its own master secret), live app traffic following the README's
 * contract, and a copy of every credential taken first, with a session opened with each. Real PostgreSQL 15
 * and MariaDB, moto_server for Secrets Manager and CloudWatch Logs.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { expectContract } from "../docs/contract-schemas";
import { GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { END_SESSIONS_TAG, endSessionsRequested } from "../../rotation/handler";
import { Client } from "pg";
import * as mysql from "mysql2/promise";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { Command } from "commander";
import { createAppSecret, createItems, bulkheadRotate, functionLog, maria, moto, pg, readCurrent, startClientLoop, stagesOf, holders, useRotationWorld } from "./world";
import { registerRotateCommand } from "../../cli/commands/rotate";
import { LambdaInvoker } from "../../cli/rotate/invoke";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import { createTenantMaster, openSession, RdsStandIn, stealAll, tryLogin, type Stolen, type TenantMaster } from "./breach-world";
import { startPostgres, type Database } from "./services";

useRotationWorld();

interface Tenant {
  id: string;
  db: Database;
  master: TenantMaster;
  arn: string;
}

const masters = new Map<string, TenantMaster>();
/** The drill's real output, which the README test compares its documented JSON with. */
let drillRun: { json: any } | undefined;

async function makeTenant(id: string, db: Database): Promise<Tenant> {
  const master = await createTenantMaster(moto.client, db, id);
  masters.set(master.arn, master);
  const arn = await createAppSecret(db, { tenant: id, managed: "true", username: `app_${id.replace(/-/g, "_")}`, ssl: false, masterArn: master.arn, dbname: master.dbname });
  return { id, db, master, arn };
}

/** The first rotation creates both users (as at deployment); then the app has its table. */
async function deploy(tenants: Tenant[]): Promise<void> {
  const run = await bulkheadRotate({ tenant: tenants.map((t) => t.id), format: "json", concurrency: "10" });
  expect(run.json.secrets.filter((s: any) => s.status !== "rotated")).toEqual([]);
  for (const t of tenants) await createItems(t.db, await readCurrent(t.arn), t.master.dbname);
}

async function currentVersion(arn: string): Promise<string> {
  return holders(await stagesOf(arn), "AWSCURRENT")[0]!;
}

describe("breach drill: 10 tenants, PostgreSQL and MariaDB, live apps, every credential stolen", () => {
  const tenants: Tenant[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 10; i++) tenants.push(await makeTenant(`drill-${i}`, i < 6 ? pg : maria));
    await deploy(tenants);
  }, 120_000);

  it("rotate --breach: 0 stolen credentials log in, 0 stolen sessions stay open, every master rotated, 0 failed app queries", async () => {
    // Apps follow the README: AWSCURRENT cached at most the TTL (1 s here), a new connection per request,
    // five requests a second per tenant (each a full SCRAM login: more would only load the two cores).
    const loops = await Promise.all(
      tenants.map(async (t) => startClientLoop(t.db, t.arn, await readCurrent(t.arn), { cacheTtlMs: 1000, dbname: t.master.dbname, intervalMs: 200 })),
    );
    const stolen: Stolen[] = (await Promise.all(tenants.map((t) => stealAll(moto.client, t.id, t.arn, t.master)))).flat();
    expect(stolen).toHaveLength(30);
    const sessions = await Promise.all(stolen.map(async (s) => ({ s, session: await openSession(s) })));
    for (const { session } of sessions) expect(await session.alive()).toBe(true);
    const masterBefore = new Map(await Promise.all(tenants.map(async (t) => [t.master.arn, await currentVersion(t.master.arn)] as const)));

    const rds = new RdsStandIn(moto.client, masters);
    const started = Date.now();
    const run = await bulkheadRotate(
      { tenant: tenants.map((t) => t.id), breach: true, appCacheTtl: "1", wait: "2", format: "json", concurrency: "10" },
      {},
      { masters: rds },
    );
    const elapsed = Date.now() - started;
    drillRun = run;
    if (process.env.BULKHEAD_TEST_VERBOSE) console.log(run.stderr);
    await new Promise((r) => setTimeout(r, 300));
    const stats = await Promise.all(loops.map((l) => l.stop()));
    const queries = stats.reduce((n, s) => n + s.queries, 0);
    console.log(`breach drill: 10 tenants in ${elapsed} ms; ${queries} app queries, ${stats.reduce((n, s) => n + s.failed, 0)} failed ${JSON.stringify(stats.flatMap((s) => s.errors))}`);

    expect(run.json.tenants.map((t: any) => [t.tenant, t.status, t.oldCredentialsStillLogIn, t.unverifiable, t.secrets[0].reason])).toEqual(
      tenants.map((t) => [t.id, "ok", 0, 0, null]),
    );
    expect(run.json.summary).toMatchObject({ tenants: 10, tenantsFailed: 0, oldCredentialsStillLogIn: 0 });
    expect(run.code).toBe(0);

    // What the attacker holds is worthless: no login, no open session.
    const logins = await Promise.all(stolen.map(async (s) => [s.tenant, s.what, await tryLogin(s)]));
    expect(logins.filter(([, , r]) => r !== "auth")).toEqual([]);
    const open = await Promise.all(sessions.map(async ({ s, session }) => [s.tenant, s.what, await session.alive()]));
    expect(open.filter(([, , alive]) => alive)).toEqual([]);
    // Every master secret has a new AWSCURRENT, and its old version is among those verified dead.
    for (const t of tenants) {
      expect(await currentVersion(t.master.arn)).not.toBe(masterBefore.get(t.master.arn));
      const checks = run.json.tenants.find((x: any) => x.tenant === t.id).secrets[0].verify.checks;
      expect(checks.filter((c: any) => c.secret === "master").map((c: any) => [c.versionId, c.result])).toContainEqual([masterBefore.get(t.master.arn), "dead"]);
      expect(checks.filter((c: any) => c.secret === "app").length).toBeGreaterThanOrEqual(2);
    }
    expect(rds.rotated.sort()).toEqual(tenants.map((t) => t.master.arn).sort());
    // Apps noticed nothing.
    expect(stats.flatMap((s) => s.errors)).toEqual([]);
    expect(queries).toBeGreaterThan(10 * 10);
    for (const { session } of sessions) await session.close();

    // The journal is where the JSON says, and records the pre-incident versions it verified.
    const journal = JSON.parse(readFileSync(run.json.journal, "utf8"));
    expect(journal.breach).toBe(true);
    expect(Object.keys(journal.secrets).sort()).toEqual(tenants.map((t) => t.arn).sort());
  }, 180_000);
});

async function setPasswordByHand(db: Database, username: string, password: string): Promise<void> {
  if (db.engine === "postgres") {
    const c = new Client({ host: db.host, port: db.port, user: db.master.username, password: db.master.password, database: "postgres" });
    await c.connect();
    await c.query(`ALTER ROLE ${username} PASSWORD '${password.replace(/'/g, "''")}'`);
    await c.end();
  } else {
    const c = await mysql.createConnection({ host: db.host, port: db.port, user: db.master.username, password: db.master.password });
    await c.query(`ALTER USER '${username}'@'%' IDENTIFIED BY ?`, [password]);
    await c.end();
  }
}

describe("breach mode with faults: a database stopped mid-run, a password changed by hand", () => {
  let down: Database;
  const tenants: Tenant[] = [];

  beforeAll(async () => {
    down = await startPostgres();
    tenants.push(await makeTenant("fault-ok-pg", pg), await makeTenant("fault-ok-my", maria), await makeTenant("fault-down", down), await makeTenant("fault-hand", maria));
    await deploy(tenants);
  }, 120_000);

  it("each failed row names its cause within 10 s, the others finish, exit 1; --resume finishes only those two", async () => {
    const [okPg, okMy, stopped, byHand] = tenants as [Tenant, Tenant, Tenant, Tenant];
    const handCreds = await readCurrent(byHand.arn);
    await setPasswordByHand(byHand.db, handCreds.username, "changed-by-hand-Pw1");
    let halted = false;
    const rds = new RdsStandIn(moto.client, masters);
    const run = await bulkheadRotate(
      { tenant: tenants.map((t) => t.id), breach: true, appCacheTtl: "1", wait: "1", format: "json", concurrency: "4" },
      {
        beforeStep: async (step, secret) => {
          if (step === "setSecret" && secret.arn === stopped.arn && !halted) {
            halted = true;
            await down.halt();
          }
        },
      },
      { masters: rds },
    );
    expect(run.code).toBe(1);
    const row = (t: Tenant) => run.json.tenants.find((x: any) => x.tenant === t.id);
    expect([okPg, okMy].map((t) => [row(t).status, row(t).oldCredentialsStillLogIn])).toEqual([["ok", 0], ["ok", 0]]);
    expect(row(stopped).status).toBe("failed");
    expect(row(stopped).secrets[0].reason).toBe(
      `pass 1: setSecret failed for ${stopped.arn}: database 127.0.0.1:${down.port} is unreachable: connect ECONNREFUSED 127.0.0.1:${down.port}`,
    );
    expect(row(byHand).secrets[0].reason).toMatch(
      new RegExp(`^pass 1: setSecret failed for ${stopped.arn.replace(/fault-down.*/, "")}.*AWSCURRENT user ${handCreds.username} exists but its stored password does not log in`),
    );
    for (const t of [stopped, byHand]) {
      // Named from the function's log within seconds, not after the timeout (300 s by default for a 60 s function).
      expect(row(t).secrets[0].pass1.durationMs).toBeLessThan(10_000);
      expect(row(t).oldCredentialsStillLogIn).toBeNull();
      expect(row(t).secrets[0].master.status).toBe("skipped");
    }
    expect(rds.rotated.sort()).toEqual([okPg.master.arn, okMy.master.arn].sort());

    // Fix both causes, then resume: only the two failed tenants move.
    await down.start();
    await setPasswordByHand(byHand.db, handCreds.username, handCreds.password);
    const before = new Map(await Promise.all(tenants.flatMap((t) => [t.arn, t.master.arn]).map(async (arn) => [arn, await currentVersion(arn)] as const)));
    const journalBefore = JSON.parse(readFileSync(run.json.journal, "utf8"));
    const resumed = await bulkheadRotate({ resume: true, format: "json", journal: run.json.journal }, {}, { masters: rds });
    expect(resumed.json.tenants.map((t: any) => [t.tenant, t.status, t.oldCredentialsStillLogIn])).toEqual([
      ["fault-down", "ok", 0],
      ["fault-hand", "ok", 0],
    ]);
    expect(resumed.json.summary).toMatchObject({ alreadyDone: 2, tenants: 2, tenantsFailed: 0, oldCredentialsStillLogIn: 0 });
    expect(resumed.code).toBe(0);
    // The healthy tenants: same AWSCURRENT versions (app and master), same journal entries.
    for (const t of [okPg, okMy]) {
      expect(await currentVersion(t.arn)).toBe(before.get(t.arn));
      expect(await currentVersion(t.master.arn)).toBe(before.get(t.master.arn));
    }
    const journalAfter = JSON.parse(readFileSync(run.json.journal, "utf8"));
    for (const t of [okPg, okMy]) expect(journalAfter.secrets[t.arn]).toEqual(journalBefore.secrets[t.arn]);
    expect(journalAfter.runs.map((r: any) => r.resume)).toEqual([false, true]);
    // The interrupted rotation of the stopped tenant was finished, not replaced: pass 1 ends on the version it started.
    expect(journalAfter.secrets[stopped.arn].breach.pass1.newVersion).toBe(journalBefore.secrets[stopped.arn].breach.pass1.newVersion);
    for (const t of [stopped, byHand]) expect(await currentVersion(t.master.arn)).not.toBe(before.get(t.master.arn));
    await down.stop();
  }, 180_000);
});

describe("emulators and function failures", () => {
  it("a function that never runs (no log line after RotateSecret) is named in one line, not after the timeout", async () => {
    const arn = await createAppSecret(pg, { tenant: "emu", username: "emu_norun", ssl: false });
    // No stand-in: moto records the invocation RotateSecret makes but runs nothing, like an emulator without Lambda.
    const run = await bulkheadRotate({ secret: [arn] }, {}, { driver: undefined, startTimeoutMs: 1500 });
    expect(run.code).toBe(1);
    const reasons = run.stdout.split("\n").filter((l) => l.includes("never ran"));
    expect(reasons).toHaveLength(1);
    expect(reasons[0]!.trim()).toMatch(
      /^the rotation function never ran: no log line for version \S+ in \/aws\/lambda\/tenant-db-rotation \d+ s after RotateSecret \(an emulator that does not run Lambda functions\? see README "What an emulator must support"\)$/,
    );
  });

  it("breach mode through moto's Lambda Invoke (no code runs) stops at the inventory and says why", async () => {
    await createAppSecret(pg, { tenant: "emu-breach", managed: "true", username: "emu_breach", ssl: false });
    const run = await bulkheadRotate({ tenant: ["emu-breach"], breach: true, appCacheTtl: "0", wait: "0", format: "json" }, {}, { invoker: new LambdaInvoker(moto.lambda) });
    expect(run.code).toBe(1);
    // moto's Lambda without Docker echoes the request back: not the handler's reply.
    expect(run.json.tenants[0].secrets[0].reason).toMatch(
      /^inventory: the function tenant-db-rotation did not run the bulkhead handler \(its reply to inventory was ".*"\); an emulator that does not run Lambda functions\? see README "What an emulator must support"$/,
    );
    expect(run.json.tenants[0].oldCredentialsStillLogIn).toBeNull();
  });

  it("a FunctionError from Lambda Invoke carries the function's own error", async () => {
    const lambda = {
      send: async () => ({
        StatusCode: 200,
        FunctionError: "Unhandled",
        Payload: new TextEncoder().encode(JSON.stringify({ errorType: "Error", errorMessage: "cannot log in as master user m at 10.0.3.12:5432: timeout" })),
      }),
    } as unknown as LambdaClient;
    await expect(new LambdaInvoker(lambda).invoke("arn:aws:lambda:eu-west-1:111122223333:function:acme-rot", { bulkhead: "verifyDead" })).rejects.toThrow(
      "the function acme-rot failed (Unhandled): Error: cannot log in as master user m at 10.0.3.12:5432: timeout",
    );
  });

  it("a step still running past the deadline Lambda gave it is reported as stopped by Lambda", async () => {
    const arn = await createAppSecret(pg, { tenant: "emu", username: "emu_deadline", ssl: false });
    // What the log shows when Lambda kills the function mid-step: the step started, nothing after it.
    const driver = {
      run: async (_s: unknown, token: string, fn: string) =>
        functionLog.write(fn, "req-1", "setSecret started", { arn, token, step: "setSecret", deadlineMs: Date.now() - 60_000 }),
    };
    const run = await bulkheadRotate({ secret: [arn], format: "json" }, {}, { driver });
    expect(run.json.secrets[0].reason).toBe(
      `setSecret failed for ${arn}: the function did not finish the step before its timeout (Lambda stopped it); see log group /aws/lambda/tenant-db-rotation`,
    );
    expect(run.json.secrets[0].durationMs).toBeLessThan(10_000);
  });
});

describe("README incident runbook matches the CLI", () => {
  const readme = readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Incident"), readme.indexOf("\n## ", readme.indexOf("## Incident") + 5));
  const program = new Command();
  const rotate = registerRotateCommand(program);
  const flags = new Set(rotate.options.map((o) => o.long!));

  it("the runbook starts with breach mode and every flag it uses exists", () => {
    const runbook = section.slice(section.indexOf("### Runbook"));
    const commands = [...runbook.matchAll(/npx bulkhead rotate[^\n]*/g)].map((m) => m[0]);
    expect(commands[0]).toMatch(/^npx bulkhead rotate --all --breach\b/);
    const used = new Set(commands.flatMap((c) => [...c.matchAll(/ (--[a-z-]+)/g)].map((m) => m[1]!)));
    expect([...used].filter((f) => !flags.has(f))).toEqual([]);
  });

  it("the option table lists exactly the command's options", () => {
    const documented = [...section.matchAll(/^\| `(--[a-z-]+)/gm)].map((m) => m[1]!);
    expect(new Set(documented)).toEqual(flags);
  });

  it("the JSON example has the shape of a real breach run's output", () => {
    const example = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(section)![1]!);
    const real = drillRun?.json;
    expect(real, "the drill test must run first").toBeDefined();
    const keys = (o: object) => Object.keys(o).sort();
    expect(keys(example)).toEqual(keys(real));
    expect(keys(example.summary)).toEqual(keys(real.summary));
    expect(keys(example.tenants[0])).toEqual(keys(real.tenants[0]));
    expect(keys(example.tenants[0].secrets[0])).toEqual(keys(real.tenants[0].secrets[0]));
    expect(keys(example.tenants[0].secrets[0].verify)).toEqual(keys(real.tenants[0].secrets[0].verify));
    expect(keys(example.tenants[0].secrets[0].verify.checks[0])).toEqual(keys(real.tenants[0].secrets[0].verify.checks[0]));
    expect(keys(example.secrets[0])).toEqual(keys(real.secrets[0]));
    // Both are the document docs/contract.md describes.
    expectContract("rotate", real);
    expectContract("rotate", example);
  });
});

describe("what `bulkhead rotate` prints", () => {
  it("no AWS SDK Node-version warning (issue 13), while the SDK alone does print it on this Node", () => {
    const env: NodeJS.ProcessEnv = { ...process.env, AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing", AWS_REGION: "us-east-1" };
    delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    const root = path.join(__dirname, "..", "..");
    const cli = spawnSync(process.execPath, ["bin/bulkhead.js", "rotate", "--tenant", "nobody", "--endpoint-url", moto.endpoint], { cwd: root, env, encoding: "utf8" });
    expect(cli.stderr).toContain("no secret tagged bulkhead:tenant=nobody");
    expect(cli.stderr).not.toMatch(/NodeVersionSupportWarning|AWS SDK for JavaScript/);
    // The control: the same SDK without the command's switch warns on Node < 22, so the check above can fail.
    const sdk = spawnSync(process.execPath, ["-e", "new (require('@aws-sdk/client-secrets-manager').SecretsManagerClient)({})"], { cwd: root, env, encoding: "utf8" });
    const major = Number(process.versions.node.split(".")[0]);
    expect(/NodeVersionSupportWarning/.test(sdk.stderr)).toBe(major < 22);
  });
});

describe("session ending is for breach mode only", () => {
  it("reads the end-sessions tag: valid only until its time", () => {
    const meta = (value?: string) => ({ $metadata: {}, Tags: value === undefined ? [] : [{ Key: END_SESSIONS_TAG, Value: value }] });
    const now = Date.parse("2026-11-25T10:00:00Z");
    expect(endSessionsRequested(meta("2026-11-25T11:00:00Z"), now)).toBe(true);
    expect(endSessionsRequested(meta("2026-11-25T09:59:59Z"), now)).toBe(false);
    expect(endSessionsRequested(meta("soon"), now)).toBe(false);
    expect(endSessionsRequested(meta(), now)).toBe(false);
  });

  it("a routine rotation leaves the rotated user's open session alone (an app may still use it)", async () => {
    const arn = await createAppSecret(pg, { tenant: "routine", username: "routine_app", ssl: false });
    expect((await bulkheadRotate({ secret: [arn] })).code).toBe(0);
    const previous = JSON.parse((await moto.client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: "AWSPREVIOUS" }))).SecretString!);
    const session = await openSession({ tenant: "routine", what: "app AWSPREVIOUS", db: pg, dbname: pg.dbname, username: previous.username, password: previous.password });
    expect((await bulkheadRotate({ secret: [arn] })).code).toBe(0);
    expect((await readCurrent(arn)).username).toBe(previous.username);
    expect(await session.alive()).toBe(true);
    await session.close();
  });
});
