#!/usr/bin/env node
// Step "Plan" of action.yml: checks the inputs, picks the target's Node from its engines.node and
// reads its packageManager, and writes plan.json (read by the later steps) and the step outputs.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import semver from "semver";
import { buildCacheEntries } from "./build-cache.mjs";
import { errorAnnotation, setOutput } from "./github.mjs";
import { ActionInputError, readInputs } from "./inputs.mjs";

/** OpenClaw's CI runs Node 24: take that line when engines.node allows it, as relay-proof does. */
const preferredMajor = 24;

/**
 * A node-version for actions/setup-node: "24" when the newest 24.x satisfies the range, else the
 * range itself (setup-node takes the newest version that satisfies it).
 */
export function nodeVersionFor(range) {
  if (!range || !semver.validRange(range)) return String(preferredMajor);
  if (semver.satisfies(`${preferredMajor}.999999.999999`, range)) return String(preferredMajor);
  return range.trim();
}

function readTarget(dir) {
  const file = join(dir, "package.json");
  if (!existsSync(file)) {
    throw new ActionInputError(
      `${dir} has no package.json: check the target out there first (actions/checkout), or set working-directory`,
    );
  }
  return JSON.parse(readFileSync(file, "utf8"));
}

try {
  const inputs = readInputs();
  const pkg = readTarget(inputs.workingDirectory);
  const engines = pkg.engines?.node;
  const root = join(process.env.RUNNER_TEMP || tmpdir(), "relay-proof", inputs.artifactName);
  // A self-hosted runner keeps RUNNER_TEMP between jobs: start from an empty folder.
  rmSync(root, { recursive: true, force: true });
  const artifactsDir = join(root, "artifacts");
  mkdirSync(artifactsDir, { recursive: true });
  const plan = {
    ...inputs,
    engines,
    nodeVersion: nodeVersionFor(engines),
    packageManager: pkg.packageManager ?? "",
    root,
    artifactsDir,
  };
  const planFile = join(root, "plan.json");
  writeFileSync(planFile, `${JSON.stringify(plan, null, 2)}\n`);
  console.log(
    `relay-proof action: ${plan.mode} in ${plan.workingDirectory}; Node ${plan.nodeVersion} for engines.node ${engines ?? "(none)"}; packageManager ${plan.packageManager || "(none: npm)"}`,
  );
  setOutput("plan", planFile);
  setOutput("mode", plan.mode);
  setOutput("node-version", plan.nodeVersion);
  setOutput("artifact-name", plan.artifactName);
  setOutput("artifacts-dir", artifactsDir);
  const caches = buildCacheEntries(plan);
  for (const side of ["head", "base"]) {
    const entry = caches.find((cache) => cache.side === side);
    setOutput(`cache-${side}-key`, entry?.key ?? "");
    setOutput(`cache-${side}-path`, entry?.path ?? "");
  }
  if (caches.length > 0) {
    console.log(
      `relay-proof action: build cache ${caches.map((cache) => `${cache.side} ${cache.key}`).join(", ")}`,
    );
  }
} catch (error) {
  if (!(error instanceof ActionInputError)) throw error;
  console.log(errorAnnotation(error.message));
  console.error(`relay-proof action: ${error.message}`);
  process.exit(2);
}
