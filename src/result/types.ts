import type { ChangeCoverage } from "../coverage/change-coverage.ts";
import type { CheckResult } from "../scenario/run-scenario.ts";
import type { TestsResult } from "../shards/run-tests.ts";
import type { ClaimResult } from "./claims.ts";
import type { TimelineEntry } from "./timeline.ts";

export type Verdict = "holds" | "fails" | "cannot-test";

/** Exit codes shared by `run`, `compare` and `git bisect run`. */
export const exitCodes = { holds: 0, fails: 1, "cannot-test": 125 } as const satisfies Record<
  Verdict,
  number
>;

export const resultSchema = "relay-proof/result@1";

/** The machine-readable result of one proof run; every reporter renders this object. */
export interface ProofResult {
  schema: typeof resultSchema;
  kind: "run";
  /**
   * Each stage and path with its start (ms after the run began) and duration: install, build, Node,
   * the scenario child's start, each instance's import, each check and hook command, the tests and
   * their shards, coverage. Absent from results written before it existed.
   */
  timeline?: TimelineEntry[];
  /**
   * `file`: the proof's absolute path when it was loaded with `--proof FILE` (`fileSha256`, its content's
   * hash; `fileInRepo`, its path relative to the repo root: `merge` matches shards by the hash, so the
   * file may sit elsewhere on each machine). With several proofs, `id` joins theirs (`all` for
   * `--proof all`) and `specs` lists what `--proof` said, to load them again.
   */
  proof: {
    id: string;
    title: string;
    behavior: string;
    file?: string;
    fileSha256?: string;
    fileInRepo?: string;
    specs?: string[];
  };
  /** With several proofs (`--proof` repeated, or `all`): each one's own verdict and lines. */
  proofs?: ProofOutcome[];
  /** Where it ran, for "Real environment tested". */
  environment: { os: string; arch: string; packageManager: string | undefined };
  target: {
    root: string;
    head: string;
    dirty: boolean;
    dirtyPaths: string[];
    ref: string | undefined;
    module: string | undefined;
    /** With --ref: the proof ran in a temporary worktree; how it got its dependencies. */
    worktree: boolean;
    dependencies: { mode: "own" | "reused" | "installed"; detail: string } | undefined;
  };
  toolchain: {
    node: string | undefined;
    nodePath: string | undefined;
    nodeSource: string | undefined;
    engines: string | undefined;
    enginesSatisfied: boolean | undefined;
    tsx: string | undefined;
    tsxSource: string | undefined;
  };
  /**
   * The CLI the hook commands ran (`entry` relative to the checkout, or to the build checkout), its state
   * (`source`, `ready`, `none`, `stale`, `absent`, `failed`: see docs/hook-command.md), and the --build that made it.
   */
  cli:
    | {
        entry: string | undefined;
        state: string;
        detail: string;
        /**
         * The --build mode that made this CLI: `full` (the repo's build), `dev` (the same build without
         * type declarations, by the repo's own switch), `source` (no build: the CLI's TypeScript entry
         * through tsx, not the shipped bundle). Absent when nothing was built (or in older results).
         */
        mode?: "full" | "dev" | "source" | undefined;
        build:
          | {
              ok: boolean;
              tree: string;
              /** full or dev (absent in older results: full). */
              kind?: "full" | "dev";
              cached: boolean;
              durationMs: number;
              steps: { command: string[]; durationMs: number }[];
              /** With --coverage: output files with a source map beside them, or why none were asked for. */
              sourceMaps?: { maps: number } | { why: string };
            }
          | undefined;
      }
    | undefined;
  scenario: {
    /** The live scenario's own verdict, before the tests are folded in. */
    verdict: Verdict;
    reasons: string[];
    notTested: string[];
    info: Record<string, string>;
    checks: CheckResult[];
    cannotTest: string | undefined;
    timedOut: boolean;
    exitCode: number | undefined;
    signal: string | undefined;
    activeResources: string[];
    leftoverProcesses: boolean;
    durationMs: number;
    /** Last lines of the child's stderr (redacted), for diagnosis. */
    stderrTail: string[];
  };
  /** What the fix claims, each with its evidence lines and whether they hold (the proof's `claims`). */
  claims?: ClaimResult[];
  /** The focused Vitest tests, unless --no-tests (supplemental to the live scenario). */
  tests: TestsResult | undefined;
  /** `--coverage`: which changed lines the scenario and the tests ran (evidence, never the verdict). */
  coverage?: ChangeCoverage;
  verdict: Verdict;
  exitCode: (typeof exitCodes)[Verdict];
  /** Why the verdict is what it is, one sentence each. */
  reasons: string[];
  /** Steps or paths that did not run, for "What was not tested". */
  notTested: string[];
  proofLines: string[];
  command: string[];
  startedAt: string;
  durationMs: number;
}

