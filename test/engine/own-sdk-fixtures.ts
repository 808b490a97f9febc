/**
 * Installs the own-SDK fixture projects (test/engine/fixtures/own-sdk/*) from their lockfiles, once: a stamp
 * in node_modules holds the lockfile's hash, so repeated test runs skip the install. test/engine/own-sdk.test.ts
 * calls it first (a no-op when installed), so on a fresh clone the install runs beside the other test files
 * instead of before all of them; run it by hand to install ahead. Most packages are hard-linked from bulkhead's
 * own install (./lockfile-install.ts); `npm ci` is the fallback.
 *
 *   npx tsx test/engine/own-sdk-fixtures.ts
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { installLockfileTree } from "./lockfile-install";

export const OWN_SDK_DIR = path.join(__dirname, "fixtures", "own-sdk");
const REPO = path.resolve(__dirname, "..", "..");

/** Fixture directories that bring their own package.json (the others use bulkhead's install). */
export function ownSdkFixtures(): string[] {
  return readdirSync(OWN_SDK_DIR)
    .map((d) => path.join(OWN_SDK_DIR, d))
    .filter((d) => existsSync(path.join(d, "package.json")));
}

async function installOne(dir: string): Promise<void> {
  const lock = path.join(dir, "package-lock.json");
  const modules = path.join(dir, "node_modules");
  const stamp = path.join(modules, ".bulkhead-installed");
  const hash = createHash("sha256").update(readFileSync(lock)).digest("hex");
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === hash) return;
  rmSync(modules, { recursive: true, force: true });
  try {
    await installLockfileTree(dir, REPO);
  } catch (e) {
    // Whatever it left is not trusted: npm ci installs the lockfile's tree from scratch.
    process.stderr.write(`own-SDK fixture ${path.basename(dir)}: ${(e as Error).message.split("\n")[0]}; running npm ci instead\n`);
    rmSync(modules, { recursive: true, force: true });
    // npm ci: exactly the locked versions. Install scripts are not needed to load the SDKs.
    await promisify(execFile)("npm", ["ci", "--no-audit", "--no-fund", "--prefer-offline", "--ignore-scripts", "--loglevel=error"], {
      cwd: dir,
      maxBuffer: 16 * 1024 * 1024,
    });
  }
  // Last, so that an interrupted install is redone on the next run.
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
