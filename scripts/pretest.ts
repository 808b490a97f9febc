/**
 * `npm test`'s pre-step, in one process: the rotation tests' servers must exist (./test-prereqs.ts: a missing
 * one is installed or named within a second, before anything else runs), then the pack and the CLI bundle
 * are brought up to date (./build.ts --if-changed: after `npm ci` the pack is already built). The own-SDK
 * fixture projects are installed by the test that uses them (test/engine/own-sdk.test.ts), beside the other
 * test files rather than before all of them.
 */
import { checkPrereqs } from "./test-prereqs";
import { buildCli, buildPack } from "./build";

const started = Date.now();
let status = checkPrereqs();
if (status === 0) status = buildPack(true);
if (status !== 0) process.exit(status);
buildCli();
process.stderr.write(`npm test: pre-step done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
