/**
 * The engine's guarantee that a check never passes with lost resources. Every registration the program
 * starts is entered in a ledger; when the program has finished, each must have been recorded by the
 * monitor. A registration that failed (an input that rejected: a thrown `apply`, an unanswered invoke in
 * its `…Output` form) or never completed (an input that never resolves) fails the run with the resource
 * named and the place the program declared it. The SDK itself reports such failures only as unhandled
 * rejections that arrive after its RPC queue has drained, which is how they used to slip through.
 */
import { userFrameOf } from "./failure";

export { userFrameOf };

/** The user's frame calling into the SDK right now (stack traces may be off for speed: raised briefly). */
export function callerSite(displayRoot: string): string | null {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  try {
    return userFrameOf(new Error().stack ?? "", displayRoot);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

interface Entry {
  type: string;
  name: string;
  state: "pending" | "recorded" | "failed";
  error?: unknown;
  /** Where the program declared it, from the SDK's own source position when it computed one. */
  source: () => string | null;
}

export interface LostRegistrations {
  failed: Array<{ type: string; name: string; source: string | null; error: unknown }>;
  pending: Array<{ type: string; name: string; source: string | null }>;
}

type Frame = { uri: string; line: number };

/** The source position and stack trace the SDK passes to registerResource (plain `{uri, line}` objects). */
function sourceFrames(args: unknown[]): Frame[] {
  const isFrame = (a: any): a is Frame => a !== null && typeof a === "object" && typeof a.uri === "string";
  const frames: Frame[] = [];
  for (const a of args) {
    if (isFrame(a)) frames.push(a);
    else if (Array.isArray(a) && a.length && a.every(isFrame)) frames.push(...a);
  }
  return frames;
}

export class RegistrationLedger {
  private readonly entries: Entry[] = [];

  constructor(
    /** The first of these frames in the user's code, as file:line. */
    private readonly positionOf: (frames: Array<{ uri: string; line: number }>) => string | null,
  ) {}

  /**
   * Wraps the SDK's `runtime/resource.registerResource`, which every resource constructor calls through the
   * module object, so each started registration is seen whatever the SDK version. `res.urn` is created
   * synchronously by the SDK before its first await; it settles when the monitor answered, or rejects with
   * the reason the registration failed.
   */
  install(resourceRuntime: any): void {
    if (resourceRuntime.__bulkheadLedger) resourceRuntime.registerResource = resourceRuntime.__bulkheadLedger.original;
    const original = resourceRuntime.registerResource;
    const ledger = this;
    const wrapped = function (this: unknown, res: any, parent: unknown, type: string, name: string, ...rest: unknown[]) {
      const entry: Entry = { type, name, state: "pending", source: () => ledger.positionOf(sourceFrames(rest)) };
      ledger.entries.push(entry);
      const result = original.call(this, res, parent, type, name, ...rest);
      const urn = res?.urn;
      const settle = (p: Promise<unknown>) =>
        p.then(
          () => void (entry.state = "recorded"),
          (error) => {
            entry.state = "failed";
            entry.error = error;
          },
        );
      if (urn && typeof urn.promise === "function") settle(urn.promise(true));
      else entry.state = "recorded"; // an SDK without res.urn cannot be watched; the monitor's records still stand
      return result;
    };
    resourceRuntime.registerResource = wrapped;
    resourceRuntime.__bulkheadLedger = { original };
  }

  get started(): number {
    return this.entries.length;
  }

  lost(): LostRegistrations {
    const failed = this.entries.filter((e) => e.state === "failed").map((e) => ({ type: e.type, name: e.name, source: e.source(), error: e.error }));
    const pending = this.entries.filter((e) => e.state === "pending").map((e) => ({ type: e.type, name: e.name, source: e.source() }));
    return { failed, pending };
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** One message for lost registrations: every resource named (the first few in full), with why and where. */
export function describeLost(lost: LostRegistrations, rootCause?: string, unhandled?: unknown): string {
  const lines: string[] = [];
  const show = <T>(xs: T[], f: (x: T) => string) => {
    for (const x of xs.slice(0, 10)) lines.push(`  - ${f(x)}`);
    if (xs.length > 10) lines.push(`  - … and ${xs.length - 10} more`);
  };
  if (lost.failed.length) {
    lines.push(`${lost.failed.length} resource registration(s) failed, so the check would not have seen them:`);
    show(lost.failed, (f) => `${f.type} "${f.name}"${f.source ? ` (${f.source})` : ""}: ${errorText(f.error)}`);
  }
  if (lost.pending.length) {
    lines.push(
      unhandled !== undefined
        ? // Older SDKs (3.228) leave a registration whose input rejected pending instead of failing it.
          `${lost.pending.length} resource registration(s) never completed after the program failed with: ${errorText(unhandled)}`
        : `${lost.pending.length} resource registration(s) never completed: an input is a promise or apply that never settles (e.g. an apply over a value unknown at preview that resolves a promise):`,
    );
    show(lost.pending, (p) => `${p.type} "${p.name}"${p.source ? ` (${p.source})` : ""}`);
  }
  if (rootCause) lines.unshift(rootCause);
  return lines.join("\n");
}
