/**
 * docs/contract.md holds for `bulkhead rotate --format json` (in process, Secrets Manager played by a stub that
 * answers ListSecrets and DescribeSecret as AWS does) and for rotate's exit-2 error document; `check`, `preview`
 * and the other error documents are validated where their runs already happen (test/engine/cli.test.ts,
 * engine.test.ts, errors.test.ts), with the same schemas (./contract-schemas.ts).
 */
import { DescribeSecretCommand, ListSecretsCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { runRotate } from "../../cli/commands/rotate";
import { expectContract } from "./contract-schemas";

const arn = (name: string) => `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-AbCdEf`;
const SECRETS = [
  { ARN: arn("acme/db/app"), Name: "acme/db/app", Tags: [{ Key: "bulkhead:tenant", Value: "acme" }, { Key: "bulkhead:managed", Value: "true" }] },
  { ARN: arn("globex/db/app"), Name: "globex/db/app", Tags: [{ Key: "bulkhead:tenant", Value: "globex" }, { Key: "bulkhead:managed", Value: "true" }] },
];

/** The two calls a dry run makes, answered as Secrets Manager answers them. */
const stubClient = {
  async send(cmd: unknown) {
    if (cmd instanceof ListSecretsCommand) return { SecretList: SECRETS };
    if (cmd instanceof DescribeSecretCommand) {
      const s = SECRETS.find((x) => x.ARN === cmd.input.SecretId)!;
      return { ...s, RotationEnabled: true, RotationLambdaARN: "arn:aws:lambda:us-east-1:123456789012:function:rot", VersionIdsToStages: { v1: ["AWSCURRENT"] } };
    }
    throw new Error(`unexpected ${(cmd as object).constructor.name}`);
  },
  destroy() {},
} as unknown as SecretsManagerClient;

function capture() {
  const out = { stdout: "", stderr: "" };
  return { out, io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t), client: stubClient, cwd: mkdtempSync(path.join(tmpdir(), "bulkhead-contract-")) } };
}

describe("bulkhead rotate --format json matches docs/contract.md", () => {
  it("a routine dry run: one document, mode rotate, every selected secret would-rotate, no journal", async () => {
    const { out, io } = capture();
    expect(await runRotate({ all: true, dryRun: true, format: "json", region: "us-east-1" }, io)).toBe(0);
    const doc = JSON.parse(out.stdout);
    expectContract("rotate", doc);
    expect(doc).toMatchObject({ command: "rotate", mode: "rotate", dryRun: true, journal: null, selection: { all: true, tenants: [], secrets: [] } });
    expect(doc.summary).toMatchObject({ total: 2, "would-rotate": 2, rotated: 0, failed: 0 });
    expect(doc.secrets.map((s: { tenant: string; status: string }) => [s.tenant, s.status])).toEqual([["acme", "would-rotate"], ["globex", "would-rotate"]]);
    expect(doc).not.toHaveProperty("tenants");
  });

  it("an exit-2 run prints one error document", async () => {
    const { out, io } = capture();
    expect(await runRotate({ all: true, tenant: ["acme"], breach: true, dryRun: true, format: "json" }, io)).toBe(2);
    const doc = JSON.parse(out.stdout);
    expectContract("error", doc);
    expect(doc.error.kind).toBe("usage");
    expect(doc.error.message).toMatch(/^2 invalid options\n {2}- /);
  });
});
