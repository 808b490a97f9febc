/**
 * What a command reads and writes besides its arguments and files: its two output streams and its
 * environment. bin/bulkhead.js runs `main(argv)` with the process's own; `main(argv, io)` runs the same command
 * line — parsing, target resolution, error mapping, reporters, exit code — with others, so a caller (the
 * tests) can run it in its own process, several at once, without a new Node process per command.
 *
 * Not part of it: the working directory (paths are resolved and shown relative to the process's own), and the
 * engine's worker processes, which inherit the process's own environment.
 */

/** One output stream: what a command writes to it, and whether a terminal reads it. */
export interface CliStream {
  write(chunk: string | Uint8Array): unknown;
  /** A terminal: colour, and one rewritten progress line instead of log lines. Absent: not a terminal. */
  readonly isTTY?: boolean;
}

export interface CliIo {
  stdout: CliStream;
  stderr: CliStream;
  /** The environment the CLI reads its settings from (PULUMI_NODEJS_TRANSPILE_ONLY, PATH for `fleet up`). */
  env: NodeJS.ProcessEnv;
}

/** The process's own streams and environment. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}
