/**
 * Secrets Manager rotation function for tenant databases, alternating-users strategy (after AWS's
 * SecretsManagerRDS{PostgreSQL,MySQL}RotationMultiUser templates): each rotation gives the user that
 * AWSCURRENT does not name (`app` ↔ `app_clone`) a new password, so the credential apps hold stays valid
 * until the rotation after next.
 *
 * Guarantees: every step can be repeated without harm; AWSCURRENT moves only in finishSecret, in one
 * UpdateSecretVersionStage call that removes it from the old version (never two AWSCURRENT); any failure
 * before that leaves AWSCURRENT and the database user it names untouched.
 */
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
  type DescribeSecretCommandOutput,
} from "@aws-sdk/client-secrets-manager";
import { endSessions, login, provisionAlternate, userExists, type PooledDatabase, type Target } from "./databases";
import { alternateUsername, DEFAULT_POOLED_CONNECTION_LIMIT, generatePassword, parseAppSecret, parseMasterSecret, type AppSecret } from "./secret";

export const STEPS = ["createSecret", "setSecret", "testSecret", "finishSecret"] as const;
export type Step = (typeof STEPS)[number];

export interface RotationEvent {
  SecretId: string;
  ClientRequestToken: string;
  Step: Step;
}

export interface RotationDeps {
  /** Secrets Manager client (tests point it at moto). */
  client: SecretsManagerClient;
  /** Per-connection timeout for database logins and statements, ms. Default 5000. */
  dbTimeoutMs?: number;
  /** Password generator. Default: 32 characters from ./secret generatePassword. */
  newPassword?: () => string;
  /** Structured log sink; never receives a password. Default: one JSON line on stdout. */
  log?: (message: string, fields?: Record<string, unknown>) => void;
  /** Clock, ms since the epoch (tests). Default Date.now. */
  now?: () => number;
  /** When Lambda will stop this invocation, ms since the epoch (from the invocation context); logged per step. */
  deadline?: () => number | undefined;
}

/** A failed step: the message names the step and the secret, which the CLI passes on verbatim. */
export class RotationStepError extends Error {
  constructor(
    public readonly step: Step | "handler",
    public readonly secretId: string,
    reason: string,
  ) {
    super(`${step} failed for ${secretId}: ${reason}`);
    this.name = "RotationStepError";
  }
}

function defaultLog(message: string, fields: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ message, ...fields }));
}

function isNotFound(err: unknown): boolean {
  return (err as { name?: string })?.name === "ResourceNotFoundException";
}

/** Reads and parses a version of the application secret; the stage is always passed (see moto note). */
async function getAppSecret(deps: RotationDeps, arn: string, stage: string, versionId?: string): Promise<AppSecret> {
  const out = await deps.client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: stage, VersionId: versionId }));
  return parseAppSecret(out.SecretString, `${stage} of ${arn}`);
}

/** The connection target of a secret version, for login. */
function target(s: AppSecret, user?: { username: string; password: string }): Target {
  return {
    engine: s.engine,
    host: s.host,
    port: s.port,
    dbname: s.dbname,
    username: user?.username ?? s.username,
    password: user?.password ?? s.password,
    ssl: s.ssl,
  };
}

/**
 * createSecret: puts a pending version that names the alternate user with a new password, copying every
 * other field from AWSCURRENT. Repeated: the existing pending value is kept.
 */
export async function createSecret(deps: RotationDeps, arn: string, token: string): Promise<void> {
  const log = deps.log ?? defaultLog;
  const current = await getAppSecret(deps, arn, "AWSCURRENT");
  try {
    const existing = await deps.client.send(new GetSecretValueCommand({ SecretId: arn, VersionId: token, VersionStage: "AWSPENDING" }));
    if (existing.SecretString) {
      parseAppSecret(existing.SecretString, `AWSPENDING ${token} of ${arn}`);
      log("createSecret: pending version already exists", { arn, token });
      return;
    }
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  const pending = {
    ...current,
    username: alternateUsername(current.username, current.engine),
    password: (deps.newPassword ?? generatePassword)(),
  };
  await deps.client.send(
    new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: token, SecretString: JSON.stringify(pending), VersionStages: ["AWSPENDING"] }),
  );
  log("createSecret: put pending version", { arn, token, username: pending.username });
}

