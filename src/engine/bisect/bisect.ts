// `relay-proof bisect`: verify the endpoints, then search the range between them k-ary (with the
// shortcut) or with git bisect run, in temporary worktrees, and return the first commit as data.

import { availableParallelism } from "node:os";
import { linkInstalledModules } from "../../checkout/dependencies.ts";
import { git } from "../../checkout/git.ts";
import { openTarget } from "../../checkout/open-target.ts";
import { resolveRef, worktreePool } from "../../checkout/worktree.ts";
import { relayProofError } from "../../errors.ts";
import { parallelSlots, scenarioMiB } from "../../process/limits.ts";
import { checkPassEnv } from "../../process/target-env.ts";
import type { BisectResult, ProofResult } from "../../result/types.ts";
import { allProofs, loadDefinition } from "../../scenario/load-definition.ts";
import type { ScenarioClosure } from "../run-options.ts";
import { runProof } from "../run-proof.ts";
import { assembleBisectResult } from "./bisect-result.ts";
import { verifyEndpoints } from "./endpoints.ts";
import { identity, shortcutOff } from "./identity.ts";
import type { BisectOptions } from "./options.ts";
import { isAncestor, isMerge, searchRange } from "./range.ts";
import { gitBisectRun } from "./search-git.ts";
import { karyBisect } from "./search-kary.ts";

export type { BisectOptions, BisectStrategy } from "./options.ts";
export { linearRange } from "./range.ts";
export { parseBisectRun } from "./search-git.ts";

/** The worker slots the endpoint checks take: both side by side with two workers, else one. */
function endpointSlots(jobs: number): number {
  return jobs >= 2 ? 2 : 1;
}

/** `work`'s value; when it fails, `running` is waited for first (no run outlives its worktree). */
async function settledWith<T>(
  running: Promise<unknown>,
  work: Promise<T> | undefined,
): Promise<T | undefined> {
  try {
    return await work;
  } catch (error) {
    await running.catch(() => {});
    throw error;
  }
}

/**
 * How many commits round 1 tests beside the endpoint checks (0: it waits for them). `speculate: true`
 * always runs it, on `jobs` slots; by default it runs only on cores the endpoint checks leave idle
 * (the scenario is CPU-bound: on a 2-core machine, a round beside them only slows both down), and
 * when the memory fits them all.
 */
function speculativeJobs(options: BisectOptions, jobs: number): number {
  if (options.speculate === false) return 0;
  if (options.speculate === true) return jobs;
  const spare = Math.min(jobs, availableParallelism() - endpointSlots(jobs));
  if (spare < 1) return 0;
  const together = spare + endpointSlots(jobs);
  return parallelSlots({ perSlotMiB: scenarioMiB, cores: together }) >= together ? spare : 0;
}

/**
 * Find the first commit that fixed (or broke) the proof between --good and --bad, with the scenario
 * only, in temporary worktrees: the user's HEAD and bisect state are never touched. Both endpoints are
 * verified first. The default k-ary search tests N commits per round on N reused worktrees; `binary`
 * drives `git bisect run`. Both give the same answer on a linear history; over a range with merges
 * the k-ary search follows the first-parent line. Commits whose loaded files are identical to a
 * tested commit's are decided without running (the shortcut, identity.ts).
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
  // Aborted when an endpoint fails its verification: a speculative round's runs stop at once.
  const speculation = new AbortController();
  const prove = async (slot: number, sha: string, signal = options.signal): Promise<ProofResult> => {
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
      buildMode: options.buildMode,
      cli: options.cli,
      commandTimeoutMs: options.commandTimeoutMs,
      tests: false,
      signal,
    });
  };
  try {
    const { range, strategy, firstParent } = await searchRange(
      root,
      { older, newer },
      options.strategy ?? "kary",
      progress,
    );
    const subjects = new Map(range?.map((commit) => [commit.sha, commit.subject]));
    const subjectOf = async (sha: string) =>
      subjects.get(sha) ?? (await git(root, ["log", "-1", "--format=%s", sha])).stdout;
    const off = shortcutOff(options, strategy);
    const candidates = [...definition.module.candidates, ...(options.module ? [options.module] : [])];
    // k-ary round 1 runs beside the endpoint checks (on slots of its own) when the memory allows.
    const speculative = strategy === "kary" && range !== undefined ? speculativeJobs(options, jobs) : 0;
    const speculate = speculative > 0;
    const verifying = verifyEndpoints(options, { good, bad }, jobs, prove);
    // Its error is thrown where it is awaited below; until then it must not count as unhandled.
    verifying.catch(() => {});
    // The shortcut's git log runs beside the checks; it reads the closures only once they are verified.
    const same = await settledWith(
      verifying,
      off === undefined && range
        ? identity({ root, older, newer, range: range.map((c) => c.sha), closures, candidates })
        : undefined,
    );
    if (!speculate) await verifying;
    const verified = speculate
      ? verifying.catch((error: unknown) => {
          speculation.abort();
          throw error;
        })
      : undefined;
    const searchSignal = options.signal
      ? AbortSignal.any([options.signal, speculation.signal])
      : speculation.signal;
    // Where the endpoint checks left their trees (range indices; -1 the older end).
    const [goodAt, badAt] =
      direction === "fixed" ? [(range?.length ?? 0) - 1, -1] : [-1, (range?.length ?? 0) - 1];
    const endpointTrees = jobs >= 2 ? [goodAt, badAt] : [badAt];
    // The search's slots: a speculative round's trees of its own first, then the endpoints' trees.
    const poolSlot = (slot: number) =>
      slot < speculative ? endpointTrees.length + slot : slot - speculative;
    const at = Array.from({ length: jobs }, (_, slot) =>
      slot < speculative ? undefined : endpointTrees[slot - speculative],
    );
    const search =
      strategy === "kary" && range
        ? await karyBisect(options, {
            direction,
            jobs,
            range,
            prove: (slot, sha) => prove(poolSlot(slot), sha, searchSignal),
            older,
            same,
            speculative: verified && { verified, jobs: speculative },
            at,
          })
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
    const merge = first && firstParent ? await isMerge(root, first.sha) : false;
    return assembleBisectResult({
      options,
      proof: { id: definition.id, title: definition.title, spec: proof },
      endpoints: { good, bad, direction },
      search,
      first,
      how: { strategy, jobs, firstParent, merge, shortcutOff: off },
      started,
    });
  } finally {
    await pool.remove();
  }
}
