/**
 * Breach mode of `bulkhead rotate`: leaves no credential that existed before the incident usable.
 *
 * Per app secret, in phases across the fleet (each phase ends for every secret before the next starts):
 *  0. inventory  the rotation function lists every version id of the secret and of its master secret
 *                (recorded in the journal before anything changes), and the secret is tagged so that its
 *                rotations end the rotated-away user's sessions (rotation/handler.ts END_SESSIONS_TAG).
 *  1. pass 1     rotates the user AWSCURRENT does not name, ending its sessions.
 *     wait       apps pick up pass 1 (the README's cache TTL for apps, plus a margin).
 *  2. pass 2     rotates the other user, the one apps held at the time of the theft, ending its sessions.
 *  3. masters    each master secret is rotated once all app secrets that use it finished pass 2: the function
 *                needs the master for every app rotation, so the master never changes under one in flight.
 *  4. verify     the function tries every recorded version (app and master) from inside the VPC and ends the
 *                master user's other sessions, all of which predate the new master password.
 * A secret that fails a phase stops there with the reason; `--resume` continues it from that phase.
 */
import {
  DescribeSecretCommand,
  RotateSecretCommand,
  TagResourceCommand,
  UntagResourceCommand,
  type DescribeSecretCommandOutput,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { END_SESSIONS_TAG, type InventoryReply, type VerifyReply } from "../../rotation/handler";
import { errorText } from "./errors";
import { mapBounded, pendingRotation, rotateOne, type RotateSettings, type SecretResult, type SelectedSecret } from "./fleet";
import type { FunctionInvoker } from "./invoke";
import type { Journal, JournalEntry, MasterEntry } from "./journal";
import type { Progress } from "./progress";

/** Rotates one master secret and waits for the new version; never throws. */
export interface MasterRotator {
  rotate(master: InventoryReply["master"], previousVersion: string | null): Promise<MasterEntry>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function currentOf(meta: DescribeSecretCommandOutput): string | null {
  return Object.entries(meta.VersionIdsToStages ?? {}).find(([, s]) => s.includes("AWSCURRENT"))?.[0] ?? null;
}

/**
 * Against AWS. An RDS-managed master secret (OwningService `rds`) is rotated by RDS when RotateSecret is called
 * on it (managed rotation: no function of ours is involved, RDS sets the new password on the instance first);
 * a self-managed master secret with a rotation function is rotated through that function. Either way the
 * rotation counts once AWSCURRENT has left the recorded version and no AWSPENDING is left.
 */
export class SecretsManagerMasterRotator implements MasterRotator {
  constructor(
    private readonly client: SecretsManagerClient,
    private readonly timeoutMs: number,
    private readonly poll: { minMs: number; maxMs: number },
    private readonly now: () => number = Date.now,
  ) {}

  async rotate(master: InventoryReply["master"], previousVersion: string | null): Promise<MasterEntry> {
    const entry: MasterEntry = { arn: master.arn, status: "failed", previousVersion, newVersion: null, reason: null };
    if (!master.owningService && !master.rotationLambdaArn) {
      return {
        ...entry,
        reason: `master secret ${master.arn} is neither managed by RDS nor has a rotation function; set manageMasterUserPassword on the instance (TenantDatabase does) or rotate the master password by hand`,
      };
    }
    const started = this.now();
    try {
      await this.client.send(
        new RotateSecretCommand({ SecretId: master.arn, ...(master.owningService ? {} : { RotationLambdaARN: master.rotationLambdaArn! }) }),
      );
    } catch (err) {
      // A rotation already under way (e.g. RDS's own schedule) is waited for rather than failed.
      if ((err as { name?: string }).name !== "InvalidRequestException") return { ...entry, reason: `RotateSecret on the master secret: ${errorText(err)}` };
    }
    let interval = this.poll.minMs;
    for (;;) {
      const meta = await this.client.send(new DescribeSecretCommand({ SecretId: master.arn }));
      const current = currentOf(meta);
      if (current && current !== previousVersion && !pendingRotation(meta)) return { ...entry, status: "rotated", newVersion: current };
      if (this.now() - started >= this.timeoutMs) {
        return { ...entry, reason: `master secret still not rotated after ${Math.round(this.timeoutMs / 1000)} s (AWSCURRENT ${current})${master.owningService ? "; see the RDS events of the instance" : ""}` };
      }
      await sleep(interval);
      interval = Math.min(this.poll.maxMs, Math.ceil(interval * 1.5));
    }
  }
}

export interface BreachContext {
  client: SecretsManagerClient;
  invoker: FunctionInvoker;
  masters: MasterRotator;
  settings: Omit<RotateSettings, "finishPending" | "dryRun">;
  concurrency: number;
  waitMs: number;
  /** How long the end-sessions tag stays valid: the run's longest plausible length. */
  tagValidityMs: number;
  journal: Journal;
  save: () => void;
  progress: Progress;
  now: () => number;
}

export interface TenantReport {
  tenant: string | null;
  status: "ok" | "failed";
  /** The incident's acceptance line: recorded pre-incident credentials that still log in; null = not verified. */
  oldCredentialsStillLogIn: number | null;
  unverifiable: number | null;
  secrets: Array<{
    arn: string;
    name: string;
    pass1: SecretResult | null;
    pass2: SecretResult | null;
    master: MasterEntry | null;
    verify: VerifyReply | null;
    reason: string | null;
  }>;
}

function selected(e: JournalEntry): SelectedSecret {
  return { arn: e.arn, name: e.name, tenant: e.tenant };
}

function breachOf(entry: JournalEntry): NonNullable<JournalEntry["breach"]> {
  entry.breach ??= { inventory: null, functionArn: null, pass1: null, pass1EndedAt: null, pass2: null, verify: null, reason: null };
  return entry.breach;
}

function stop(ctx: BreachContext, entry: JournalEntry, reason: string): void {
  breachOf(entry).reason = reason;
  entry.status = "failed";
  ctx.save();
}

async function tag(ctx: BreachContext, arn: string, on: boolean): Promise<void> {
  if (on) {
    const until = new Date(ctx.now() + ctx.tagValidityMs).toISOString();
    await ctx.client.send(new TagResourceCommand({ SecretId: arn, Tags: [{ Key: END_SESSIONS_TAG, Value: until }] }));
  } else {
    await ctx.client.send(new UntagResourceCommand({ SecretId: arn, TagKeys: [END_SESSIONS_TAG] }));
  }
}

async function inventoryPhase(ctx: BreachContext, entries: JournalEntry[]): Promise<void> {
  ctx.progress.begin("inventory (record every version id)", entries.length);
  await mapBounded(entries, ctx.concurrency, async (entry) => {
    const b = breachOf(entry);
    ctx.progress.step(entry, "inventory");
    try {
      if (!b.inventory) {
        const meta = await ctx.client.send(new DescribeSecretCommand({ SecretId: entry.arn }));
        if (!meta.RotationLambdaARN) throw new Error("rotation is not configured for this secret (no rotation function); deploy its DatabaseRotation first");
        b.functionArn = meta.RotationLambdaARN;
        b.inventory = (await ctx.invoker.invoke(b.functionArn, { bulkhead: "inventory", SecretId: entry.arn })) as InventoryReply;
        const master = ctx.journal.masters[b.inventory.master.arn];
        if (!master) {
          const current = b.inventory.master.versions.find((v) => v.stages.includes("AWSCURRENT"))?.versionId ?? null;
          ctx.journal.masters[b.inventory.master.arn] = { arn: b.inventory.master.arn, status: "pending", previousVersion: current, newVersion: null, reason: null };
        }
        ctx.save();
      }
      if (!b.pass2 || b.pass2.status !== "rotated") await tag(ctx, entry.arn, true);
      ctx.progress.end({ ...selected(entry), status: "rotated", previousVersion: null, newVersion: null, durationMs: 0, reason: null }, "recorded");
    } catch (err) {
      stop(ctx, entry, `inventory: ${errorText(err)}`);
      ctx.progress.end({ ...selected(entry), status: "failed", previousVersion: null, newVersion: null, durationMs: 0, reason: b.reason });
    }
  }, () => undefined);
}

async function passPhase(ctx: BreachContext, entries: JournalEntry[], pass: 1 | 2): Promise<void> {
  const key = pass === 1 ? "pass1" : "pass2";
  const todo = entries.filter((e) => !breachOf(e).reason && breachOf(e)[key]?.status !== "rotated");
  if (todo.length === 0) return;
  ctx.progress.begin(`pass ${pass} of 2`, todo.length);
  await mapBounded(todo, ctx.concurrency, async (entry) => {
    const b = breachOf(entry);
    entry.status = "started";
    ctx.save();
    ctx.progress.step(entry, "RotateSecret");
    const result = await rotateOne(selected(entry), { ...ctx.settings, finishPending: true, dryRun: false, onStep: (s, step) => ctx.progress.step(s, step) });
    b[key] = result;
    entry.result = result;
    entry.status = result.status;
    if (pass === 1) b.pass1EndedAt = ctx.now();
    if (result.status !== "rotated") b.reason = `pass ${pass}: ${result.reason ?? result.status}`;
    else if (pass === 2) await tag(ctx, entry.arn, false).catch(() => undefined);
    ctx.save();
    ctx.progress.end(result);
  }, () => undefined);
}

async function masterPhase(ctx: BreachContext, entries: JournalEntry[]): Promise<void> {
  const byMaster = new Map<string, JournalEntry[]>();
  for (const e of entries) {
    const arn = breachOf(e).inventory?.master?.arn;
    if (arn) byMaster.set(arn, [...(byMaster.get(arn) ?? []), e]);
  }
  const todo = [...byMaster.entries()].filter(([arn]) => ctx.journal.masters[arn]?.status !== "rotated");
  if (todo.length === 0) return;
  ctx.progress.begin("master secrets", todo.length);
  await mapBounded(todo, ctx.concurrency, async ([arn, users]) => {
    const prev = ctx.journal.masters[arn]!;
    const label = { arn, name: arn.split(":").pop()!, tenant: users[0]!.tenant };
    const blocked = users.filter((u) => breachOf(u).pass2?.status !== "rotated");
    if (blocked.length > 0) {
      // Rotating it now could change the master under an app rotation still to come (resume): later.
      ctx.journal.masters[arn] = { ...prev, status: "skipped", reason: `waits for ${blocked.map((u) => u.name).join(", ")} to finish pass 2` };
      ctx.save();
      ctx.progress.end({ ...label, status: "failed", previousVersion: prev.previousVersion, newVersion: null, durationMs: 0, reason: ctx.journal.masters[arn]!.reason });
      return;
    }
    ctx.progress.step(label, "rotate master");
    const started = ctx.now();
    const result = await ctx.masters.rotate(breachOf(users[0]!).inventory!.master, prev.previousVersion);
    ctx.journal.masters[arn] = result;
    ctx.save();
    ctx.progress.end({ ...label, status: result.status === "rotated" ? "rotated" : "failed", previousVersion: result.previousVersion, newVersion: result.newVersion, durationMs: ctx.now() - started, reason: result.reason });
  }, () => undefined);
}

async function verifyPhase(ctx: BreachContext, entries: JournalEntry[]): Promise<void> {
  const ready = entries.filter((e) => {
    const b = breachOf(e);
    return b.pass2?.status === "rotated" && (b.verify === null || b.verify.stillLogIn + b.verify.unverifiable > 0);
  });
  // Secrets sharing a master are verified one after another: ending the master's other sessions from two
  // invocations at once would end each other's.
  const groups = new Map<string, JournalEntry[]>();
  for (const e of ready) {
    const arn = breachOf(e).inventory!.master.arn;
    groups.set(arn, [...(groups.get(arn) ?? []), e]);
  }
  if (ready.length === 0) return;
  ctx.progress.begin("verify old credentials are dead", ready.length);
  await mapBounded([...groups.entries()], ctx.concurrency, async ([masterArn, group]) => {
    let endMasterSessions = ctx.journal.masters[masterArn]?.status === "rotated";
    for (const entry of group) {
      const b = breachOf(entry);
      ctx.progress.step(entry, "verifyDead");
      const started = ctx.now();
      try {
        b.verify = (await ctx.invoker.invoke(b.functionArn!, {
          bulkhead: "verifyDead",
          SecretId: entry.arn,
          appVersions: b.inventory!.secret.versions.map((v) => v.versionId),
          masterVersions: b.inventory!.master.versions.map((v) => v.versionId),
          endMasterSessions,
        })) as VerifyReply;
        endMasterSessions = false;
        b.reason = b.verify.stillLogIn > 0 || b.verify.unverifiable > 0 ? `verify: ${describeVerify(b.verify)}` : null;
      } catch (err) {
        b.reason = `verify: ${errorText(err)}`;
      }
      ctx.save();
      ctx.progress.end({ ...selected(entry), status: b.reason ? "failed" : "rotated", previousVersion: null, newVersion: null, durationMs: ctx.now() - started, reason: b.reason }, "verified dead");
    }
  }, () => undefined);
}

export function describeVerify(v: VerifyReply): string {
  const live = v.checks.filter((c) => c.result === "logs-in").map((c) => `${c.secret} ${c.username} (version ${c.versionId})`);
  const unknown = v.checks.filter((c) => c.result === "unverifiable").map((c) => `${c.secret} version ${c.versionId}: ${c.detail}`);
  return [
    live.length ? `${live.length} old credential(s) still log in: ${live.join(", ")}` : "",
    unknown.length ? `${unknown.length} could not be checked: ${unknown.join("; ")}` : "",
  ].filter(Boolean).join("; ");
}

/** Runs (or continues) breach mode over the journal's entries for `secrets`. */
export async function runBreach(ctx: BreachContext, secrets: SelectedSecret[]): Promise<TenantReport[]> {
  const entries = secrets.map((s) => {
    const e = (ctx.journal.secrets[s.arn] ??= { ...selected(s as JournalEntry), status: "started", result: null });
    // A resume starts a failed secret again from the phase it stopped in.
    if (e.breach) e.breach.reason = null;
    return e;
  });
  ctx.save();
  await inventoryPhase(ctx, entries);
  await passPhase(ctx, entries, 1);
  const waiting = entries.filter((e) => !breachOf(e).reason && breachOf(e).pass2?.status !== "rotated" && breachOf(e).pass1?.status === "rotated");
  const until = Math.max(0, ...waiting.map((e) => (breachOf(e).pass1EndedAt ?? 0) + ctx.waitMs));
  if (waiting.length > 0 && until > ctx.now()) {
    ctx.progress.note(`waiting ${Math.ceil((until - ctx.now()) / 1000)} s for apps to pick up pass 1 before pass 2 rotates the credential they held`);
    await sleep(until - ctx.now());
  }
  await passPhase(ctx, entries, 2);
  await masterPhase(ctx, entries);
  await verifyPhase(ctx, entries);
  for (const e of entries) {
    const b = breachOf(e);
    const master = b.inventory ? ctx.journal.masters[b.inventory.master.arn] : undefined;
    if (!b.reason && master && master.status !== "rotated") b.reason = `master: ${master.reason ?? master.status}`;
    e.status = b.reason ? "failed" : "rotated";
  }
  ctx.save();
  return tenantReports(ctx.journal, entries);
}

export function tenantReports(journal: Journal, entries: JournalEntry[]): TenantReport[] {
  const byTenant = new Map<string, JournalEntry[]>();
  for (const e of entries) byTenant.set(e.tenant ?? "", [...(byTenant.get(e.tenant ?? "") ?? []), e]);
  return [...byTenant.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([tenant, list]) => {
      const verified = list.every((e) => e.breach?.verify);
      const sum = (f: (v: VerifyReply) => number) => (verified ? list.reduce((n, e) => n + f(e.breach!.verify!), 0) : null);
      const secrets = list.map((e) => ({
        arn: e.arn,
        name: e.name,
        pass1: e.breach?.pass1 ?? null,
        pass2: e.breach?.pass2 ?? null,
        master: e.breach?.inventory ? journal.masters[e.breach.inventory.master.arn] ?? null : null,
        verify: e.breach?.verify ?? null,
        reason: e.breach?.reason ?? null,
      }));
      const ok = secrets.every((s) => s.reason === null) && sum((v) => v.stillLogIn) === 0 && sum((v) => v.unverifiable) === 0;
      return {
        tenant: tenant || null,
        status: ok ? ("ok" as const) : ("failed" as const),
        oldCredentialsStillLogIn: sum((v) => v.stillLogIn),
        unverifiable: sum((v) => v.unverifiable),
        secrets,
      };
    });
}