/**
 * setSecret: makes the pending credential work in the database, as the master user. Refuses when the
 * pending version points elsewhere than AWSCURRENT (another host, database or user) or when the current
 * credential does not log in although its user exists (the secret does not own that user).
 */
export async function setSecret(deps: RotationDeps, arn: string, token: string, meta?: DescribeSecretCommandOutput): Promise<void> {
  const log = deps.log ?? defaultLog;
  const timeout = deps.dbTimeoutMs ?? 5000;
  const current = await getAppSecret(deps, arn, "AWSCURRENT");
  const pending = await getAppSecret(deps, arn, "AWSPENDING", token);
  meta ??= await deps.client.send(new DescribeSecretCommand({ SecretId: arn }));
  const breach = endSessionsRequested(meta, deps.now?.() ?? Date.now());

  const pendingLogin = await login(target(pending), timeout);
  if (pendingLogin.ok) {
    await pendingLogin.session.close();
    log("setSecret: pending credential already works", { arn, token, username: pending.username });
    // A retried setSecret after a failed session sweep must still sweep.
    if (breach) await endPendingSessions(deps, arn, token, current, pending);
    return;
  }

  const mismatches: string[] = [];
  if (pending.username !== alternateUsername(current.username, current.engine)) {
    mismatches.push(`user ${pending.username} is not the alternate of ${current.username}`);
  }
  for (const field of ["engine", "host", "port", "dbname", "masterarn", "placement", "connectionlimit"] as const) {
    if (pending[field] !== current[field]) mismatches.push(`${field} differs from AWSCURRENT`);
  }
  if (mismatches.length > 0) throw new Error(`pending version ${token} does not match AWSCURRENT: ${mismatches.join("; ")}`);

  const currentLogin = await login(target(current), timeout);
  if (currentLogin.ok) await currentLogin.session.close();
  else if (currentLogin.failure.kind === "unreachable") {
    throw new Error(`database ${current.host}:${current.port} is unreachable: ${currentLogin.failure.message}`);
  }

  const master = await readMaster(deps, current);
  const masterTarget = target(current, master);

  const pooled = pooledOf(current);
  // A pooled tenant's database may not exist before its first rotation; roles are server-wide, so ask from `postgres`.
  const lookup = pooled && current.engine === "postgres" ? { ...masterTarget, dbname: "postgres" } : masterTarget;
  if (!currentLogin.ok && (await userExists(lookup, current.username, timeout))) {
    throw new Error(
      `AWSCURRENT user ${current.username} exists but its stored password does not log in (${currentLogin.failure.message}); ` +
        "refusing to rotate a user this secret does not control: reset the user's password to AWSCURRENT's, then retry",
    );
  }
  const report = await provisionAlternate(masterTarget, current, pending, timeout, pooled);
  log("setSecret: pending credential set", { arn, token, username: pending.username, ...report });
  if (breach) await endPendingSessions(deps, arn, token, current, pending);
}

/**
 * Breach mode (`bulkhead rotate --breach`) tags the secret `bulkhead:end-sessions-until=<ISO time>` for the
 * length of its run. Only then does setSecret end the pending user's sessions: in a routine rotation an app
 * may still hold connections as that user (it was AWSCURRENT one rotation ago), and ending them would cost
 * queries; breach mode waits for apps to leave the user first. The deadline keeps a tag left behind by an
 * interrupted run from ending sessions in later routine rotations.
 */
export const END_SESSIONS_TAG = "bulkhead:end-sessions-until";

export function endSessionsRequested(meta: DescribeSecretCommandOutput, now: number): boolean {
  const value = meta.Tags?.find((t) => t.Key === END_SESSIONS_TAG)?.Value;
  const until = value ? Date.parse(value) : NaN;
  return Number.isFinite(until) && now < until;
}

