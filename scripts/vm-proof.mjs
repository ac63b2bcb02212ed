#!/usr/bin/env node
// Run a relay-proof on a throwaway VM from a fresh clone, at an exact SHA:
//   scripts/vm-proof.mjs --repo URL --ref REF --sha SHA [--artifacts DIR] [--no-tests] [--no-build] [-- run flags...]
// Clones, checks out REF and refuses anything but SHA, provisions Node (engines.node) and the package
// manager package.json names, installs with a frozen lockfile, runs relay-proof, and writes
// proof.json, proof.md and run.log into one artifacts folder. A fresh VM has no dist/, so the CLI is
// built (relay-proof run --build) unless --no-build: the hook-command paths then run too. Its last
// lines are the [proof] lines,
// because Crabbox keeps only the last 12 lines of a run.
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { $, minimist } from "zx";

const relayProofRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = minimist(process.argv.slice(2), {
  string: ["repo", "ref", "sha", "artifacts", "workdir"],
  boolean: ["tests", "build", "keep", "help"],
  default: { tests: true, build: true, keep: false },
  "--": true,
});

const usage =
  "usage: scripts/vm-proof.mjs --repo URL --ref REF --sha SHA [--artifacts DIR] [--workdir DIR] [--keep] [--no-tests] [--no-build] [-- run flags]";
let cleanup = () => {};
function fail(message, code = 2) {
  cleanup();
  console.error(`vm-proof: ${message}`);
  process.exit(code);
}
if (args.help) {
  console.log(usage);
  process.exit(0);
}
for (const name of ["repo", "ref", "sha"]) if (!args[name]) fail(`--${name} is required (${usage})`);
if (!/^[0-9a-f]{40}$/.test(args.sha)) fail(`--sha must be a full 40-hex commit SHA, got "${args.sha}"`);

$.verbose = false;
$.quiet = true;
const artifacts = resolve(args.artifacts ?? "relay-proof-artifacts");
mkdirSync(artifacts, { recursive: true });
const log = join(artifacts, "run.log");
const say = (line) => {
  console.log(line);
  appendFileSync(log, `${line}\n`);
};
const workdir = args.workdir ? resolve(args.workdir) : mkdtempSync(join(tmpdir(), "relay-proof-vm-"));
const checkout = join(workdir, "checkout");
cleanup = () => {
  if (!args.keep && !args.workdir) rmSync(workdir, { recursive: true, force: true });
};
process.on("SIGINT", () => {
  cleanup();
  process.exit(130);
});

try {
  say(`vm-proof: cloning ${args.repo}`);
  await $`git clone --quiet --no-checkout ${args.repo} ${checkout}`;
  await $({ cwd: checkout })`git fetch --quiet origin ${args.ref}`;
  await $({ cwd: checkout })`git checkout --quiet --detach FETCH_HEAD`;
  const head = (await $({ cwd: checkout })`git rev-parse HEAD`).stdout.trim();
  if (head !== args.sha)
    fail(`${args.ref} is at ${head}, not the expected ${args.sha}; refusing to prove another commit`);
  say(`vm-proof: ${args.ref} is ${head}`);

  const pkg = JSON.parse(readFileSync(join(checkout, "package.json"), "utf8"));
  // The target's Node: relay-proof's own resolution (this Node, its cache, or the npm registry).
  const { resolveNode } = await import(join(relayProofRoot, "dist/src/checkout/node-toolchain.js"));
  const node = await resolveNode({
    engines: pkg.engines?.node,
    provision: true,
    onProgress: (m) => say(`vm-proof: ${m}`),
  });
  say(`vm-proof: Node ${node.version} (${node.source}) for engines.node ${pkg.engines?.node ?? "(none)"}`);
  // The install is the head's package manager, not relay-proof: it gets the allowlisted environment plus
  // its registry settings, never the VM's cloud credentials or tokens (relay-proof does the same for its runs).
  const { installEnv } = await import(join(relayProofRoot, "dist/src/process/target-env.js"));
  const env = installEnv({ set: { PATH: `${dirname(node.path)}:${process.env.PATH}`, CI: "1" } });

  const [manager, version] = (pkg.packageManager ?? "npm").split("+")[0].split("@");
  const install = {
    pnpm: ["npx", "--yes", `pnpm@${version ?? "latest"}`, "install", "--frozen-lockfile", "--ignore-scripts"],
    yarn: ["npx", "--yes", `yarn@${version ?? "latest"}`, "install", "--immutable", "--mode=skip-build"],
    npm: ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
  }[manager];
  if (!install) fail(`unsupported packageManager "${pkg.packageManager}"`);
  say(`vm-proof: installing with ${install.join(" ")}`);
  const installed = await $({ cwd: checkout, env, nothrow: true })`${install}`;
  appendFileSync(log, installed.stdout + installed.stderr);
  if (installed.exitCode !== 0) fail(`install failed (exit ${installed.exitCode}); see ${log}`, 125);

  const run = [
    join(relayProofRoot, "bin", "relay-proof.js"),
    "run",
    "--repo",
    checkout,
    "--node",
    node.path,
    "--json-out",
    join(artifacts, "proof.json"),
    "--markdown-out",
    join(artifacts, "proof.md"),
    "--quiet",
    ...(args.tests ? [] : ["--no-tests"]),
    ...(args.build ? ["--build"] : []),
    ...(args["--"] ?? []),
  ];
  say(`vm-proof: relay-proof ${run.slice(1).join(" ")}`);
  const proof = await $({ cwd: checkout, env, nothrow: true })`${process.execPath} ${run}`;
  appendFileSync(log, proof.stdout + proof.stderr);
  if (!existsSync(join(artifacts, "proof.json"))) {
    console.error(proof.stderr.trim());
    fail(`relay-proof wrote no result (exit ${proof.exitCode}); see ${log}`, proof.exitCode === 2 ? 2 : 125);
  }
  const result = JSON.parse(readFileSync(join(artifacts, "proof.json"), "utf8"));
  say(`vm-proof: artifacts in ${artifacts} (proof.json, proof.md, run.log); exit ${proof.exitCode}`);
  // Last: the summary block of [proof] lines, at most 12, verdict last.
  const summaryStart = result.proofLines.findIndex((line) => line.startsWith("[proof] head="));
  for (const line of result.proofLines.slice(Math.max(summaryStart, result.proofLines.length - 12)))
    say(line);
  cleanup();
  process.exit(proof.exitCode ?? 125);
} catch (error) {
  cleanup();
  fail(`${error.message ?? error}`.split("\n")[0], 125);
}
