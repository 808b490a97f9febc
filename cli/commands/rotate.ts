/**
 * `bulkhead rotate`: rotate every bulkhead-managed credential of some tenants (or all) in one command. With
 * --breach, for the day of a breach: both alternating users, their open sessions, the master secrets, and a
 * check from inside the VPC that no credential from before the incident still logs in.
 * Exit codes: 0 all rotated (or, with --dry-run, listed; with --breach, every tenant verified); 1 any secret
 * failed, timed out, was left in progress, an old credential still logs in, or nothing matched; 2 usage or
 * credential errors.
 */
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { LambdaClient } from "@aws-sdk/client-lambda";
import type { Command } from "commander";
import { existsSync } from "node:fs";
import pc from "picocolors";
import {
  CredentialError,
  MANAGED_TAG,
  TENANT_TAG,
  errorText,
  mapBounded,
  rotateOne,
  selectSecrets,
  type RotateSettings,
  type RotationDriver,
  type SecretResult,
  type SelectedSecret,
  type Selection,
} from "../rotate/fleet";
import { LogGroupReader } from "../rotate/watch";
import { CliError, errorDocument, errorText as cliErrorText, type ErrorKind } from "../errors";
import { LambdaInvoker, readFunctionInfo, type FunctionInfo, type FunctionInvoker } from "../rotate/invoke";
import { defaultJournalPath, latestJournal, readJournal, writeJournal, JOURNAL_VERSION, type Journal } from "../rotate/journal";
import { Progress } from "../rotate/progress";
import { runBreach, SecretsManagerMasterRotator, describeVerify, type MasterRotator, type TenantReport } from "../rotate/breach";

/**
 * The AWS SDK v3 warns once per process on Node < 22 ("NodeVersionSupportWarning"). Users of this command
 * cannot act on it mid-incident; the SDK's own switch turns off exactly that warning and nothing else.
 */
export function silenceSdkNodeVersionWarning(env: NodeJS.ProcessEnv = process.env): void {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
}

/** The cache TTL the README tells apps to use for the database credential (seconds). */
export const APP_CACHE_TTL_SECONDS = 300;
/** Breach mode waits the apps' cache TTL plus this margin between its two passes. */
export const WAIT_MARGIN_SECONDS = 30;

/** Options as commander delivers them (strings for numbers). */
export interface RotateOptions {
  /** Tenant ids whose managed secrets rotate (exact `bulkhead:tenant` match); repeatable. */
  tenant?: string[];
  /** Every secret tagged `bulkhead:managed=true` with a `bulkhead:tenant`. */
  all?: boolean;
  /** Secret ARNs (or names) to rotate regardless of tags; repeatable. */
  secret?: string[];
  /** Breach mode: both users, their sessions, the masters, and a dead-credential check. */
  breach?: boolean;
  /** Seconds apps cache the credential (the README's contract); default 300. */
  appCacheTtl?: string | number;
  /** Breach mode: seconds between the two passes; default app cache TTL + 30. */
  wait?: string | number;
  /** Continue the journal of an interrupted or failed run: only what did not end well. */
  resume?: boolean;
  /** Journal file to write (or, with --resume, to continue). Default `.bulkhead/rotate-journal-<time>.json`. */
  journal?: string;
  /** Finish rotations found in progress instead of leaving them alone. */
  finishPending?: boolean;
  /** List what would rotate; change nothing. */
  dryRun?: boolean;
  /** `text` (default) or `json` on stdout. */
  format?: string;
  region?: string;
  profile?: string;
  endpointUrl?: string;
  /** Secrets rotated at once, 1-50; default 8. */
  concurrency?: string | number;
  /** Seconds to wait for each secret, 1-3600; default from the function's configured timeout. */
  timeout?: string | number;
}

