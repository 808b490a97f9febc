/**
 * Plays Secrets Manager's part for moto, which cannot run the Node function here: after RotateSecret it runs
 * the handler's four steps with the AWSPENDING token, in the background as the service does, and drops the
 * AWSPENDING label after a successful rotation. What the function logs goes to moto's CloudWatch Logs in
 * Lambda's JSON log format, so `bulkhead rotate` learns about failures exactly as against AWS: from the log.
 */
import { UpdateSecretVersionStageCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand, type CloudWatchLogsClient, type InputLogEvent } from "@aws-sdk/client-cloudwatch-logs";
import { randomUUID } from "node:crypto";
import type { RotationDriver, SelectedSecret } from "../../cli/rotate/fleet";
import type { FunctionInvoker } from "../../cli/rotate/invoke";
import { bulkheadRequest, rotate, STEPS, type BulkheadRequest, type RotationDeps, type RotationEvent, type Step } from "../../rotation/handler";

export interface HandlerDriverOptions {
  /** Runs one step; default the handler module in-process. The artifact test passes the bundled Lambda here. */
  invoke?: (event: RotationEvent) => Promise<void>;
  /** Called before each step; the fault tests stop the database here. */
  beforeStep?: (step: Step, secret: SelectedSecret) => Promise<void>;
  /** Extra sink for the function's lines (tests that read them). */
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

/**
 * Writes function log lines to moto's CloudWatch Logs as Lambda would (group /aws/lambda/<name>). Like Lambda,
 * which buffers a function's output and delivers it in batches, lines go out together: one PutLogEvents per
 * group at most every `batchMs`, carrying whatever arrived meanwhile.
 */
export class FunctionLog {
  private ready = new Map<string, Promise<void>>();
  /** Per group: lines not sent yet, the batch that will take new lines (if one is waiting) and the last batch. */
  private queues = new Map<string, { events: InputLogEvent[]; open: Promise<void> | null; last: Promise<void> }>();
  private stream = `2026/01/01/[$LATEST]${randomUUID().replace(/-/g, "")}`;

  constructor(
    private readonly logs: CloudWatchLogsClient,
    private readonly batchMs = 100,
  ) {}

  private prepare(group: string): Promise<void> {
    if (!this.ready.has(group)) {
      const ignoreExists = (err: unknown) => {
        if ((err as { name?: string }).name !== "ResourceAlreadyExistsException") throw err;
      };
      this.ready.set(group, (async () => {
        await this.logs.send(new CreateLogGroupCommand({ logGroupName: group })).catch(ignoreExists);
        await this.logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: this.stream })).catch(ignoreExists);
      })());
    }
    return this.ready.get(group)!;
  }

  /** Opens the next batch of `group`: sent `batchMs` after it opens, after the batch before it. */
  private openBatch(group: string): Promise<void> {
    const q = this.queues.get(group)!;
    const previous = q.last.catch(() => undefined);
    const batch: Promise<void> = (async () => {
      await Promise.all([previous, new Promise((r) => setTimeout(r, this.batchMs)), this.prepare(group)]);
      // Closing and taking the lines happen together: a line written later opens the next batch.
      q.open = null;
      const events = q.events.splice(0).sort((a, b) => a.timestamp! - b.timestamp!);
      if (events.length > 0) await this.logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: this.stream, logEvents: events }));
    })();
    q.open = q.last = batch;
    return batch;
  }

  /** Resolves once the line is in the log. */
  async write(functionArn: string, requestId: string, message: string, fields: Record<string, unknown> = {}): Promise<void> {
    const group = `/aws/lambda/${functionArn.split(":")[6]}`;
    if (!this.queues.has(group)) this.queues.set(group, { events: [], open: null, last: Promise.resolve() });
    const q = this.queues.get(group)!;
    const line = { timestamp: new Date().toISOString(), level: "INFO", requestId, message: JSON.stringify({ message, ...fields }) };
    q.events.push({ timestamp: Date.now(), message: JSON.stringify(line) });
    await (q.open ?? this.openBatch(group));
  }
}

export class HandlerDriver implements RotationDriver {
  private running = new Set<Promise<void>>();

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly functionLog: FunctionLog,
    private readonly options: HandlerDriverOptions = {},
  ) {}

  run(secret: SelectedSecret, versionId: string, functionArn: string): Promise<void> {
    const p = this.steps(secret, versionId, functionArn).finally(() => this.running.delete(p));
    this.running.add(p);
    return p;
  }

  /** Waits until every started rotation has ended (the service's label clean-up included). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private async steps(secret: SelectedSecret, versionId: string, functionArn: string): Promise<void> {
    const requestId = randomUUID();
    const pendingLines: Promise<void>[] = [];
    const deps: RotationDeps = {
      client: this.client,
      // Above the function's 5 s default: on a loaded two-core CI box a SCRAM login alone can take seconds.
      dbTimeoutMs: 10_000,
      log: (message, fields) => {
        this.options.log?.(message, fields);
        pendingLines.push(this.functionLog.write(functionArn, requestId, message, fields));
      },
    };
    const invoke = this.options.invoke ?? ((event: RotationEvent) => rotate(event, deps));
    let current: Step = "createSecret";
    try {
      for (const step of STEPS) {
        await this.options.beforeStep?.(step, secret);
        current = step;
        await invoke({ SecretId: secret.arn, ClientRequestToken: versionId, Step: step });
      }
      await this.client.send(new UpdateSecretVersionStageCommand({ SecretId: secret.arn, VersionStage: "AWSPENDING", RemoveFromVersionId: versionId }));
    } catch (err) {
      // The service stops at the failed step; the function already logged why.
      // (The bundled artifact logs to stdout, not here: its failure is written for it, as Lambda would collect it.)
      if (this.options.invoke) {
        const error = (err as Error).message.replace(/^\w+ failed for \S+: /, "");
        await this.functionLog.write(functionArn, requestId, `${current} failed`, { arn: secret.arn, token: versionId, step: current, error });
      }
    } finally {
      await Promise.allSettled(pendingLines);
    }
  }
}

/** Plays Lambda Invoke for breach-mode requests: the handler's dispatcher in-process, the reply through JSON. */
export class InProcessInvoker implements FunctionInvoker {
  constructor(private readonly client: SecretsManagerClient) {}

  async invoke(_functionArn: string, payload: Record<string, unknown>): Promise<unknown> {
    const deps: RotationDeps = { client: this.client, dbTimeoutMs: 10_000, log: () => undefined };
    return JSON.parse(JSON.stringify(await bulkheadRequest(payload as unknown as BulkheadRequest, deps)));
  }
}
