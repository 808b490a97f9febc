/**
 * The engine keeps its worker for the process's next batch (cli/engine/run.ts): the SDK loads once, not once per
 * run. A reused worker must run a program exactly as a new one would: with the batch's environment, another
 * pack only in another process, and a program that can never finish still reported as stalled (the worker waits
 * for its next batch on its IPC channel, which must not keep it alive while a batch runs).
 */
import { describe, expect, it } from "vitest";
import * as path from "node:path";
import { jobFor, runJobs, type JobResult } from "../../cli/engine";

const repo = path.resolve(__dirname, "..", "..");
const fixtures = path.join(__dirname, "fixtures");
const stage = path.join(fixtures, "reuse", "stage.ts");

function ok(r: JobResult) {
  if (!r.ok) throw new Error(`run failed: ${r.message}`);
  return r;
}

async function withEnv<T>(vars: Record<string, string | undefined>, work: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const set = (v: Record<string, string | undefined>) => {
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined) delete process.env[k];
      else process.env[k] = x;
    }
  };
  set(vars);
  try {
    return await work();
  } finally {
    set(saved);
  }
}

const stageJob = () => jobFor(stage, { policyPack: false, displayRoot: repo }).job;

describe("a worker serves the process's next batch", () => {
  it("runs the next batch in the same process, with that batch's environment, and the same program gives the same records", async () => {
    const [a] = await withEnv({ APP_STAGE: "blue" }, () => runJobs([stageJob()]));
    const [b] = await withEnv({ APP_STAGE: "green" }, () => runJobs([stageJob()]));
    const [c] = await withEnv({ APP_STAGE: "blue" }, () => runJobs([stageJob()]));
    expect(ok(b).stats.workerPid).toBe(ok(a).stats.workerPid);
    expect(ok(c).stats.workerPid).toBe(ok(a).stats.workerPid);
    expect([ok(a).run.outputs.seen, ok(b).run.outputs.seen, ok(c).run.outputs.seen]).toEqual(["blue", "green", "blue"]);
    const records = (r: JobResult) => ok(r).run.resources.map((x) => [x.urn, x.inputs]);
    expect(records(c)).toEqual(records(a));
  }, 60_000);

  it("serves a dozen batches in one process without piling up listeners on it (Node warns past ten)", async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on("warning", onWarning);
    try {
      const pids = new Set<number>();
      for (let i = 0; i < 12; i++) pids.add(ok((await runJobs([stageJob()]))[0]!).stats.workerPid);
      await new Promise((r) => setImmediate(r));
      expect(pids.size).toBe(1);
      expect(warnings.filter((w) => w.startsWith("MaxListenersExceededWarning"))).toEqual([]);
    } finally {
      process.off("warning", onWarning);
    }
  }, 60_000);

  it("starts another worker when the start-up environment differs (Node's, Pulumi's and bulkhead's own variables)", async () => {
    const [a] = await runJobs([stageJob()]);
    const [b] = await withEnv({ PULUMI_DEBUG_PROMISE_LEAKS: "" }, () => runJobs([stageJob()]));
    expect(ok(b).stats.workerPid).not.toBe(ok(a).stats.workerPid);
  }, 60_000);

  it("never hands a worker holding one policy pack a batch of another (a process holds one pack)", async () => {
    const ours = jobFor(path.join(fixtures, "open-ssh.ts"), { displayRoot: repo }).job;
    const theirs = jobFor(path.join(fixtures, "open-ssh.ts"), { policyPack: path.join(fixtures, "echo-pack"), displayRoot: repo }).job;
    const [first] = await runJobs([ours]);
    const [other] = await runJobs([theirs]);
    const [again] = await runJobs([ours]);
    expect(ok(other).stats.workerPid).not.toBe(ok(first).stats.workerPid);
    expect(ok(again).stats.workerPid).toBe(ok(first).stats.workerPid);
    expect(ok(other).check!.violations.every((v) => v.kind === undefined)).toBe(true);
    expect(ok(again).check!.violations.map((v) => v.policy)).toEqual(ok(first).check!.violations.map((v) => v.policy));
  }, 60_000);

  it("batches at the same time get workers of their own", async () => {
    const [[a], [b]] = await Promise.all([runJobs([stageJob()]), runJobs([stageJob()])]);
    expect(ok(a).stats.workerPid).not.toBe(ok(b).stats.workerPid);
  }, 60_000);

  it("a reused worker still reports a program that waits on a promise nothing can settle (it does not hang)", async () => {
    const forever = jobFor(path.join(fixtures, "invokes", "tripwire-awaits-forever.ts"), { policyPack: false, displayRoot: repo, unknowns: "preview" }).job;
    const [warm] = await runJobs([stageJob()]);
    const [stalled] = await runJobs([forever]);
    expect(stalled.ok).toBe(false);
    if (!stalled.ok) expect(stalled.message).toMatch(/^the program never finished: it waits on a promise that nothing can settle offline/);
    const [after] = await runJobs([stageJob()]);
    expect(ok(after).stats.workerPid).toBe(ok(warm).stats.workerPid);
  }, 60_000);
});