export interface RotateIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal: one redrawn status line instead of log lines. */
  isTTY?: boolean;
  /** Injected clients (tests); otherwise built from --region/--profile/--endpoint-url. */
  client?: SecretsManagerClient;
  logs?: CloudWatchLogsClient;
  lambda?: LambdaClient;
  /** Runs breach-mode requests in the function; default Lambda Invoke. */
  invoker?: FunctionInvoker;
  /** Rotates master secrets; default RotateSecret on them (RDS managed rotation). */
  masters?: MasterRotator;
  /** Plays Secrets Manager's invocation of the function (emulators); unset against AWS. */
  driver?: RotationDriver;
  /** Status polling, ms: starts at min, grows by half up to max. Default 250 → 5000. */
  poll?: { minMs: number; maxMs: number };
  /** No line from the function this long after RotateSecret means it did not run. Default 90 s. */
  startTimeoutMs?: number;
  /** Least time between two reads of one function's log group (shared by all its secrets), ms; default 1000. */
  logEveryMs?: number;
  /** How far before RotateSecret the function's log is read (clock skew); default 60 s. */
  logSkewMs?: number;
  /** Breach-mode wait between passes in ms, overriding --wait (tests). */
  waitMs?: number;
  /** Plain-log progress: "still waiting" line interval. Default 15 s. */
  progressEveryMs?: number;
  /** Directory the default journal goes under. Default process.cwd(). */
  cwd?: string;
  now?: () => number;
}

export interface ParsedRotateOptions {
  selection: Selection;
  breach: boolean;
  appCacheTtlSeconds: number;
  waitSeconds: number;
  resume: boolean;
  journal?: string;
  finishPending: boolean;
  dryRun: boolean;
  format: "text" | "json";
  region?: string;
  profile?: string;
  endpointUrl?: string;
  concurrency: number;
  /** undefined: derived per function from its configured timeout. */
  timeoutMs?: number;
}

function intInRange(raw: string | number | undefined, fallback: number, min: number, max: number, flag: string, problems: string[]): number {
  if (raw === undefined) return fallback;
  const n = typeof raw === "number" ? raw : /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    problems.push(`${flag} ${JSON.stringify(raw)} is invalid; use an integer ${min}-${max} (default ${fallback})`);
    return fallback;
  }
  return n;
}

/** Checks the options and collects every problem; an empty `problems` means `value` is usable. */
export function parseRotateOptions(opts: RotateOptions): { value: ParsedRotateOptions; problems: string[] } {
  const problems: string[] = [];
  const tenants = [...new Set((opts.tenant ?? []).map((t) => t.trim()))];
  const secrets = [...new Set((opts.secret ?? []).map((s) => s.trim()))];
  if (tenants.some((t) => t === "")) problems.push('--tenant "" is empty; pass a tenant id (the bulkhead:tenant tag value)');
  if (secrets.some((s) => s === "")) problems.push('--secret "" is empty; pass a secret ARN');
  const all = opts.all === true;
  const resume = opts.resume === true;
  if (resume && (all || tenants.length > 0 || secrets.length > 0)) {
    problems.push("--resume takes its selection from the journal; drop --all/--tenant/--secret (or start a new run without --resume)");
  }
  if (!resume && !all && tenants.length === 0 && secrets.length === 0) {
    problems.push("nothing selected; pass --tenant ID (repeatable), --all, or --secret ARN (or --resume to continue a journal)");
  }
  if (all && (tenants.length > 0 || secrets.length > 0)) {
    problems.push("--all cannot be combined with --tenant or --secret; use one way of selecting");
  }
  if (opts.breach && opts.dryRun) problems.push("--breach cannot be combined with --dry-run; run --dry-run without --breach to list the selection");
  if (opts.breach && resume) problems.push("--resume continues the journal's mode; drop --breach (a breach run's journal resumes in breach mode)");
  if (opts.journal !== undefined && opts.journal.trim() === "") problems.push('--journal "" is empty; pass a file path');
  const format = opts.format ?? "text";
  if (format !== "text" && format !== "json") problems.push(`--format ${JSON.stringify(format)} is not supported; use text or json`);
  if (opts.endpointUrl !== undefined) {
    try {
      const u = new URL(opts.endpointUrl);
      if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error();
    } catch {
      problems.push(`--endpoint-url ${JSON.stringify(opts.endpointUrl)} is not an http(s) URL; e.g. http://127.0.0.1:5000`);
    }
  }
  const concurrency = intInRange(opts.concurrency, 8, 1, 50, "--concurrency", problems);
  const timeout = opts.timeout === undefined ? undefined : intInRange(opts.timeout, 300, 1, 3600, "--timeout", problems);
  const ttl = intInRange(opts.appCacheTtl, APP_CACHE_TTL_SECONDS, 0, 86_400, "--app-cache-ttl", problems);
  const wait = intInRange(opts.wait, ttl + WAIT_MARGIN_SECONDS, 0, 86_400, "--wait", problems);
  if (opts.wait !== undefined && wait < ttl) {
    problems.push(`--wait ${wait} is shorter than --app-cache-ttl ${ttl}: apps may still hold the credential pass 2 changes; use at least ${ttl}`);
  }
  if (!opts.breach && (opts.wait !== undefined || opts.appCacheTtl !== undefined)) {
    problems.push("--wait and --app-cache-ttl apply to --breach only; add --breach or drop them");
  }
  return {
    value: {
      selection: { all, tenants: tenants.filter(Boolean), secrets: secrets.filter(Boolean) },
      breach: opts.breach === true,
      appCacheTtlSeconds: ttl,
      waitSeconds: wait,
      resume,
      journal: opts.journal?.trim() || undefined,
      finishPending: opts.finishPending === true,
      dryRun: opts.dryRun === true,
      format: format === "json" ? "json" : "text",
      region: opts.region,
      profile: opts.profile,
      endpointUrl: opts.endpointUrl,
      concurrency,
      timeoutMs: timeout === undefined ? undefined : timeout * 1000,
    },
    problems,
  };
}

