import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { linkInstalledModules } from "../checkout/dependencies.ts";
import { git, gitEnv } from "../checkout/git.ts";
import { openTarget } from "../checkout/open-target.ts";
import { resolveRef, type Worktree, worktreePool } from "../checkout/worktree.ts";
import { isRelayProofError, relayProofError, usageCodes } from "../errors.ts";
import { parallelSlots, scenarioMiB } from "../process/limits.ts";
import { spawnGroup } from "../process/spawn-group.ts";
import { checkPassEnv } from "../process/target-env.ts";
import { proofLine } from "../result/proof-lines.ts";
import { type BisectResult, type ProofResult, resultSchema } from "../result/types.ts";
import { allProofs, loadDefinition } from "../scenario/load-definition.ts";
import { type Closure, changedPaths, closureOf, identicalSpan, touches } from "./bisect-closure.ts";
import { karySearch, type Mark } from "./bisect-kary.ts";
import { bisectReplay } from "./bisect-replay.ts";
import type { ScenarioClosure } from "./run-options.ts";
import { runProof } from "./run-proof.ts";

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
  command?: string[];
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
}

/** The CLI entry git bisect runs at each step (the package's bin, run with this Node). */
const binPath = fileURLToPath(
  new URL(
    import.meta.url.endsWith(".ts") ? "../../bin/relay-proof.js" : "../../../bin/relay-proof.js",
    import.meta.url,
  ),
);

type Step = BisectResult["steps"][number];

/** What a search found: one commit, or candidates only skipped commits separate. */
interface Search {
  first: string | undefined;
  candidates: string[];
  steps: Step[];
  /** Set when git bisect ended without either answer. */
  failure?: string;
  /** Scenario runs of the search itself (the endpoints' are counted apart). */
  runs: number;
}

/** Why commits cannot be decided by identity in this bisect, or undefined when they can. */
function shortcutOff(options: BisectOptions, strategy: BisectStrategy): string | undefined {
  if (options.shortcut === false) return "--no-shortcut";
  if (options.build) return "--build runs the repo's build of the whole tree at every step";
  if (strategy === "binary") return "git bisect run tests every commit it picks";
  return undefined;
}

async function isMerge(root: string, sha: string): Promise<boolean> {
  return (await git(root, ["rev-parse", "--verify", "--quiet", `${sha}^2`])).ok;
}

async function isAncestor(root: string, older: string, newer: string): Promise<boolean> {
  return (await git(root, ["merge-base", "--is-ancestor", older, newer])).ok;
}

/**
 * The commits after `older` up to `newer`, oldest first, with their subjects, when they form one line
 * (no merge, each commit's parent the one before); undefined otherwise. With `firstParent`, the line
 * of first parents from `newer` back to `older` (merges included, their side branches not), when
 * `older` is on it.
 */
export async function linearRange(
  root: string,
  older: string,
  newer: string,
  options: { firstParent?: boolean } = {},
): Promise<{ sha: string; subject: string }[] | undefined> {
  const firstParent = options.firstParent ? ["--first-parent"] : [];
  const log = await git(root, [
    "log",
    ...firstParent,
    "--reverse",
    "--format=%H %P%x00%s",
    newer,
    `^${older}`,
  ]);
  if (!log.ok) return undefined;
  const commits: { sha: string; subject: string }[] = [];
  let parent = older;
  for (const line of log.stdout.split("\n").filter(Boolean)) {
    const [ids = "", subject = ""] = line.split("\0");
    const [sha = "", ...parents] = ids.split(" ");
    if (parents[0] !== parent || (!options.firstParent && parents.length !== 1)) return undefined;
    commits.push({ sha, subject });
    parent = sha;
  }
  return parent === newer && commits.length > 0 ? commits : undefined;
}

/** The first commit (or the candidates) in `git bisect run`'s output. */
export function parseBisectRun(stdout: string): { first: string | undefined; candidates: string[] } {
  const found = /([0-9a-f]{40}) is the first (bad|fixed) commit/.exec(stdout);
  if (found?.[1]) return { first: found[1], candidates: [found[1]] };
  const skipped = /There are only 'skip'ped commits left to test\.([\s\S]*)/.exec(stdout)?.[1];
  return { first: undefined, candidates: [...new Set(skipped?.match(/\b[0-9a-f]{40}\b/g) ?? [])] };
}

