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
  resume: boolean;
  dryRun: boolean;
  timeoutMs: number;
  pollIntervalMs: number;
  now: () => number;
}

/** An error that means the caller's credentials, region or permissions are wrong: nothing can be selected. */
export class CredentialError extends Error {}

const CREDENTIAL_ERRORS = new Set([
  "CredentialsProviderError",
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "InvalidSignatureException",
  "ExpiredTokenException",
  "ExpiredToken",
  "AccessDeniedException",
  "IncompleteSignature",
  "MissingAuthenticationToken",
]);

export function errorText(err: unknown): string {
  const e = err as { name?: string; message?: string };
  if (!e?.message) return String(err);
  // The function's own errors already say which step failed; AWS errors are named by their type.
  if (e.name === "RotationStepError") return e.message;
  return e.name && e.name !== "Error" && !e.message.startsWith(e.name) ? `${e.name}: ${e.message}` : e.message;
}

function isCredentialError(err: unknown): boolean {
  const e = err as { name?: string; message?: string };
  return CREDENTIAL_ERRORS.has(e?.name ?? "") || /Region is missing|Could not load credentials/i.test(e?.message ?? "");
}

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
    if (pending && !s.resume) {
      result.newVersion = pending;
      return done("in-progress", `a rotation is already in progress (version ${pending} is AWSPENDING); left alone, rerun with --resume to finish it`);
    }
    if (s.dryRun) return done("would-rotate", pending ? `would resume version ${pending}` : null);

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

    if (s.driver) {
      try {
        await s.driver.run(secret, versionId, lambdaArn);
      } catch (err) {
        return done("failed", errorText(err));
      }
    }

    const deadline = started + s.timeoutMs;
    for (;;) {
      const now = await s.client.send(new DescribeSecretCommand({ SecretId: secret.arn }));
      const current = stageHolder(now, "AWSCURRENT");
      if (current.length > 1) return done("failed", `versions ${current.join(", ")} are all labelled AWSCURRENT`);
      const stages = now.VersionIdsToStages?.[versionId] ?? [];
      const previousOk = result.previousVersion === null || now.VersionIdsToStages?.[result.previousVersion]?.includes("AWSPREVIOUS");
      if (stages.includes("AWSCURRENT") && previousOk) return done("rotated", null);
      if (!stages.includes("AWSPENDING") && !stages.includes("AWSCURRENT")) {
        return done("failed", `version ${versionId} lost its AWSPENDING label without becoming AWSCURRENT`);
      }
      if (s.now() >= deadline) {
        const fn = lambdaArn.split(":").pop();
        return done(
          "timed-out",
          `still AWSPENDING after ${Math.round(s.timeoutMs / 1000)} s; the function's errors are in log group /aws/lambda/${fn} (RotationFailed in CloudTrail)`,
        );
      }
      await sleep(Math.min(s.pollIntervalMs, Math.max(0, deadline - s.now())));
    }
  } catch (err) {
    return done("failed", errorText(err));
  }
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
