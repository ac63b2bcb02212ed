// k-ary bisection over a linear range of commits: N workers test N evenly spread commits per round,
// so a round cuts the range by N+1 instead of 2. The answer is the one git bisect gives for the same
// marks: the first "new" commit after the last "old" one, or, when only skipped commits separate
// them, all of those plus that first "new" commit as candidates. Issue 11.

/** How a tested commit behaves: like the old endpoint, like the new one, or untestable (exit 125). */
export type Mark = "old" | "new" | "skip";

export interface KarySearchOptions {
  /**
   * The commits after the old endpoint, oldest first, ending with the new endpoint (known new). A
   * linear history: each commit's parent is the one before it.
   */
  range: readonly string[];
  /** Commits tested side by side per round (at least 1). */
  jobs: number;
  /** Test one commit in worker slot `slot` (0 .. jobs-1; one commit per slot at a time). */
  test: (sha: string, slot: number) => Promise<Mark>;
  /**
   * Called before each round with the commits it tests and how many are still untested; `speculative`
   * when the round runs while the endpoints are still being verified.
   */
  onRound?: (round: number, shas: readonly string[], untested: number, speculative: boolean) => void;
  /**
   * Round 1 beside the endpoints' verification (`verified`), on `jobs` slots: it starts at once, its
   * picks spread over the whole range (nothing is known yet), but nothing it finds is marked until
   * `verified` resolves. When `verified` rejects, the round is waited for (no test outlives its
   * worktree), its results are dropped and that error is thrown.
   */
  speculative?: { verified: Promise<unknown>; jobs: number };
  /**
   * Bisect's shortcut: the commits (inclusive indices into `range`, -1 the old endpoint) known to
   * behave as the commit at `index` does, or undefined when nothing is known. Asked for both
   * endpoints first, then for every commit marked old or new. A span that contradicts a mark (an old
   * commit inside a new commit's span) turns the shortcut off and drops what it decided.
   */
  same?: (index: number) => Promise<{ from: number; to: number } | undefined>;
  /**
   * With `same`: whether the commit at `index` may behave unlike the one before it (it changed a
   * file some tested commit's scenario loaded). Picks go to such commits first: testing one decides
   * every commit up to the next such commit.
   */
  relevant?: (index: number) => boolean;
  /**
   * Where each slot's tree is when the search starts (an index into `range`; -1 the old endpoint), so
   * each pick goes to the nearest free tree: a checkout rewrites only the files that differ.
   */
  at?: readonly (number | undefined)[];
  /** The old endpoint's SHA, to name it when a commit is identical to it. */
  older?: string;
  /** Called once when the shortcut contradicted a tested commit and was turned off. */
  onContradiction?: (sha: string, identicalTo: string) => void;
}

export interface KaryOutcome {
  /** The first new commit, when no skipped commit hides the boundary. */
  first: string | undefined;
  /** The first new commit, preceded by the skipped commits just before it (oldest first). */
  candidates: string[];
  /**
   * Every commit tested, round by round, the newest first within a round: replayed in this order, the
   * last "new" mark is the lowest (git bisect keeps one bad commit: the last one marked).
   */
  tested: { sha: string; mark: Mark; round: number; identicalTo?: string }[];
  rounds: number;
  /** Commits the test ran on (the rest of `tested` were decided by `same`). */
  runs: number;
}

/** Up to `k` commits spread evenly over `untested`, cutting it into k+1 near-equal parts. */
export function pickPoints<T>(untested: readonly T[], k: number): T[] {
  const m = untested.length;
  if (m <= k) return [...untested];
  const picks: T[] = [];
  for (let j = 1; j <= k; j++) picks.push(untested[Math.floor((j * m) / (k + 1))] as T);
  return picks;
}

/**
 * The slot each pick goes to: picks in order, each to the free slot whose tree is nearest (`at`, the
 * range index each slot is at; a slot not yet used is farthest), the lowest slot on a tie.
 */
export function assignSlots(
  picks: readonly number[],
  at: readonly (number | undefined)[],
  width: number,
): number[] {
  const free = Array.from({ length: width }, (_, slot) => slot);
  const distance = (slot: number, pick: number) => {
    const where = at[slot];
    return where === undefined ? Number.POSITIVE_INFINITY : Math.abs(where - pick);
  };
  return picks.map((pick) => {
    let best = 0;
    for (let n = 1; n < free.length; n++) {
      if (distance(free[n] as number, pick) < distance(free[best] as number, pick)) best = n;
    }
    return free.splice(best, 1)[0] as number;
  });
}

/**
 * The open stretch the marks leave: `hi` the lowest new commit (the new endpoint when none), `lo` the
 * highest old commit below it (-1, the old endpoint, when none).
 */
function bounds(marks: ReadonlyMap<number, Mark>, last: number): { lo: number; hi: number } {
  let hi = last;
  for (const [i, mark] of marks) if (mark === "new") hi = Math.min(hi, i);
  let lo = -1;
  for (const [i, mark] of marks) if (mark === "old" && i < hi) lo = Math.max(lo, i);
  return { lo, hi };
}

