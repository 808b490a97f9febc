/**
 * Provenance through the real engine: stack config, plain or `secure:`, is typed in (a human chose it, it sits in the
 * stack file's history and can't rotate without a deploy — https://docs.aws.amazon.com/secretsmanager/latest/userguide/hardcoded.html);
 * a generated value is not. The pack receives secrets unwrapped and config values carry no resource dependency,
 * so it cannot tell config from a literal: both are judged typed in.
 */
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { jobFor, runJobs, type JobResult } from "../../cli/engine";

const project = path.join(__dirname, "fixtures", "config-credentials");
let result: JobResult;

beforeAll(async () => {
  [result] = await runJobs([jobFor(project, { stack: "dev" }).job]);
}, 120_000);

const credentialFindings = () => {
  if (!result.ok) throw new Error(`fixture did not run: ${result.message}`);
  return result.check!.violations.filter((v) => v.policy === "no-typed-in-credentials");
};

describe("no-typed-in-credentials on stack config (engine run)", () => {
  it("plain config in a secret-marked input and in an environment variable, and secure: config, are typed in", () => {
    const byName = new Map(credentialFindings().map((v) => [v.resource.name, v]));
    expect([...byName.keys()].sort()).toEqual(["plain-config-db", "plain-config-fn", "secure-config-directory"]);
    expect(byName.get("plain-config-db")!.message).toContain("sets password to a typed-in value");
    expect(byName.get("secure-config-directory")!.message).toContain("sets password to a typed-in value");
    expect(byName.get("plain-config-fn")!.message).toContain("environment.variables.PGPASSWORD");
    for (const v of byName.values()) expect(v.enforcement).toBe("mandatory");
  });
  it("a generated password passes", () => {
    expect(credentialFindings().filter((v) => v.resource.name === "generated-directory")).toEqual([]);
  });
});
