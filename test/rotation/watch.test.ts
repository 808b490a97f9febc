/**
 * How `bulkhead rotate` reads the rotation function's log (cli/rotate/watch.ts) and when it reads a secret's
 * labels (cli/rotate/fleet.ts rotateOne), against scripted services: no moto, no database.
 *
 * FilterLogEvents allows 5 requests per second per account and Region, a hard quota
 * (https://repost.aws/knowledge-center/cloudwatch-logs-throttling): the log of one function is read once per
 * interval for every secret in flight, never once per secret.
 */
import { describe, expect, it } from "vitest";
import { DescribeSecretCommand, RotateSecretCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { CloudWatchLogsClient, FilteredLogEvent } from "@aws-sdk/client-cloudwatch-logs";
import { LogGroupReader, type RotationWatch } from "../../cli/rotate/watch";
import { rotateOne, type RotateSettings } from "../../cli/rotate/fleet";

const ARN = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:acme/app-AbCdEf";
const GROUP = "/aws/lambda/tenant-db-rotation";

/** A log group as CloudWatch Logs answers FilterLogEvents: the events at or after startTime. */
class ScriptedLog {
  events: FilteredLogEvent[] = [];
  reads: Array<{ at: number; startTime?: number; filterPattern?: string }> = [];
  failWith: Error | undefined;
  private id = 0;

  constructor(private readonly clock: () => number) {}

  /** A line as the function writes it in Lambda's JSON log format. */
  line(fields: Record<string, unknown>, timestamp = this.clock()): void {
    const message = JSON.stringify({ timestamp: new Date(timestamp).toISOString(), level: "INFO", requestId: "r", message: JSON.stringify(fields) });
    this.events.push({ eventId: String(++this.id), timestamp, message, logStreamName: "s" });
  }

  client(): CloudWatchLogsClient {
    return {
      send: async (command: { input: { startTime?: number; filterPattern?: string } }) => {
        this.reads.push({ at: this.clock(), startTime: command.input.startTime, filterPattern: command.input.filterPattern });
        if (this.failWith) throw this.failWith;
        return { events: this.events.filter((e) => e.timestamp! >= (command.input.startTime ?? 0)) };
      },
    } as unknown as CloudWatchLogsClient;
  }
}

function setup(everyMs = 1000) {
  let t = 1_000_000;
  const clock = { now: () => t, advance: (ms: number) => (t += ms) };
  const log = new ScriptedLog(clock.now);
  const reader = new LogGroupReader(log.client(), GROUP, { everyMs, skewMs: 60_000, now: clock.now });
  return { clock, log, reader };
}

describe("one reader per function log group", () => {
  it("two rotations in flight share one read per interval, and each gets only its own lines", async () => {
    const { clock, log, reader } = setup();
    const a = await reader.follow(ARN, "tok-a", clock.now());
    const b = await reader.follow(`${ARN}-b`, "tok-b", clock.now());
    log.line({ message: "createSecret started", arn: ARN, token: "tok-a", step: "createSecret" });
    log.line({ message: "setSecret started", arn: `${ARN}-b`, token: "tok-b", step: "setSecret" });
    expect((await a.poll()).step).toBe("createSecret");
    expect((await b.poll()).step).toBe("setSecret");
    expect(log.reads).toHaveLength(1);
    // No filter pattern: one read serves every rotation of the function.
    expect(log.reads[0]!.filterPattern).toBeUndefined();

    log.line({ message: "setSecret failed", arn: ARN, token: "tok-a", step: "setSecret", error: "database unreachable" });
    // Within the interval the log is not read again.
    expect((await a.poll()).failure).toBeUndefined();
    clock.advance(1000);
    expect((await a.poll()).failure).toBe(`setSecret failed for ${ARN}: database unreachable`);
    expect((await b.poll()).failure).toBeUndefined();
    expect(log.reads).toHaveLength(2);
  });

  it("a rotation's lines read before it was followed still count (the function can log before the watch starts)", async () => {
    const { clock, log, reader } = setup();
    const a = await reader.follow(ARN, "tok-a", clock.now());
    log.line({ message: "createSecret started", arn: `${ARN}-b`, token: "tok-b", step: "createSecret" });
    await a.poll();
    const b = await reader.follow(`${ARN}-b`, "tok-b", clock.now());
    expect(await b.poll()).toMatchObject({ readable: true, seen: true, step: "createSecret" });
  });

  it("a resumed rotation does not take an earlier attempt's failure for its own (same token)", async () => {
    const { clock, log, reader } = setup();
    const since = clock.now();
    // The earlier attempt, a moment ago: within the clock-skew window the first read covers.
    log.line({ message: "setSecret started", arn: ARN, token: "tok-a", step: "setSecret" }, since - 800);
    log.line({ message: "setSecret failed", arn: ARN, token: "tok-a", step: "setSecret", error: "database unreachable" }, since - 700);
    const resumed = await reader.follow(ARN, "tok-a", since, { resumed: true });
    const first = await resumed.poll();
    expect([first.readable, first.seen, first.failure]).toEqual([true, false, undefined]);
    clock.advance(1000);
    log.line({ message: "setSecret started", arn: ARN, token: "tok-a", step: "setSecret" });
    log.line({ message: "setSecret done", arn: ARN, token: "tok-a", step: "setSecret" });
    const next = await resumed.poll();
    expect([next.seen, next.step, next.failure]).toEqual([true, "setSecret", undefined]);
    // Not resumed, the same lines would have been read as this attempt's failure.
    const { reader: other, log: otherLog } = setup();
    otherLog.line({ message: "setSecret failed", arn: ARN, token: "tok-a", step: "setSecret", error: "database unreachable" }, since - 700);
    expect((await (await other.follow(ARN, "tok-a", since)).poll()).failure).toBe(`setSecret failed for ${ARN}: database unreachable`);
  });

  it("a resumed rotation waits for the interval before its own read, so the quota holds there too", async () => {
    const { clock, log, reader } = setup(50);
    const a = await reader.follow(ARN, "tok-a", clock.now());
    await a.poll();
    const realStart = Date.now();
    await reader.follow(`${ARN}-b`, "tok-b", clock.now(), { resumed: true });
    expect(Date.now() - realStart).toBeGreaterThanOrEqual(45);
    expect(log.reads).toHaveLength(2);
  });

  it("reads from the service's own timestamps once it has seen a line, with an overlap for late lines", async () => {
    const { clock, log, reader } = setup();
    const a = await reader.follow(ARN, "tok-a", clock.now());
    await a.poll();
    expect(log.reads[0]!.startTime).toBe(clock.now() - 60_000);
    // The service's clock runs 20 s ahead of ours.
    log.line({ message: "createSecret started", arn: ARN, token: "tok-a", step: "createSecret" }, clock.now() + 20_000);
    clock.advance(1000);
    await a.poll();
    clock.advance(1000);
    await a.poll();
    expect(log.reads[2]!.startTime).toBe(clock.now() - 2000 + 20_000 - 5000);
  });

  it("says when the group cannot be read, and that a group not created yet is only empty", async () => {
    const { clock, log, reader } = setup();
    const a = await reader.follow(ARN, "tok-a", clock.now());
    log.failWith = Object.assign(new Error("User is not authorized to perform: logs:FilterLogEvents"), { name: "AccessDeniedException" });
    expect(await a.poll()).toMatchObject({ readable: false, problem: expect.stringContaining(`cannot read log group ${GROUP}: `) });
    clock.advance(1000);
    log.failWith = Object.assign(new Error("The specified log group does not exist."), { name: "ResourceNotFoundException" });
    expect(await a.poll()).toMatchObject({ readable: true, seen: false });
  });

  it("marks the rotation finished on finishSecret's end, also when the version was already AWSCURRENT", async () => {
    const { clock, log, reader } = setup();
    const a = await reader.follow(ARN, "tok-a", clock.now());
    const b = await reader.follow(ARN, "tok-b", clock.now());
    log.line({ message: "finishSecret started", arn: ARN, token: "tok-a", step: "finishSecret" });
    log.line({ message: "testSecret done", arn: ARN, token: "tok-b", step: "testSecret" });
    expect([(await a.poll()).finished, (await b.poll()).finished]).toEqual([undefined, undefined]);
    log.line({ message: "finishSecret done", arn: ARN, token: "tok-a", step: "finishSecret" });
    log.line({ message: "finishSecret: version already AWSCURRENT, nothing to do", arn: ARN, token: "tok-b" });
    clock.advance(1000);
    expect([(await a.poll()).finished, (await b.poll()).finished]).toEqual([true, true]);
  });
});

describe("rotateOne reads the labels when the log says the rotation finished", () => {
  /** Secrets Manager for one secret: the labels move to the new version when `finish()` is called. */
  function scriptedSecret() {
    const versions: Record<string, string[]> = { v1: ["AWSCURRENT"] };
    let describes = 0;
    const client = {
      send: async (command: unknown) => {
        if (command instanceof DescribeSecretCommand) {
          describes++;
          return { ARN, RotationEnabled: true, RotationLambdaARN: "arn:aws:lambda:eu-west-1:111122223333:function:tenant-db-rotation", VersionIdsToStages: structuredClone(versions) };
        }
        if (command instanceof RotateSecretCommand) {
          versions.v2 = ["AWSPENDING"];
          return { VersionId: "v2" };
        }
        throw new Error(`unexpected ${(command as object).constructor.name}`);
      },
    } as unknown as SecretsManagerClient;
    return {
      client,
      describes: () => describes,
      finish: () => {
        versions.v1 = ["AWSPREVIOUS"];
        versions.v2 = ["AWSCURRENT"];
      },
    };
  }

  it("rotated within a log interval of finishSecret, though the label backoff would wait 10 s", async () => {
    const secret = scriptedSecret();
    let finished = false;
    const watch: RotationWatch = { poll: async () => ({ readable: true, seen: true, step: "finishSecret", ...(finished ? { finished: true } : {}) }) };
    setTimeout(() => {
      secret.finish();
      finished = true;
    }, 60);
    const settings: RotateSettings = {
      client: secret.client,
      finishPending: false,
      dryRun: false,
      poll: { minMs: 10_000, maxMs: 10_000 },
      startTimeoutMs: 90_000,
      logEveryMs: 20,
      timeoutMs: 30_000,
      watch: async () => watch,
      now: Date.now,
    };
    const started = Date.now();
    const result = await rotateOne({ arn: ARN, name: "acme/app", tenant: "acme" }, settings);
    expect(result).toMatchObject({ status: "rotated", previousVersion: "v1", newVersion: "v2", reason: null });
    expect(Date.now() - started).toBeLessThan(2000);
    // Before RotateSecret, once right after it, once when the log said finished.
    expect(secret.describes()).toBe(3);
  });
});
