// npm run bench: relay-proof next to the hand-written way, measured side by side in one run on the
// same fixture repo. Prints a table of medians and ratios and writes .bench/results.json. Timings
// are reported, never asserted.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createFixHistory } from "../fixtures/build-fixture-history.ts";
import { createFixtureRepo, type Variant } from "../fixtures/build-fixture-repo.ts";
import { mutants } from "../fixtures/mutants.ts";

const projectRoot = fileURLToPath(new URL("..", import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 5);
const bin = join(projectRoot, "bin", "relay-proof.js");
const hasTime = existsSync("/usr/bin/time");

interface Sample {
  wallMs: number;
  rssKb: number | undefined;
  exitCode: number | null;
}

function measure(command: string[], cwd: string): Sample {
  const started = performance.now();
  const args = hasTime ? ["-f", "%M", ...command] : command.slice(1);
  const result = spawnSync(hasTime ? "/usr/bin/time" : (command[0] as string), args, {
    cwd,
    encoding: "utf8",
  });
  const wallMs = performance.now() - started;
  const rss = hasTime ? Number(result.stderr.trim().split("\n").at(-1)) : Number.NaN;
  return { wallMs, rssKb: Number.isFinite(rss) ? rss : undefined, exitCode: result.status };
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

interface Row {
  name: string;
  tool: Sample[];
  baseline: Sample[];
  goal: number | undefined;
}

/** Alternate tool and baseline runs so drift hits both alike; one warm-up each first. */
function compare(name: string, tool: string[], baseline: string[], cwd: string, goal?: number): Row {
  measure(tool, cwd);
  measure(baseline, cwd);
  const row: Row = { name, tool: [], baseline: [], goal };
  for (let i = 0; i < runs; i++) {
    row.tool.push(measure(tool, cwd));
    row.baseline.push(measure(baseline, cwd));
  }
  return row;
}

/** Run the proof on every broken fixture relay; each must fail with the line naming its defect. */
function mutationFigures() {
  const missed: string[] = [];
  for (const [variant, defect] of Object.entries(mutants)) {
    const mutant = createFixtureRepo({ variant: variant as Variant });
    try {
      const run = spawnSync(process.execPath, [bin, "run", "--no-tests", "--quiet"], {
        cwd: mutant.root,
        encoding: "utf8",
      });
      const named = run.stdout
        .split("\n")
        .some((line) => line.startsWith(`[proof] ${defect.key}=`) && line.includes(String(defect.value)));
      if (run.status !== 1 || !named) missed.push(variant);
    } finally {
      mutant.remove();
    }
  }
  const total = Object.keys(mutants).length;
  return { total, caught: total - missed.length, missed };
}

/** compare's cost over a single run, and bisect's steps and time, on the fixture history. */
function historyFigures() {
  const history = createFixHistory();
  try {
    const node = process.execPath;
    const base = history.commits["relay: stable ids and a bridge (v1, the bug)"] as string;
    const single = median(
      Array.from(
        { length: runs },
        () => measure([node, bin, "run", "--no-tests", "--quiet"], history.repo.root).wallMs,
      ),
    );
    const compare = median(
      Array.from(
        { length: runs },
        () =>
          measure([node, bin, "compare", "--base", base, "--no-tests", "--quiet"], history.repo.root).wallMs,
      ),
    );
    const started = performance.now();
    const bisect = spawnSync(
      node,
      [
        bin,
        "bisect",
        "--good",
        "HEAD",
        "--bad",
        history.commits["relay: first version (v0)"] as string,
        "--format",
        "json",
        "--quiet",
      ],
      {
        cwd: history.repo.root,
        encoding: "utf8",
      },
    );
    const bisectMs = performance.now() - started;
    const steps = (JSON.parse(bisect.stdout) as { steps: unknown[] }).steps.length;
    return {
      commits: history.order.length,
      singleMs: Math.round(single),
      compareMs: Math.round(compare),
      bisectSteps: steps,
      bisectMs: Math.round(bisectMs),
    };
  } finally {
    history.repo.remove();
  }
}

const repo = createFixtureRepo({ variant: "v2-correct" });
try {
  const node = process.execPath;
  const vitest = join(repo.root, "node_modules", "vitest", "vitest.mjs");
  const files = [
    "src/agents/harness/native-hook-relay.test.ts",
    "src/cli/native-hook-relay-cli.test.ts",
    "src/gateway/server-methods/native-hook-relay.test.ts",
    "extensions/codex/src/app-server/native-hook-relay.test.ts",
    "extensions/codex/src/app-server/approval-bridge.test.ts",
  ];
  const owning = [
    ["test/vitest/vitest.agents.config.ts", files[0]],
    ["test/vitest/vitest.cli.config.ts", files[1]],
    ["test/vitest/vitest.gateway.config.ts", files[2]],
    ["test/vitest/vitest.extension-codex.config.ts", `${files[3]} ${files[4]}`],
  ]
    .map(([config, targets]) => `${node} ${vitest} run --config ${config} ${targets}`)
    .join(" && ");
  const handScenario = [node, "--import", "tsx", join(projectRoot, "scripts", "bench", "hand-proof.ts")];
  const rows = [
    compare(
      "scenario: relay-proof run --no-tests vs hand-written tsx script",
      [node, bin, "run", "--no-tests", "--quiet"],
      handScenario,
      repo.root,
      1.1,
    ),
    compare(
      "focused tests: relay-proof shards vs owning configs by hand",
      [node, join(projectRoot, "scripts", "bench", "tests-stage.mjs"), repo.root, "2"],
      ["/bin/sh", "-c", owning],
      repo.root,
      1.1,
    ),
    compare(
      "focused tests: relay-proof shards vs raw root config",
      [node, join(projectRoot, "scripts", "bench", "tests-stage.mjs"), repo.root, "2"],
      [node, vitest, "run", ...files],
      repo.root,
    ),
    compare(
      "whole proof: relay-proof run vs hand script + owning configs",
      [node, bin, "run", "--quiet", "--shards", "2"],
      ["/bin/sh", "-c", `${handScenario.join(" ")} && ${owning}`],
      repo.root,
    ),
  ];
  const table = rows.map((row) => {
    const tool = median(row.tool.map((s) => s.wallMs));
    const baseline = median(row.baseline.map((s) => s.wallMs));
    const toolRss = Math.max(...row.tool.map((s) => s.rssKb ?? 0));
    const baseRss = Math.max(...row.baseline.map((s) => s.rssKb ?? 0));
    return {
      name: row.name,
      toolMs: Math.round(tool),
      baselineMs: Math.round(baseline),
      ratio: Number((tool / baseline).toFixed(2)),
      goal: row.goal,
      toolPeakRssMb: hasTime ? Math.round(toolRss / 1024) : undefined,
      baselinePeakRssMb: hasTime ? Math.round(baseRss / 1024) : undefined,
      memoryRatio: hasTime && baseRss ? Number((toolRss / baseRss).toFixed(2)) : undefined,
      exitCodes: [...new Set([...row.tool, ...row.baseline].map((s) => s.exitCode))],
    };
  });
  console.log(`relay-proof bench: ${runs} runs each, medians, fixture ${repo.root}, Node ${process.version}`);
  console.log(
    "| comparison | relay-proof | baseline | ratio | goal | peak RSS relay-proof | peak RSS baseline |",
  );
  console.log("|---|---|---|---|---|---|---|");
  for (const row of table) {
    const goal = row.goal ? `<= ${row.goal} ${row.ratio <= row.goal ? "met" : "MISSED"}` : "-";
    const rss = (mb: number | undefined) => (mb === undefined ? "n/a" : `${mb} MB`);
    console.log(
      `| ${row.name} | ${(row.toolMs / 1000).toFixed(2)} s | ${(row.baselineMs / 1000).toFixed(2)} s | ${row.ratio} | ${goal} | ${rss(row.toolPeakRssMb)} | ${rss(row.baselinePeakRssMb)} |`,
    );
  }
  const caught = mutationFigures();
  console.log(
    `mutation check: ${caught.caught}/${caught.total} broken fixture relays caught (${caught.missed.join(", ") || "none missed"})`,
  );
  const history = historyFigures();
  console.log(
    `compare on the fixture history (V1 base in a worktree, head in place): ${(history.compareMs / 1000).toFixed(2)} s; ` +
      `a single run: ${(history.singleMs / 1000).toFixed(2)} s; the second head adds ${((history.compareMs - history.singleMs) / 1000).toFixed(2)} s`,
  );
  console.log(
    `bisect on the fixture history (${history.commits} commits): ${history.bisectSteps} steps, ${(history.bisectMs / 1000).toFixed(2)} s`,
  );
  mkdirSync(join(projectRoot, ".bench"), { recursive: true });
  writeFileSync(
    join(projectRoot, ".bench", "results.json"),
    `${JSON.stringify({ runs, node: process.version, rows: table, history, mutation: caught }, null, 2)}\n`,
  );
  console.log("wrote .bench/results.json");
} finally {
  repo.remove();
}