/**
 * Find the first commit that fixed (or broke) the proof between --good and --bad, with the scenario
 * only, in temporary worktrees: the user's HEAD and bisect state are never touched. Both endpoints are
 * verified first. The default k-ary search tests N commits per round on N reused worktrees; `binary`
 * drives `git bisect run`. Both give the same answer on a linear history; a range with merges is
 * searched by `git bisect run`.
 */
export async function bisectProof(options: BisectOptions): Promise<BisectResult> {
  const started = Date.now();
  const passEnv = checkPassEnv(options.passEnv);
  if (options.proof === allProofs) {
    throw relayProofError(
      "USAGE",
      "bisect follows one proof, not all of them",
      "pick one with --proof ID (relay-proof proofs lists them)",
    );
  }
  const { definition, spec } = await loadDefinition(options.proof ?? "native-hook-relay");
  // Steps run inside the worktree: a proof file is passed on by its absolute path.
  const proof = options.proof === undefined ? undefined : spec;
  const checkout = await openTarget({ repo: options.repo });
  const root = checkout.root;
  const good = await resolveRef(root, options.good);
  const bad = await resolveRef(root, options.bad);
  if (good === bad)
    throw relayProofError("USAGE", "--good and --bad name the same commit", "pick two different commits");
  let direction: BisectResult["direction"];
  if (await isAncestor(root, bad, good)) direction = "fixed";
  else if (await isAncestor(root, good, bad)) direction = "broke";
  else {
    throw relayProofError(
      "USAGE",
      `${options.good} and ${options.bad} are not on one line of history`,
      "pick a --good that is an ancestor or a descendant of --bad",
    );
  }
  const jobs = Math.max(1, Math.floor(options.jobs ?? parallelSlots({ perSlotMiB: scenarioMiB })));
  const progress = options.onProgress;
  // fixed: the older endpoint is --bad (old term "broken"), the newer --good ("fixed"); broke: the reverse.
  const [older, newer] = direction === "fixed" ? [bad, good] : [good, bad];
  const pool = worktreePool(root, (worktree) => linkInstalledModules(root, worktree.path), options.signal);
  // What each tested commit's scenario loaded (its closure), when the shortcut may use it.
  const closures = new Map<string, ScenarioClosure>();
  const recordClosures = options.shortcut !== false && !options.build;
  const prove = async (slot: number, sha: string): Promise<ProofResult> => {
    const worktree = await pool.at(slot, sha);
    return runProof({
      onClosure: recordClosures ? (closure) => closures.set(sha, closure) : undefined,
      repo: worktree.path,
      proof,
      module: options.module,
      node: options.node,
      timeoutMs: options.timeoutMs,
      passEnv,
      build: options.build,
      cli: options.cli,
      commandTimeoutMs: options.commandTimeoutMs,
      tests: false,
      signal: options.signal,
    });
  };
  try {
    await verifyEndpoints(options, { good, bad }, jobs, prove);
    // The range, oldest first, when it is one line of commits; with merges, k-ary follows the line of
    // first parents (git bisect --first-parent), where --bad must lie.
    let strategy = options.strategy ?? "kary";
    let range = await linearRange(root, older, newer);
    let firstParent = false;
    if (!range && strategy === "kary") {
      range = await linearRange(root, older, newer, { firstParent: true });
      firstParent = range !== undefined;
      if (firstParent) {
        progress?.(
          "the range has merges: searching its first-parent line (as git bisect --first-parent); --strategy binary searches the merged branches too",
        );
      } else {
        progress?.(
          "the range has merges and the older endpoint is not on the newer one's first-parent line: searching it with git bisect run",
        );
        strategy = "binary";
      }
    }
    const subjects = new Map(range?.map((commit) => [commit.sha, commit.subject]));
    const subjectOf = async (sha: string) =>
      subjects.get(sha) ?? (await git(root, ["log", "-1", "--format=%s", sha])).stdout;
    const off = shortcutOff(options, strategy);
    const candidates = [...definition.module.candidates, ...(options.module ? [options.module] : [])];
    const same =
      off === undefined && range
        ? await identity({
            root,
            older,
            newer,
            range: range.map((c) => c.sha),
            closures,
            candidates,
          })
        : undefined;
    const search =
      strategy === "kary" && range
        ? await karyBisect(options, { direction, jobs, range, prove, older, same })
        : await gitBisectRun(options, {
            direction,
            good,
            bad,
            proof,
            passEnv,
            worktree: await pool.at(0, bad),
          });
    if (strategy === "kary") {
      // The verified endpoints come first, as git bisect logs them: the newer, then the older.
      const newVerdict = direction === "fixed" ? "holds" : "fails";
      search.steps.unshift(
        { sha: newer, subject: await subjectOf(newer), outcome: newVerdict },
        { sha: older, subject: await subjectOf(older), outcome: newVerdict === "holds" ? "fails" : "holds" },
      );
    }
    if (range) {
      // git prints skipped candidates in no particular order: list them in history order.
      const order = new Map(range.map((commit, index) => [commit.sha, index]));
      search.candidates.sort((x, y) => (order.get(x) ?? 0) - (order.get(y) ?? 0));
    }
    const first = search.first ? { sha: search.first, subject: await subjectOf(search.first) } : undefined;
    const what = direction === "fixed" ? "fixing" : "breaking";
    const merge = first && firstParent ? await isMerge(root, first.sha) : false;
    const reasons = first
      ? [
          `${first.sha} is the first commit${firstParent ? " on the first-parent line" : ""} where the proof ${direction === "fixed" ? "holds" : "fails"}`,
          ...(merge
            ? [
                `it is a merge: the change came in from the branch it merged; --strategy binary searches that branch too`,
              ]
            : []),
        ]
      : search.candidates.length > 0
        ? [
            `only untestable commits are left; the first ${what} commit is one of: ${search.candidates.join(", ")}`,
          ]
        : [`git bisect ended without an answer: ${search.failure ?? ""}`];
    const proofFlag = proof ? ` --proof ${proof}` : "";
    const reproduce = first
      ? [
          `relay-proof run --ref ${first.sha} --no-tests${proofFlag}`,
          `relay-proof run --ref ${first.sha}^ --no-tests${proofFlag}`,
        ]
      : [];
    const verdict = first ? "found" : "cannot-test";
    const decided = search.steps.filter((step) => step.identicalTo !== undefined).length;
    const scenarioRuns = strategy === "kary" ? 2 + search.runs : search.steps.length;
    return {
      schema: resultSchema,
      kind: "bisect",
      proof: { id: definition.id, title: definition.title },
      direction,
      good: { ref: options.good, sha: good },
      bad: { ref: options.bad, sha: bad },
      first,
      candidates: search.candidates,
      steps: search.steps,
      scenarioRuns,
      shortcut:
        off === undefined
          ? { used: true, reason: `${decided} commit(s) decided by identity` }
          : { used: false, reason: off },
      strategy,
      jobs: strategy === "kary" ? jobs : 1,
      ...(firstParent ? { firstParent } : {}),
      replay: bisectReplay({
        direction,
        firstParent,
        good,
        bad,
        steps: search.steps.filter((step) => step.sha !== good && step.sha !== bad),
      }),
      verdict,
      exitCode: first ? 0 : 125,
      reasons,
      reproduce,
      proofLines: [
        proofLine("good", good),
        proofLine("bad", bad),
        proofLine("direction", direction),
        proofLine("steps", String(search.steps.length)),
        proofLine("scenario-runs", String(scenarioRuns)),
        proofLine(
          direction === "fixed" ? "first-fixed-commit" : "first-bad-commit",
          first ? first.sha : "none",
        ),
        proofLine("verdict", verdict),
      ],
      command: options.command ?? [],
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
    };
  } finally {
    await pool.remove();
  }
}

