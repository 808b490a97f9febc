/**
 * Reads what the rotation function logged about each rotation, from its CloudWatch Logs group: which step it is
 * in, whether it finished and, when a step failed, the function's own error. Every line the function writes for
 * a rotation carries the rotation's token (the new version id), which sorts the lines by rotation.
 *
 * One reader per log group serves every rotation the function runs: FilterLogEvents allows 5 requests per
 * second per account and Region, a hard quota
 * (https://repost.aws/knowledge-center/cloudwatch-logs-throttling), so one read per secret and interval would
 * be throttled at the default concurrency of 8. The reader reads the group at most once per interval, whatever
 * the number of secrets in flight.
 */
import { FilterLogEventsCommand, type CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { errorText } from "./errors";

export interface FunctionLine {
  message: string;
  /** The rotation (version id) the line is about. */
  token?: string;
  step?: string;
  error?: string;
  deadlineMs?: number;
  timestamp: number;
}

/** What the log says about a rotation so far. `readable: false` means the log could not be read (see `problem`). */
export interface WatchState {
  readable: boolean;
  problem?: string;
  /** At least one line for this rotation exists: the function ran. */
  seen: boolean;
  /** The step the function is in (last `<step> started` without a matching `done`). */
  step?: string;
  /** Deadline the function reported for that step (its remaining Lambda time), ms since the epoch. */
  stepDeadline?: number;
  /** `<step> failed for <arn>: <error>`, as the function logged it. */
  failure?: string;
  /** finishSecret ended (or found the version already AWSCURRENT): the labels are worth reading now. */
  finished?: boolean;
}

/**
 * One function log line → its bulkhead fields. Lambda's JSON log format wraps what the function printed in
 * `{"timestamp","level","requestId","message"}`; the text format leaves it as printed. Both are read.
 */
export function parseFunctionLine(text: string, timestamp: number): FunctionLine | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const brace = text.indexOf("{");
    if (brace < 0) return undefined;
    try {
      value = JSON.parse(text.slice(brace));
    } catch {
      return undefined;
    }
  }
  let obj = value as Record<string, unknown>;
  if (obj && typeof obj.message === "string" && obj.message.startsWith("{")) {
    try {
      obj = JSON.parse(obj.message) as Record<string, unknown>;
    } catch {
      /* a plain message that happens to start with a brace */
    }
  }
  if (!obj || typeof obj.message !== "string") return undefined;
  return {
    message: obj.message,
    token: typeof obj.token === "string" ? obj.token : undefined,
    step: typeof obj.step === "string" ? obj.step : undefined,
    error: typeof obj.error === "string" ? obj.error : undefined,
    deadlineMs: typeof obj.deadlineMs === "number" ? obj.deadlineMs : undefined,
    timestamp,
  };
}

/** Folds the lines of one rotation (oldest first) into its state. */
export function foldLines(lines: FunctionLine[], arn: string): Omit<WatchState, "readable"> {
  const state: Omit<WatchState, "readable"> = { seen: lines.length > 0 };
  for (const line of lines) {
    if (line.error !== undefined && / failed$/.test(line.message)) {
      state.failure = `${line.step ?? line.message.replace(/ failed$/, "")} failed for ${arn}: ${line.error}`;
    } else if (line.step && / started$/.test(line.message)) {
      state.step = line.step;
      state.stepDeadline = line.deadlineMs;
      // A later attempt of the step (Secrets Manager retries) supersedes an earlier failure.
      state.failure = undefined;
    } else if (line.step && / done$/.test(line.message) && state.step === line.step) {
      state.stepDeadline = undefined;
    }
    if (/^finishSecret( done$|: version already AWSCURRENT)/.test(line.message)) state.finished = true;
  }
  return state;
}

/** What the rotation loop asks of the log about one rotation. */
export interface RotationWatch {
  poll(): Promise<WatchState>;
}

export interface LogGroupReaderOptions {
  /** Least time between two reads of the group, ms; default 1000. */
  everyMs?: number;
  /** Lambda stamps lines with the service's clock, not ours: how far before our own time the first read starts. Default 60 s. */
  skewMs?: number;
  now?: () => number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Reads one function's log group for every rotation in flight; see the file comment. */
export class LogGroupReader {
  /** Lines by rotation token, each keyed by its event id (reads overlap; ids drop the repeats). */
  private byToken = new Map<string, Map<string, FunctionLine>>();
  private followed = new Set<string>();
  /** startTime of the next read; from our clock (minus the skew) until a line is seen, then from the service's. */
  private cursor: number | undefined;
  private anchored = false;
  private lastReadAt = -Infinity;
  private reading: Promise<void> | null = null;
  private readsStarted = 0;
  private problem: string | undefined;
  private readonly everyMs: number;
  private readonly skewMs: number;
  private readonly now: () => number;

