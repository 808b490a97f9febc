/** Runs `node bin/bulkhead.js …` from the repository root, as a pipeline does, and collects exit code and output. */
import { execFile } from "node:child_process";
import * as path from "node:path";

export const repo = path.resolve(__dirname, "..", "..");

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function bulkhead(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(repo, "bin", "bulkhead.js"), ...args], { cwd: repo, env: { ...process.env, FORCE_COLOR: undefined } }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 99) : 0, stdout, stderr }),
    );
  });
}
