/**
 * Breach day as an on-call engineer runs it (issue 12): tenants shaped as TenantDatabase builds them (an app
 * secret in the alternating-users format, its own master secret), live app traffic following the README's
 * contract, and a copy of every credential taken first, with a session opened with each. Real PostgreSQL 15
 * and MariaDB, moto_server for Secrets Manager and CloudWatch Logs.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { DescribeSecretCommand } from "@aws-sdk/client-secrets-manager";
import { Client } from "pg";
import * as mysql from "mysql2/promise";
import { readFileSync } from "node:fs";
import { createAppSecret, createItems, bulkheadRotate, maria, moto, pg, readCurrent, startClientLoop, stagesOf, holders, useRotationWorld } from "./world";
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
  }, 60_000);

  it("rotate --breach: 0 stolen credentials log in, 0 stolen sessions stay open, every master rotated, 0 failed app queries", async () => {
    // Apps follow the README: AWSCURRENT cached at most the TTL (1 s here), a new connection per request.
    const loops = await Promise.all(tenants.map(async (t) => startClientLoop(t.db, t.arn, await readCurrent(t.arn), { cacheTtlMs: 1000, dbname: t.master.dbname })));
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
    if (process.env.BULKHEAD_TEST_VERBOSE) console.log(run.stderr);
    await new Promise((r) => setTimeout(r, 300));
    const stats = await Promise.all(loops.map((l) => l.stop()));
    const queries = stats.reduce((n, s) => n + s.queries, 0);
    console.log(`breach drill: 10 tenants in ${elapsed} ms; ${queries} app queries, ${stats.reduce((n, s) => n + s.failed, 0)} failed`);

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
    expect(queries).toBeGreaterThan(10 * 20);
    for (const { session } of sessions) await session.close();

    // The journal is where the JSON says, and records the pre-incident versions it verified.
    const journal = JSON.parse(readFileSync(run.json.journal, "utf8"));
    expect(journal.breach).toBe(true);
    expect(Object.keys(journal.secrets).sort()).toEqual(tenants.map((t) => t.arn).sort());
  });
});
