/**
 * The one error contract of every command: the root cause first, on one line, at the user's own
 * `file:line` (or `Pulumi.<stack>.yaml:line` for stack config), then a hint. Internal frames only with
 * --verbose. Under `--format json` the same error is one JSON document on stdout (docs/contract.md).
 */

/** Stable error kinds (the JSON document's `kind`). */
export type ErrorKind =
  | "usage" // bad flags or arguments
  | "project" // missing or invalid Pulumi.yaml, program entry or stack file
  | "stack-config" // a stack config value the program rejected or is missing
  | "syntax" // the program does not parse
  | "type" // the program does not type-check
  | "module-not-found" // an import the program makes cannot be resolved
  | "component-args" // a component's arguments failed its validation
  | "program" // the program threw (anywhere else, inside apply too)
  | "lost-registration" // a resource registration never completed, or the program never finished
  | "unanswered-invoke" // a lookup the offline engine has no answer for (give one with --invokes)
  | "unanswered-stack-reference" // a StackReference whose stack's outputs the offline engine cannot find
  | "policy-config" // --policy-config rejected
  | "policy-pack" // the pack failed to load or run
  | "output" // the report could not be written
  | "aws" // credentials, region or an AWS API call (rotate)
  | "internal"; // a bug in bulkhead

export const EXIT = { ok: 0, violations: 1, usage: 2 } as const;

export class CliError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    /** `file:line` (relative to the cwd) of the root cause, when there is one. */
    readonly source: string | null = null,
    /** What to do about it. */
    readonly hint: string | null = null,
    /** Internal detail (stack traces), printed with --verbose only. */
    readonly detail: string | null = null,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
    this.name = "CliError";
  }
}

export interface ErrorDocument {
  error: { kind: ErrorKind; message: string; source: string | null; hint: string | null };
}

export function errorDocument(e: CliError): string {
  const doc: ErrorDocument = { error: { kind: e.kind, message: e.message, source: e.source, hint: e.hint } };
  return JSON.stringify(doc, null, 2) + "\n";
}

/** `bulkhead: <message>` then `    at <source>` and `  hint: …`; the detail only when verbose. */
export function errorText(e: CliError, verbose: boolean): string {
  const lines = [`bulkhead: ${e.message}`];
  if (e.source) lines.push(`    at ${e.source}`);
  if (e.hint) lines.push(`  hint: ${e.hint}`);
  if (verbose && e.detail) lines.push(e.detail);
  return lines.join("\n") + "\n";
}

/** Any thrown value as a CliError: unexpected ones are internal, with their stack kept for --verbose. */
export function asCliError(e: unknown): CliError {
  if (e instanceof CliError) return e;
  const err = e instanceof Error ? e : new Error(String(e));
  return new CliError("internal", `internal error: ${err.message}`, null, "run again with --verbose and report it", err.stack ?? null);
}

/** A file-system failure writing a report, in one line (ENOENT, EISDIR, EACCES…). */
export function outputError(file: string, e: unknown): CliError {
  const code = (e as NodeJS.ErrnoException)?.code;
  const why =
    code === "ENOENT"
      ? "its directory does not exist"
      : code === "EISDIR"
        ? "it is a directory"
        : code === "ENOTDIR"
          ? "a part of its path is a file, not a directory"
          : code === "EACCES" || code === "EPERM" || code === "EROFS"
            ? "it is not writable"
            : ((e as Error)?.message ?? String(e));
  return new CliError("output", `cannot write ${file}: ${why}`, null, "give a path in an existing, writable directory");
}
