// bisect three ways over one long range: closure-aware k-ary (the default: commits whose loaded files
// are identical to a tested commit's are decided without running), k-ary with --no-shortcut, and
// binary (`git bisect run`, one step at a time: the old behaviour). Fixture mode: 600 commits, the
// fix at commit 397, four commits that cannot load. Real-checkout mode: a range the caller names.
// Same first commit expected; wall times and scenario runs compared.
import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { createLongHistory } from "../../fixtures/build-long-history.ts";
import { median } from "./measure.ts";

interface BisectRun {
  wallMs: number;
  first: string | undefined;
  steps: number;
  scenarioRuns: number;
  jobs: number;
  exitCode: number | null;
}

function bisect(bin: string, root: string, good: string, bad: string, extra: string[]): BisectRun {
  const started = performance.now();
  const run = spawnSync(
    process.execPath,
    [bin, "bisect", "--good", good, "--bad", bad, "--format", "json", "--quiet", ...extra],
    { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  const wallMs = performance.now() - started;
  try {
    const result = JSON.parse(run.stdout) as {
      first?: { sha: string };
      steps: unknown[];
      scenarioRuns?: number;
      jobs: number;
    };
    return {
      wallMs,
      first: result.first?.sha,
      steps: result.steps.length,
      scenarioRuns: result.scenarioRuns ?? result.steps.length,
      jobs: result.jobs,
      exitCode: run.status,
    };
  } catch {
    return { wallMs, first: undefined, steps: 0, scenarioRuns: 0, jobs: 0, exitCode: run.status };
  }
}

/** One way of bisecting, over the runs: median wall, the last run's counts, and whether all agreed. */
export interface BisectWay {
  wallMs: number;
  steps: number;
  scenarioRuns: number;
  jobs: number;
  first: string | undefined;
  sameFirst: boolean;
}

export interface LongBisectFigures {
  label: string;
  commits: number;
  cores: number;
  expected: string | undefined;
  closure: BisectWay;
  kary: BisectWay;
  binary: BisectWay;
  /** closure-aware / binary, and k-ary without the shortcut / binary. */
  ratio: number;
  karyRatio: number;
  /** Fixture goal: closure-aware / binary at most this; real goal: closure-aware at most `goalMs`. */
  goal: number | undefined;
  goalMs: number | undefined;
}

const ways = {
  closure: [] as string[],
  kary: ["--no-shortcut"],
  binary: ["--strategy", "binary", "--jobs", "1"],
};

/** Bisect `good`..`bad` in `root` each way `runs` times, interleaved. */
export function bisectFigures(input: {
  bin: string;
  root: string;
  good: string;
  bad: string;
  /** The first commit it must find (fixture mode); real mode expects the three to agree. */
  expected?: string;
  commits: number;
  label: string;
  runs: number;
  goal?: number;
  goalMs?: number;
}): LongBisectFigures {
  const results: Record<keyof typeof ways, BisectRun[]> = { closure: [], kary: [], binary: [] };
  for (let i = 0; i < input.runs; i++) {
    for (const [way, extra] of Object.entries(ways) as [keyof typeof ways, string[]][]) {
      results[way].push(bisect(input.bin, input.root, input.good, input.bad, extra));
    }
  }
  const expected = input.expected ?? results.binary.at(-1)?.first;
  const summary = (list: BisectRun[]): BisectWay => {
    const last = list.at(-1) as BisectRun;
    return {
      wallMs: Math.round(median(list.map((run) => run.wallMs))),
      steps: last.steps,
      scenarioRuns: last.scenarioRuns,
      jobs: last.jobs,
      first: last.first,
      sameFirst: expected !== undefined && list.every((run) => run.first === expected),
    };
  };
  const closure = summary(results.closure);
  const kary = summary(results.kary);
  const binary = summary(results.binary);
  return {
    label: input.label,
    commits: input.commits,
    cores: availableParallelism(),
    expected,
    closure,
    kary,
    binary,
    ratio: Number((closure.wallMs / binary.wallMs).toFixed(2)),
    karyRatio: Number((kary.wallMs / binary.wallMs).toFixed(2)),
    goal: input.goal,
    goalMs: input.goalMs,
  };
}

export function longBisectFigures(bin: string, runs: number): LongBisectFigures {
  const history = createLongHistory({ length: 600, boundary: 397, unloadable: [150, 151, 300, 398] });
  try {
    return bisectFigures({
      bin,
      root: history.repo.root,
      good: history.good,
      bad: history.bad,
      expected: history.boundary,
      commits: history.order.length,
      label: "a long fixture history (4 unloadable commits)",
      runs,
      goal: 0.2,
    });
  } finally {
    history.repo.remove();
  }
}

function goalText(figures: LongBisectFigures): string {
  if (figures.goalMs !== undefined) {
    const met = figures.closure.wallMs <= figures.goalMs;
    return ` (goal: closure-aware <= ${figures.goalMs / 1000} s ${met ? "met" : "MISSED"})`;
  }
  if (figures.goal !== undefined)
    return ` (goal <= ${figures.goal} ${figures.ratio <= figures.goal ? "met" : "MISSED"})`;
  return "";
}

export function printLongBisect(figures: LongBisectFigures): void {
  const { closure, kary, binary } = figures;
  const way = (name: string, figures: BisectWay) =>
    `${name} ${(figures.wallMs / 1000).toFixed(2)} s (${figures.scenarioRuns} scenario runs, ${figures.steps} steps)`;
  const same = closure.sameFirst && kary.sameFirst && binary.sameFirst;
  console.log(
    `\nbisect over ${figures.label}, ${figures.commits} commits, ${figures.cores} cores: ` +
      `${way(`closure-aware k-ary on ${closure.jobs} workers`, closure)}; ${way("k-ary --no-shortcut", kary)}; ` +
      `${way("binary git bisect run", binary)}. closure-aware / binary ${figures.ratio}${goalText(figures)}, ` +
      `k-ary / binary ${figures.karyRatio}; same first commit: ` +
      `${same ? `yes (${figures.expected?.slice(0, 12)})` : `NO (closure ${closure.first}, k-ary ${kary.first}, binary ${binary.first}, expected ${figures.expected})`}`,
  );
}
