/**
 * Selection and rotation of bulkhead-managed secrets for `bulkhead rotate`.
 *
 * Selection is by exact tag match only (`bulkhead:tenant`, `bulkhead:managed=true`): ListSecrets tag
 * filters match by prefix, so they only narrow the listing and every entry is checked again here.
 * Rotation of one secret: start RotateSecret, let the service (or the injected driver) run the function,
 * then poll DescribeSecret until the new version holds AWSCURRENT and the old one AWSPREVIOUS.
 */
import {
  DescribeSecretCommand,
  ListSecretsCommand,
  RotateSecretCommand,
  type DescribeSecretCommandOutput,
  type Filter,
  type SecretsManagerClient,
  type Tag,
} from "@aws-sdk/client-secrets-manager";
import { CredentialError, errorText, isCredentialError } from "./errors";
import type { RotationWatch, WatchState } from "./watch";

export { CredentialError, errorText } from "./errors";

export const TENANT_TAG = "bulkhead:tenant";
export const MANAGED_TAG = "bulkhead:managed";

export interface Selection {
  all: boolean;
  tenants: string[];
  secrets: string[];
}

export interface SelectedSecret {
  arn: string;
  name: string;
  tenant: string | null;
}

export type Outcome = "rotated" | "failed" | "timed-out" | "in-progress" | "would-rotate";

export interface SecretResult extends SelectedSecret {
  status: Outcome;
  /** Version that held AWSCURRENT before the run. */
  previousVersion: string | null;
  /** Version that was (or is being) rotated to. */
  newVersion: string | null;
  durationMs: number;
  /** Why it did not rotate: the Secrets Manager error or the function's message, verbatim. */
  reason: string | null;
}

/**
 * Plays the part of Secrets Manager invoking the rotation function after RotateSecret. In production
 * Secrets Manager does this itself and no driver is set; emulators that cannot run the function (moto
 * without a container engine) use one that runs the handler's steps. A throw fails the secret with its message.
 */
export interface RotationDriver {
  run(secret: SelectedSecret, versionId: string, rotationLambdaArn: string): Promise<void>;
}

export interface RotateSettings {
  client: SecretsManagerClient;
  driver?: RotationDriver;
  /** Finish a rotation found in progress (reuse its AWSPENDING version) instead of leaving it alone. */
  finishPending: boolean;
  dryRun: boolean;
  /** Per-secret limit; undefined = derived from the function's configured timeout (see `defaultTimeoutMs`). */
  timeoutMs?: number;
  /**
   * Label polling (DescribeSecret): starts at `minMs` and grows by half each round up to `maxMs`. When the
   * function's log says finishSecret ended, the labels are read at once.
   */
  poll: { minMs: number; maxMs: number };
  /** No line from the function this long after RotateSecret: it did not run. */
  startTimeoutMs: number;
  /** How often the rotation loop looks at the function's log, ms; default 1000. (The log reader itself reads each group at most this often.) */
  logEveryMs?: number;
  /**
   * The function's log for one rotation; undefined when it cannot be read. `resumed`: the token was used before
   * (called before RotateSecret then, so that an earlier attempt's lines do not count).
   */
  watch?: (lambdaArn: string, arn: string, token: string, since: number, resumed: boolean) => Promise<RotationWatch | undefined>;
  /** The function's configured timeout in seconds, when known. */
  functionTimeout?: (lambdaArn: string) => Promise<number | undefined>;
  /** Called when a secret enters a new step (progress). */
  onStep?: (secret: SelectedSecret, step: string) => void;
  now: () => number;
}

/** Default per-secret wait: the four steps at the function's own timeout each, plus a minute for the service. */
export function defaultTimeoutMs(functionTimeoutSeconds: number | undefined): number {
  return functionTimeoutSeconds === undefined ? 300_000 : 4 * functionTimeoutSeconds * 1000 + 60_000;
}

/** Grace after a step's reported deadline before the step counts as stopped by Lambda. */
const DEADLINE_GRACE_MS = 5000;

function tagValue(tags: Tag[] | undefined, key: string): string | undefined {
  return tags?.find((t) => t.Key === key)?.Value;
}

/** Exact-match test applied to every listed secret. */
export function isManagedMatch(tags: Tag[] | undefined, selection: Selection): boolean {
  const tenant = tagValue(tags, TENANT_TAG);
  if (tagValue(tags, MANAGED_TAG) !== "true" || tenant === undefined || tenant === "") return false;
  return selection.all || selection.tenants.includes(tenant);
}