const STATUS_COLOR: Record<SecretResult["status"], (s: string) => string> = {
  rotated: pc.green,
  "would-rotate": pc.cyan,
  failed: pc.red,
  "timed-out": pc.red,
  "in-progress": pc.yellow,
};

/** The summary table: one row per secret, failures with their reason under them. */
export function formatTable(results: SecretResult[], color: boolean): string {
  const paint = (status: SecretResult["status"], s: string) => (color ? STATUS_COLOR[status](s) : s);
  const rows = results.map((r) => [r.tenant ?? "-", r.name, r.status, r.newVersion ?? "-", `${(r.durationMs / 1000).toFixed(1)}s`]);
  const head = ["TENANT", "SECRET", "RESULT", "NEW VERSION", "TIME"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[], status?: SecretResult["status"]) =>
    cells.map((c, i) => (i === 2 && status ? paint(status, c.padEnd(widths[i]!)) : c.padEnd(widths[i]!))).join("  ").trimEnd();
  const out = [line(head)];
  results.forEach((r, i) => {
    out.push(line(rows[i]!, r.status));
    if (r.reason) out.push(`    ${r.reason}`);
  });
  return out.join("\n");
}

export function summarize(results: SecretResult[]): Record<SecretResult["status"] | "total", number> {
  const counts = { total: results.length, rotated: 0, "would-rotate": 0, failed: 0, "timed-out": 0, "in-progress": 0 };
  for (const r of results) counts[r.status]++;
  return counts;
}

const AWS_HINT =
  "pass --region (or set AWS_REGION) and credentials (--profile / AWS_PROFILE, or the SDK's usual chain) that may list secrets; see README \"bulkhead rotate reference\" for the permissions";

