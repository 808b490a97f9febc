/**
 * Installs a fixture project's lockfile tree without npm's unpacking, which costs most of an `npm ci` (~7 CPU
 * seconds for the 3.228 fixture, against ~2 for GNU tar on the same tarballs): every package that is the very
 * tarball bulkhead installed (same name, version, integrity) is hard-linked from bulkhead's node_modules, and
 * the rest are unpacked with `tar` straight from npm's content-addressed cache (fetched into it by
 * `npm cache add` when missing). Hard links, not symlinks: Node resolves a symlink to its real path, so a package
 * symlinked into bulkhead's tree would `require` bulkhead's @pulumi/pulumi instead of the fixture's. Bins and
 * install scripts are left out: the tests only load the packages. Anything this cannot do the way npm would
 * (a bundled, linked or platform-specific entry, a missing tarball, a tree that ends up different from the
 * lockfile) throws, and the caller falls back to `npm ci`.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, linkSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** One entry of a lockfile's `packages` map (lockfileVersion 2/3): the fields the plan reads. */
export interface LockEntry {
  name?: string;
  version?: string;
  integrity?: string;
  link?: boolean;
  inBundle?: boolean;
  os?: string[];
  cpu?: string[];
  libc?: string[];
}
export type LockPackages = Record<string, LockEntry>;

/** How each package of a fixture's lockfile gets installed, by its path in the fixture. */
export interface InstallPlan {
  /** Packages bulkhead installed from the same tarball: `from` is their path in bulkhead's tree. */
  link: { path: string; from: string }[];
  /** The others, unpacked from their tarballs. */
  fetch: string[];
}

/** The package name an entry installs: its `name` field when aliased, else the folder after the last node_modules/. */
export function packageName(p: string, e: LockEntry): string {
  return e.name ?? p.slice(p.lastIndexOf("node_modules/") + "node_modules/".length);
}

/**
 * Splits a fixture's lockfile into packages to link from bulkhead's install and packages to unpack. A package is
 * shared when bulkhead has the same name, version and integrity anywhere in its tree (the same tarball, so the
 * same bits), except a package with bundled dependencies: those live in its tarball, not in the lockfile. Throws
 * on entries that only npm installs right: links (workspaces, `file:`), entries without integrity (git, remote
 * URLs) and platform-specific ones (npm skips them on other platforms).
 */
export function installPlan(fixture: LockPackages, main: LockPackages): InstallPlan {
  const key = (p: string, e: LockEntry) => `${packageName(p, e)}@${e.version}#${e.integrity}`;
  const inMain = new Map<string, string>();
  for (const [p, e] of Object.entries(main)) if (p !== "" && !e.link && e.integrity && !inMain.has(key(p, e))) inMain.set(key(p, e), p);
  // A bundled dependency comes in the tarball of the nearest ancestor that is not bundled itself.
  const bundling = new Set<string>();
  for (const [p, e] of Object.entries(fixture)) {
    if (!e.inBundle) continue;
    let parent = p;
    do parent = parent.slice(0, parent.lastIndexOf("/node_modules/"));
    while (fixture[parent]?.inBundle);
    bundling.add(parent);
  }
  const plan: InstallPlan = { link: [], fetch: [] };
  for (const [p, e] of Object.entries(fixture).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (p === "" || e.inBundle) continue;
    if (e.link || !e.version || !e.integrity || e.os || e.cpu || e.libc) throw new Error(`${p}: only npm installs this entry`);
    const from = inMain.get(key(p, e));
    if (from && !bundling.has(p)) plan.link.push({ path: p, from });
    else plan.fetch.push(p);
  }
  return plan;
}

/**
 * Where npm's cache keeps a tarball: cacache stores content under its hash, `_cacache/content-v2/<algorithm>/`
 * and the hex digest split 2/2/rest. The lockfile's sha512 is used (npm records it for every registry package).
 */
export function cachedTarball(cache: string, integrity: string): { file: string; algorithm: string; digest: string } {
  const sri = integrity.split(/\s+/).find((h) => h.startsWith("sha512-"));
  if (!sri) throw new Error(`no sha512 in integrity ${integrity}`);
  const digest = sri.slice("sha512-".length);
  const hex = Buffer.from(digest, "base64").toString("hex");
  return { file: path.join(cache, "_cacache", "content-v2", "sha512", hex.slice(0, 2), hex.slice(2, 4), hex.slice(4)), algorithm: "sha512", digest };
}

