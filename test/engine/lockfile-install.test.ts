/**
 * The own-SDK fixtures' installer (./lockfile-install.ts): which lockfile packages are linked from bulkhead's
 * install and which are unpacked, and an install into a scratch project from a scratch npm cache, including the
 * failures that must send the caller back to `npm ci`.
 */
import { afterAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cachedTarball, installLockfileTree, installPlan, type LockPackages } from "./lockfile-install";

const I = (s: string) => `sha512-${createHash("sha512").update(s).digest("base64")}`;

describe("installPlan", () => {
  const main: LockPackages = {
    "": { name: "bulkhead" },
    "node_modules/a": { version: "1.0.0", integrity: I("a1") },
    "node_modules/x/node_modules/b": { version: "2.0.0", integrity: I("b2") },
    "node_modules/c": { version: "1.0.0", integrity: I("c1") },
    "node_modules/d": { version: "1.0.0", integrity: I("d1") },
    "node_modules/real": { version: "3.0.0", integrity: I("real3") },
    "node_modules/e": { version: "1.0.0", integrity: I("e1") },
    "node_modules/w": { version: "1.0.0", integrity: I("w1"), link: true },
  };
  const CASES: Array<[string, LockPackages, { path: string; from: string }[], string[]]> = [
    ["the same package at the same path is linked", { "node_modules/a": main["node_modules/a"] }, [{ path: "node_modules/a", from: "node_modules/a" }], []],
    ["the same package nested elsewhere in bulkhead's tree is linked from there", { "node_modules/b": { version: "2.0.0", integrity: I("b2") } }, [{ path: "node_modules/b", from: "node_modules/x/node_modules/b" }], []],
    ["a package nested in the fixture is linked into its place", { "node_modules/q/node_modules/a": main["node_modules/a"], "node_modules/q": { version: "1.0.0", integrity: I("q1") } }, [{ path: "node_modules/q/node_modules/a", from: "node_modules/a" }], ["node_modules/q"]],
    ["another version is unpacked", { "node_modules/c": { version: "1.0.1", integrity: I("c1") } }, [], ["node_modules/c"]],
    ["the same version with other bits (integrity) is unpacked", { "node_modules/d": { version: "1.0.0", integrity: I("d1-republished") } }, [], ["node_modules/d"]],
    ["an alias is matched by the package it installs", { "node_modules/alias": { name: "real", version: "3.0.0", integrity: I("real3") } }, [{ path: "node_modules/alias", from: "node_modules/real" }], []],
    ["the same bits under another package name are unpacked (packages match by name, version and integrity)", { "node_modules/alias": { version: "3.0.0", integrity: I("real3") } }, [], ["node_modules/alias"]],
    [
      "a package with bundled dependencies is unpacked (they are in its tarball), its bundled ones not at all",
      { "node_modules/e": main["node_modules/e"], "node_modules/e/node_modules/f": { version: "1.0.0", integrity: I("f1"), inBundle: true }, "node_modules/e/node_modules/f/node_modules/g": { version: "1.0.0", inBundle: true } },
      [],
      ["node_modules/e"],
    ],
    ["a linked (workspace) entry in bulkhead's tree is never a source", { "node_modules/w": { version: "1.0.0", integrity: I("w1") } }, [], ["node_modules/w"]],
  ];
  it.each(CASES)("%s", (_, fixture, link, fetch) => {
    expect(installPlan({ "": { name: "fixture" }, ...fixture }, main)).toEqual({ link, fetch });
  });

  it.each<[string, LockPackages[string]]>([
    ["a link (workspace, file:)", { version: "1.0.0", link: true }],
    ["no integrity (git, remote URL)", { version: "1.0.0" }],
    ["a platform-specific package", { version: "1.0.0", integrity: I("p"), os: ["darwin"] }],
  ])("refuses %s: only npm installs it right", (_, entry) => {
    expect(() => installPlan({ "node_modules/p": entry }, main)).toThrow("node_modules/p: only npm installs this entry");
  });
});

it("cachedTarball: cacache's content address of the lockfile's sha512", () => {
  const integrity = "sha1-aGVsbG8= sha512-vXT1VL8uqcRVD2J9eDEU8+uI0qKjbaSOE+QefxtEBp7kQE7birQjXIPh0YlilEi7sFAaGGpg8suE2qJGHdZ4Rg==";
  expect(cachedTarball("/c", integrity).file).toBe(
    path.join("/c", "_cacache", "content-v2", "sha512", "bd", "74", "f554bf2ea9c4550f627d783114f3eb88d2a2a36da48e13e41e7f1b44069ee4404edb8ab4235c83e1d189629448bbb0501a186a60f2cb84daa2461dd67846"),
  );
  expect(() => cachedTarball("/c", "sha1-aGVsbG8=")).toThrow("no sha512");
});