/** Ends the sessions the pending user had before its password changed: each was opened with the old one. */
async function endPendingSessions(deps: RotationDeps, arn: string, token: string, current: AppSecret, pending: AppSecret): Promise<void> {
  const master = await readMaster(deps, current);
  const ended = await endSessions(target(current, master), pending.username, deps.dbTimeoutMs ?? 5000);
  (deps.log ?? defaultLog)("setSecret: sessions of the rotated-away user ended", { arn, token, username: pending.username, sessionsEnded: ended });
}

/** The pooled-tier provisioning a secret asks for, or undefined for a database server of its own. */
export function pooledOf(s: AppSecret): PooledDatabase | undefined {
  return s.placement === "pooled" ? { connectionLimit: s.connectionlimit ?? DEFAULT_POOLED_CONNECTION_LIMIT } : undefined;
}

async function readMaster(deps: RotationDeps, current: AppSecret, versionId?: string) {
  const out = await deps.client.send(
    new GetSecretValueCommand({ SecretId: current.masterarn, ...(versionId ? { VersionId: versionId } : { VersionStage: "AWSCURRENT" }) }),
  );
  return parseMasterSecret(out.SecretString, `master secret ${current.masterarn}${versionId ? ` version ${versionId}` : ""}`);
}

/** testSecret: the pending credential logs in and can run a statement. */
export async function testSecret(deps: RotationDeps, arn: string, token: string): Promise<void> {
  const pending = await getAppSecret(deps, arn, "AWSPENDING", token);
  const result = await login(target(pending), deps.dbTimeoutMs ?? 5000);
  if (!result.ok) throw new Error(`pending user ${pending.username} cannot log in: ${result.failure.message}`);
  try {
    await result.session.ping();
  } finally {
    await result.session.close();
  }
  (deps.log ?? defaultLog)("testSecret: pending credential works", { arn, token, username: pending.username });
}

/**
 * finishSecret: moves AWSCURRENT to the pending version in one call; the service then sets AWSPREVIOUS.
 * `meta` is the DescribeSecret answer the dispatcher just read for this event (read here when absent).
 */
export async function finishSecret(deps: RotationDeps, arn: string, token: string, meta?: DescribeSecretCommandOutput): Promise<void> {
  meta ??= await deps.client.send(new DescribeSecretCommand({ SecretId: arn }));
  const currentVersion = Object.entries(meta.VersionIdsToStages ?? {}).find(([, stages]) => stages.includes("AWSCURRENT"))?.[0];
  if (currentVersion === token) {
    (deps.log ?? defaultLog)("finishSecret: version already AWSCURRENT", { arn, token });
    return;
  }
  await deps.client.send(
    new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: "AWSCURRENT", MoveToVersionId: token, RemoveFromVersionId: currentVersion }),
  );
  (deps.log ?? defaultLog)("finishSecret: AWSCURRENT moved", { arn, token, previous: currentVersion });
}

const STEP_FUNCTIONS: Record<Step, (deps: RotationDeps, arn: string, token: string, meta?: DescribeSecretCommandOutput) => Promise<void>> = {
  createSecret,
  setSecret,
  testSecret,
  finishSecret,
};

/** Runs one step after checking that the token is the pending version of a secret with rotation enabled. */
export async function rotate(event: RotationEvent, deps: RotationDeps): Promise<void> {
  const { SecretId: arn, ClientRequestToken: token, Step: step } = event ?? ({} as RotationEvent);
  if (!arn || !token || !STEPS.includes(step)) {
    throw new RotationStepError("handler", String(arn), `invalid event: need SecretId, ClientRequestToken and Step in ${STEPS.join("|")}, got Step ${JSON.stringify(step)}`);
  }
  try {
    const meta = await deps.client.send(new DescribeSecretCommand({ SecretId: arn }));
    if (meta.RotationEnabled === false) throw new Error("rotation is not enabled for this secret");
    const stages = meta.VersionIdsToStages?.[token];
    if (!stages) throw new Error(`version ${token} has no stage; it is not this secret's pending rotation`);
    if (stages.includes("AWSCURRENT")) {
      (deps.log ?? defaultLog)(`${step}: version already AWSCURRENT, nothing to do`, { arn, token });
      return;
    }
    if (!stages.includes("AWSPENDING")) throw new Error(`version ${token} is not labelled AWSPENDING`);
    // The token names this rotation in the log: `bulkhead rotate` finds the step and any failure by it.
    // With the deadline the CLI can tell a step Lambda stopped (timeout) from one still running.
    (deps.log ?? defaultLog)(`${step} started`, { arn, token, step, deadlineMs: deps.deadline?.() });
    await STEP_FUNCTIONS[step](deps, arn, token, meta);
    (deps.log ?? defaultLog)(`${step} done`, { arn, token, step });
  } catch (err) {
    if (err instanceof RotationStepError) throw err;
    const reason = (err as Error)?.message ?? String(err);
    (deps.log ?? defaultLog)(`${step} failed`, { arn, token, step, error: reason });
    throw new RotationStepError(step, arn, reason);
  }
}

