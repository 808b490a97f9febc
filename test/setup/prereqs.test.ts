/** `npm test`'s pre-step: a missing tool stops the run at once, named with the command that installs it. */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..", "..");

function fakeBin(names: string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), "bulkhead-prereq-"));
  for (const n of names) {
    writeFileSync(path.join(dir, n), "#!/bin/sh\nexit 0\n");
    chmodSync(path.join(dir, n), 0o755);
  }
  return dir;
}

function prereqs(pathDirs: string) {
  const started = Date.now();
  const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/test-prereqs.ts"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, BULKHEAD_PREREQ_PATH: pathDirs },
  });
  return { ...r, ms: Date.now() - started };
}

describe("npm test pre-step (scripts/test-prereqs.ts)", () => {
  it("passes when every server binary is there", () => {
    const r = prereqs(fakeBin(["initdb", "postgres", "mariadbd", "mariadb-install-db", "moto_server"]));
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("stops at once naming only the missing tool and its install command", () => {
    const r = prereqs(fakeBin(["initdb", "postgres", "mariadbd", "mariadb-install-db"]));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("moto_server (AWS API emulator): python3 -m pip install --user 'moto[server]'");
    expect(r.stderr).not.toContain("PostgreSQL");
    expect(r.stderr).not.toContain("MariaDB");
    // No install is attempted when the look-up path is overridden: the failure is the check's own time.
    expect(r.ms).toBeLessThan(3000);
  });

  it("names every missing server with its apt-get command", () => {
    const r = prereqs(fakeBin(["moto_server"]));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("PostgreSQL server (initdb, postgres): sudo apt-get install -y postgresql");
    expect(r.stderr).toContain("MariaDB server (mariadbd, mariadb-install-db): sudo apt-get install -y mariadb-server");
  });
});
