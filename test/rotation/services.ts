/**
 * Real services for the rotation tests, each started in a temp dir on a free loopback port and stopped by
 * the test: moto_server (Secrets Manager + the Lambda/IAM records RotateSecret needs), PostgreSQL and
 * MariaDB. The database servers refuse to run as root, so under root they run as their Debian system users.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Client } from "pg";
import * as mysql from "mysql2/promise";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { LambdaClient } from "@aws-sdk/client-lambda";

/**
 * A free port for a test server, below Linux's ephemeral range (32768–60999 by default). A port the kernel may hand
 * out as the source port of an outgoing connection can be taken while its server is down (the fault drills stop a
 * database while the apps and the SDK keep connecting), and the restarted server then cannot have it back.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await canListen(port)) return port;
  }
  return listenOn(0);
}

function canListen(port: number): Promise<boolean> {
  return listenOn(port).then(() => true, () => false);
}

function listenOn(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(port, "127.0.0.1", () => {
      const bound = (srv.address() as { port: number }).port;
      srv.close(() => resolve(bound));
    });
  });
}

// A crashed or timed-out test file must not leave servers behind: whatever is still running dies with us.
const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();
process.once("exit", () => {
  for (const child of children) child.kill("SIGKILL");
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function track(proc: ChildProcess): ChildProcess {
  children.add(proc);
  proc.once("exit", () => children.delete(proc));
  return proc;
}

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number, proc?: ChildProcess, logs?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc && proc.exitCode !== null) throw new Error(`${what} exited with ${proc.exitCode}: ${logs?.() ?? ""}`);
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not become ready in ${timeoutMs} ms: ${logs?.() ?? ""}`);
}

/** Command prefix that runs as `user` when we are root; setpriv execs in place, so signals reach the server. */
function asUser(user: string): string[] {
  return process.getuid?.() === 0 ? ["setpriv", `--reuid=${user}`, `--regid=${user}`, "--init-groups", "--"] : [];
}

/** Debian keeps PostgreSQL's server binaries out of PATH, in /usr/lib/postgresql/<major>/bin. */
function pgBin(name: string): string {
  const onPath = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).stdout.trim();
  if (onPath) return onPath;
  const root = "/usr/lib/postgresql";
  const majors = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const major of majors) {
    const candidate = path.join(root, major, "bin", name);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} not found on PATH or in ${root}/*/bin; install the postgresql package (see .ci/run)`);
}

function ownedTempDir(prefix: string, user: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  tempDirs.add(dir);
  if (process.getuid?.() === 0) {
    const id = (flag: string) => Number(spawnSync("id", [flag, user], { encoding: "utf8" }).stdout.trim());
    chownSync(dir, id("-u"), id("-g"));
  }
  return dir;
}

/** Runs a set-up command to its end; asynchronously, so that moto and both databases are set up side by side. */
function run(cmd: string[], what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const proc = track(spawn(cmd[0]!, cmd.slice(1), { stdio: ["ignore", "pipe", "pipe"] }));
    let output = "";
    proc.stdout!.on("data", (d) => (output = (output + d).slice(-4000)));
    proc.stderr!.on("data", (d) => (output = (output + d).slice(-4000)));
    proc.once("error", (err) => reject(new Error(`${what} failed: ${err.message}`)));
    proc.once("close", (code) => (code === 0 ? resolve() : reject(new Error(`${what} failed (${code}): ${output}`))));
  });
}

function stopProcess(proc: ChildProcess, timeoutMs = 5000, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
    proc.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    proc.kill(signal);
  });
}

export interface Moto {
  endpoint: string;
  client: SecretsManagerClient;
  logs: CloudWatchLogsClient;
  lambda: LambdaClient;
  /** Registers an IAM role and a Lambda function so RotateSecret accepts the function's ARN. */
  createFunction(name: string): Promise<string>;
  /** Every request the three clients sent, in order: what the tests assert API budgets on. */
  calls: MotoCall[];
  stop(): Promise<void>;
}

