#!/usr/bin/env node
// The CLI is TypeScript run through tsx, so `npx bulkhead` works right after `npm ci` with no build step.
require("tsx/cjs/api").register();
require("../cli/main.ts");