/** Both endpoints must give a verdict, and the expected one; side by side when two workers fit. */
async function verifyEndpoints(
  options: BisectOptions,
  shas: { good: string; bad: string },
  jobs: number,
  prove: (slot: number, sha: string) => Promise<ProofResult>,
): Promise<void> {
  const endpoints = [
    ["--good", options.good, shas.good, "holds"],
    ["--bad", options.bad, shas.bad, "fails"],
  ] as const;
  const check = (index: number) => {
    const [flag, ref, sha, expected] = endpoints[index] as (typeof endpoints)[number];
    options.onProgress?.(
      `verifying ${flag} ${ref} (${sha.slice(0, 12)}): expecting the proof to ${expected === "holds" ? "hold" : "fail"}`,
    );
    return prove(jobs >= 2 ? index : 0, sha);
  };
  const results = jobs >= 2 ? await settleAll([check(0), check(1)]) : [await check(0), await check(1)];
  endpoints.forEach(([flag, ref, , expected], index) => {
    const endpoint = results[index] as ProofResult;
    if (endpoint.verdict === "cannot-test") {
      throw relayProofError(
        "USAGE",
        `${flag} ${ref} cannot be tested: ${endpoint.reasons[0] ?? ""}`,
        `pick a ${flag} where relay-proof run --ref ${ref} gives a verdict`,
      );
    }
    if (endpoint.verdict !== expected) {
      throw relayProofError(
        "USAGE",
        `${flag} ${ref}: the proof ${endpoint.verdict === "holds" ? "holds" : "fails"} there`,
        `pick a ${flag} where it ${expected === "holds" ? "holds" : "fails"}`,
      );
    }
  });
}

