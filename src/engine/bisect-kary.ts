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
  /** Called before each round with the commits it tests and how many are still untested. */
  onRound?: (round: number, shas: readonly string[], untested: number) => void;
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
  tested: { sha: string; mark: Mark; round: number }[];
  rounds: number;
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
 * Search `range` for the boundary between old and new commits. Olds above the lowest new (a history
 * that flips back and forth) are ignored, so the answer is always an old (or the old endpoint)
 * followed only by skipped commits up to the first new one.
 */
export async function karySearch(options: KarySearchOptions): Promise<KaryOutcome> {
  const { range } = options;
  const jobs = Math.max(1, Math.floor(options.jobs));
  const marks = new Map<number, Mark>();
  const tested: KaryOutcome["tested"] = [];
  let lo = -1;
  let hi = range.length - 1;
  let rounds = 0;
  for (;;) {
    const untested: number[] = [];
    for (let i = lo + 1; i < hi; i++) if (!marks.has(i)) untested.push(i);
    if (untested.length === 0) break;
    const picks = pickPoints(untested, jobs);
    rounds += 1;
    options.onRound?.(
      rounds,
      picks.map((i) => range[i] as string),
      untested.length,
    );
    // Every test of the round finishes before an error is thrown: none outlives its worktree.
    const settled = await Promise.allSettled(picks.map((i, slot) => options.test(range[i] as string, slot)));
    const failed = settled.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
    const results = settled.map((result) => (result as PromiseFulfilledResult<Mark>).value);
    for (let n = picks.length - 1; n >= 0; n--) {
      const i = picks[n] as number;
      const mark = results[n] as Mark;
      marks.set(i, mark);
      tested.push({ sha: range[i] as string, mark, round: rounds });
      if (mark === "new") hi = Math.min(hi, i);
    }
    lo = -1;
    for (const [i, mark] of marks) if (mark === "old" && i < hi) lo = Math.max(lo, i);
  }
  const candidates = range.slice(lo + 1, hi + 1) as string[];
  return {
    first: candidates.length === 1 ? candidates[0] : undefined,
    candidates,
    tested,
    rounds,
  };
}
