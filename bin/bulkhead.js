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

if (bundleIsFresh()) require(bundle);
else {
  require("tsx/cjs/api").register();
  require("../cli/main.ts");
}
