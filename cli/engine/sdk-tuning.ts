/**
 * Two narrow replacements of @pulumi/pulumi internals that the worker installs before running a program.
 * Both keep what the SDK computes for the engine (source positions, leak tracking, rejection annotation)
 * and drop only cost: they are what makes registration of thousands of resources fit the time budget.
 */

/**
 * The SDK records each resource's call sites with an unlimited stack depth, and under tsx every
 * frame is source-mapped. The declaring frame is always within the first few dozen frames, so a
 * bounded depth keeps the same source positions at a fraction of the cost.
 */
export function boundCallsiteDepth(): void {
  const { Resource } = require("@pulumi/pulumi/resource");
  if (Resource.__bulkheadBounded) return;
  Resource.__bulkheadBounded = true;
  Resource.callsites = function callsites() {
    const limit = Error.stackTraceLimit;
    try {
      Error.stackTraceLimit = 40;
      const stack = new Error().stack ?? "";
      return stack
        .split("\n")
        .slice(1)
        .map((frame: string) => {
          const { file, line, column } = Resource.framePositionRegExp.exec(frame)?.groups ?? {};
          if (!file || !line || !column || file.startsWith("node:")) return {};
          return { file, line: parseInt(line, 10), column: parseInt(column, 10) };
        });
    } finally {
      Error.stackTraceLimit = limit;
    }
  };
}

/**
 * The SDK wraps every promise it creates (several per output property of every resource) in
 * `debuggablePromise`, which also stamps three debug properties on it, one of them an Error's stack.
 * Those serve only PULUMI_DEBUG_PROMISE_LEAKS reports, and the exit-time leak message never fires
 * here because the worker clears the candidates itself once a program has run (child.ts). Keeping the leak tracking and
 * the rejection annotation without the stamping makes registration about a quarter faster (5,000
 * resources: 2.15 → 1.6 ms/resource). With PULUMI_DEBUG_PROMISE_LEAKS set, the SDK's own stays.
 */
export function lightenPromiseTracking(): void {
  const debuggable = require("@pulumi/pulumi/runtime/debuggable");
  if (debuggable.__bulkheadLight || debuggable.debugPromiseLeaks) return;
  const state = require("@pulumi/pulumi/runtime/state");
  debuggable.__bulkheadLight = true;
  debuggable.debuggablePromise = <T>(p: Promise<T>): Promise<T> => {
    const candidates: Set<Promise<unknown>> = state.getStore().leakCandidates;
    candidates.add(p);
    return p.then(
      (value) => {
        candidates.delete(p);
        return value;
      },
      (err) => {
        candidates.delete(p);
        if (err !== null && typeof err === "object") (err as { promise?: unknown }).promise = p;
        throw err;
      },
    );
  };
}
