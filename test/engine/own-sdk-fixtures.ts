/**
 * Installs the own-SDK fixture projects (test/engine/fixtures/own-sdk/*) from their lockfiles, once: a stamp
 * in node_modules holds the lockfile's hash, so repeated test runs skip the install. test/engine/own-sdk.test.ts
 * calls it first (a no-op when installed), so on a fresh clone the install (~230 MB, mostly disk) runs beside
 * the other test files instead of before all of them; run it by hand to install ahead.
 *
 *   npx tsx test/engine/own-sdk-fixtures.ts
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";

export const OWN_SDK_DIR = path.join(__dirname, "fixtures", "own-sdk");

/** Fixture directories that bring their own package.json (the others use bulkhead's install). */
export function ownSdkFixtures(): string[] {
  return readdirSync(OWN_SDK_DIR)
    .map((d) => path.join(OWN_SDK_DIR, d))
    .filter((d) => existsSync(path.join(d, "package.json")));
}

async function installOne(dir: string): Promise<void> {
  const lock = path.join(dir, "package-lock.json");
  const stamp = path.join(dir, "node_modules", ".bulkhead-installed");
  const hash = createHash("sha256").update(readFileSync(lock)).digest("hex");
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === hash) return;
  // npm ci: exactly the locked versions. Install scripts are not needed to load the SDKs.
  await promisify(execFile)("npm", ["ci", "--no-audit", "--no-fund", "--prefer-offline", "--ignore-scripts", "--loglevel=error"], {
    cwd: dir,
    maxBuffer: 16 * 1024 * 1024,
  });
  writeFileSync(stamp, hash);
}

export async function installOwnSdkFixtures(): Promise<void> {
  await Promise.all(ownSdkFixtures().map(installOne));
}

if (require.main === module) {
  const started = Date.now();
  installOwnSdkFixtures().then(
    () => process.stdout.write(`own-SDK fixtures installed (${((Date.now() - started) / 1000).toFixed(1)} s)\n`),
    (e) => {
      process.stderr.write(`installing the own-SDK fixtures failed: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}
