#!/usr/bin/env node
// Step "Prove" of action.yml: runs relay-proof (run, compare or merge) with the plan's flags and
// --json-out/--markdown-out/--junit-out into the artifacts folder, keeps its output in proof.log,
// and sets the outputs. It exits 0 even when the proof fails, so the artifacts are uploaded first;
// the action's last step exits with relay-proof's code. relay-proof itself writes the job summary and
// the ::error annotations (GITHUB_ACTIONS=true).
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  appendFileSync,
  cpSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { errorAnnotation, setOutput } from "./github.mjs";
import { relayProofArgs } from "./inputs.mjs";

const bin = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "bin", "relay-proof.js");
const plan = JSON.parse(readFileSync(process.env.RELAY_PROOF_PLAN ?? "", "utf8"));
const out = {
  json: join(plan.artifactsDir, "proof.json"),
  markdown: join(plan.artifactsDir, "proof.md"),
  junit: join(plan.artifactsDir, "proof.xml"),
  log: join(plan.artifactsDir, "proof.log"),
  receipt: join(plan.artifactsDir, "receipt.json"),
  // What actions/attest is given: outside the artifact, which holds the receipt itself.
  predicate: join(plan.root, "attest", "predicate.json"),
  statement: join(plan.root, "attest", "statement.json"),
};
const testResultType = "https://in-toto.io/attestation/test-result/v0.1";
const attest = process.env.INPUT_ATTEST === "true";

/** Every file called `name` under `dir` (the downloaded shard artifacts), sorted. */
function findFiles(dir, name, found = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== "node_modules") findFiles(path, name, found);
    else if (entry.isFile() && entry.name === name) found.push(path);
  }
  return found.sort();
}

/** Each shard's blobs/ folder copied into one (group folders merge; blob names carry the shard). */
function gatherBlobs(dir, into) {
  const folders = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(dir, entry.name, "blobs"))
    .filter((blobs) => existsSync(blobs));
  if (existsSync(join(dir, "blobs"))) folders.push(join(dir, "blobs"));
  if (folders.length === 0) return undefined;
  for (const folder of folders) cpSync(folder, into, { recursive: true });
  return into;
}

function finish(exitCode, verdict) {
  setOutput("exit-code", exitCode);
  setOutput("verdict", verdict);
  setOutput("json", existsSync(out.json) ? out.json : "");
  setOutput("markdown", existsSync(out.markdown) ? out.markdown : "");
  setOutput("junit", existsSync(out.junit) ? out.junit : "");
  setOutput("receipt", existsSync(out.receipt) ? out.receipt : "");
  setOutput("predicate", existsSync(out.predicate) ? out.predicate : "");
  setOutput("statement", existsSync(out.statement) ? out.statement : "");
  setOutput("artifacts-dir", plan.artifactsDir);
  console.log(`relay-proof action: verdict ${verdict}, exit ${exitCode}; artifacts in ${plan.artifactsDir}`);
  process.exit(0);
}

let shardResults = [];
let blobDir;
if (plan.mode === "merge") {
  if (!existsSync(plan.merge)) {
    console.log(
      errorAnnotation(`input merge: ${plan.merge} does not exist (download the shard artifacts there)`),
    );
    finish(2, "usage-error");
  }
  shardResults = findFiles(plan.merge, "proof.json");
  if (shardResults.length === 0) {
    console.log(errorAnnotation(`input merge: no proof.json under ${plan.merge}`));
    finish(2, "usage-error");
  }
  blobDir = gatherBlobs(plan.merge, join(plan.root, "merged-blobs"));
} else if (plan.shardIndex) {
  blobDir = join(plan.artifactsDir, "blobs");
  mkdirSync(blobDir, { recursive: true });
}

/** `proofs: changed`: the proofs whose files base..head touches (none: the default proof). */
function changedProofs() {
  if (plan.proofs?.kind !== "changed") return undefined;
  const listed = spawnSync(
    process.execPath,
    [bin, "proofs", "--changed", plan.base, "--ids", "--repo", plan.workingDirectory],
    {
      encoding: "utf8",
    },
  );
  if (listed.status !== 0) {
    console.log(errorAnnotation(`input proofs: changed: ${listed.stderr.trim()}`));
    finish(2, "usage-error");
  }
  const ids = listed.stdout.split("\n").filter(Boolean);
  console.log(
    `relay-proof action: the change since ${plan.base} needs ${ids.length > 0 ? ids.join(", ") : "no proof of its own; running the default proof"}`,
  );
  return ids;
}

const args = [
  ...relayProofArgs(plan, shardResults, blobDir, changedProofs()),
  "--json-out",
  out.json,
  "--markdown-out",
  out.markdown,
  "--junit-out",
  out.junit,
  "--receipt",
  out.receipt,
];
console.error(`relay-proof action: relay-proof ${args.join(" ")}`);
const log = createWriteStream(out.log);
const child = spawn(process.execPath, [bin, ...args], {
  cwd: plan.workingDirectory,
  stdio: ["ignore", "pipe", "pipe"],
});
child.stdout.on("data", (chunk) => {
  process.stdout.write(chunk);
  log.write(chunk);
});
child.stderr.on("data", (chunk) => {
  process.stderr.write(chunk);
  log.write(chunk);
});
// Cancelling the job sends SIGINT/SIGTERM here: hand it on, so relay-proof cleans up its worktrees.
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
const [code, signal] = await new Promise((resolveExit) =>
  child.on("close", (exitCode, exitSignal) => resolveExit([exitCode, exitSignal])),
);
await new Promise((resolveLog) => log.end(resolveLog));
const signals = { SIGINT: 2, SIGTERM: 15, SIGKILL: 9 };
const exitCode = code ?? 128 + (signals[signal] ?? 0);
let verdict =
  exitCode === 2 ? "usage-error" : exitCode === 130 || exitCode === 143 ? "interrupted" : "cannot-test";
if (existsSync(out.json)) {
  try {
    verdict = JSON.parse(readFileSync(out.json, "utf8")).verdict ?? verdict;
  } catch {
    console.log(errorAnnotation(`${out.json} is not valid JSON`));
  }
}
/**
 * The receipt's predicate for actions/attest, and the statement it will sign (its subject: proof.json
 * by name and sha256, as attest names a subject-path); with attest, proof.md ends with gh's command.
 */
function prepareAttestation() {
  if (!existsSync(out.receipt) || !existsSync(out.json)) return;
  const receipt = JSON.parse(readFileSync(out.receipt, "utf8"));
  const statement = JSON.parse(Buffer.from(receipt.dsseEnvelope.payload, "base64").toString("utf8"));
  const digest = createHash("sha256").update(readFileSync(out.json)).digest("hex");
  mkdirSync(dirname(out.predicate), { recursive: true });
  writeFileSync(out.predicate, `${JSON.stringify(statement.predicate, null, 2)}\n`);
  const attested = {
    _type: "https://in-toto.io/Statement/v1",
    subject: [{ name: "proof.json", digest: { sha256: digest } }],
    predicateType: testResultType,
    predicate: statement.predicate,
  };
  writeFileSync(out.statement, `${JSON.stringify(attested, null, 2)}\n`);
  if (attest && existsSync(out.markdown)) {
    const repo = process.env.GITHUB_REPOSITORY || "OWNER/REPO";
    appendFileSync(
      out.markdown,
      `- **Check the attestation:** \`gh attestation verify proof.json -R ${repo} --predicate-type ${testResultType}\`\n`,
    );
  }
}

try {
  prepareAttestation();
} catch (error) {
  console.log(errorAnnotation(`${out.receipt}: ${error.message}`));
}
finish(exitCode, verdict);
