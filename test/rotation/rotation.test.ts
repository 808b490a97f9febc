/**
 * The rotation function and `bulkhead rotate` against real parts: moto_server for Secrets Manager, real
 * PostgreSQL and MariaDB on loopback ports. Each step, the zero-downtime loop, the fault case, the bundled
 * Lambda artifact, and the command end to end across 50 secrets in 5 tenants. One file on purpose: the
 * servers start once (the suite runs files one after another on two cores).
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { DeleteSecretCommand, GetSecretValueCommand, PutSecretValueCommand, RotateSecretCommand, UpdateSecretVersionStageCommand } from "@aws-sdk/client-secrets-manager";
import { Command } from "commander";
import { parseRotateOptions, registerRotateCommand, runRotate, type RotateOptions } from "../../cli/commands/rotate";
import { Client } from "pg";
import * as mysql from "mysql2/promise";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { bundleRotationHandler } from "../../components/DatabaseRotation";
import { rotate, STEPS, type RotationDeps } from "../../rotation/handler";
import {
  appQuery, bulkheadRotate, createAppSecret, createItems, functionArn, holders, maria, moto, pg, readCurrent, stagesOf,
  startClientLoop, useRotationWorld,
} from "./world";

useRotationWorld();

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
    const resumed = await bulkheadRotate({ secret: [arn], finishPending: true, format: "json" });
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

  // One run of 50 covers both the fleet at scale and a failing function among healthy ones (a second, all-healthy
  // run of 50 added ~5 s of CPU and proved nothing this one does not: exit 0 is shown by the resume below).
  it("--all rotates 50 secrets across 5 tenants; one secret's function fails: 49 rotated, 1 failed with the function's reason, exit 1; the log is read once per interval for all of them", async () => {
    const broken = arns[17]!;
    const value = JSON.parse((await moto.client.send(new GetSecretValueCommand({ SecretId: broken, VersionStage: "AWSCURRENT" }))).SecretString!);
    const missingMaster = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!gone-000000";
    await moto.client.send(new PutSecretValueCommand({ SecretId: broken, SecretString: JSON.stringify({ ...value, masterarn: missingMaster }), VersionStages: ["AWSCURRENT"] }));
    const started = Date.now();
    const firstCall = moto.calls.length;
    const run = await bulkheadRotate({ all: true, format: "json", concurrency: "10" });
    console.log(`--all: ${run.json.summary.rotated} rotated in ${Date.now() - started} ms`);
    expect(run.code).toBe(1);
    expect(run.json.summary).toMatchObject({ total: 50, rotated: 49, failed: 1, "timed-out": 0, "in-progress": 0 });
    const failed = run.json.secrets.filter((s: any) => s.status !== "rotated");
    expect(failed.map((s: any) => [s.tenant, s.name, s.status])).toEqual([["t2", "t2/bulk_t2_7", "failed"]]);
    expect(failed[0].reason).toMatch(new RegExp(`^setSecret failed for ${broken.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: `));
    expect(new Set(run.json.secrets.map((s: any) => s.tenant))).toEqual(new Set(["t1", "t2", "t3", "t4", "t5"]));
    expect(run.stderr.split("\n").filter((l) => / rotated /.test(l))).toHaveLength(49);
    // FilterLogEvents: 5 requests per second per account and Region, a hard quota
    // (https://repost.aws/knowledge-center/cloudwatch-logs-throttling). Ten secrets in flight, one function: one
    // read per interval (300 ms here), however many secrets wait on it.
    const reads = moto.calls.slice(firstCall).filter((c) => c.command === "FilterLogEventsCommand").map((c) => c.at);
    expect(reads.length).toBeGreaterThan(0);
    // (Slack for the SDK's own steps between the reader's clock and the request.)
    expect(Math.min(...reads.slice(1).map((at, i) => at - reads[i]!))).toBeGreaterThanOrEqual(250);
    expect(reads.length).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 300) + 1);

    // Fix the secret, cancel its stuck rotation (its pending copy carries the bad master ARN), then resume the
    // journal: only that secret rotates; the 49 keep the AWSCURRENT version they ended with.
    const versionsBefore = await Promise.all(arns.map(async (a) => holders(await stagesOf(a), "AWSCURRENT")[0]));
    // The label is moved explicitly, as finishSecret does: moto's PutSecretValue with AWSCURRENT takes it from
    // the wrong version once another version was written after the current one.
    const brokenCurrent = holders(await stagesOf(broken), "AWSCURRENT")[0]!;
    const fixed = await moto.client.send(new PutSecretValueCommand({ SecretId: broken, SecretString: JSON.stringify({ ...value, fixed: "by hand" }), VersionStages: ["FIXED"] }));
    await moto.client.send(new UpdateSecretVersionStageCommand({ SecretId: broken, VersionStage: "AWSCURRENT", MoveToVersionId: fixed.VersionId, RemoveFromVersionId: brokenCurrent }));
    for (const id of holders(await stagesOf(broken), "AWSPENDING")) {
      await moto.client.send(new UpdateSecretVersionStageCommand({ SecretId: broken, VersionStage: "AWSPENDING", RemoveFromVersionId: id }));
    }
    const resumed = await bulkheadRotate({ resume: true, format: "text" });
    expect(resumed.stdout).toContain("1 rotated, 0 failed, 0 timed out, 0 left in progress (of 1). 49 secret(s) had ended well before and were left alone.");
    expect(resumed.code).toBe(0);
    const versionsAfter = await Promise.all(arns.map(async (a) => holders(await stagesOf(a), "AWSCURRENT")[0]));
    expect(arns.filter((a, i) => versionsAfter[i] !== versionsBefore[i])).toEqual([broken]);
    const again = await bulkheadRotate({ resume: true, format: "text" });
    expect([again.code, again.stdout]).toEqual([0, expect.stringMatching(/^Nothing to resume: all 50 secret\(s\) in .* ended well\.\n$/)]);
  }, 180_000);

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
    await program.parseAsync(["rotate", "--tenant", "a", "--tenant", "b", "--secret", "arn:x", "--dry-run", "--finish-pending", "--format", "json", "--region", "eu-west-1", "--profile", "ops", "--endpoint-url", "http://127.0.0.1:1"], { from: "user" });
    expect(seen).toEqual({
      tenant: ["a", "b"], secret: ["arn:x"], dryRun: true, finishPending: true, format: "json", region: "eu-west-1", profile: "ops",
      endpointUrl: "http://127.0.0.1:1", concurrency: "8",
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
    expect(err).toMatch(/^bulkhead: credentials, region or permissions problem: CredentialsProviderError: .*\n {2}hint: pass --region/);
  });
});
