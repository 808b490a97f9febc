/** The type check remembers its result for a program until one of its own files changes. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { typeCheck } from "../../cli/engine/typecheck";

const repo = path.resolve(__dirname, "..", "..");
const modules = path.join(repo, "node_modules");

describe("typeCheck", () => {
  it("reuses a result until a file of the program changes, and reports the new error then (and again, remembered)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "bulkhead-tc-"));
    const main = path.join(dir, "index.ts");
    const helper = path.join(dir, "helper.ts");
    writeFileSync(helper, "export const port: number = 443;\n");
    writeFileSync(main, 'import * as pulumi from "@pulumi/pulumi";\nimport { port } from "./helper";\nexport const out = pulumi.output(port);\n');
    const first = typeCheck(main, dir, modules);
    expect(first).toMatchObject({ errors: [], cached: false });
    expect(typeCheck(main, dir, modules)).toMatchObject({ errors: [], cached: true });
    // An imported file, not the entry, changes: the remembered result no longer holds.
    writeFileSync(helper, 'export const port: number = "443";\n');
    const third = typeCheck(main, dir, modules);
    expect(third.cached).toBe(false);
    expect(third.errors).toEqual([{ location: "helper.ts:1:14", message: "TS2322: Type 'string' is not assignable to type 'number'.", syntax: false }]);
    expect(typeCheck(main, dir, modules)).toEqual({ errors: third.errors, cached: true, ms: expect.any(Number) });
  }, 120_000);
});