/**
 * Invocations `bulkhead rotate --breach` sends the function directly (Lambda Invoke), never Secrets Manager:
 * they need the function's network position (inside the VPC, next to the database) and its permissions.
 * - `inventory`: every version id of the secret and of its master secret, recorded before anything changes.
 * - `verifyDead`: tries each listed old version against the database; optionally ends the master user's
 *   other sessions (after the master was rotated, every one of them predates it).
 * Replies carry user names and version ids, never a password.
 */
export type BulkheadRequest =
  | { bulkhead: "inventory"; SecretId: string }
  | { bulkhead: "verifyDead"; SecretId: string; appVersions: string[]; masterVersions: string[]; endMasterSessions?: boolean };

export interface VersionList {
  arn: string;
  versions: Array<{ versionId: string; stages: string[] }>;
}

export interface InventoryReply {
  bulkhead: "inventory";
  secret: VersionList;
  master: VersionList & { owningService: string | null; rotationLambdaArn: string | null };
}

export type CredentialCheck = {
  secret: "app" | "master";
  versionId: string;
  username: string | null;
  /** `dead`: the server rejected the password; `logs-in`: it still works; `unverifiable`: no answer either way. */
  result: "dead" | "logs-in" | "unverifiable";
  detail?: string;
};

export interface VerifyReply {
  bulkhead: "verifyDead";
  checks: CredentialCheck[];
  stillLogIn: number;
  unverifiable: number;
  masterSessionsEnded: number | null;
}

async function listVersions(deps: RotationDeps, arn: string): Promise<VersionList["versions"]> {
  const versions: VersionList["versions"] = [];
  let NextToken: string | undefined;
  do {
    const page = await deps.client.send(new ListSecretVersionIdsCommand({ SecretId: arn, IncludeDeprecated: true, NextToken, MaxResults: 100 }));
    for (const v of page.Versions ?? []) if (v.VersionId) versions.push({ versionId: v.VersionId, stages: v.VersionStages ?? [] });
    NextToken = page.NextToken || undefined;
  } while (NextToken);
  return versions;
}

export async function inventory(deps: RotationDeps, arn: string): Promise<InventoryReply> {
  const current = await getAppSecret(deps, arn, "AWSCURRENT");
  const masterMeta = await deps.client.send(new DescribeSecretCommand({ SecretId: current.masterarn }));
  return {
    bulkhead: "inventory",
    secret: { arn, versions: await listVersions(deps, arn) },
    master: {
      arn: masterMeta.ARN ?? current.masterarn,
      owningService: masterMeta.OwningService ?? null,
      rotationLambdaArn: masterMeta.RotationLambdaARN ?? null,
      versions: await listVersions(deps, current.masterarn),
    },
  };
}