export interface MotoCall {
  /** Command name, e.g. `FilterLogEventsCommand`. */
  command: string;
  at: number;
}

/** Records each request a client sends (the SDK's own middleware stack; nothing is changed on the way). */
function recordCalls(client: { middlewareStack: { add: (...a: any[]) => void } }, calls: MotoCall[]): void {
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => {
      calls.push({ command: context.commandName ?? "?", at: Date.now() });
      return next(args);
    },
    { step: "initialize", name: "bulkheadTestCallRecorder" },
  );
}

const FAKE_SIGNATURE = (service: string) =>
  `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`;

export const TEST_CREDENTIALS = { accessKeyId: "testing", secretAccessKey: "testing" };

export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  let output = "";
  const proc = track(spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], { stdio: ["ignore", "pipe", "pipe"] }));
  proc.stdout!.on("data", (d) => (output = (output + d).slice(-4000)));
  proc.stderr!.on("data", (d) => (output = (output + d).slice(-4000)));
  await waitFor("moto_server", async () => (await fetch(`${endpoint}/moto-api/`)).ok, 20_000, proc, () => output);
  // Without a container engine moto cannot run the function: RotateSecret then only leaves the AWSPENDING
  // version, and the tests play Secrets Manager's part by running the handler's steps.
  const config = await fetch(`${endpoint}/moto-api/config`, { method: "POST", body: JSON.stringify({ lambda: { use_docker: false } }) });
  if (!config.ok) throw new Error(`moto config failed: ${config.status}`);
  const config_ = { endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS };
  const client = new SecretsManagerClient(config_);
  const logs = new CloudWatchLogsClient(config_);
  const lambda = new LambdaClient(config_);
  const calls: MotoCall[] = [];
  for (const c of [client, logs, lambda]) recordCalls(c, calls);
  let roleCreated = false;
  return {
    endpoint,
    client,
    logs,
    lambda,
    calls,
    async createFunction(name) {
      if (!roleCreated) {
        const role = await fetch(`${endpoint}/`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", authorization: FAKE_SIGNATURE("iam") },
          body: new URLSearchParams({ Action: "CreateRole", Version: "2010-05-08", RoleName: "rotation", AssumeRolePolicyDocument: "{}" }),
        });
        if (!role.ok) throw new Error(`moto CreateRole failed: ${role.status} ${await role.text()}`);
        roleCreated = true;
      }
      const fn = await fetch(`${endpoint}/2015-03-31/functions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: FAKE_SIGNATURE("lambda") },
        body: JSON.stringify({
          FunctionName: name,
          Runtime: "nodejs22.x",
          Role: "arn:aws:iam::123456789012:role/rotation",
          Handler: "index.handler",
          Timeout: 60,
          // An empty zip: moto only records the function, it never runs it here.
          Code: { ZipFile: "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==" },
        }),
      });
      if (!fn.ok) throw new Error(`moto CreateFunction failed: ${fn.status} ${await fn.text()}`);
      return ((await fn.json()) as { FunctionArn: string }).FunctionArn;
    },
    async stop() {
      client.destroy();
      logs.destroy();
      lambda.destroy();
      await stopProcess(proc);
    },
  };
}

export interface Database {
  engine: "postgres" | "mysql";
  host: string;
  port: number;
  dbname: string;
  master: { username: string; password: string };
  /** Stops the server, keeping its data; `start` brings it back on the same port. */
  halt(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const MASTER = { username: "master", password: "master-Pa55word" };

export async function startPostgres(): Promise<Database> {
  const port = await freePort();
  const dir = ownedTempDir("bulkhead-pg-", "postgres");
  const data = path.join(dir, "data");
  const pwfile = path.join(dir, "pw");
  await run(["sh", "-c", `printf %s '${MASTER.password}' > ${pwfile} && chmod 644 ${pwfile}`], "write pwfile");
  await run([...asUser("postgres"), pgBin("initdb"), "-D", data, "-U", MASTER.username, `--pwfile=${pwfile}`, "-A", "scram-sha-256", "--no-sync", "--no-instructions"], "initdb");
  let proc: ChildProcess | undefined;
  let logs = "";
  const db: Database = {
    engine: "postgres",
    host: "127.0.0.1",
    port,
    dbname: "appdb",
    master: MASTER,
    async start() {
      const cmd = [...asUser("postgres"), pgBin("postgres"), "-D", data, "-p", String(port), "-h", "127.0.0.1", "-k", dir,
        "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200"];
      proc = track(spawn(cmd[0]!, cmd.slice(1), { stdio: ["ignore", "pipe", "pipe"] }));
      proc.stderr!.on("data", (d) => (logs = (logs + d).slice(-4000)));
      await waitFor("postgres", async () => {
        const c = new Client({ host: "127.0.0.1", port, user: MASTER.username, password: MASTER.password, database: "postgres" });
        c.on("error", () => undefined);
        try {
          await c.connect();
          return true;
        } finally {
          await c.end().catch(() => undefined);
        }
      }, 20_000, proc, () => logs);
    },
    async halt() {
      // SIGINT is PostgreSQL's fast shutdown: sessions are cut at once, as when a database goes down.
      if (proc) await stopProcess(proc, 5000, "SIGINT");
    },
    async stop() {
      await db.halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await db.start();
  const c = new Client({ host: "127.0.0.1", port, user: MASTER.username, password: MASTER.password, database: "postgres" });
  await c.connect();
  await c.query("CREATE DATABASE appdb");
  await c.end();
  return db;
}

export async function startMariadb(): Promise<Database> {
  const port = await freePort();
  const dir = ownedTempDir("bulkhead-mariadb-", "mysql");
  const data = path.join(dir, "data");
  const user = process.getuid?.() === 0 ? ["--user=mysql"] : [];
  // The server's own small-footprint options at install too: the default 96 MiB redo log would be written here
  // and then resized at the first start (the data directory is 26 MiB instead of 114 MiB).
  const innodb = ["--innodb-buffer-pool-size=16M", "--innodb-log-file-size=8M", "--innodb-flush-log-at-trx-commit=0", "--skip-innodb-doublewrite"];
  await run(["mariadb-install-db", `--datadir=${data}`, "--auth-root-authentication-method=normal", "--skip-test-db", "--skip-name-resolve", "--skip-log-bin", ...innodb, ...user], "mariadb-install-db");
  let proc: ChildProcess | undefined;
  let logs = "";
  const connectRoot = () => mysql.createConnection({ host: "127.0.0.1", port, user: "root", password: "" });
  let seeded = false;
  const connectAdmin = () => (seeded ? mysql.createConnection({ host: "127.0.0.1", port, user: MASTER.username, password: MASTER.password }) : connectRoot());
  const db: Database = {
    engine: "mysql",
    host: "127.0.0.1",
    port,
    dbname: "appdb",
    master: MASTER,
    async start() {
      proc = track(spawn(
        "mariadbd",
        [`--no-defaults`, `--datadir=${data}`, `--port=${port}`, "--bind-address=127.0.0.1", `--socket=${path.join(dir, "sock")}`,
          `--pid-file=${path.join(dir, "pid")}`, "--skip-name-resolve", "--skip-log-bin", ...innodb, "--max-connections=300", ...user],
        { stdio: ["ignore", "pipe", "pipe"] },
      ));
      proc.stderr!.on("data", (d) => (logs = (logs + d).slice(-4000)));
      await waitFor("mariadb", async () => {
        const c = await connectAdmin();
        await c.end();
        return true;
      }, 30_000, proc, () => logs);
    },
    async halt() {
      if (proc) await stopProcess(proc, 10_000);
    },
    async stop() {
      await db.halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await db.start();
  const c = await connectRoot();
  await c.query(`CREATE USER 'master'@'%' IDENTIFIED BY '${MASTER.password}'`);
  await c.query("GRANT ALL PRIVILEGES ON *.* TO 'master'@'%' WITH GRANT OPTION");
  await c.query("CREATE DATABASE appdb");
  await c.end();
  seeded = true;
  return db;
}
