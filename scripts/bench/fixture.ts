// npm run bench (fixture mode): relay-proof next to the hand-written way on relay-proof's own fixture
// repo and histories, side by side in one run.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { createDemoHistory, createFixHistory } from "../../fixtures/build-fixture-history.ts";
import { createFixtureRepo, type Variant } from "../../fixtures/build-fixture-repo.ts";
import { mutants } from "../../fixtures/mutants.ts";
import { figures, measure, median, type RowFigures, sideBySide } from "./measure.ts";

/** Run the proof on every broken fixture relay; each must fail with the line naming its defect. */
export function mutationFigures(bin: string) {
  const missed: string[] = [];
  for (const [variant, defect] of Object.entries(mutants)) {
    const mutant = createFixtureRepo({ variant: variant as Variant });
    try {
      const proof = defect.proof ? ["--proof", defect.proof] : [];
      const run = spawnSync(process.execPath, [bin, "run", "--no-tests", "--quiet", ...proof], {
        cwd: mutant.root,
        encoding: "utf8",
      });
      const prefix = `[proof] ${defect.key}=`;
      const named = run.stdout.split("\n").some((line) => {
        if (!line.startsWith(prefix)) return false;
        const value = line.slice(prefix.length);
        return typeof defect.value === "string" ? value === defect.value : defect.value.test(value);
      });
      if (run.status !== 1 || !named) missed.push(variant);
    } finally {
      mutant.remove();
    }
  }
  const total = Object.keys(mutants).length;
  return { total, caught: total - missed.length, missed };
}

/** compare's cost over a single run, and bisect's steps and time, on the fixture history. */
export function historyFigures(bin: string, runs: number) {
  const history = createFixHistory();
  try {
    const node = process.execPath;
    const cwd = history.repo.root;
    const base = history.commits["relay: stable ids and a bridge (v1, the bug)"] as string;
    const single = median(
      Array.from(
        { length: runs },
        () => measure({ argv: [node, bin, "run", "--no-tests", "--quiet"], cwd }).wallMs,
      ),
    );
    const compare = median(
      Array.from(
        { length: runs },
        () => measure({ argv: [node, bin, "compare", "--base", base, "--no-tests", "--quiet"], cwd }).wallMs,
      ),
    );
    const started = performance.now();
    const bad = history.commits["relay: first version (v0)"] as string;
    const bisect = spawnSync(
      node,
      [bin, "bisect", "--good", "HEAD", "--bad", bad, "--format", "json", "--quiet"],
      {
        cwd,
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

/**
 * compare on the demo history: base and head side by side vs --sequential; with `headRef`, a head
 * that is not checked out, so both sides make a worktree.
 */
function compareSideBySide(
  bin: string,
  demo: ReturnType<typeof createDemoHistory>,
  runs: number,
  headRef?: string,
) {
  const base = demo.commits["relay: stable ids and a bridge (v1, the bug)"] as string;
  const head = headRef ? ["--head", headRef] : [];
  const compare = [process.execPath, bin, "compare", "--base", base, ...head, "--no-tests", "--quiet"];
  return sideBySide(
    `compare --no-tests on the demo history${headRef ? " (the head in a worktree too)" : ""}: base and head side by side vs --sequential`,
    { argv: compare, cwd: demo.repo.root },
    { argv: [...compare, "--sequential"], cwd: demo.repo.root },
    runs,
    0.65,
  );
}

/** The compare row alone (`npm run bench -- --compare-only`). */
export function compareRow(bin: string, runs: number): RowFigures[] {
  const demo = createDemoHistory({ vitest: false });
  try {
    const fix = demo.commits["relay: generations (the fix)"] as string;
    return [figures(compareSideBySide(bin, demo, runs)), figures(compareSideBySide(bin, demo, runs, fix))];
  } finally {
    demo.repo.remove();
  }
}

/** The side-by-side rows on the fixture repo (scenario, tests, whole proof) and the demo history (compare). */
export function fixtureRows(projectRoot: string, bin: string, runs: number): RowFigures[] {
  const repo = createFixtureRepo({ variant: "v2-correct" });
  const demo = createDemoHistory({ vitest: false });
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
    const testsStage = [node, join(projectRoot, "scripts", "bench", "tests-stage.mjs"), repo.root, "2"];
    const at = (argv: string[]) => ({ argv, cwd: repo.root });
    const rows = [
      sideBySide(
        "scenario: relay-proof run --no-tests vs hand-written tsx script (same paths)",
        at([node, bin, "run", "--no-tests", "--quiet"]),
        at(handScenario),
        runs,
        1.1,
      ),
      sideBySide(
        "proof family: run --proof all --no-tests vs run --no-tests (on a fixture the import is cheap, so this is the family's own cost)",
        at([node, bin, "run", "--no-tests", "--quiet", "--proof", "all"]),
        at([node, bin, "run", "--no-tests", "--quiet"]),
        runs,
      ),
      sideBySide(
        "focused tests: relay-proof shards vs owning configs by hand",
        at(testsStage),
        at(["/bin/sh", "-c", owning]),
        runs,
        1.1,
      ),
      sideBySide(
        "focused tests: relay-proof shards vs raw root config",
        at(testsStage),
        at([node, vitest, "run", ...files]),
        runs,
      ),
      sideBySide(
        "whole proof: relay-proof run vs hand script + owning configs",
        at([node, bin, "run", "--quiet", "--shards", "2"]),
        at(["/bin/sh", "-c", `${handScenario.join(" ")} && ${owning}`]),
        runs,
      ),
      sideBySide(
        "coverage: run --no-tests --coverage vs run --no-tests",
        at([node, bin, "run", "--no-tests", "--quiet", "--coverage"]),
        at([node, bin, "run", "--no-tests", "--quiet"]),
        runs,
        1.3,
      ),
      sideBySide(
        "coverage: run --coverage vs run (the focused tests, 2 shards)",
        at([node, bin, "run", "--quiet", "--shards", "2", "--coverage"]),
        at([node, bin, "run", "--quiet", "--shards", "2"]),
        runs,
      ),
      compareSideBySide(bin, demo, runs),
    ];
    return rows.map(figures);
  } finally {
    repo.remove();
    demo.repo.remove();
  }
}
