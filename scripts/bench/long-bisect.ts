// bisect k-ary (N workers, the default) against binary (`git bisect run`, one step at a time: the old
// behaviour) on a long fixture history: 600 commits, the fix at commit 397, four commits that cannot
// load (two far from the fix, one just after it). Same first commit expected; wall times compared.
import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { createLongHistory } from "../../fixtures/build-long-history.ts";
import { median } from "./measure.ts";

interface BisectRun {
  wallMs: number;
  first: string | undefined;
  steps: number;
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
    const result = JSON.parse(run.stdout) as { first?: { sha: string }; steps: unknown[]; jobs: number };
    return {
      wallMs,
      first: result.first?.sha,
      steps: result.steps.length,
      jobs: result.jobs,
      exitCode: run.status,
    };
  } catch {
    return { wallMs, first: undefined, steps: 0, jobs: 0, exitCode: run.status };
  }
}

export interface LongBisectFigures {
  commits: number;
  cores: number;
  expected: string;
  kary: { wallMs: number; steps: number; jobs: number; first: string | undefined; sameFirst: boolean };
  binary: { wallMs: number; steps: number; first: string | undefined; sameFirst: boolean };
  ratio: number;
  goal: number;
}

export function longBisectFigures(bin: string, runs: number): LongBisectFigures {
  const history = createLongHistory({ length: 600, boundary: 397, unloadable: [150, 151, 300, 398] });
  try {
    const kary: BisectRun[] = [];
    const binary: BisectRun[] = [];
    for (let i = 0; i < runs; i++) {
      kary.push(bisect(bin, history.repo.root, history.good, history.bad, []));
      binary.push(
        bisect(bin, history.repo.root, history.good, history.bad, ["--strategy", "binary", "--jobs", "1"]),
      );
    }
    const karyMs = median(kary.map((run) => run.wallMs));
    const binaryMs = median(binary.map((run) => run.wallMs));
    const last = (list: BisectRun[]) => list.at(-1) as BisectRun;
    return {
      commits: history.order.length,
      cores: availableParallelism(),
      expected: history.boundary,
      kary: {
        wallMs: Math.round(karyMs),
        steps: last(kary).steps,
        jobs: last(kary).jobs,
        first: last(kary).first,
        sameFirst: kary.every((run) => run.first === history.boundary),
      },
      binary: {
        wallMs: Math.round(binaryMs),
        steps: last(binary).steps,
        first: last(binary).first,
        sameFirst: binary.every((run) => run.first === history.boundary),
      },
      ratio: Number((karyMs / binaryMs).toFixed(2)),
      goal: 0.7,
    };
  } finally {
    history.repo.remove();
  }
}

export function printLongBisect(figures: LongBisectFigures): void {
  const { kary, binary } = figures;
  console.log(
    `\nbisect on a long fixture history (${figures.commits} commits, 4 unloadable): k-ary on ${kary.jobs} workers ` +
      `${(kary.wallMs / 1000).toFixed(2)} s (${kary.steps} steps incl. the 2 endpoints) vs binary git bisect run ` +
      `${(binary.wallMs / 1000).toFixed(2)} s (${binary.steps} steps): ratio ${figures.ratio}, goal <= ${figures.goal} ` +
      `${figures.ratio <= figures.goal ? "met" : "MISSED"}; same first commit: ` +
      `${kary.sameFirst && binary.sameFirst ? `yes (${figures.expected.slice(0, 12)})` : `NO (k-ary ${kary.first}, binary ${binary.first}, expected ${figures.expected})`}`,
  );
}