/** Lists the secrets the selection names; throws CredentialError when the account cannot be read at all. */
export async function selectSecrets(client: SecretsManagerClient, selection: Selection): Promise<{ secrets: SelectedSecret[]; missing: SecretResult[] }> {
  const found = new Map<string, SelectedSecret>();
  const missing: SecretResult[] = [];
  try {
    if (selection.all || selection.tenants.length > 0) {
      const filters: Filter[] = [{ Key: "tag-key", Values: [MANAGED_TAG] }];
      if (!selection.all) filters.push({ Key: "tag-value", Values: selection.tenants });
      let NextToken: string | undefined;
      do {
        const page = await client.send(new ListSecretsCommand({ Filters: filters, NextToken, MaxResults: 100 }));
        for (const s of page.SecretList ?? []) {
          if (s.ARN && isManagedMatch(s.Tags, selection)) {
            found.set(s.ARN, { arn: s.ARN, name: s.Name ?? s.ARN, tenant: tagValue(s.Tags, TENANT_TAG) ?? null });
          }
        }
        NextToken = page.NextToken;
      } while (NextToken);
    }
    for (const id of selection.secrets) {
      try {
        const d = await client.send(new DescribeSecretCommand({ SecretId: id }));
        found.set(d.ARN!, { arn: d.ARN!, name: d.Name ?? d.ARN!, tenant: tagValue(d.Tags, TENANT_TAG) ?? null });
      } catch (err) {
        if (isCredentialError(err)) throw err;
        missing.push({ arn: id, name: id, tenant: null, status: "failed", previousVersion: null, newVersion: null, durationMs: 0, reason: errorText(err) });
      }
    }
  } catch (err) {
    if (isCredentialError(err)) throw new CredentialError(errorText(err));
    throw err;
  }
  const secrets = [...found.values()].sort((a, b) => (a.tenant ?? "").localeCompare(b.tenant ?? "") || a.name.localeCompare(b.name));
  return { secrets, missing };
}

function stageHolder(meta: DescribeSecretCommandOutput, stage: string): string[] {
  return Object.entries(meta.VersionIdsToStages ?? {})
    .filter(([, stages]) => stages.includes(stage))
    .map(([id]) => id);
}

