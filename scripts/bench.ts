// npm run bench: relay-proof next to the hand-written way, measured side by side in one run. Fixture
// mode (default) uses relay-proof's own fixture repo and histories; `--repo PATH` measures a real
// checkout (issues 11 and 9). Prints tables of medians and ratios and writes .bench/*.json. Timings are
// reported, never asserted.
//   npm run bench [-- --runs N]
//   npm run bench -- --repo PATH [--base REF] [--runs N] [--no-bisect]
//                    [--bisect-good REF --bisect-bad REF]   (bisect that real range three ways)
//                    [--bisect-only]                        (only the bisect figures)
//   npm run bench [-- --bisect-only | --compare-only]           (fixture: only the long bisect, or only
//                                                              the compare row on the demo history)
//   either with [--methods dev,full,source] [--command-runs N] [--pass-env NAME]: the hook command path
//   per --build-mode, first (empty cache) and warm (issue 17)
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, freemem, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createFixtureRepo } from "../fixtures/build-fixture-repo.ts";
import { censusFigures, printCensus } from "./bench/census.ts";
import {
  type CommandMethod,
  commandMethods,
  commandPathFigures,
  printMethods,
} from "./bench/command-path.ts";
import { compareRow, fixtureRows, historyFigures, mutationFigures } from "./bench/fixture.ts";
import { bisectFigures, longBisectFigures, printLongBisect } from "./bench/long-bisect.ts";
import { printTable } from "./bench/measure.ts";
import { overheadTimeline, printTimeline } from "./bench/overhead.ts";
import { printRealTimeline, realCheckoutFigures } from "./bench/real-checkout.ts";

const { values } = parseArgs({
  options: {
    repo: { type: "string" },
    base: { type: "string", default: "HEAD~1" },
    runs: { type: "string" },
    bisect: { type: "boolean", default: true },
    "bisect-good": { type: "string" },
    "bisect-bad": { type: "string" },
    "bisect-only": { type: "boolean", default: false },
    "compare-only": { type: "boolean", default: false },
    methods: { type: "string", default: commandMethods.join(",") },
    "command-runs": { type: "string" },
    "pass-env": { type: "string", multiple: true },
  },
  allowNegative: true,
});
const projectRoot = fileURLToPath(new URL("..", import.meta.url));
const runs = Number(values.runs ?? process.env.BENCH_RUNS ?? 5);
const bisectRuns = Number(process.env.BENCH_BISECT_RUNS ?? 3);
const bin = join(projectRoot, "bin", "relay-proof.js");
const methods = (values.methods ?? "").split(",").filter(Boolean) as CommandMethod[];
for (const method of methods) {
  if (!commandMethods.includes(method)) {
    console.error(`bench: --methods takes ${commandMethods.join(", ")}, got "${method}"`);
    process.exit(2);
  }
}
const commandRuns = Number(values["command-runs"] ?? Math.min(runs, 3));
const machine = {
  cores: availableParallelism(),
  cpu: cpus()[0]?.model ?? "unknown",
  memoryGb: Number((totalmem() / 1024 ** 3).toFixed(1)),
  freeGb: Number((freemem() / 1024 ** 3).toFixed(1)),
  node: process.version,
};
console.log(
  `relay-proof bench: ${runs} runs each (medians, after a warm-up), ${machine.cores} cores (${machine.cpu}), ` +
    `${machine.memoryGb} GB RAM (${machine.freeGb} GB free), Node ${machine.node}`,
);
mkdirSync(join(projectRoot, ".bench"), { recursive: true });

