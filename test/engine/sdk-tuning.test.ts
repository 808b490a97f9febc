/**
 * The worker's replacements of SDK internals (cli/engine/sdk-tuning.ts) must keep what the SDK relies on:
 * leak candidates tracked until a promise settles, rejections annotated with their promise, the same value
 * or error passed through; and they must stand aside when PULUMI_DEBUG_PROMISE_LEAKS asks for the SDK's reports.
 */
import { describe, expect, it } from "vitest";
import { lightenPromiseTracking } from "../../cli/engine/sdk-tuning";

const debuggable = require("@pulumi/pulumi/runtime/debuggable");
const state = require("@pulumi/pulumi/runtime/state");

describe("lighter promise tracking", () => {
  it("stands aside when PULUMI_DEBUG_PROMISE_LEAKS is set (the SDK's debug reports need its stamping)", () => {
    const sdk = debuggable.debuggablePromise;
    debuggable.debugPromiseLeaks = true;
    try {
      lightenPromiseTracking();
      expect(debuggable.debuggablePromise).toBe(sdk);
    } finally {
      debuggable.debugPromiseLeaks = false;
    }
  });

  it("tracks leak candidates until settled, passes values and errors through, annotates rejections, stamps nothing", async () => {
    const sdk = debuggable.debuggablePromise;
    lightenPromiseTracking();
    expect(debuggable.debuggablePromise).not.toBe(sdk);
    const candidates: Set<Promise<unknown>> = state.getStore().leakCandidates;

    let resolve!: (v: number) => void;
    const pending = new Promise<number>((r) => (resolve = r));
    const tracked = debuggable.debuggablePromise(pending, "resolveURN(x)");
    expect(candidates.has(pending)).toBe(true);
    resolve(7);
    await expect(tracked).resolves.toBe(7);
    expect(candidates.has(pending)).toBe(false);
    expect(Object.getOwnPropertyNames(pending)).toEqual([]);

    const err = new Error("boom");
    const failing = Promise.reject(err);
    await expect(debuggable.debuggablePromise(failing, "register")).rejects.toBe(err);
    expect((err as Error & { promise?: unknown }).promise).toBe(failing);
    expect(candidates.has(failing)).toBe(false);
  });
});
