/**
 * `bulkhead rotate`: rotate every bulkhead-managed credential of some tenants (or all) in one command,
 * for the day of a breach. Exit codes: 0 all rotated (or, with --dry-run, listed), 1 any secret failed,
 * timed out, was left alone because a rotation was in progress, or nothing matched; 2 usage or credential errors.
 */
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { Command } from "commander";
import { SingleBar } from "cli-progress";
import pc from "picocolors";
import {
  CredentialError,
  MANAGED_TAG,
  TENANT_TAG,
  errorText,
  mapBounded,
  rotateOne,
  selectSecrets,
  type RotationDriver,
  type SecretResult,
  type Selection,
} from "../rotate/engine";

/** Options as commander delivers them (strings for numbers). */
export interface RotateOptions {
  /** Tenant ids whose managed secrets rotate (exact `bulkhead:tenant` match); repeatable. */
  tenant?: string[];
  /** Every secret tagged `bulkhead:managed=true` with a `bulkhead:tenant`. */
  all?: boolean;
  /** Secret ARNs (or names) to rotate regardless of tags; repeatable. */
  secret?: string[];
  /** Finish rotations found in progress instead of leaving them alone. */
  resume?: boolean;
  /** List what would rotate; change nothing. */
  dryRun?: boolean;
  /** `text` (default) or `json` on stdout. */
  format?: string;
  region?: string;
  profile?: string;
  endpointUrl?: string;
  /** Secrets rotated at once, 1-50; default 8. */
  concurrency?: string | number;
  /** Seconds to wait for each secret, 1-3600; default 300. */
  timeout?: string | number;
}

export interface RotateIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal: a progress bar instead of lines. */
  isTTY?: boolean;
  /** Injected client (tests); otherwise built from --region/--profile/--endpoint-url. */
  client?: SecretsManagerClient;
  /** Plays Secrets Manager's invocation of the function (emulators); unset against AWS. */
  driver?: RotationDriver;
  /** DescribeSecret polling interval, ms. Default 2000. */
  pollIntervalMs?: number;
  now?: () => number;
}