describe("installLockfileTree", () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "lockfile-install-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  };
  const pkg = (name: string, version: string) => JSON.stringify({ name, version });

  /** A package tarball as the registry serves it (top folder `package/`), put into the scratch cache; returns its integrity. */
  function cacheTarball(cache: string, name: string, version: string, files: Record<string, string> = {}): string {
    const src = mkdtempSync(path.join(tmp, "src-"));
    write(path.join(src, "package", "package.json"), pkg(name, version));
    for (const [f, text] of Object.entries(files)) write(path.join(src, "package", f), text);
    const tgz = execFileSync("tar", ["-czf", "-", "-C", src, "package"]);
    const integrity = `sha512-${createHash("sha512").update(tgz).digest("base64")}`;
    write(cachedTarball(cache, integrity).file, tgz as unknown as string);
    return integrity;
  }

  /**
   * bulkhead's tree: `shared` (with a nested dependency of its own), and `moved`, whose hidden lockfile entry
   * says 1.0.0 with `movedIntegrity` though its folder now holds 2.0.0.
   */
  function mainTree(movedIntegrity = I("moved")): string {
    const main = mkdtempSync(path.join(tmp, "main-"));
    write(path.join(main, "node_modules", "shared", "package.json"), pkg("shared", "1.0.0"));
    write(path.join(main, "node_modules", "shared", "lib", "index.js"), "module.exports = 'shared';\n");
    write(path.join(main, "node_modules", "shared", "node_modules", "inner", "package.json"), pkg("inner", "1.0.0"));
    write(path.join(main, "node_modules", "moved", "package.json"), pkg("moved", "2.0.0"));
    const hidden: LockPackages = {
      "node_modules/shared": { version: "1.0.0", integrity: I("shared") },
      "node_modules/shared/node_modules/inner": { version: "1.0.0", integrity: I("inner") },
      "node_modules/moved": { version: "1.0.0", integrity: movedIntegrity },
    };
    write(path.join(main, "node_modules", ".package-lock.json"), JSON.stringify({ lockfileVersion: 3, packages: hidden }));
    return main;
  }

  function project(packages: LockPackages): string {
    const dir = mkdtempSync(path.join(tmp, "fixture-"));
    write(path.join(dir, "package-lock.json"), JSON.stringify({ name: "fixture", lockfileVersion: 3, packages: { "": { name: "fixture" }, ...packages } }));
    return dir;
  }

  it("links a shared package's files (the same inodes, its own node_modules left out) and unpacks the rest from the cache", async () => {
    const cache = mkdtempSync(path.join(tmp, "cache-"));
    const fresh = cacheTarball(cache, "fresh", "1.0.0", { "index.js": "module.exports = 'fresh';\n" });
    const older = cacheTarball(cache, "shared", "0.9.0");
    const moved = cacheTarball(cache, "moved", "1.0.0");
    const main = mainTree(moved);
    const dir = project({
      "node_modules/shared": { version: "1.0.0", integrity: I("shared") },
      // bulkhead's hidden lockfile has it, its folder no longer does: unpacked.
      "node_modules/moved": { version: "1.0.0", integrity: moved },
      "node_modules/fresh": { version: "1.0.0", integrity: fresh },
      "node_modules/fresh/node_modules/shared": { version: "0.9.0", integrity: older },
    });
    const plan = await installLockfileTree(dir, main, cache);
    expect(plan).toEqual({ link: [{ path: "node_modules/shared", from: "node_modules/shared" }], fetch: ["node_modules/fresh", "node_modules/fresh/node_modules/shared", "node_modules/moved"] });
    const at = (...p: string[]) => path.join(dir, "node_modules", ...p);
    const version = (file: string) => JSON.parse(readFileSync(file, "utf8")).version;
    expect(statSync(at("shared", "lib", "index.js")).ino).toBe(statSync(path.join(main, "node_modules", "shared", "lib", "index.js")).ino);
    expect(existsSync(at("shared", "node_modules"))).toBe(false);
    expect(version(at("moved", "package.json"))).toBe("1.0.0");
    expect(version(path.join(main, "node_modules", "moved", "package.json"))).toBe("2.0.0");
    expect(readFileSync(at("fresh", "index.js"), "utf8")).toBe("module.exports = 'fresh';\n");
    expect(version(at("fresh", "node_modules", "shared", "package.json"))).toBe("0.9.0");
  });

  it("refuses a cached tarball whose bits do not match the lockfile's integrity", async () => {
    const cache = mkdtempSync(path.join(tmp, "cache-"));
    write(cachedTarball(cache, I("fresh")).file, "not the tarball");
    const dir = project({ "node_modules/fresh": { version: "1.0.0", integrity: I("fresh") } });
    await expect(installLockfileTree(dir, mainTree(), cache)).rejects.toThrow(/does not match sha512-/);
  });

  it("refuses a tree that ends up other than the lockfile says (a tarball holding another version)", async () => {
    const cache = mkdtempSync(path.join(tmp, "cache-"));
    const wrong = cacheTarball(cache, "fresh", "1.0.1");
    const dir = project({ "node_modules/fresh": { version: "1.0.0", integrity: wrong } });
    await expect(installLockfileTree(dir, mainTree(), cache)).rejects.toThrow("node_modules/fresh: want fresh@1.0.0, found fresh@1.0.1");
  });
});
