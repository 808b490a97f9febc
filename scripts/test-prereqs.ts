/**
 * `npm test`'s first step: the rotation tests start their own PostgreSQL, MariaDB and moto_server on
 * loopback ports, so their binaries must exist. What is missing is installed when this machine allows it
 * (root or password-less sudo with apt-get; pip for moto); otherwise the run stops here, within a second,
 * naming each missing tool and the command that installs it.
 *
 * BULKHEAD_NO_INSTALL=1 only checks. BULKHEAD_PREREQ_PATH replaces PATH for the look-up (tests).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import * as path from "node:path";

interface Tool {
  /** What the tests run. */
  name: string;
  /** Where else than PATH the binary may be (Debian keeps PostgreSQL's server binaries off PATH). */
  found: (onPath: (bin: string) => boolean) => boolean;
  apt?: string;
  pip?: string;
  /** The one command a person runs to install it. */
  install: string;
}

const searchPath = (process.env.BULKHEAD_PREREQ_PATH ?? process.env.PATH ?? "").split(path.delimiter).filter(Boolean);
const onPath = (bin: string) => searchPath.some((dir) => existsSync(path.join(dir, bin)));
const postgresLibBins = (bin: string) => {
  const root = "/usr/lib/postgresql";
  if (process.env.BULKHEAD_PREREQ_PATH !== undefined || !existsSync(root)) return false;
  return readdirSync(root).some((v) => existsSync(path.join(root, v, "bin", bin)));
};
// pip --user puts console scripts here; vitest.config.ts adds it to the tests' PATH.
const userBin = path.join(process.env.PYTHONUSERBASE ?? path.join(homedir(), ".local"), "bin");

const TOOLS: Tool[] = [
  {
    name: "PostgreSQL server (initdb, postgres)",
    found: (p) => (p("initdb") && p("postgres")) || (postgresLibBins("initdb") && postgresLibBins("postgres")),
    apt: "postgresql",
    install: "sudo apt-get install -y postgresql",
  },
  {
    name: "MariaDB server (mariadbd, mariadb-install-db)",
    found: (p) => p("mariadbd") && p("mariadb-install-db"),
    apt: "mariadb-server",
    install: "sudo apt-get install -y mariadb-server",
  },
  {
    name: "moto_server (AWS API emulator)",
    found: (p) => p("moto_server") || (process.env.BULKHEAD_PREREQ_PATH === undefined && existsSync(path.join(userBin, "moto_server"))),
    pip: "moto[server]",
    install: "python3 -m pip install --user 'moto[server]'",
  },
];

function run(cmd: string[], quiet = true): boolean {
  const r = spawnSync(cmd[0], cmd.slice(1), { stdio: quiet ? "ignore" : "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  return r.status === 0;
}

function asRoot(cmd: string[]): string[] | undefined {
  if (process.getuid?.() === 0) return cmd;
  return run(["sudo", "-n", "true"]) ? ["sudo", "-n", ...cmd] : undefined;
}

/** 0 when every tool is there (after installing what may be installed); 1 after naming what is missing. */
export function checkPrereqs(): number {
  let missing = TOOLS.filter((t) => !t.found(onPath));
  if (missing.length === 0) return 0;
  const mayInstall = process.env.BULKHEAD_NO_INSTALL !== "1" && process.env.BULKHEAD_PREREQ_PATH === undefined;
  if (mayInstall) {
    const apt = missing.filter((t) => t.apt).map((t) => t.apt!);
    const aptGet = asRoot(["apt-get"]);
    if (apt.length && aptGet && onPath("apt-get")) {
      process.stderr.write(`npm test: installing ${apt.join(", ")} for the rotation tests (apt-get)…\n`);
      run([...aptGet, "update", "-qq"]) && run([...aptGet, "install", "-y", "-qq", "--no-install-recommends", ...apt], false);
    }
    for (const t of missing.filter((t) => t.pip)) {
      process.stderr.write(`npm test: installing ${t.pip} for the rotation tests (pip --user)…\n`);
      run(["python3", "-m", "pip", "install", "--quiet", "--user", t.pip!]) ||
        run(["python3", "-m", "pip", "install", "--quiet", "--user", "--break-system-packages", t.pip!]);
    }
    missing = TOOLS.filter((t) => !t.found(onPath));
    if (missing.length === 0) return 0;
  }
  const lines = missing.map((t) => `  - ${t.name}: ${t.install}`);
  process.stderr.write(
    `npm test: the rotation tests need tools this machine does not have${mayInstall ? " and could not install" : ""}:\n${lines.join("\n")}\n` +
      `Install them, then run npm test again.\n`,
  );
  return 1;
}

if (require.main === module) process.exitCode = checkPrereqs();
