// The flags that change what a run proves, recorded in the receipt so `verify --rerun` runs the same
// proof the same way. Progress, output and parallelism flags are left out: they change no line.
import type { BuildMode } from "../checkout/cli/mode.ts";
import type { RunProofOptions, TestsOptions } from "../engine/run-options.ts";
import type { ProofResult } from "../result/types.ts";

export interface ProvenFlags {
  /** `--proof` as given: ids, or proof files by the path they had; empty: the default proof. */
  proof: string[];
  module?: string;
  build: boolean;
  buildMode?: BuildMode;
  /** `--cli PATH`: the hook commands ran a CLI relay-proof did not build from this commit. */
  cli?: string;
  /** false: `--no-tests`; true: the proof's focused tests; or the selection that replaced them. */
  tests: boolean | { files?: string[]; changed?: string; shards?: number; shardIndex?: string };
  timeoutMs?: number;
  commandTimeoutMs?: number;
  passEnv: string[];
  trustInstallHooks?: boolean;
  /** `--coverage` (run, with the `--changed` base) or compare's coverage of base..head. */
  coverage?: boolean | { base?: string };
}

type FlagSource = Pick<
  RunProofOptions,
  | "proof"
  | "module"
  | "build"
  | "buildMode"
  | "cli"
  | "timeoutMs"
  | "commandTimeoutMs"
  | "passEnv"
  | "trustInstallHooks"
> & { tests?: false | TestsOptions; coverage?: RunProofOptions["coverage"] };

/** Only the fields that are set: the record reads as the flags that were given. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function testsFlag(tests: false | TestsOptions | undefined): ProvenFlags["tests"] {
  if (tests === false) return false;
  if (!tests) return true;
  const selection = defined({
    files: tests.files,
    changed: tests.changed,
    shards: tests.shards,
    shardIndex: tests.shardIndex ? `${tests.shardIndex.index}/${tests.shardIndex.count}` : undefined,
  });
  return Object.keys(selection).length > 0 ? selection : true;
}

/** The proven-with record of a run, compare or bisect's options. */
export function provenFlags(options: FlagSource): ProvenFlags {
  const proof =
    options.proof === undefined
      ? []
      : typeof options.proof === "string"
        ? [options.proof]
        : [...options.proof];
  return defined({
    proof,
    module: options.module,
    build: options.build === true,
    buildMode: options.buildMode,
    cli: options.cli,
    tests: testsFlag(options.tests),
    timeoutMs: options.timeoutMs,
    commandTimeoutMs: options.commandTimeoutMs,
    passEnv: [...(options.passEnv ?? [])],
    trustInstallHooks: options.trustInstallHooks || undefined,
    coverage: options.coverage || undefined,
  });
}

/** The run options that prove the same thing again (tests with the same selection and shard). */
export function rerunOptions(flags: ProvenFlags): Omit<RunProofOptions, "repo"> {
  const tests = flags.tests;
  const shard =
    typeof tests === "object" && tests.shardIndex ? tests.shardIndex.split("/").map(Number) : undefined;
  return {
    proof: flags.proof,
    module: flags.module,
    build: flags.build,
    buildMode: flags.buildMode,
    cli: flags.cli,
    tests:
      tests === false
        ? false
        : tests === true
          ? undefined
          : {
              files: tests.files,
              changed: tests.changed,
              shards: tests.shards,
              shardIndex: shard ? { index: shard[0] as number, count: shard[1] as number } : undefined,
            },
    timeoutMs: flags.timeoutMs,
    commandTimeoutMs: flags.commandTimeoutMs,
    passEnv: flags.passEnv,
    trustInstallHooks: flags.trustInstallHooks,
    coverage: flags.coverage,
  };
}

/**
 * `merge` knows no flags of the shard runs, only their result: the proofs, whether tests ran (all
 * shards: a rerun runs them unsharded), and the CLI the result names (its build mode, or --cli).
 */
export function flagsOfResult(result: ProofResult): ProvenFlags {
  const cli = result.cli?.detail.startsWith("--cli ") ? result.cli.detail.slice("--cli ".length) : undefined;
  return provenFlags({
    proof: result.proof.specs ?? (result.proof.file ? [result.proof.file] : [result.proof.id]),
    module: result.target.module,
    build: result.cli?.build !== undefined || result.cli?.mode !== undefined,
    buildMode: result.cli?.mode,
    cli,
    tests: result.tests ? undefined : false,
  });
}