if (values.repo) {
  console.log(`real checkout ${values.repo}, compare base ${values.base}`);
  const real = values["bisect-only"]
    ? undefined
    : realCheckoutFigures({ projectRoot, bin, repo: values.repo, base: values.base, runs });
  const census = real && censusFigures({ projectRoot, bin, repo: values.repo, runs });
  let commandPath: Awaited<ReturnType<typeof commandPathFigures>> | undefined;
  if (real) {
    console.log(`head ${real.head ?? "?"}, target Node ${real.node ?? "?"}`);
    printTable(real.rows);
    commandPath = await commandPathFigures({
      bin,
      repo: values.repo,
      methods,
      warmRuns: commandRuns,
      passEnv: values["pass-env"],
    });
    printMethods(commandPath.methods, machine.cores, commandPath.dist);
    if (census) printCensus(census);
    printRealTimeline(real.timeline);
  }
  const good = values["bisect-good"];
  const bad = values["bisect-bad"];
  if ((good === undefined) !== (bad === undefined))
    throw new Error("--bisect-good and --bisect-bad go together");
  const bisect = !values.bisect
    ? undefined
    : good && bad
      ? bisectFigures({
          bin,
          root: values.repo,
          good,
          bad,
          commits: Number(
            spawnSync("git", ["rev-list", "--count", `${good}...${bad}`], {
              cwd: values.repo,
              encoding: "utf8",
            }).stdout,
          ),
          label: `the real range ${good}..${bad}`,
          runs: bisectRuns,
          goalMs: 20_000,
        })
      : longBisectFigures(bin, bisectRuns);
  if (bisect) printLongBisect(bisect);
  const file = values["bisect-only"] ? "real-bisect.json" : "real.json";
  writeFileSync(
    join(projectRoot, ".bench", file),
    `${JSON.stringify({ machine, runs, ...real, commandPath, census, bisect }, null, 2)}\n`,
  );
  console.log(`wrote .bench/${file}`);
} else if (values["bisect-only"]) {
  const bisect = longBisectFigures(bin, bisectRuns);
  printLongBisect(bisect);
  writeFileSync(
    join(projectRoot, ".bench", "bisect.json"),
    `${JSON.stringify({ machine, bisect }, null, 2)}\n`,
  );
  console.log("wrote .bench/bisect.json");
} else if (values["compare-only"]) {
  const rows = compareRow(bin, runs);
  printTable(rows);
  writeFileSync(
    join(projectRoot, ".bench", "compare.json"),
    `${JSON.stringify({ machine, runs, rows }, null, 2)}\n`,
  );
  console.log("wrote .bench/compare.json");
} else {
  const rows = fixtureRows(projectRoot, bin, runs);
  console.log("fixture repo (v2-correct) and demo history");
  printTable(rows);
  const caught = mutationFigures(bin);
  console.log(
    `\nmutation check: ${caught.caught}/${caught.total} broken fixture relays caught (${caught.missed.join(", ") || "none missed"})`,
  );
  const history = historyFigures(bin, runs);
  console.log(
    `compare on the fixture history (V1 base in a worktree with its own lockfile, head in place): ${(history.compareMs / 1000).toFixed(2)} s; ` +
      `a single run: ${(history.singleMs / 1000).toFixed(2)} s; the second head adds ${((history.compareMs - history.singleMs) / 1000).toFixed(2)} s`,
  );
  console.log(
    `bisect on the fixture history (${history.commits} commits): ${history.bisectSteps} steps, ${(history.bisectMs / 1000).toFixed(2)} s`,
  );
  const bisect = values.bisect ? longBisectFigures(bin, bisectRuns) : undefined;
  if (bisect) printLongBisect(bisect);
  const repo = createFixtureRepo({ variant: "v2-correct" });
  let timeline: ReturnType<typeof overheadTimeline> = [];
  let census: ReturnType<typeof censusFigures> | undefined;
  try {
    census = censusFigures({ projectRoot, bin, repo: repo.root, runs });
    printCensus(census);
    timeline = overheadTimeline(
      { argv: [process.execPath, bin, "run", "--no-tests", "--quiet"], cwd: repo.root },
      runs,
    );
    printTimeline("where a run --no-tests spends its time on the fixture repo (medians):", timeline);
  } finally {
    repo.remove();
  }
  // The hook command path on a fixture head whose CLI needs a build (the fixture's own fake build).
  const built = createFixtureRepo({ cli: "dist" });
  let commandPath: Awaited<ReturnType<typeof commandPathFigures>> | undefined;
  try {
    commandPath = await commandPathFigures({ bin, repo: built.root, methods, warmRuns: commandRuns });
    printMethods(commandPath.methods, machine.cores, commandPath.dist);
  } finally {
    built.remove();
  }
  writeFileSync(
    join(projectRoot, ".bench", "results.json"),
    `${JSON.stringify({ machine, runs, rows, history, bisect, timeline, census, commandPath, mutation: caught }, null, 2)}\n`,
  );
  console.log("wrote .bench/results.json");
}
