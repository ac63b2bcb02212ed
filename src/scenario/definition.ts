// The contract between the engine and a proof in proofs/. The engine knows nothing about any
// particular module: a proof names its module, its checks and its focused tests, and its
// `scenario` runs inside the child process against the target's own code.

export type CheckStatus =
  | "pass"
  | "fail"
  | "unsupported"
  | "cannot-drive"
  | "skipped"
  | "absent"
  | "cannot-test"
  | "error";

/**
 * What a check observed. `unsupported`: the head lacks a mechanism the fix requires (no generations,
 * say): counts as not holding. `cannot-drive`: this proof has no way into the piece or path on this
 * head's API (nothing was tested): the claim is partly tested and the verdict cannot-test, never holds
 * and never fails for it. `skipped`: this environment could not exercise the path (reported, not counted).
 * `absent`: the head does not have the thing checked (an older head's missing feature; not counted).
 * `cannot-test`: the path ran but gave no answer (a timeout): not evidence against the fix, so the
 * verdict says what could not be tested instead of `fails`, unless another check really failed.
 */
export interface CheckOutcome {
  status: Exclude<CheckStatus, "error">;
  /** The observed value, printed as the proof line's value, e.g. `0` or `error:native hook relay not found`. */
  value: string;
  /** Extra context for reports (one line). */
  detail?: string;
  /** The exact command line the check ran (a hook command), recorded in the JSON result. */
  ran?: string;
}

export interface CheckSpec {
  /** The proof line key, e.g. `duplicate-module-invoke` or `duplicate-module-invoke.bridge`. */
  key: string;
  /** What a passing value looks like, for reports. */
  expected: string;
  /** Required checks must run and pass for the verdict `holds`. */
  required: boolean;
}

export interface ShellResult {
  exitCode: number | undefined;
  signal: string | undefined;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

/**
 * The checkout's CLI as the engine found it before the scenario started: `source` runs without a build,
 * `ready` has a build of this very commit; `none`, `stale` and `absent` mean a command it runs would not
 * be evidence (no build, a build of another commit, no CLI), so a scenario skips it with `detail`.
 * `failed`: the run was asked to make the CLI (`--build`, `--build-mode source`) and could not, so a
 * command it would run cannot be tested (`detail` says why): never skipped under a holding verdict.
 */
export type CliState = "source" | "ready" | "none" | "stale" | "absent" | "failed";

export interface CliInfo {
  /** Absolute path of the CLI file; the child's process.argv[1] is set to it (it poses as the CLI). */
  entry: string | undefined;
  state: CliState;
  detail: string;
}

/** What a scenario can do inside the child process. */
export interface ScenarioContext {
  /** Absolute path of the target checkout. */
  readonly repoRoot: string;
  /** Absolute path of the main module under test (resolved by the engine). */
  readonly modulePath: string;
  /** The child's private temp dir (also its TMPDIR). */
  readonly tmpDir: string;
  /** The checkout's CLI: run a command that goes through it only when `state` is `source` or `ready`. */
  readonly cli: CliInfo;
  /** `--command-timeout`: how long a hook command may take; undefined lets the proof choose. */
  readonly commandTimeoutMs: number | undefined;
  /**
   * Import `path` (default: the main module) into the module instance named `instance`: each instance
   * is its own copy of every module of the checkout's source that `path` reaches (installed packages
   * stay shared); loading another file into the same instance joins that copy.
   */
  load(instance: string, path?: string): Promise<Record<string, unknown>>;
  /** How many of the checkout's own modules instance `instance` has loaded so far. */
  modulesOf(instance: string): number;
  /** Run `work` as a stage of the run's timeline (`command <key>`, `census`, ...). */
  time<T>(stage: string, work: () => Promise<T>): Promise<T>;
  /** Absolute path of a file relative to the repo root, or undefined when it does not exist. */
  find(relativePath: string): string | undefined;
  /** An informational proof line, e.g. `api=v2`. */
  info(key: string, value: string): void;
  /** Run one check; an exception escaping `run` is a harness error (cannot test), never a pass. */
  check(spec: CheckSpec, run: () => Promise<CheckOutcome>): Promise<CheckOutcome>;
  /** Stop: the target cannot be tested (missing export, unusable API). */
  cannotTest(reason: string): never;
  /**
   * Run a shell command line as a hook runner would, payload on stdin; the process group is killed
   * after. `env` adds variables for this command only (a gateway's URL and token).
   */
  runShell(
    command: string,
    options: { input: string; timeoutMs: number; env?: Record<string, string> },
  ): Promise<ShellResult>;
  /**
   * A secret the scenario made (a gateway token): it never leaves the child, every value, detail,
   * command and reason the child reports has it replaced by `[redacted]`.
   */
  redact(secret: string): void;
  /** Register teardown work (unregister handles, close servers), run before the child reports. */
  onTeardown(task: () => unknown): void;
}

/** One sentence the fix claims, and the check keys that evidence it (`shared.*` matches a prefix). */
export interface ProofClaim {
  id: string;
  text: string;
  evidence: readonly string[];
}

export interface ProofDefinition {
  id: string;
  title: string;
  /** One paragraph for the PR's "Behavior or issue addressed". */
  behavior: string;
  /** Module paths relative to the repo root, first existing one wins. */
  module: { candidates: readonly string[] };
  /**
   * Other files whose change this proof evidences (beyond the module and its `<name>-*` siblings),
   * for `relay-proof proofs --changed BASE`.
   */
  files?: readonly string[];
  /** What the fix claims, each with the checks that evidence it: the reports' "Claims" table. */
  claims?: readonly ProofClaim[];
  /**
   * Changed files this proof's scenario cannot run, each with why (repo-relative path -> reason): the
   * coverage reports name them with it instead of a bare "not run".
   */
  unreachable?: Readonly<Record<string, string>>;
  /** Keys of checks that must be reported; a missing one makes the run `cannot-test`. */
  requiredChecks: readonly string[];
  /** Info keys shown in the summary block, after `head`. */
  summaryInfo: readonly string[];
  /** Focused test files, relative to the repo root. */
  tests: readonly string[];
  /**
   * Keys of this proof's lines whose values honestly differ from run to run or machine to machine (a
   * path, a port, a time, a token): `relay-proof verify --rerun` names them and does not compare them.
   * Every other line must come out the same. Empty or absent: every line is compared.
   */
  varies?: readonly string[];
  scenario(context: ScenarioContext): Promise<void>;
}

/** Identity helper that gives proof files type checking. */
export function defineProof(definition: ProofDefinition): ProofDefinition {
  return definition;
}