/**
 * Search `range` for the boundary between old and new commits. Olds above the lowest new (a history
 * that flips back and forth) are ignored, so the answer is always an old (or the old endpoint)
 * followed only by skipped commits up to the first new one.
 */
export async function karySearch(options: KarySearchOptions): Promise<KaryOutcome> {
  const { range } = options;
  const last = range.length - 1;
  const jobs = Math.max(1, Math.floor(options.jobs));
  const marks = new Map<number, Mark>();
  /** Marks decided by the shortcut: the commit each is identical to. */
  const decided = new Map<number, { identicalTo: number; round: number }>();
  const tested: { index: number; mark: Mark; round: number }[] = [];
  let shortcut = options.same !== undefined;
  let rounds = 0;
  const at = [...(options.at ?? [])];
  const markOf = (i: number): Mark | undefined => (i === -1 ? "old" : i === last ? "new" : marks.get(i));
  /** Spread the mark of `i` over its span: one mark at the span's end nearest the boundary. */
  const spread = async (i: number, round: number) => {
    const mark = markOf(i);
    if (!shortcut || !options.same || (mark !== "old" && mark !== "new")) return;
    const span = await options.same(i);
    if (!span) return;
    const [lowest, highest] = [Math.max(-1, span.from), Math.min(last, span.to)];
    for (let j = lowest; j <= highest; j++) {
      const other = markOf(j);
      if (other !== undefined && other !== "skip" && other !== mark) {
        // The shortcut says j behaves as i, a test says otherwise: trust the tests, run every step.
        shortcut = false;
        options.onContradiction?.(
          range[j] ?? options.older ?? "the old endpoint",
          range[i] ?? options.older ?? "the old endpoint",
        );
        for (const index of decided.keys()) marks.delete(index);
        decided.clear();
        return;
      }
    }
    const target = mark === "new" ? lowest : highest;
    if (target === i || target === -1 || target === last || marks.has(target)) return;
    marks.set(target, mark);
    decided.set(target, { identicalTo: i, round });
  };
  let verified = options.speculative?.verified;
  // Nothing is known before the endpoints are verified: their spans are spread once they are.
  verified?.catch(() => {});
  if (!verified) {
    await spread(last, 0);
    await spread(-1, 0);
  }
  for (;;) {
    const { lo, hi } = bounds(marks, last);
    const untested: number[] = [];
    for (let i = lo + 1; i < hi; i++) if (!marks.has(i)) untested.push(i);
    if (untested.length === 0) break;
    const relevant = shortcut && options.relevant && !verified ? untested.filter(options.relevant) : [];
    const width = verified ? Math.max(1, Math.floor(options.speculative?.jobs ?? jobs)) : jobs;
    const picks = pickPoints(relevant.length > 0 ? relevant : untested, width);
    rounds += 1;
    options.onRound?.(
      rounds,
      picks.map((i) => range[i] as string),
      untested.length,
      verified !== undefined,
    );
    // Every test of the round finishes before an error is thrown: none outlives its worktree.
    const slots = assignSlots(picks, at, width);
    const settled = await Promise.allSettled(
      picks.map((i, n) => options.test(range[i] as string, slots[n] as number)),
    );
    picks.forEach((i, n) => {
      at[slots[n] as number] = i;
    });
    // A speculative round decides nothing until both endpoints are verified; their error comes first.
    const endpoints = verified && (await Promise.allSettled([verified]))[0];
    if (endpoints?.status === "rejected") throw endpoints.reason;
    const failed = settled.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
    const results = settled.map((result) => (result as PromiseFulfilledResult<Mark>).value);
    picks.forEach((i, n) => {
      marks.set(i, results[n] as Mark);
      tested.push({ index: i, mark: results[n] as Mark, round: rounds });
    });
    if (verified) {
      verified = undefined;
      await spread(last, 0);
      await spread(-1, 0);
    }
    for (const i of picks) await spread(i, rounds);
  }
  // No round ran (nothing lies between the endpoints): the answer still waits for their verdicts.
  if (verified) await verified;
  const { lo, hi } = bounds(marks, last);
  const candidates = range.slice(lo + 1, hi + 1) as string[];
  // Round by round, the newest first within a round: replayed in this order, the last "new" mark is
  // the lowest (git bisect keeps one bad commit: the last one marked).
  const steps = [
    ...tested.map((step) => ({ ...step, identicalTo: undefined as number | undefined })),
    ...[...decided].map(([index, { identicalTo, round }]) => ({
      index,
      mark: marks.get(index) as Mark,
      round,
      identicalTo,
    })),
  ].sort((x, y) => x.round - y.round || y.index - x.index);
  return {
    first: candidates.length === 1 ? candidates[0] : undefined,
    candidates,
    tested: steps.map((step) => ({
      sha: range[step.index] as string,
      mark: step.mark,
      round: step.round,
      ...(step.identicalTo === undefined
        ? {}
        : {
            identicalTo:
              step.identicalTo === -1 ? (options.older ?? "") : (range[step.identicalTo] as string),
          }),
    })),
    rounds,
    runs: tested.length,
  };
}
