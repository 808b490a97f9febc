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
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
  type DescribeSecretCommandOutput,
} from "@aws-sdk/client-secrets-manager";
import { login, provisionAlternate, userExists, type Target } from "./engines";
import { alternateUsername, generatePassword, parseAppSecret, parseMasterSecret, type AppSecret } from "./secret";

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
export async function setSecret(deps: RotationDeps, arn: string, token: string): Promise<void> {
  const log = deps.log ?? defaultLog;
  const timeout = deps.dbTimeoutMs ?? 5000;
  const current = await getAppSecret(deps, arn, "AWSCURRENT");
  const pending = await getAppSecret(deps, arn, "AWSPENDING", token);

  const pendingLogin = await login(target(pending), timeout);
  if (pendingLogin.ok) {
    await pendingLogin.session.close();
    log("setSecret: pending credential already works", { arn, token, username: pending.username });
    return;
  }

  const mismatches: string[] = [];
  if (pending.username !== alternateUsername(current.username, current.engine)) {
    mismatches.push(`user ${pending.username} is not the alternate of ${current.username}`);
  }
  for (const field of ["engine", "host", "port", "dbname", "masterarn"] as const) {
    if (pending[field] !== current[field]) mismatches.push(`${field} differs from AWSCURRENT`);
  }
  if (mismatches.length > 0) throw new Error(`pending version ${token} does not match AWSCURRENT: ${mismatches.join("; ")}`);

  const currentLogin = await login(target(current), timeout);
  if (currentLogin.ok) await currentLogin.session.close();
  else if (currentLogin.failure.kind === "unreachable") {
    throw new Error(`database ${current.host}:${current.port} is unreachable: ${currentLogin.failure.message}`);
  }

  const masterOut = await deps.client.send(new GetSecretValueCommand({ SecretId: current.masterarn, VersionStage: "AWSCURRENT" }));
  const master = parseMasterSecret(masterOut.SecretString, `master secret ${current.masterarn}`);
  const masterTarget = target(current, master);

  if (!currentLogin.ok && (await userExists(masterTarget, current.username, timeout))) {
    throw new Error(
      `AWSCURRENT user ${current.username} exists but its stored password does not log in (${currentLogin.failure.message}); ` +
        "refusing to rotate a user this secret does not control: reset the user's password to AWSCURRENT's, then retry",
    );
  }
  const report = await provisionAlternate(masterTarget, current, pending, timeout);
  log("setSecret: pending credential set", { arn, token, username: pending.username, ...report });
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
    await STEP_FUNCTIONS[step](deps, arn, token, meta);
  } catch (err) {
    if (err instanceof RotationStepError) throw err;
    const reason = (err as Error)?.message ?? String(err);
    (deps.log ?? defaultLog)(`${step} failed`, { arn, token, error: reason });
    throw new RotationStepError(step, arn, reason);
  }
}

let lambdaClient: SecretsManagerClient | undefined;

/** The Lambda entry point (`index.handler` in the bundle). */
export async function handler(event: RotationEvent): Promise<void> {
  lambdaClient ??= new SecretsManagerClient({
    endpoint: process.env.SECRETS_MANAGER_ENDPOINT || undefined,
    retryMode: "adaptive",
  });
  await rotate(event, { client: lambdaClient });
}
