// npm run bench -- --repo PATH: the figures of issues 11 and 9 on a real checkout, side by side in one
// run: compare parallel vs --sequential, the scenario vs hand-written scripts, `run --build` warm vs the
// scenario alone plus the hook command's own warm time by hand, and the overhead timeline.
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { cacheDir } from "../../src/checkout/node-toolchain.ts";
import { type Command, figures, measure, median, type RowFigures, seconds, sideBySide } from "./measure.ts";
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

export interface HookFigures {
  buildWarmMs: number;
  scenarioMs: number;
  commandMs: number;
  commandExitCodes: (number | null)[];
  cli: string;
  commandLines: string[];
  bound: number;
  met: boolean;
}

/** Issue 9: `run --build --no-tests` warm vs the scenario alone plus three warm hook commands by hand (+10 %). */
function hookFigures(bin: string, repo: string, runs: number): HookFigures | undefined {
  const built = runJson(bin, repo, ["--build", "--no-tests"]);
  if (!built?.cli?.entry || !built.toolchain.nodePath) {
    console.log(`run --build: no CLI to time by hand (${built?.cli?.detail ?? "no result"})`);
    return undefined;
  }
  const node = process.execPath;
  const checkout = built.cli.build ? join(cacheDir(), "builds", built.cli.build.tree, "checkout") : repo;
  const row = sideBySide(
    "run --build --no-tests (cached build) vs run --no-tests",
    { argv: [node, bin, "run", "--repo", repo, "--build", "--no-tests", "--quiet"], cwd: repo },
    { argv: [node, bin, "run", "--repo", repo, "--no-tests", "--quiet"], cwd: repo },
    runs,
  );
  // By hand, as a user would run it in the build's checkout: their HOME and TMPDIR, stdin /dev/null.
  const command: Command = {
    argv: [
      built.toolchain.nodePath,
      join(checkout, built.cli.entry),
      ...["hooks", "relay", "--provider", "codex", "--relay-id", "x", "--generation", "g"],
      ...["--event", "pre_tool_use", "--timeout", "5000"],
    ],
    cwd: checkout,
  };
  measure(command);
  const samples = Array.from({ length: runs }, () => measure(command));
  const buildWarmMs = median(row.tool.map((sample) => sample.wallMs));
  const scenarioMs = median(row.baseline.map((sample) => sample.wallMs));
  const commandMs = median(samples.map((sample) => sample.wallMs));
  const bound = (scenarioMs + 3 * commandMs) * 1.1;
  return {
    buildWarmMs: Math.round(buildWarmMs),
    scenarioMs: Math.round(scenarioMs),
    commandMs: Math.round(commandMs),
    commandExitCodes: [...new Set(samples.map((sample) => sample.exitCode))],
    cli: join(checkout, built.cli.entry),
    commandLines: built.scenario.checks
      .filter((check) => check.key.endsWith(".command"))
      .map((check) => `${check.key}=${check.value} (${check.status})`),
    bound: Math.round(bound),
    met: buildWarmMs <= bound,
  };
}

export interface RealFigures {
  repo: string;
  head: string | undefined;
  node: string | undefined;
  rows: RowFigures[];
  hook: HookFigures | undefined;
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
  ].map(figures);
  const hook = hookFigures(bin, repo, runs);
  const timeline = overheadTimeline(at([node, bin, "run", "--repo", repo, "--no-tests", "--quiet"]), runs);
  return { repo, head: probe?.target.head, node: probe?.toolchain.node, rows, hook, timeline };
}

export function printHookFigures(hook: HookFigures | undefined): void {
  if (!hook) return;
  console.log(
    `\nissue 9 (hook command path): run --build --no-tests warm ${seconds(hook.buildWarmMs)}; run --no-tests ${seconds(hook.scenarioMs)}; ` +
      `one hook command by hand, warm, in the build checkout ${seconds(hook.commandMs)} (exit ${hook.commandExitCodes.join(", ")}; ${hook.cli}); ` +
      `bound (scenario + 3 commands) x 1.1 = ${seconds(hook.bound)}: ${hook.met ? "met" : "MISSED"}`,
  );
  if (hook.commandLines.length > 0)
    console.log(`  command lines of run --build: ${hook.commandLines.join("; ")}`);
}

export function printRealTimeline(timeline: Phase[]): void {
  printTimeline("where a run --no-tests spends its time on this checkout (medians):", timeline);
}
