// The relay-proof action's inputs, read from the INPUT_* variables action.yml maps through `env:`
// (never pasted into shell text), checked once, and turned into the relay-proof command line.
import { resolve } from "node:path";

/** A bad input: the plan step prints it as an ::error and exits 2, relay-proof's usage exit. */
export class ActionInputError extends Error {
  name = "ActionInputError";
}

function flag(env, name, fallback) {
  const raw = (env[`INPUT_${name}`] ?? "").trim().toLowerCase();
  if (raw === "") return fallback;
  if (raw === "true") return true;
  if (raw === "false") return false;
  const input = name.toLowerCase().replaceAll("_", "-");
  throw new ActionInputError(`input ${input} must be true or false, got "${raw}"`);
}

function text(env, name) {
  return (env[`INPUT_${name}`] ?? "").trim();
}

/** Split extra-args like a shell would split words: whitespace, '...' and "..." quoting, no expansion. */
export function splitArgs(value) {
  const args = [];
  let current = "";
  let inWord = false;
  let quote;
  for (const char of value) {
    if (quote) {
      if (char === quote) quote = undefined;
      else current += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) args.push(current);
      current = "";
      inWord = false;
    } else {
      current += char;
      inWord = true;
    }
  }
  if (quote) throw new ActionInputError(`extra-args has an unclosed ${quote} quote`);
  if (inWord) args.push(current);
  return args;
}

function shardIndexOf(value, shards) {
  if (value === "") return undefined;
  const match = /^(\d+)(?:\/(\d+))?$/.exec(value);
  const index = Number(match?.[1]);
  const count = match?.[2] !== undefined ? Number(match[2]) : shards;
  if (!match || count === undefined || index < 1 || index > count) {
    throw new ActionInputError(
      `input shard-index must be I/N (1 <= I <= N), or I with shards: N; got "${value}"${shards ? ` with shards ${shards}` : ""}`,
    );
  }
  if (shards !== undefined && shards !== count) {
    throw new ActionInputError(`input shard-index ${value} names ${count} shards but shards is ${shards}`);
  }
  return { index, count };
}

/**
 * The checked inputs. `cwd` is where the step runs (the workspace), against which
 * working-directory resolves.
 */
export function readInputs(env = process.env, cwd = process.cwd()) {
  const base = text(env, "BASE");
  const merge = text(env, "MERGE");
  const shardsText = text(env, "SHARDS");
  const shards = shardsText === "" ? undefined : Number(shardsText);
  if (shards !== undefined && (!Number.isInteger(shards) || shards < 1)) {
    throw new ActionInputError(`input shards must be a whole number >= 1, got "${shardsText}"`);
  }
  const shardIndex = shardIndexOf(text(env, "SHARD_INDEX"), shards);
  const mode = merge !== "" ? "merge" : base !== "" ? "compare" : "run";
  if (mode === "merge" && base !== "")
    throw new ActionInputError("inputs merge and base contradict each other");
  if (mode !== "run" && (shards !== undefined || shardIndex !== undefined)) {
    throw new ActionInputError(
      `inputs shards and shard-index belong to a run, not to ${mode} (${mode === "merge" ? "merge sums the shards' results" : "compare proves base and head whole"})`,
    );
  }
  const passEnv = text(env, "PASS_ENV")
    .split(/[\s,]+/)
    .filter(Boolean);
  for (const name of passEnv) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new ActionInputError(`input pass-env names variables; "${name}" is not a variable name`);
    }
  }
  const tests = flag(env, "TESTS", true);
  if (shardIndex && !tests) throw new ActionInputError("input shard-index needs tests: true");
  const defaultName =
    mode === "merge"
      ? "relay-proof-merged"
      : shardIndex
        ? `relay-proof-shard-${shardIndex.index}-of-${shardIndex.count}`
        : "relay-proof";
  const proofs = proofsOf(text(env, "PROOFS"), base, mode);
  const buildMode = text(env, "BUILD_MODE");
  if (buildMode !== "" && !["dev", "full", "source"].includes(buildMode)) {
    throw new ActionInputError(`input build-mode must be dev, full or source, got "${buildMode}"`);
  }
  const artifactName = text(env, "ARTIFACT_NAME") || defaultName;
  if (!/^[A-Za-z0-9._-]+$/.test(artifactName)) {
    throw new ActionInputError(
      `input artifact-name may hold letters, digits, ".", "_" and "-"; got "${artifactName}"`,
    );
  }
  return {
    mode,
    workingDirectory: resolve(cwd, text(env, "WORKING_DIRECTORY") || "."),
    base,
    head: text(env, "HEAD"),
    merge: merge === "" ? "" : resolve(cwd, merge),
    tests,
    shards,
    shardIndex,
    build: flag(env, "BUILD", false) || buildMode !== "",
    buildMode,
    coverage: flag(env, "COVERAGE", true),
    passEnv,
    extraArgs: splitArgs(env.INPUT_EXTRA_ARGS ?? ""),
    install: flag(env, "INSTALL", true),
    artifactName,
    proofs,
  };
}