/** One proof of a run with several: its verdict from its own lines (the tests are the run's). */
export interface ProofOutcome {
  proof: {
    id: string;
    title: string;
    behavior: string;
    file?: string;
    fileSha256?: string;
    fileInRepo?: string;
  };
  /** Its module, relative to the checkout; undefined when this head has none. */
  module: string | undefined;
  verdict: Verdict;
  exitCode: (typeof exitCodes)[Verdict];
  reasons: string[];
  notTested: string[];
  info: Record<string, string>;
  checks: CheckResult[];
  cannotTest: string | undefined;
  claims: ClaimResult[];
}

export type CompareVerdict = "fix-verified" | "not-verified" | "cannot-test";

/** `relay-proof compare`: the proof on a base and a head. */
export interface CompareResult {
  schema: typeof resultSchema;
  kind: "compare";
  proof: { id: string; title: string };
  base: ProofResult;
  head: ProofResult;
  /** Every proof line key with its base and head value, head's order first. */
  rows: { key: string; base: string | undefined; head: string | undefined }[];
  verdict: CompareVerdict;
  exitCode: 0 | 1 | 125;
  /** Which half is missing when the fix is not verified, one sentence each. */
  reasons: string[];
  proofLines: string[];
  command: string[];
  startedAt: string;
  durationMs: number;
}

export type BisectVerdict = "found" | "not-found" | "cannot-test";

/** `relay-proof bisect`: the first commit that fixed (or broke) the proof. */
export interface BisectResult {
  schema: typeof resultSchema;
  kind: "bisect";
  proof: { id: string; title: string };
  /** fixed: the proof fails at --bad (older) and holds at --good (newer); broke: the reverse. */
  direction: "fixed" | "broke";
  good: { ref: string; sha: string };
  bad: { ref: string; sha: string };
  first: { sha: string; subject: string } | undefined;
  /** The first commit, or, when only untestable commits hide it, every commit it may be (oldest first). */
  candidates: string[];
  /**
   * The verified endpoints, then each commit the search tested, with the proof's answer. A step with
   * `identicalTo` was decided without running: every file the scenario loaded at that commit (it ran
   * there) is byte-identical at this one.
   */
  steps: { sha: string; subject: string; outcome: "holds" | "fails" | "skipped"; identicalTo?: string }[];
  /** The scenario runs the search took (steps minus the ones decided by identity). */
  scenarioRuns: number;
  /** Whether commits could be decided by identity, and why not when they could not. */
  shortcut: { used: boolean; reason: string };
  /** `kary`: N commits per round on N workers (`jobs`); `binary`: `git bisect run`. */
  strategy: "kary" | "binary";
  /** The range had merges and k-ary followed its first-parent line (as `git bisect --first-parent`). */
  firstParent?: boolean;
  jobs: number;
  /** `git bisect` commands (log form) that reproduce the boundary; `git bisect replay` takes them too. */
  replay: string[];
  verdict: BisectVerdict;
  exitCode: 0 | 1 | 125;
  reasons: string[];
  /** Commands that reproduce the boundary. */
  reproduce: string[];
  proofLines: string[];
  command: string[];
  startedAt: string;
  durationMs: number;
}

/** Anything a reporter can render. */
export type Report = ProofResult | CompareResult | BisectResult;
