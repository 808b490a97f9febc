/**
 * Reads what the rotation function logged about one rotation, from its CloudWatch Logs group: which step it is
 * in and, when a step failed, the function's own error. Every line the function writes for a rotation carries
 * the rotation's token (the new version id), so a quoted-term filter finds exactly them.
 */
import { FilterLogEventsCommand, type CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { errorText } from "./errors";

export interface FunctionLine {
  message: string;
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
  }
  return state;
}

export class FunctionWatcher {
  private lines: FunctionLine[] = [];
  private seenIds = new Set<string>();
  private nextStart: number;

  constructor(
    private readonly logs: CloudWatchLogsClient,
    private readonly logGroup: string,
    private readonly arn: string,
    private readonly token: string,
    since: number,
    private readonly skewMs = 60_000,
  ) {
    // Lambda stamps lines with the service's clock, not ours: slack for skew.
    this.nextStart = since - skewMs;
  }

  async poll(): Promise<WatchState> {
    try {
      let nextToken: string | undefined;
      do {
        const out = await this.logs.send(
          new FilterLogEventsCommand({ logGroupName: this.logGroup, filterPattern: `"${this.token}"`, startTime: this.nextStart, nextToken }),
        );
        for (const e of out.events ?? []) {
          const id = e.eventId ?? `${e.logStreamName}/${e.timestamp}/${e.message}`;
          if (this.seenIds.has(id)) continue;
          this.seenIds.add(id);
          const line = parseFunctionLine(e.message ?? "", e.timestamp ?? 0);
          if (line) this.lines.push(line);
          // Later polls ask only for what is newer (less to scan); ids drop the overlap.
          if (e.timestamp !== undefined) this.nextStart = Math.max(this.nextStart, e.timestamp - Math.min(this.skewMs, 5000));
        }
        nextToken = out.nextToken;
      } while (nextToken);
    } catch (err) {
      if ((err as { name?: string }).name === "ResourceNotFoundException") {
        // The group appears with the function's first line.
        return { readable: true, ...foldLines(this.lines, this.arn) };
      }
      return { readable: false, problem: `cannot read log group ${this.logGroup}: ${errorText(err)}`, ...foldLines(this.lines, this.arn) };
    }
    this.lines.sort((a, b) => a.timestamp - b.timestamp);
    return { readable: true, ...foldLines(this.lines, this.arn) };
  }
}
