#!/usr/bin/env node
// Runs the bundle `npm run build` writes (dist/cli) when it is up to date with cli/, else the TypeScript
// sources through tsx, so `npx bulkhead` works right after `npm ci` and while editing the CLI.
const { readdirSync, statSync } = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const bundle = path.join(root, "dist", "cli", "main.js");

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(file) : statSync(file).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  try {
    return statSync(bundle).mtimeMs >= newestSource(path.join(root, "cli"));
  } catch {
    return false;
  }
}

// Commands that run a program start the engine's worker first, so its SDK imports overlap with loading the CLI.
const ENGINE_COMMANDS = new Set(["check", "preview", "review", "diagram"]);

if (bundleIsFresh()) {
  const args = process.argv.slice(2);
  if (ENGINE_COMMANDS.has(args[0]) && !args.includes("--help") && !args.includes("-h")) {
    require(path.join(root, "dist", "cli", "engine", "worker-spawn.js")).startEarlyWorker();
  }
  require(bundle);
} else {
  require("tsx/cjs/api").register();
  require("../cli/main.ts");
}