/** Promise.all that lets every promise finish (no run outlives its worktree), then throws the first error. */
async function settleAll<T>(promises: Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((result) => result.status === "rejected");
  if (failed) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<T>).value);
}

async function karyBisect(
  options: BisectOptions,
  context: {
    direction: BisectResult["direction"];
    jobs: number;
    range: { sha: string; subject: string }[];
    prove: (slot: number, sha: string) => Promise<ProofResult>;
    older: string;
    same: Identity | undefined;
  },
): Promise<Search> {
  const { direction, jobs, range } = context;
  const progress = options.onProgress;
  progress?.(
    `k-ary bisect of the ${range.length - 1} commit(s) between the endpoints on ${jobs} worker(s): looking for the commit that ${direction} it`,
  );
  const newVerdict = direction === "fixed" ? "holds" : "fails";
  const outcome = await karySearch({
    range: range.map((commit) => commit.sha),
    jobs,
    older: context.older,
    same: context.same && (async (index) => context.same?.span(index)),
    relevant: context.same?.relevant,
    onContradiction: (sha, identicalTo) =>
      progress?.(
        `${sha.slice(0, 12)} behaves unlike ${identicalTo.slice(0, 12)} although every file its scenario loaded is identical: testing every step from here (the shortcut is off)`,
      ),
    onRound: (round, shas, untested) =>
      progress?.(
        `round ${round}: testing ${shas.map((sha) => sha.slice(0, 12)).join(", ")} (${untested} untested)`,
      ),
    test: async (sha, slot): Promise<Mark> => {
      if (options.signal?.aborted) throw relayProofError("INTERRUPTED", "bisect was interrupted");
      try {
        const result = await context.prove(slot, sha);
        progress?.(
          `${sha.slice(0, 12)} ${result.verdict}${result.verdict === "holds" ? "" : `: ${result.reasons[0] ?? ""}`}`,
        );
        if (result.verdict === "cannot-test") return "skip";
        return result.verdict === newVerdict ? "new" : "old";
      } catch (error) {
        // As a `git bisect run` step: a usage error stops the search, anything else skips the commit.
        if (isRelayProofError(error) && (usageCodes.has(error.code) || error.code === "INTERRUPTED"))
          throw error;
        progress?.(`${sha.slice(0, 12)} cannot be tested: ${(error as Error).message}`);
        return "skip";
      }
    },
  });
  if (options.signal?.aborted) throw relayProofError("INTERRUPTED", "bisect was interrupted");
  const decided = outcome.tested.length - outcome.runs;
  if (decided > 0) {
    progress?.(
      `${decided} commit(s) decided without running: every file the scenario loaded is identical to a tested commit's`,
    );
  }
  const outcomeOf = (mark: Mark): Step["outcome"] =>
    mark === "skip" ? "skipped" : (mark === "new") === (direction === "fixed") ? "holds" : "fails";
  const subjects = new Map(range.map((commit) => [commit.sha, commit.subject]));
  return {
    first: outcome.first,
    candidates: outcome.candidates,
    steps: outcome.tested.map((step) => ({
      sha: step.sha,
      subject: subjects.get(step.sha) ?? "",
      outcome: outcomeOf(step.mark),
      ...(step.identicalTo ? { identicalTo: step.identicalTo } : {}),
    })),
    runs: outcome.runs,
  };
}

