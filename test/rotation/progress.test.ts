/** Progress of `bulkhead rotate` names the slow secrets, their step and how long, on a terminal and in logs. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { Progress } from "../../cli/rotate/progress";

const secret = (n: number) => ({ arn: `arn:${n}`, name: `t${n}/app`, tenant: `t${n}` });

afterEach(() => vi.useRealTimers());

describe("rotate progress", () => {
  it("plain logs: a line per step change and a periodic line naming the slowest secrets", () => {
    vi.useFakeTimers();
    let t = 0;
    let out = "";
    const p = new Progress({ write: (s) => (out += s), isTTY: false, now: () => t, reportEveryMs: 15_000 });
    p.begin("pass 1 of 2", 3);
    p.step(secret(1), "RotateSecret");
    p.step(secret(2), "RotateSecret");
    t = 2000;
    p.step(secret(1), "setSecret");
    t = 16_000;
    vi.advanceTimersByTime(16_000);
    p.end({ ...secret(2), status: "rotated", previousVersion: "a", newVersion: "b", durationMs: 16_000, reason: null });
    p.stop();
    expect(out.split("\n")).toEqual([
      "pass 1 of 2: 3 secret(s)",
      "  t1/app (tenant t1): RotateSecret",
      "  t2/app (tenant t2): RotateSecret",
      "  t1/app (tenant t1): setSecret (RotateSecret took 2 s)",
      "  pass 1 of 2: 0/3 done; waiting on t2/app (tenant t2) in RotateSecret for 16 s; t1/app (tenant t1) in setSecret for 14 s",
      "[1/3] rotated t2/app (tenant t2)",
      "",
    ]);
  });

  it("terminal: one redrawn status line with the slowest secrets; failures stay on screen", () => {
    vi.useFakeTimers();
    let t = 0;
    let out = "";
    const p = new Progress({ write: (s) => (out += s), isTTY: true, now: () => t });
    p.begin("pass 2 of 2", 2);
    p.step(secret(1), "testSecret");
    t = 42_000;
    vi.advanceTimersByTime(1000);
    expect(out.split("\r\x1b[K").pop()).toBe("pass 2 of 2: 0/2 done | t1/app (tenant t1) in testSecret for 42 s");
    p.end({ ...secret(1), status: "failed", previousVersion: "a", newVersion: "b", durationMs: 42_000, reason: "testSecret failed for arn:1: boom" });
    p.stop();
    expect(out).toContain("\r\x1b[K[1/2] failed t1/app (tenant t1): testSecret failed for arn:1: boom\n");
  });
});