  constructor(
    private readonly logs: CloudWatchLogsClient,
    readonly logGroup: string,
    opts: LogGroupReaderOptions = {},
  ) {
    this.everyMs = opts.everyMs ?? 1000;
    this.skewMs = opts.skewMs ?? 60_000;
    this.now = opts.now ?? Date.now;
  }

  /**
   * Follows the rotation `token` of `arn`, started at `since` (our clock). `resumed`: the token was used
   * before (an unfinished rotation finished again), so what an earlier attempt logged, such as its failure,
   * is not this attempt's; call it before RotateSecret, so that only what was logged before the request counts
   * as earlier.
   */
  async follow(arn: string, token: string, since: number, opts: { resumed?: boolean } = {}): Promise<RotationWatch> {
    this.followed.add(token);
    if (!this.anchored) this.cursor = Math.min(this.cursor ?? Infinity, since - this.skewMs);
    let earlier = new Set<string>();
    if (opts.resumed) {
      await this.refresh(true);
      earlier = new Set(this.byToken.get(token)?.keys());
    }
    return {
      poll: async () => {
        await this.refresh(false);
        const lines = [...(this.byToken.get(token)?.entries() ?? [])]
          .filter(([id]) => !earlier.has(id))
          .map(([, line]) => line)
          .sort((a, b) => a.timestamp - b.timestamp);
        const folded = foldLines(lines, arn);
        return this.problem ? { readable: false, problem: this.problem, ...folded } : { readable: true, ...folded };
      },
    };
  }

  /** Reads when the interval allows; `fresh`: waits for a read that starts after this call rather than use what is known. */
  private async refresh(fresh: boolean): Promise<void> {
    if (!fresh) {
      if (this.reading) return this.reading;
      if (this.now() - this.lastReadAt < this.everyMs) return;
      return this.startRead();
    }
    const asked = this.readsStarted;
    if (this.reading) await this.reading;
    const wait = this.lastReadAt + this.everyMs - this.now();
    if (wait > 0) await sleep(wait);
    if (this.readsStarted > asked) return this.reading ?? undefined;
    return this.startRead();
  }

  private startRead(): Promise<void> {
    this.readsStarted++;
    this.reading = this.read().finally(() => (this.reading = null));
    return this.reading;
  }

  private async read(): Promise<void> {
    this.lastReadAt = this.now();
    let newest = -Infinity;
    try {
      let nextToken: string | undefined;
      do {
        // No filter pattern: every line in the window belongs to some rotation of this function, and one read
        // serves them all.
        const out = await this.logs.send(new FilterLogEventsCommand({ logGroupName: this.logGroup, startTime: this.cursor, nextToken }));
        for (const e of out.events ?? []) {
          const text = e.message ?? "";
          const line = parseFunctionLine(text, e.timestamp ?? 0);
          if (e.timestamp !== undefined) newest = Math.max(newest, e.timestamp);
          // A line without the token field (an older function) is matched by its text.
          const token = line?.token ?? [...this.followed].find((t) => text.includes(t));
          if (!line || !token) continue;
          let lines = this.byToken.get(token);
          if (!lines) this.byToken.set(token, (lines = new Map()));
          lines.set(e.eventId ?? `${e.logStreamName}/${e.timestamp}/${text}`, line);
        }
        nextToken = out.nextToken;
      } while (nextToken);
      this.problem = undefined;
    } catch (err) {
      // The group appears with the function's first line.
      if ((err as { name?: string }).name === "ResourceNotFoundException") this.problem = undefined;
      else this.problem = `cannot read log group ${this.logGroup}: ${errorText(err)}`;
    }
    // Later reads ask only for what is newer (less to scan), with an overlap for lines that arrive late.
    if (newest > -Infinity) {
      this.cursor = Math.max(this.cursor ?? -Infinity, newest - Math.min(this.skewMs, 5000));
      this.anchored = true;
    }
  }
}
