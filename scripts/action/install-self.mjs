#!/usr/bin/env node
// Step "Install relay-proof" of action.yml: installs relay-proof's own locked dependencies in the
// action's folder and builds dist/. Runs on the runner's Node, before the target's Node is set up.
// RELAY_PROOF_ACTION_PREINSTALLED=1 skips it when the folder is already installed and built (a
// relay-proof checkout running its own action locally, as test/action/action.e2e.test.ts does).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { errorAnnotation } from "./github.mjs";

const actionRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

function npm(args) {
  console.log(`relay-proof action: npm ${args.join(" ")}`);
  const result = spawnSync("npm", args, { cwd: actionRoot, stdio: "inherit" });
  if (result.status !== 0) {
    console.log(
      errorAnnotation(`installing relay-proof failed: npm ${args.join(" ")} (exit ${result.status})`),
    );
    process.exit(result.status ?? 1);
  }
}

if (process.env.RELAY_PROOF_ACTION_PREINSTALLED === "1") {
  if (!existsSync(join(actionRoot, "dist", "src", "cli", "main.js"))) {
    console.log(
      errorAnnotation(`RELAY_PROOF_ACTION_PREINSTALLED=1 but ${actionRoot} has no dist/: run npm ci there`),
    );
    process.exit(1);
  }
  console.log(`relay-proof action: using the installed relay-proof in ${actionRoot}`);
} else {
  // Lifecycle scripts off (no dependency runs code at install time); then our own build.
  npm(["ci", "--ignore-scripts", "--include=dev", "--no-audit", "--no-fund"]);
  npm(["run", "build"]);
}