/** `git bisect run` with relay-proof's bisect-step in one worktree; its state is reset afterwards. */
async function gitBisectRun(
  options: BisectOptions,
  context: {
    direction: BisectResult["direction"];
    good: string;
    bad: string;
    proof: string | undefined;
    passEnv: string[];
    worktree: Worktree;
  },
): Promise<Search> {
  const { direction, good, bad, proof, passEnv, worktree } = context;
  try {
    // fixed: old commits fail ("broken"), new ones hold ("fixed"); the step inverts exit codes to match.
    const start =
      direction === "fixed"
        ? ["bisect", "start", "--term-old=broken", "--term-new=fixed", good, bad]
        : ["bisect", "start", bad, good];
    const begun = await git(worktree.path, start);
    if (!begun.ok) throw relayProofError("INTERNAL", `git bisect start failed: ${begun.stderr}`);
    options.onProgress?.(`git bisect run: looking for the commit that ${direction} it`);
    const step = [process.execPath, binPath, "bisect-step", ...(direction === "fixed" ? ["--invert"] : [])];
    for (const [flag, value] of [
      ["--proof", proof],
      ["--module", options.module],
      ["--node", options.node],
    ] as const) {
      if (value) step.push(flag, value);
    }
    if (options.timeoutMs) step.push("--timeout", String(options.timeoutMs / 1000));
    for (const name of passEnv) step.push("--pass-env", name);
    if (options.build) step.push("--build");
    if (options.cli) step.push("--cli", resolve(options.cli));
    if (options.commandTimeoutMs) step.push("--command-timeout", String(options.commandTimeoutMs / 1000));
    // Adjacent endpoints: git bisect start already names the answer, there is nothing to run.
    const decided = parseBisectRun(begun.stdout);
    // Its own process group, killed on Ctrl-C before the worktree goes: no step outlives the run.
    const run = decided.first
      ? undefined
      : await spawnGroup("git", ["bisect", "run", ...step], {
          cwd: worktree.path,
          env: gitEnv(),
          timeoutMs: 6 * 60 * 60_000,
          signal: options.signal,
        });
    const log = await git(worktree.path, ["bisect", "log"]);
    const steps: Step[] = [];
    for (const line of log.stdout.split("\n")) {
      const match = /^# (good|bad|skip|broken|fixed): \[([0-9a-f]{40})\] (.*)$/.exec(line);
      if (!match) continue;
      const term = match[1] as string;
      const outcome = term === "skip" ? "skipped" : term === "good" || term === "fixed" ? "holds" : "fails";
      steps.push({ sha: match[2] as string, subject: match[3] ?? "", outcome });
    }
    const found = run ? parseBisectRun(run.stdout) : decided;
    return {
      ...found,
      steps,
      runs: steps.length,
      failure: run && (run.stderr || run.stdout).split("\n")[0],
    };
  } finally {
    // Plain `reset`: git 2.39 takes `--quiet` for a commit and resets nothing.
    await git(worktree.path, ["bisect", "reset"]);
  }
}

/** Bisect's shortcut as `karySearch` asks it. */
interface Identity {
  /** The commits identical to the one at `index` in every file its scenario loaded. */
  span(index: number): { from: number; to: number } | undefined;
  /** Whether the commit at `index` changed a file some tested commit's scenario loaded. */
  relevant(index: number): boolean;
}

/**
 * The shortcut over one range, from one `git log` of it. A commit whose record is missing or
 * incomplete (a process it started never reported) has no span.
 */
async function identity(input: {
  root: string;
  older: string;
  newer: string;
  range: string[];
  closures: ReadonlyMap<string, ScenarioClosure>;
  candidates: readonly string[];
}): Promise<Identity> {
  const changes = await changedPaths(input.root, input.older, input.newer);
  const closureAt = (sha: string | undefined) => {
    const recorded = sha === undefined ? undefined : input.closures.get(sha);
    return recorded?.complete
      ? closureOf(recorded, { roots: [input.root], candidates: input.candidates })
      : undefined;
  };
  const known = new Map<string, Closure>();
  return {
    span(index) {
      const sha = index === -1 ? input.older : input.range[index];
      const closure = closureAt(sha);
      if (!closure || sha === undefined) return undefined;
      known.set(sha, closure);
      return identicalSpan(input.range, changes, index, closure);
    },
    relevant(index) {
      const list = changes.get(input.range[index] as string);
      if (list === undefined || known.size === 0) return true;
      return list.some((change) => [...known.values()].some((closure) => touches(closure, change)));
    },
  };
}
