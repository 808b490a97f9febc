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
  // Older SDKs without these internals keep their own (slower) callsites.
  if (Resource.__bulkheadBounded || typeof Resource.callsites !== "function" || !Resource.framePositionRegExp) return;
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
  if (typeof debuggable.debuggablePromise !== "function" || !(state.getStore?.()?.leakCandidates instanceof Set)) return;
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

/**
 * The copy of @pulumi/pulumi a program runs with. A program that brings its own (older or newer 3.x)
 * gets that copy, and every `@pulumi/pulumi` request in the worker — the program's, its own or the bundled
 * @pulumi/aws's, the engine's — resolves to it, so the copy the engine mocks and records is the one the
 * program's resources are built with. Two copies would each keep their own stack resource and leak
 * tracking: the program's resources would miss their parent, or the second copy would report every
 * settled promise as leaked at exit ("N promises were still active").
 */
let selectedSdk: string | undefined;

/** The directory of the program's own @pulumi/pulumi, or undefined when it uses the bundled one. */
export function programSdk(projectDir: string, bundledRoot: string): string | undefined {
  const { createRequire } = require("node:module") as typeof import("node:module");
  const path = require("node:path") as typeof import("node:path");
  try {
    // Resolved as the program's own files resolve it: from its directory up, not from NODE_PATH.
    const pkg = createRequire(path.join(projectDir, "__bulkhead__.js")).resolve("@pulumi/pulumi/package.json");
    const root = path.dirname(pkg);
    return path.resolve(root) === path.resolve(bundledRoot) ? undefined : root;
  } catch {
    return undefined;
  }
}

/** Routes every `@pulumi/pulumi[/…]` request in this process to `root` (undefined: normal resolution). */
export function selectSdk(root: string | undefined): void {
  const Module = require("node:module");
  if (!Module.__bulkheadResolve) {
    const original = Module._resolveFilename;
    Module.__bulkheadResolve = original;
    Module._resolveFilename = function (request: string, ...rest: unknown[]) {
      if (selectedSdk && (request === "@pulumi/pulumi" || request.startsWith("@pulumi/pulumi/"))) {
        request = selectedSdk + request.slice("@pulumi/pulumi".length);
      }
      return original.call(this, request, ...rest);
    };
  }
  selectedSdk = root;
}

/** require() of a dependency of the selected SDK (its own google-protobuf), falling back to ours. */
export function sdkRequire(id: string): any {
  if (selectedSdk) {
    try {
      return require(require.resolve(id, { paths: [selectedSdk] }));
    } catch {
      // not installed under the program's SDK: the engine's own copy serves
    }
  }
  return require(id);
}