/** Runs the command; returns the exit code instead of exiting so tests need not spawn. */
export async function runRotate(opts: RotateOptions, io: RotateIO): Promise<number> {
  silenceSdkNodeVersionWarning();
  const parsed = parseRotateOptions(opts);
  const o = parsed.value;
  // Exit 2 through the one error contract (cli/errors.ts): root cause first, a hint, and under --format json one
  // error document on stdout.
  const fail = (kind: ErrorKind, message: string, hint: string | null = null): number => {
    const e = new CliError(kind, message, null, hint);
    io.stderr(cliErrorText(e, false));
    if (opts.format === "json") io.stdout(errorDocument(e));
    return 2;
  };
  if (parsed.problems.length > 0) {
    return fail(
      "usage",
      parsed.problems.length === 1 ? `invalid option: ${parsed.problems[0]}` : `${parsed.problems.length} invalid options\n  - ${parsed.problems.join("\n  - ")}`,
      "see bulkhead rotate --help",
    );
  }
  const now = io.now ?? Date.now;
  const startedAt = new Date(now()).toISOString();
  const cwd = io.cwd ?? process.cwd();

  // The journal: continued with --resume, otherwise a new one.
  let journal: Journal;
  let journalPath: string;
  if (o.resume) {
    const file = o.journal ?? latestJournal(cwd);
    if (!file || !existsSync(file)) {
      return fail("usage", `--resume found no journal ${o.journal ? `at ${o.journal}` : `in ${cwd}/.bulkhead/`}`, "run --resume from the directory the interrupted run started in (its journal is in .bulkhead/), or pass --journal FILE");
    }
    try {
      journal = readJournal(file);
    } catch (err) {
      return fail("usage", errorText(err), "pass --journal FILE with a journal a bulkhead rotate run wrote");
    }
    journalPath = file;
    journal.runs.push({ startedAt, resume: true });
  } else {
    journalPath = o.journal ?? defaultJournalPath(cwd, startedAt);
    journal = {
      version: JOURNAL_VERSION,
      command: "rotate",
      breach: o.breach,
      startedAt,
      updatedAt: startedAt,
      runs: [{ startedAt, resume: false }],
      selection: o.selection,
      ...(o.breach ? { appCacheTtlSeconds: o.appCacheTtlSeconds, waitSeconds: o.waitSeconds } : {}),
      secrets: {},
      masters: {},
    };
  }
  const breach = journal.breach;

  const common = { region: o.region, profile: o.profile, endpoint: o.endpointUrl, maxAttempts: 8 };
  let client = io.client;
  let logs = io.logs;
  let lambda = io.lambda;
  try {
    // Adaptive mode adds client-side rate limiting on throttling: many secrets at once stay within quota.
    client ??= new SecretsManagerClient({ ...common, retryMode: "adaptive" });
    logs ??= new CloudWatchLogsClient({ ...common, retryMode: "adaptive" });
    lambda ??= new LambdaClient({ ...common, retryMode: "adaptive" });
  } catch (err) {
    return fail("aws", `cannot create the AWS clients: ${errorText(err)}`, AWS_HINT);
  }
  const owned = [io.client ? undefined : client, io.logs ? undefined : logs, io.lambda ? undefined : lambda];
  try {
    // Selection: from the journal (only what did not end well) or from the flags.
    let secrets: SelectedSecret[];
    let missing: SecretResult[] = [];
    let alreadyDone = 0;
    if (o.resume) {
      const entries = Object.values(journal.secrets);
      const unfinished = entries.filter((e) => e.status !== "rotated");
      alreadyDone = entries.length - unfinished.length;
      secrets = unfinished.map(({ arn, name, tenant }) => ({ arn, name, tenant }));
    } else {
      try {
        ({ secrets, missing } = await selectSecrets(client, o.selection));
      } catch (err) {
        const kind = err instanceof CredentialError ? "credentials, region or permissions problem" : "cannot list secrets";
        return fail("aws", `${kind}: ${errorText(err)}`, AWS_HINT);
      }
      for (const tenant of o.selection.tenants) {
        if (!secrets.some((s) => s.tenant === tenant)) io.stderr(`bulkhead rotate: no secret tagged ${TENANT_TAG}=${tenant} and ${MANAGED_TAG}=true\n`);
      }
    }
    const save = () => {
      if (o.dryRun) return;
      journal.updatedAt = new Date(now()).toISOString();
      writeJournal(journalPath, journal);
    };

    const infos = new Map<string, Promise<FunctionInfo>>();
    const info = (fn: string) => {
      if (!infos.has(fn)) infos.set(fn, readFunctionInfo(lambda!, fn));
      return infos.get(fn)!;
    };
    let logsProblem: string | undefined;
    // One reader per function log group, shared by every secret that function rotates (watch.ts: the quota).
    const readers = new Map<string, LogGroupReader>();
    const settings: Omit<RotateSettings, "finishPending" | "dryRun"> = {
      client,
      driver: io.driver,
      timeoutMs: o.timeoutMs,
      poll: io.poll ?? { minMs: 250, maxMs: 5000 },
      startTimeoutMs: io.startTimeoutMs ?? 90_000,
      logEveryMs: io.logEveryMs,
      now,
      functionTimeout: async (fn) => (await info(fn)).timeoutSeconds,
      watch: async (fn, arn, token, since, resumed) => {
        const group = await info(fn).then((i) => i.logGroup, () => `/aws/lambda/${fn.split(":")[6] ?? fn}`);
        let reader = readers.get(group);
        if (!reader) readers.set(group, (reader = new LogGroupReader(logs!, group, { everyMs: io.logEveryMs, skewMs: io.logSkewMs, now })));
        const w = await reader.follow(arn, token, since, { resumed });
        return {
          poll: async () => {
            const state = await w.poll();
            if (!state.readable && !logsProblem) {
              logsProblem = state.problem;
              io.stderr(`bulkhead rotate: ${state.problem}; a failure shows only when the secret's labels change or at the timeout\n`);
            }
            return state;
          },
        };
      },
    };
    const progress = new Progress({ write: io.stderr, isTTY: io.isTTY === true, now, reportEveryMs: io.progressEveryMs });
    const total = secrets.length + missing.length;
    let results: SecretResult[];
    let tenants: TenantReport[] | undefined;
    try {
      if (breach) {
        const waitMs = io.waitMs ?? (journal.waitSeconds ?? o.waitSeconds) * 1000;
        const timeoutMs = o.timeoutMs ?? 300_000;
        tenants = await runBreach(
          {
            client,
            invoker: io.invoker ?? new LambdaInvoker(lambda),
            masters: io.masters ?? new SecretsManagerMasterRotator(client, timeoutMs, settings.poll, now),
            settings,
            concurrency: o.concurrency,
            waitMs,
            tagValidityMs: 3 * timeoutMs + waitMs + 3_600_000,
            journal,
            save,
            progress,
            now,
          },
          secrets,
        );
        results = secrets
          .map((s) => journal.secrets[s.arn]!.breach?.pass2 ?? journal.secrets[s.arn]!.breach?.pass1 ?? null)
          .filter((r): r is SecretResult => r !== null);
      } else {
        for (const s of secrets) journal.secrets[s.arn] = { ...s, status: "started", result: null };
        save();
        progress.begin(o.dryRun ? "checking" : "rotating", secrets.length);
        results = await mapBounded(
          secrets,
          o.concurrency,
          (secret) => {
            progress.step(secret, o.dryRun ? "DescribeSecret" : "RotateSecret");
            // A resumed secret finishes its own AWSPENDING version rather than starting another rotation.
            return rotateOne(secret, { ...settings, finishPending: o.finishPending || o.resume, dryRun: o.dryRun, onStep: (s, step) => progress.step(s, step) });
          },
          (r) => {
            journal.secrets[r.arn] = { arn: r.arn, name: r.name, tenant: r.tenant, status: r.status, result: r };
            save();
            progress.end(r);
          },
        );
      }
    } finally {
      progress.stop();
    }
    const all = [...missing, ...results];
    const counts = summarize(all);
    const oldStillLogIn = tenants ? sumOrNull(tenants.map((t) => t.oldCredentialsStillLogIn)) : undefined;
    const nothingToResume = o.resume && total === 0;
    const ok = nothingToResume
      || (tenants
        ? total > 0 && missing.length === 0 && tenants.every((t) => t.status === "ok")
        : total > 0 && all.every((r) => r.status === (o.dryRun ? "would-rotate" : "rotated")));
    if (o.format === "json") {
      io.stdout(
        JSON.stringify(
          {
            command: "rotate",
            mode: breach ? "breach" : "rotate",
            dryRun: o.dryRun,
            resume: o.resume,
            selection: journal.selection,
            journal: o.dryRun ? null : journalPath,
            startedAt,
            finishedAt: new Date(now()).toISOString(),
            summary: {
              ...counts,
              alreadyDone,
              ...(tenants
                ? { tenants: tenants.length, tenantsFailed: tenants.filter((t) => t.status !== "ok").length, oldCredentialsStillLogIn: oldStillLogIn ?? null }
                : {}),
            },
            ...(tenants ? { tenants } : {}),
            secrets: all,
          },
          null,
          2,
        ) + "\n",
      );
    } else {
      if (tenants) io.stdout(formatBreach(tenants, io.isTTY === true) + "\n");
      else if (total > 0) io.stdout(formatTable(all, io.isTTY === true) + "\n");
      const left = o.resume ? ` ${alreadyDone} secret(s) had ended well before and were left alone.` : "";
      io.stdout(
        nothingToResume
          ? `Nothing to resume: all ${alreadyDone} secret(s) in ${journalPath} ended well.\n`
          : total === 0
            ? "No secret matched the selection: nothing rotated.\n"
            : o.dryRun
              ? `${counts["would-rotate"]} of ${total} would rotate (dry run, nothing changed).\n`
              : tenants
                ? `${tenants.filter((t) => t.status === "ok").length} of ${tenants.length} tenant(s) done; old credentials that still log in: ${oldStillLogIn ?? "not verified"}.${left} Journal: ${journalPath}\n`
                : `${counts.rotated} rotated, ${counts.failed} failed, ${counts["timed-out"]} timed out, ${counts["in-progress"]} left in progress (of ${total}).${left} Journal: ${journalPath}\n`,
      );
    }
    return ok ? 0 : 1;
  } finally {
    for (const c of owned) c?.destroy();
  }
}