export interface ParsedRotateOptions {
  selection: Selection;
  resume: boolean;
  dryRun: boolean;
  format: "text" | "json";
  region?: string;
  profile?: string;
  endpointUrl?: string;
  concurrency: number;
  timeoutMs: number;
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
  if (!all && tenants.length === 0 && secrets.length === 0) {
    problems.push("nothing selected; pass --tenant ID (repeatable), --all, or --secret ARN");
  }
  if (all && (tenants.length > 0 || secrets.length > 0)) {
    problems.push("--all cannot be combined with --tenant or --secret; use one way of selecting");
  }
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
  const timeout = intInRange(opts.timeout, 300, 1, 3600, "--timeout", problems);
  return {
    value: {
      selection: { all, tenants: tenants.filter(Boolean), secrets: secrets.filter(Boolean) },
      resume: opts.resume === true,
      dryRun: opts.dryRun === true,
      format: format === "json" ? "json" : "text",
      region: opts.region,
      profile: opts.profile,
      endpointUrl: opts.endpointUrl,
      concurrency,
      timeoutMs: timeout * 1000,
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

/** Runs the command; returns the exit code instead of exiting so tests need not spawn. */
export async function runRotate(opts: RotateOptions, io: RotateIO): Promise<number> {
  const { value: o, problems } = parseRotateOptions(opts);
  if (problems.length > 0) {
    io.stderr(`bulkhead rotate: invalid options:\n  - ${problems.join("\n  - ")}\n`);
    return 2;
  }
  const now = io.now ?? Date.now;
  const startedAt = new Date(now()).toISOString();
  let client = io.client;
  try {
    client ??= new SecretsManagerClient({
      region: o.region,
      profile: o.profile,
      endpoint: o.endpointUrl,
      // Adaptive mode adds client-side rate limiting on throttling: many secrets at once stay within quota.
      retryMode: "adaptive",
      maxAttempts: 8,
    });
  } catch (err) {
    io.stderr(`bulkhead rotate: cannot create the Secrets Manager client: ${errorText(err)}\n`);
    return 2;
  }
  const ownClient = io.client === undefined;
  try {
    let selected;
    try {
      selected = await selectSecrets(client, o.selection);
    } catch (err) {
      const kind = err instanceof CredentialError ? "credentials, region or permissions problem" : "cannot list secrets";
      io.stderr(`bulkhead rotate: ${kind}: ${errorText(err)}\n`);
      return 2;
    }
    for (const tenant of o.selection.tenants) {
      if (!selected.secrets.some((s) => s.tenant === tenant)) {
        io.stderr(`bulkhead rotate: no secret tagged ${TENANT_TAG}=${tenant} and ${MANAGED_TAG}=true\n`);
      }
    }
    const total = selected.secrets.length + selected.missing.length;
    const progress = makeProgress(io, total, o.dryRun);
    const results = await mapBounded(
      selected.secrets,
      o.concurrency,
      (secret) =>
        rotateOne(secret, {
          client: client!,
          driver: io.driver,
          resume: o.resume,
          dryRun: o.dryRun,
          timeoutMs: o.timeoutMs,
          pollIntervalMs: io.pollIntervalMs ?? 2000,
          now,
        }),
      progress.update,
    );
    progress.stop();
    const all = [...selected.missing, ...results];
    const counts = summarize(all);
    const ok = total > 0 && all.every((r) => r.status === (o.dryRun ? "would-rotate" : "rotated"));
    if (o.format === "json") {
      io.stdout(
        JSON.stringify(
          {
            command: "rotate",
            dryRun: o.dryRun,
            selection: o.selection,
            startedAt,
            finishedAt: new Date(now()).toISOString(),
            summary: counts,
            secrets: all,
          },
          null,
          2,
        ) + "\n",
      );
    } else {
      if (total > 0) io.stdout(formatTable(all, io.isTTY === true) + "\n");
      io.stdout(
        total === 0
          ? "No secret matched the selection: nothing rotated.\n"
          : o.dryRun
            ? `${counts["would-rotate"]} of ${total} would rotate (dry run, nothing changed).\n`
            : `${counts.rotated} rotated, ${counts.failed} failed, ${counts["timed-out"]} timed out, ${counts["in-progress"]} left in progress (of ${total}).\n`,
      );
    }
    return ok ? 0 : 1;
  } finally {
    if (ownClient) client.destroy();
  }
}

function makeProgress(io: RotateIO, total: number, dryRun: boolean): { update: (r: SecretResult) => void; stop: () => void } {
  if (io.isTTY && total > 0) {
    const bar = new SingleBar(
      { format: `${dryRun ? "checking" : "rotating"} [{bar}] {value}/{total} | {rotated} ok, {failed} not`, hideCursor: true, stream: process.stderr },
    );
    let ok = 0;
    let bad = 0;
    bar.start(total, 0, { rotated: 0, failed: 0 });
    return {
      update: (r) => {
        if (r.status === "rotated" || r.status === "would-rotate") ok++;
        else bad++;
        bar.increment(1, { rotated: ok, failed: bad });
      },
      stop: () => bar.stop(),
    };
  }
  let done = 0;
  return {
    update: (r) => {
      done++;
      io.stderr(`[${done}/${total}] ${r.status} ${r.name}${r.tenant ? ` (tenant ${r.tenant})` : ""}${r.reason ? `: ${r.reason}` : ""}\n`);
    },
    stop: () => undefined,
  };
}

/** Adds `rotate` to the bulkhead program (cli/main.ts calls this). */
export function registerRotateCommand(program: Command): Command {
  const collect = (value: string, previous: string[] = []) => [...previous, value];
  return program
    .command("rotate")
    .description(
      "Rotate bulkhead-managed credentials now (alternating users: apps reading AWSCURRENT stay online). " +
        `Selects secrets by exact tags ${TENANT_TAG}=ID and ${MANAGED_TAG}=true, never by name.`,
    )
    .option("--tenant <id>", "rotate this tenant's managed secrets (repeatable)", collect)
    .option("--all", "rotate every managed secret of every tenant")
    .option("--secret <arn>", "rotate this secret (repeatable)", collect)
    .option("--resume", "finish rotations found in progress instead of leaving them alone")
    .option("--dry-run", "list what would rotate, change nothing")
    // Checked by parseRotateOptions rather than commander's choices(), so a bad value exits 2 like other usage errors.
    .option("--format <format>", "output on stdout: text or json", "text")
    .option("--region <region>", "AWS region (default: AWS_REGION / profile)")
    .option("--profile <name>", "AWS shared-config profile (default: AWS_PROFILE)")
    .option("--endpoint-url <url>", "Secrets Manager endpoint, e.g. an emulator")
    .option("--concurrency <n>", "secrets rotated at once (1-50)", "8")
    .option("--timeout <seconds>", "wait per secret before reporting it timed out (1-3600)", "300")
    .addHelpText(
      "after",
      "\nExit codes: 0 all rotated; 1 any failed, timed out, or left in progress, or nothing matched; 2 usage or credential error.",
    )
    .action(async (opts: RotateOptions) => {
      process.exitCode = await runRotate(opts, {
        stdout: (t) => process.stdout.write(t),
        stderr: (t) => process.stderr.write(t),
        isTTY: process.stderr.isTTY === true,
      });
    });
}
