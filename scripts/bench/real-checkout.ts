// npm run bench -- --repo PATH: the figures of issues 11 and 9 on a real checkout, side by side in one
// run: compare parallel vs --sequential, the scenario vs hand-written scripts, and the overhead timeline
// (the hook command path per --build-mode is scripts/bench/command-path.ts).
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { type Command, figures, type RowFigures, sideBySide } from "./measure.ts";
import { overheadTimeline, type Phase, printTimeline } from "./overhead.ts";

interface RunJson {
  verdict: string;
  toolchain: { nodePath?: string; node?: string };
  target: { head: string };
  cli?: {
    entry?: string;
    state: string;
    detail: string;
    build?: { ok: boolean; tree: string; cached: boolean };
  };
  scenario: { checks: { key: string; status: string; value: string }[] };
}

function runJson(bin: string, repo: string, extra: string[]): RunJson | undefined {
  const run = spawnSync(
    process.execPath,
    [bin, "run", "--repo", repo, "--format", "json", "--quiet", ...extra],
    {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  try {
    return JSON.parse(run.stdout) as RunJson;
  } catch {
    console.log(
      `relay-proof run ${extra.join(" ")} gave no JSON (exit ${run.status}): ${run.stderr.trim().split("\n").at(-1)}`,
    );
    return undefined;
  }
}

export interface RealFigures {
  repo: string;
  head: string | undefined;
  node: string | undefined;
  rows: RowFigures[];
  timeline: Phase[];
}

export function realCheckoutFigures(options: {
  projectRoot: string;
  bin: string;
  repo: string;
  base: string;
  runs: number;
}): RealFigures {
  const { bin, runs } = options;
  const repo = resolve(options.repo);
  const probe = runJson(bin, repo, ["--no-tests"]);
  const node = process.execPath;
  // The hand scripts run on the Node relay-proof picked for this checkout (engines), with its own tsx.
  const targetNode = probe?.toolchain.nodePath ?? node;
  const hand = [
    targetNode,
    "--import",
    "tsx",
    join(options.projectRoot, "scripts", "bench", "hand-proof.ts"),
  ];
  const at = (argv: string[]): Command => ({ argv, cwd: repo });
  const compare = [node, bin, "compare", "--repo", repo, "--base", options.base, "--no-tests", "--quiet"];
  const relayTest = "src/agents/harness/native-hook-relay.test.ts";
  const rows = [
    sideBySide(
      `compare --base ${options.base} --no-tests: base and head side by side vs --sequential`,
      at(compare),
      at([...compare, "--sequential"]),
      runs,
      0.65,
    ),
    sideBySide(
      "coverage: run --no-tests --coverage vs run --no-tests",
      at([node, bin, "run", "--repo", repo, "--no-tests", "--quiet", "--coverage"]),
      at([node, bin, "run", "--repo", repo, "--no-tests", "--quiet"]),
      runs,
      1.3,
    ),
    sideBySide(
      "coverage: run --coverage vs run (the relay module's own test file)",
      at([node, bin, "run", "--repo", repo, "--quiet", "--coverage", "--tests", relayTest]),
      at([node, bin, "run", "--repo", repo, "--quiet", "--tests", relayTest]),
      runs,
    ),
    sideBySide(
      "proof family: run --proof all --no-tests (every proof, one child) vs run --no-tests (the default proof)",
      at([node, bin, "run", "--repo", repo, "--no-tests", "--quiet", "--proof", "all"]),
      at([node, bin, "run", "--repo", repo, "--no-tests", "--quiet"]),
      runs,
      1.3,
    ),
    sideBySide(
      "scenario: relay-proof run --no-tests vs PR-style script (two instances, direct path only)",
      at([node, bin, "run", "--repo", repo, "--no-tests", "--quiet"]),
      at([...hand, "--direct-only"]),
      runs,
      1.05,
    ),
    sideBySide(
      "scenario: relay-proof run --no-tests vs hand-written script doing the same paths (direct, bridge, command)",
      at([node, bin, "run", "--repo", repo, "--no-tests", "--quiet"]),
      at(hand),
      runs,
      1.1,
    ),
    sideBySide(
      "scenario: relay-proof run --no-tests vs hand-written script with B a whole second copy of the graph (tsx's tsImport), same paths",
      at([node, bin, "run", "--repo", repo, "--no-tests", "--quiet"]),
      at([...hand, "--whole-graph"]),
      runs,
    ),
  ].map(figures);
  const timeline = overheadTimeline(at([node, bin, "run", "--repo", repo, "--no-tests", "--quiet"]), runs);
  return { repo, head: probe?.target.head, node: probe?.toolchain.node, rows, timeline };
}

export function printRealTimeline(timeline: Phase[]): void {
  printTimeline("where a run --no-tests spends its time on this checkout (medians):", timeline);
}