function sumOrNull(values: Array<number | null>): number | null {
  return values.some((v) => v === null) ? null : values.reduce<number>((n, v) => n + v!, 0);
}

/** Breach mode's text report: per tenant the acceptance line, then each secret's phases and any reason. */
export function formatBreach(tenants: TenantReport[], color: boolean): string {
  const out: string[] = [];
  for (const t of tenants) {
    const status = t.status === "ok" ? "ok" : "FAILED";
    const painted = color ? (t.status === "ok" ? pc.green(status) : pc.red(status)) : status;
    out.push(`tenant ${t.tenant ?? "-"}: ${painted}; old credentials that still log in: ${t.oldCredentialsStillLogIn ?? "not verified"}`);
    for (const s of t.secrets) {
      const phase = (r: { status: string } | null) => r?.status ?? "-";
      const verify = s.verify ? (s.verify.stillLogIn + s.verify.unverifiable === 0 ? `${s.verify.checks.length} old credential(s) dead` : describeVerify(s.verify)) : "-";
      out.push(`  ${s.name}: pass 1 ${phase(s.pass1)}, pass 2 ${phase(s.pass2)}, master ${phase(s.master)}, verify ${verify}`);
      if (s.reason) out.push(`    ${s.reason}`);
    }
  }
  return out.join("\n");
}