export async function verifyDead(
  deps: RotationDeps,
  arn: string,
  appVersions: string[],
  masterVersions: string[],
  endMasterSessions: boolean,
): Promise<VerifyReply> {
  const timeout = deps.dbTimeoutMs ?? 5000;
  const current = await getAppSecret(deps, arn, "AWSCURRENT");
  const checks: CredentialCheck[] = [];
  const tried = new Map<string, CredentialCheck["result"]>();
  const check = async (secret: CredentialCheck["secret"], versionId: string, read: () => Promise<{ username: string; password: string; t: Target }>) => {
    let creds;
    try {
      creds = await read();
    } catch (err) {
      // A version Secrets Manager no longer has cannot be used by anyone holding its id either, but its
      // value may have been copied: the check is then unverifiable, never silently passed.
      checks.push({ secret, versionId, username: null, result: "unverifiable", detail: `cannot read the version: ${(err as Error).message}` });
      return;
    }
    const key = `${creds.t.host}:${creds.t.port}\u0000${creds.username}\u0000${creds.password}`;
    let result = tried.get(key);
    let detail: string | undefined;
    if (result === undefined) {
      const outcome = await login(creds.t, timeout);
      if (outcome.ok) {
        await outcome.session.close();
        result = "logs-in";
      } else {
        result = outcome.failure.kind === "auth" ? "dead" : "unverifiable";
        if (result === "unverifiable") detail = outcome.failure.message;
      }
      tried.set(key, result);
    }
    checks.push({ secret, versionId, username: creds.username, result, ...(detail ? { detail } : {}) });
  };
  for (const versionId of appVersions) {
    await check("app", versionId, async () => {
      const out = await deps.client.send(new GetSecretValueCommand({ SecretId: arn, VersionId: versionId }));
      const s = parseAppSecret(out.SecretString, `version ${versionId} of ${arn}`);
      return { username: s.username, password: s.password, t: target(s) };
    });
  }
  for (const versionId of masterVersions) {
    await check("master", versionId, async () => {
      const m = await readMaster(deps, current, versionId);
      return { username: m.username, password: m.password, t: target(current, m) };
    });
  }
  let masterSessionsEnded: number | null = null;
  if (endMasterSessions) {
    const master = await readMaster(deps, current);
    masterSessionsEnded = await endSessions(target(current, master), master.username, timeout);
  }
  const reply: VerifyReply = {
    bulkhead: "verifyDead",
    checks,
    stillLogIn: checks.filter((c) => c.result === "logs-in").length,
    unverifiable: checks.filter((c) => c.result === "unverifiable").length,
    masterSessionsEnded,
  };
  (deps.log ?? defaultLog)("verifyDead: old credentials checked", { arn, stillLogIn: reply.stillLogIn, unverifiable: reply.unverifiable, masterSessionsEnded });
  return reply;
}

function isStringList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === "string" && x !== "");
}

/** Runs a breach-mode request; a bad request or a failure throws, which Lambda reports as a FunctionError. */
export async function bulkheadRequest(event: BulkheadRequest, deps: RotationDeps): Promise<InventoryReply | VerifyReply> {
  const arn = event.SecretId;
  if (typeof arn !== "string" || arn === "") throw new Error(`invalid ${event.bulkhead} request: SecretId is missing`);
  if (event.bulkhead === "inventory") return inventory(deps, arn);
  if (event.bulkhead === "verifyDead") {
    if (!isStringList(event.appVersions) || !isStringList(event.masterVersions)) {
      throw new Error("invalid verifyDead request: appVersions and masterVersions must be lists of version ids");
    }
    return verifyDead(deps, arn, event.appVersions, event.masterVersions, event.endMasterSessions === true);
  }
  throw new Error(`unknown bulkhead request ${JSON.stringify((event as { bulkhead: unknown }).bulkhead)}; use inventory or verifyDead`);
}

let lambdaClient: SecretsManagerClient | undefined;

/** The Lambda entry point (`index.handler` in the bundle). */
export async function handler(
  event: RotationEvent | BulkheadRequest,
  context?: { getRemainingTimeInMillis?: () => number },
): Promise<void | InventoryReply | VerifyReply> {
  lambdaClient ??= new SecretsManagerClient({
    endpoint: process.env.SECRETS_MANAGER_ENDPOINT || undefined,
    retryMode: "adaptive",
  });
  const remaining = context?.getRemainingTimeInMillis;
  const deps: RotationDeps = { client: lambdaClient, deadline: remaining ? () => Date.now() + remaining() : undefined };
  if (event && typeof event === "object" && "bulkhead" in event) return bulkheadRequest(event, deps);
  await rotate(event as RotationEvent, deps);
}
