// The options of one bisect (`relay-proof bisect`), shared by its stages.
import type { BuildMode } from "../../checkout/cli/mode.ts";

/** `kary`: N commits per round on N workers (default); `binary`: `git bisect run`, one at a time. */
export type BisectStrategy = "kary" | "binary";

export interface BisectOptions {
  repo: string;
  good: string;
  bad: string;
  proof?: string;
  module?: string;
  node?: string;
  timeoutMs?: number;
  /** `--pass-env`: variables to give the target beyond the allowlist, at every step. */
  passEnv?: readonly string[];
  /** `--build` / `--cli`: also run the hook-command paths, at the endpoints and at every step. */
  build?: boolean;
  /** `--build-mode`: how --build makes the CLI (dev, full, source). */
  buildMode?: BuildMode;
  cli?: string;
  /** `--command-timeout`: each hook command's limit. */
  commandTimeoutMs?: number;
  /** `--strategy`: kary (default) or binary (`git bisect run`). */
  strategy?: BisectStrategy;
  /** `--jobs`: commits tested side by side (default: the cores available, bounded by free memory). */
  jobs?: number;
  /**
   * Decide a commit without running it when every file the scenario loaded at a tested commit is
   * identical there (default true; `--no-shortcut` turns it off). Off with --build and with `binary`.
   */
  shortcut?: boolean;
  /**
   * Run k-ary round 1 beside the endpoint checks, deciding nothing until both are verified: true
   * always (on --jobs slots), false never; by default on the cores and memory the checks leave.
   */
  speculate?: boolean;
  command?: string[];
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
}