/** Adds `rotate` to the bulkhead program (cli/main.ts calls this). */
export function registerRotateCommand(program: Command): Command {
  const collect = (value: string, previous: string[] = []) => [...previous, value];
  return program
    .command("rotate")
    .description(
      "Rotate bulkhead-managed credentials now (alternating users: apps reading AWSCURRENT stay online). " +
        `Selects secrets by exact tags ${TENANT_TAG}=ID and ${MANAGED_TAG}=true, never by name. ` +
        "On the day of a breach use --breach.",
    )
    .option("--tenant <id>", "rotate this tenant's managed secrets (repeatable)", collect)
    .option("--all", "rotate every managed secret of every tenant")
    .option("--secret <arn>", "rotate this secret (repeatable)", collect)
    .option("--breach", "breach mode: rotate both users, end their sessions, rotate the masters, verify every old credential is dead")
    .option("--app-cache-ttl <seconds>", `with --breach: how long apps cache the credential (default ${APP_CACHE_TTL_SECONDS}, the README's contract)`)
    .option("--wait <seconds>", `with --breach: wait between the two passes (default app cache TTL + ${WAIT_MARGIN_SECONDS})`)
    .option("--resume", "continue the latest journal (or --journal FILE): finish only what was interrupted or failed")
    .option("--journal <file>", "journal to write, or to continue with --resume (default .bulkhead/rotate-journal-<time>.json)")
    .option("--finish-pending", "finish rotations found in progress instead of leaving them alone")
    .option("--dry-run", "list what would rotate, change nothing")
    // Checked by parseRotateOptions rather than commander's choices(), so a bad value exits 2 like other usage errors.
    .option("--format <format>", "output on stdout: text or json", "text")
    .option("--region <region>", "AWS region (default: AWS_REGION / profile)")
    .option("--profile <name>", "AWS shared-config profile (default: AWS_PROFILE)")
    .option("--endpoint-url <url>", "endpoint for Secrets Manager, Lambda and CloudWatch Logs, e.g. an emulator")
    .option("--concurrency <n>", "secrets rotated at once (1-50)", "8")
    .option("--timeout <seconds>", "wait per secret before reporting it timed out (1-3600; default 4 x the function's timeout + 60)")
    .addHelpText(
      "after",
      "\nExit codes: 0 all rotated (--breach: every tenant verified); 1 any failed, timed out, left in progress, an old credential still logs in, or nothing matched; 2 usage or credential error.",
    )
    .action(async (opts: RotateOptions) => {
      process.exitCode = await runRotate(opts, {
        stdout: (t) => process.stdout.write(t),
        stderr: (t) => process.stderr.write(t),
        isTTY: process.stderr.isTTY === true,
      });
    });
}