/**
 * Which proofs: "" (the default proof), "all", "changed" (the proofs whose files the change since
 * base touches: `relay-proof proofs --changed`, resolved when the step runs), or ids.
 */
function proofsOf(value, base, mode) {
  if (value === "") return { kind: "default", ids: [] };
  if (value === "all") return { kind: "all", ids: ["all"] };
  if (value === "changed") {
    if (base === "")
      throw new ActionInputError("input proofs: changed needs base (the change is base..head)");
    if (mode === "merge")
      throw new ActionInputError("input proofs belongs to a run or a compare, not to merge");
    return { kind: "changed", ids: [] };
  }
  const ids = value.split(/[\s,]+/).filter(Boolean);
  for (const id of ids) {
    if (!/^[a-z0-9][a-z0-9.-]*$/.test(id))
      throw new ActionInputError(`input proofs names proof ids (or all, changed); "${id}" is not one`);
  }
  return { kind: "list", ids };
}

/**
 * relay-proof's arguments for a plan (without the output files). `--build` and `--pass-env` are passed
 * only when asked for. Coverage of the change is on by default: `run --coverage`; compare measures it
 * unless `--no-coverage`.
 */
export function relayProofArgs(plan, shardResults = [], blobDir, proofIds = plan.proofs?.ids ?? []) {
  const shared = [
    ...(plan.build ? ["--build"] : []),
    ...(plan.build && plan.buildMode ? ["--build-mode", plan.buildMode] : []),
    ...plan.passEnv.flatMap((name) => ["--pass-env", name]),
    ...proofIds.flatMap((id) => ["--proof", id]),
  ];
  if (plan.mode === "merge") {
    return [
      "merge",
      ...shardResults,
      ...(blobDir ? ["--blobs", blobDir] : []),
      "--repo",
      plan.workingDirectory,
      ...plan.passEnv.flatMap((name) => ["--pass-env", name]),
      ...plan.extraArgs,
    ];
  }
  if (plan.mode === "compare") {
    return [
      "compare",
      "--repo",
      plan.workingDirectory,
      "--base",
      plan.base,
      "--head",
      plan.head || "HEAD",
      ...(plan.tests ? [] : ["--no-tests"]),
      ...(plan.coverage ? [] : ["--no-coverage"]),
      ...shared,
      ...plan.extraArgs,
    ];
  }
  return [
    "run",
    "--repo",
    plan.workingDirectory,
    ...(plan.head ? ["--ref", plan.head] : []),
    ...(plan.tests ? [] : ["--no-tests"]),
    ...(plan.shards !== undefined && !plan.shardIndex ? ["--shards", String(plan.shards)] : []),
    ...(plan.shardIndex
      ? ["--shard-index", `${plan.shardIndex.index}/${plan.shardIndex.count}`, "--blob-dir", blobDir]
      : []),
    ...(plan.coverage ? ["--coverage"] : []),
    ...shared,
    ...plan.extraArgs,
  ];
}
