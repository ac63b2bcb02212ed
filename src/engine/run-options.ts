// The options of one proof run (`relay-proof run`), shared by run, compare and bisect.
import type { BuildMode } from "../checkout/cli/mode.ts";
import type { RecordedClosure } from "../scenario/closure-recorder.ts";
import type { ChildMessage } from "../scenario/messages.ts";
import type { ShardEvent } from "../shards/run-tests.ts";

export interface RunProofOptions {
  /** Path of the checkout (default: current directory). */
  repo: string;
  /** `--proof`: an id, a proof file, or several (repeated); `all` for every proof that applies. */
  proof?: string | readonly string[];
  /** `--ref`: prove this commit in a temporary worktree instead of the work tree. */
  ref?: string;
  /** With --ref, when the lockfile differs: install (default) or refuse. */
  install?: boolean;
  /**
   * `--trust-install-hooks`: let that install run the head's package-manager hooks (`.pnpmfile.cjs`),
   * which run inside the package manager with its settings (a registry token among them). Off: ignored.
   */
  trustInstallHooks?: boolean;
  /** `--module`: the module under test, relative to the repo root. */
  module?: string;
  /** `--node`: the Node binary that runs the target. */
  node?: string;
  /** Fetch a Node that satisfies the target's engines from the npm registry when needed. */
  provision?: boolean;
  requireClean?: boolean;
  timeoutMs?: number;
  /** The focused Vitest stage; false skips it (--no-tests). */
  tests?: false | TestsOptions;
  /** The argv that reproduces this run, recorded in the result. */
  command?: string[];
  onProgress?: (message: string) => void;
  onChildMessage?: (message: ChildMessage) => void;
  onChildOutput?: (stream: "stdout" | "stderr", chunk: string) => void;
  onShard?: (event: ShardEvent) => void;
  signal?: AbortSignal;
  /**
   * `--pass-env NAME`: variables to give the target's processes beyond the allowlist (PATH, locale,
   * TZ, CI, proxy and CA settings). Everything else in this environment stays out of target code.
   */
  passEnv?: readonly string[];
  /** `--build`: build the checkout's CLI with its own build (cached per tree) so hook commands can run. */
  build?: boolean;
  /** `--build-mode`: dev (default), full, or source (no build: the CLI's TypeScript through tsx). */
  buildMode?: BuildMode;
  /** `--cli PATH`: run the hook commands through this CLI file. */
  cli?: string;
  /** `--command-timeout`: how long each hook command may take (default: the proof's own). */
  commandTimeoutMs?: number;
  /**
   * `--coverage`: which changed lines the scenario and the focused tests ran. `base` is the commit the
   * change is measured from (compare's base; `--changed BASE` for run); without one, the module only.
   */
  coverage?: boolean | { base?: string };
  /**
   * Bisect's shortcut: record every file the scenario (and its hook commands) loaded or looked at, and
   * hand them over with the checkout they ran in.
   */
  onClosure?: (closure: ScenarioClosure) => void;
}

/** What one scenario loaded, for bisect: the recorded files and the checkout the scenario ran in. */
export interface ScenarioClosure extends RecordedClosure {
  scenarioRoot: string;
}

/** The whole scenario: a first hook command on a fresh machine may compile the CLI's plugins for a minute. */
export const defaultTimeoutMs = 300_000;
export const defaultTestsTimeoutMs = 600_000;

export interface TestsOptions {
  /** `--tests`: explicit files instead of the proof's. */
  files?: string[];
  /** `--changed BASE`. */
  changed?: string;
  shards?: number;
  shardIndex?: { index: number; count: number };
  timeoutMs?: number;
  /** `--blob-dir`: also write Vitest blob reports, to merge across machines with Vitest's own merge. */
  blobDir?: string;
}
