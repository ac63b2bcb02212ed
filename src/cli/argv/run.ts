import { resolve } from "node:path";
import { type RunProofOptions, runProof, type TestsOptions } from "../../engine/run-proof.ts";
import { relayProofError } from "../../errors.ts";
import { provenFlags } from "../../receipt/flags.ts";
import { parseShardIndex } from "../../shards/plan.ts";
import { runHelp } from "../help.ts";
import { checkOutputFlags, emitReport, outputFlags } from "../output.ts";
import {
  hookCliFlags,
  hookCliOptions,
  noPositionals,
  parseFlags,
  passEnvFlag,
  positiveSeconds,
} from "../parse.ts";
import { createProgress } from "../progress.ts";
import { planReceipt, receiptFlags, verifyCommands, writeReceipt } from "../receipt-output.ts";
import type { CommandIo, CommandOutcome } from "./types.ts";

export async function runCommand(args: string[], io: CommandIo): Promise<CommandOutcome> {
  const { values, positionals } = parseFlags("run", args, {
    repo: { type: "string" },
    ref: { type: "string" },
    install: { type: "boolean", default: true },
    "trust-install-hooks": { type: "boolean", default: false },
    proof: { type: "string", multiple: true },
    module: { type: "string" },
    node: { type: "string" },
    ...passEnvFlag,
    ...hookCliFlags,
    provision: { type: "boolean", default: true },
    "require-clean": { type: "boolean", default: false },
    timeout: { type: "string" },
    // `--tests FILE` (repeatable, or comma-separated); `--no-tests` arrives as a `false` entry.
    tests: { type: "string", multiple: true },
    "no-tests": { type: "boolean" },
    changed: { type: "string" },
    coverage: { type: "boolean", default: false },
    shards: { type: "string" },
    "shard-index": { type: "string" },
    "blob-dir": { type: "string" },
    "tests-timeout": { type: "string" },
    ...outputFlags,
    ...receiptFlags,
    verbose: { type: "boolean", default: false },
    quiet: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) return { stdout: runHelp, exitCode: 0 };
  noPositionals("run", positionals);
  checkOutputFlags(values);
  const timeoutMs = positiveSeconds("--timeout", values.timeout, "run");
  const tests = testsOptions(values);
  const receipt = planReceipt(values);
  const view = createProgress(io.stderr, io.liveProgress);
  const progress = values.quiet ? undefined : (message: string) => view.line(message);
  const options: RunProofOptions = {
    // --coverage measures the change from --changed BASE when given, else the module's own lines.
    coverage: values.coverage ? { base: values.changed } : undefined,
    repo: values.repo ?? process.cwd(),
    ref: values.ref,
    install: values.install,
    trustInstallHooks: values["trust-install-hooks"],
    proof: values.proof,
    module: values.module,
    node: values.node,
    passEnv: values["pass-env"],
    ...hookCliOptions(values, "run"),
    commandTimeoutMs: positiveSeconds("--command-timeout", values["command-timeout"], "run"),
    provision: values.provision,
    requireClean: values["require-clean"],
    timeoutMs,
    tests,
    command: ["relay-proof", "run", ...args],
    onProgress: progress,
    onChildMessage: progress
      ? (message) => {
          if (message.type === "check") progress(`${message.key} = ${message.value} (${message.status})`);
        }
      : undefined,
    onChildOutput: values.verbose ? (_stream, chunk) => io.stderr(chunk) : undefined,
    onShard: values.quiet ? undefined : (event) => view.shard(event),
    signal: io.signal,
  };
  const result = await runProof(options);
  view.stop();
  const outcome = emitReport(result, values, io, verifyCommands(receipt));
  await writeReceipt(result, receipt, values, provenFlags(options), options.repo);
  return outcome;
}

function testsOptions(values: {
  tests?: (string | boolean)[];
  "no-tests"?: boolean;
  changed?: string;
  shards?: string;
  "shard-index"?: string;
  "blob-dir"?: string;
  "tests-timeout"?: string;
}): false | TestsOptions {
  const entries = (values.tests ?? []) as (string | boolean)[];
  const files = entries
    .filter((entry): entry is string => typeof entry === "string")
    .flatMap((entry) => entry.split(","));
  if (entries.includes(false) || values["no-tests"] === true) {
    if (files.length > 0)
      throw relayProofError("USAGE", "--no-tests and --tests contradict each other", "use one of them");
    return false;
  }
  let shards: number | undefined;
  if (values.shards !== undefined) {
    shards = Number(values.shards);
    if (!Number.isInteger(shards) || shards < 1) {
      throw relayProofError(
        "USAGE",
        `--shards must be a whole number >= 1, got "${values.shards}"`,
        "see relay-proof run --help",
      );
    }
  }
  let shardIndex: TestsOptions["shardIndex"];
  if (values["shard-index"] !== undefined) {
    shardIndex = parseShardIndex(values["shard-index"]);
    if (!shardIndex) {
      throw relayProofError(
        "USAGE",
        `--shard-index must look like 2/4, got "${values["shard-index"]}"`,
        "see relay-proof run --help",
      );
    }
  }
  if (values.changed !== undefined && files.length > 0) {
    throw relayProofError("USAGE", "--changed and --tests contradict each other", "use one of them");
  }
  return {
    files: files.length > 0 ? files : undefined,
    changed: values.changed,
    shards,
    shardIndex,
    timeoutMs: positiveSeconds("--tests-timeout", values["tests-timeout"], "run"),
    blobDir: values["blob-dir"] ? resolve(values["blob-dir"]) : undefined,
  };
}
