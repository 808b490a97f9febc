/**
 * The tripwire (cli/engine/tripwire.ts): a registration the program started and the monitor never recorded
 * fails the run with exit 2, the resource named with the line that declared it. A check never passes with
 * lost resources, whatever lost them: a rejected output, a throw inside apply, an apply that never resolves.
 * (Unanswered invokes in every form: ./invokes.test.ts.)
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as path from "node:path";
import { jobFor, runJobs, type JobResult } from "../../cli/engine";
import { bulkheadInProcess, repo, type Run } from "./bulkhead-cli";

const dir = path.join(__dirname, "fixtures", "invokes");
const rel = (f: string) => path.relative(repo, path.join(dir, f));

/** fixture, what the message must say, the lost resource with its declaring line (null: none is lost), location line */
const CASES: Array<[string, string, RegExp, string | null, number]> = [
  ["a rejected output feeding a resource", "tripwire-rejected-output.ts", /registration\(s\) failed[\s\S]*the bucket name could not be computed/, 'aws:s3/bucket:Bucket "logs"', 4],
  ["a throw inside apply feeding a resource", "tripwire-throw-in-apply.ts", /registration\(s\) failed[\s\S]*no subnet plan for 10\.0\.0\.0\/16/, 'aws:ec2/subnet:Subnet "app"', 6],
  ["a throw inside an apply nothing uses", "tripwire-throw-in-unused-apply.ts", /^validation of 10\.0\.0\.0\/16 failed$/, null, 4],
  ["an input that never resolves (apply over an unknown id resolving a promise)", "tripwire-never-resolves.ts", /never finished[\s\S]*never completed/, 'aws:s3/bucket:Bucket "logs"', 6],
  ["a program awaiting an apply that never resolves", "tripwire-awaits-forever.ts", /^the program never finished: it waits on a promise that nothing can settle offline/, null, 0],
];

const results: Record<string, JobResult> = {};
let cliRun: Run;

beforeAll(async () => {
  // Preview semantics: an apply over a new resource's id never runs, exactly as in `pulumi preview` (under the
  // default symbolic unknowns the placeholder lets it run and settle).
  const jobs = CASES.map(([, f]) => jobFor(path.join(dir, f), { policyPack: false, displayRoot: repo, unknowns: "preview" }).job);
  const [out, run] = await Promise.all([
    runJobs(jobs),
    bulkheadInProcess(["check", rel("tripwire-rejected-output.ts"), "--format", "json"]),
  ]);
  CASES.forEach(([, f], i) => (results[f] = out[i]));
  cliRun = run;
}, 180_000);

describe("the tripwire: no check passes with lost registrations", () => {
  it.each(CASES)("%s fails the run", (_what, file, message, lost, line) => {
    const r = results[file];
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.kind).toBe("program");
    expect(r.message).toMatch(message);
    if (lost) {
      expect(r.message).toContain(`${lost} (${rel(file)}:${line})`);
      // Only the lost resource is named: the ones that were recorded are not blamed.
      expect(r.message).not.toContain('"kept"');
    }
    if (line) expect(r.location).toBe(`${rel(file)}:${line}`);
  });

  it("exits 2 through the CLI, prints no verdict, names the lost resource", () => {
    expect(cliRun.code).toBe(2);
    expect(JSON.parse(cliRun.stdout).error).toMatchObject({ kind: "lost-registration", source: `${rel("tripwire-rejected-output.ts")}:4` });
    expect(cliRun.stderr).toContain(`aws:s3/bucket:Bucket "logs" (${rel("tripwire-rejected-output.ts")}:4)`);
    expect(cliRun.stderr).not.toMatch(/PASSED|BLOCKED/);
  });
});
