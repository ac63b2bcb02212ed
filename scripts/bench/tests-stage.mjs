// relay-proof's focused-tests stage alone (select, route, plan, run), from the built library.
// Usage: node tests-stage.mjs <repo root> <shards>

import { loadDefinition } from "../../dist/src/scenario/load-definition.js";
import { runTests } from "../../dist/src/shards/run-tests.js";

const [root, shards] = process.argv.slice(2);
const { definition } = await loadDefinition("native-hook-relay");
const result = await runTests({
  root,
  nodePath: process.execPath,
  proofTests: definition.tests,
  shards: Number(shards),
  timeoutMs: 600_000,
});
console.log(`${result.status} ${result.passed}/${result.total}`);
process.exit(result.status === "pass" ? 0 : 1);