/** Recreates `from` at `to` with hard links (copies where the file system refuses), leaving out its nested node_modules. */
function linkTree(from: string, to: string, top = true): void {
  mkdirSync(to, { recursive: true });
  for (const d of readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, d.name);
    const dst = path.join(to, d.name);
    if (d.isDirectory()) {
      // A package's own node_modules holds other lockfile entries, planned on their own.
      if (!(top && d.name === "node_modules")) linkTree(src, dst, false);
    } else if (d.isSymbolicLink()) symlinkSync(readlinkSync(src), dst);
    else {
      try {
        linkSync(src, dst);
      } catch (e) {
        if (!["EXDEV", "EPERM", "EMLINK"].includes((e as NodeJS.ErrnoException).code ?? "")) throw e;
        copyFileSync(src, dst);
      }
    }
  }
}

/** npm's cache folder: npm passes it to the scripts it runs; otherwise ask npm. */
async function npmCache(): Promise<string> {
  return process.env.npm_config_cache || (await run("npm", ["config", "get", "cache"])).stdout.trim() || path.join(os.homedir(), ".npm");
}

/** Reads a tarball from npm's cache and checks it against the lockfile's integrity; undefined when not cached. */
function readTarball(cache: string, integrity: string): Buffer | undefined {
  const { file, algorithm, digest } = cachedTarball(cache, integrity);
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch {
    return undefined;
  }
  if (createHash(algorithm).update(data).digest("base64") !== digest) throw new Error(`${file} does not match ${integrity}`);
  return data;
}

/**
 * Installs the tree of `dir`'s package-lock.json into `dir`/node_modules (which must not exist): links what
 * bulkhead's install at `mainRoot` shares, unpacks the rest from npm's cache folder `cache` (npm's own by
 * default), then checks every path of the lockfile holds the locked name and version. Returns the plan it
 * carried out.
 */
export async function installLockfileTree(dir: string, mainRoot: string, cache?: string): Promise<InstallPlan> {
  const fixture = readLock(path.join(dir, "package-lock.json"));
  // bulkhead's hidden lockfile says what npm actually installed there, with integrity.
  const plan = installPlan(fixture, readLock(path.join(mainRoot, "node_modules", ".package-lock.json")));
  for (const { path: p, from } of plan.link) {
    // The folder must still hold what the hidden lockfile says (a later install may have changed it).
    const pkg = readJson(path.join(mainRoot, from, "package.json"));
    if (pkg?.name !== packageName(p, fixture[p]) || pkg.version !== fixture[p].version) plan.fetch.push(p);
    else linkTree(path.join(mainRoot, from), path.join(dir, p));
  }
  plan.link = plan.link.filter((l) => !plan.fetch.includes(l.path));
  plan.fetch.sort();

  cache ??= await npmCache();
  const tarballs = new Map(plan.fetch.map((p) => [p, readTarball(cache, fixture[p].integrity!)]));
  const uncached = plan.fetch.filter((p) => !tarballs.get(p));
  if (uncached.length) {
    const specs = uncached.map((p) => `${packageName(p, fixture[p])}@${fixture[p].version}`);
    await run("npm", ["cache", "add", ...specs, "--prefer-offline", "--loglevel=error"], { env: { ...process.env, npm_config_cache: cache } });
    for (const p of uncached) tarballs.set(p, readTarball(cache!, fixture[p].integrity!));
  }
  for (const [p, tarball] of tarballs) {
    if (!tarball) throw new Error(`${p}: the tarball is not in npm's cache at ${cache}`);
    const to = path.join(dir, p);
    mkdirSync(to, { recursive: true });
    await tarExtract(tarball, to);
  }

  const wrong = treeMismatches(dir, fixture);
  if (wrong.length) throw new Error(`the installed tree differs from the lockfile: ${wrong.slice(0, 5).join("; ")}`);
  return plan;
}

/** Unpacks as npm does: without the tarball's top folder, owned by the user, stamped now. */
function tarExtract(tarball: Buffer, to: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile("tar", ["-xzf", "-", "-C", to, "--strip-components=1", "--no-same-owner", "-m"], (e) => (e ? reject(e) : resolve()));
    // A tar that fails early closes its input: its exit status is the error to report, not the broken pipe.
    child.stdin!.on("error", () => {});
    child.stdin!.end(tarball);
  });
}

/** Lockfile paths whose folder does not hold the locked name and version. */
export function treeMismatches(dir: string, fixture: LockPackages): string[] {
  const out: string[] = [];
  for (const [p, e] of Object.entries(fixture)) {
    if (p === "") continue;
    const pkg = readJson(path.join(dir, p, "package.json"));
    if (pkg?.name !== packageName(p, e) || pkg.version !== e.version) out.push(`${p}: want ${packageName(p, e)}@${e.version}, found ${pkg ? `${pkg.name}@${pkg.version}` : "nothing"}`);
  }
  return out;
}

function readLock(file: string): LockPackages {
  return (JSON.parse(readFileSync(file, "utf8")) as { packages?: LockPackages }).packages ?? {};
}

function readJson(file: string): { name?: string; version?: string } | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
  } catch {
    return undefined;
  }
}