/** A version labelled AWSPENDING that is not also AWSCURRENT: a rotation started and did not finish. */
export function pendingRotation(meta: DescribeSecretCommandOutput): string | undefined {
  return Object.entries(meta.VersionIdsToStages ?? {}).find(([, stages]) => stages.includes("AWSPENDING") && !stages.includes("AWSCURRENT"))?.[0];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Rotates one secret and waits for the outcome; never throws. */
export async function rotateOne(secret: SelectedSecret, s: RotateSettings): Promise<SecretResult> {
  const started = s.now();
  const result: SecretResult = { ...secret, status: "failed", previousVersion: null, newVersion: null, durationMs: 0, reason: null };
  const done = (status: Outcome, reason: string | null) => ({ ...result, status, reason, durationMs: s.now() - started });
  try {
    const meta = await s.client.send(new DescribeSecretCommand({ SecretId: secret.arn }));
    result.previousVersion = stageHolder(meta, "AWSCURRENT")[0] ?? null;
    const lambdaArn = meta.RotationLambdaARN;
    if (!lambdaArn || meta.RotationEnabled === false) {
      return done("failed", "rotation is not configured for this secret (no rotation function); deploy its DatabaseRotation first");
    }
    const pending = pendingRotation(meta);
    if (pending && !s.finishPending) {
      result.newVersion = pending;
      return done("in-progress", `a rotation is already in progress (version ${pending} is AWSPENDING); left alone, rerun with --finish-pending to finish it`);
    }
    if (s.dryRun) return done("would-rotate", pending ? `would finish version ${pending}` : null);

    const requested = s.now();
    const timeoutMs = s.timeoutMs ?? defaultTimeoutMs(await s.functionTimeout?.(lambdaArn).catch(() => undefined));
    const follow = (token: string, resumed: boolean) => s.watch?.(lambdaArn, secret.arn, token, requested, resumed).catch(() => undefined);
    // A resumed rotation keeps its token: what an earlier attempt logged must be set aside before the request.
    let watcher = pending ? await follow(pending, true) : undefined;
    let versionId: string;
    try {
      // The function ARN is passed again because some emulators forget it otherwise; AWS keeps it unchanged.
      const out = await s.client.send(
        new RotateSecretCommand({ SecretId: secret.arn, RotationLambdaARN: lambdaArn, ...(pending ? { ClientRequestToken: pending } : {}) }),
      );
      versionId = out.VersionId ?? pending!;
    } catch (err) {
      // AWS answers a resume with "A previous rotation isn't complete. That rotation will be reattempted."
      if (pending && (err as { name?: string }).name === "InvalidRequestException") versionId = pending;
      else return done("failed", `RotateSecret: ${errorText(err)}`);
    }
    result.newVersion = versionId;
    // The service runs the function on its own; an emulator's stand-in does the same, and its outcome is
    // read back exactly as the service's would be: from the secret's labels and the function's log.
    if (s.driver) void s.driver.run(secret, versionId, lambdaArn).catch(() => undefined);
    if (versionId !== pending) watcher = await follow(versionId, false);

    const deadline = started + timeoutMs;
    const logEveryMs = s.logEveryMs ?? 1000;
    let interval = s.poll.minMs;
    let labelsAt = s.now();
    let finishSeen = false;
    let step: string | undefined;
    let logProblem: string | undefined;
    for (;;) {
      if (s.now() >= labelsAt) {
        const now = await s.client.send(new DescribeSecretCommand({ SecretId: secret.arn }));
        const current = stageHolder(now, "AWSCURRENT");
        if (current.length > 1) return done("failed", `versions ${current.join(", ")} are all labelled AWSCURRENT`);
        const stages = now.VersionIdsToStages?.[versionId] ?? [];
        const previousOk = result.previousVersion === null || now.VersionIdsToStages?.[result.previousVersion]?.includes("AWSPREVIOUS");
        if (stages.includes("AWSCURRENT") && previousOk) return done("rotated", null);
        if (!stages.includes("AWSPENDING") && !stages.includes("AWSCURRENT")) {
          return done("failed", `version ${versionId} lost its AWSPENDING label without becoming AWSCURRENT`);
        }
        labelsAt = s.now() + interval;
        interval = Math.min(s.poll.maxMs, Math.ceil(interval * 1.5));
      }
      const state: WatchState | undefined = watcher ? await watcher.poll() : undefined;
      if (state) {
        if (!state.readable) logProblem = state.problem;
        if (state.failure) return done("failed", state.failure);
        if (state.step && state.step !== step) s.onStep?.(secret, (step = state.step));
        const t = s.now();
        if (state.stepDeadline !== undefined && t > state.stepDeadline + DEADLINE_GRACE_MS) {
          return done("failed", `${state.step} failed for ${secret.arn}: the function did not finish the step before its timeout (Lambda stopped it); see log group ${logGroupOf(lambdaArn)}`);
        }
        if (state.readable && !state.seen && t - requested >= s.startTimeoutMs) {
          return done(
            "failed",
            `the rotation function never ran: no log line for version ${versionId} in ${logGroupOf(lambdaArn)} ${Math.round((t - requested) / 1000)} s after RotateSecret ` +
              "(an emulator that does not run Lambda functions? see README \"What an emulator must support\")",
          );
        }
        if (state.finished && !finishSeen) {
          finishSeen = true;
          labelsAt = s.now();
          continue;
        }
      }
      if (s.now() >= deadline) {
        return done(
          "timed-out",
          `still AWSPENDING after ${Math.round(timeoutMs / 1000)} s${step ? ` (last step seen: ${step})` : ""}; the function's errors are in log group ${logGroupOf(lambdaArn)}` +
            (logProblem ? ` (not read: ${logProblem})` : watcher ? "" : " (not read: no log access)"),
        );
      }
      const wake = watcher ? Math.min(labelsAt, s.now() + logEveryMs) : labelsAt;
      await sleep(Math.max(0, Math.min(wake, deadline) - s.now()));
    }
  } catch (err) {
    return done("failed", errorText(err));
  }
}

function logGroupOf(lambdaArn: string): string {
  return `/aws/lambda/${lambdaArn.split(":")[6] ?? lambdaArn}`;
}

/** Runs `work` over `items` with at most `limit` in flight, reporting each result as it lands. */
export async function mapBounded<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>, onResult: (r: R) => void): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
      onResult(results[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
