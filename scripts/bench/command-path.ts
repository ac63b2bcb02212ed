// npm run bench: the hook command path per --build-mode (issue 17), first and warm. "First" is a fresh
// machine as relay-proof sees one: an empty relay-proof cache dir (no build, no loader caches, tsx's
// cache per tree with source); "warm" runs again on that cache. The bound: warm <= 1.2 x (the scenario
// alone + the hook commands' own warm time: one command, then a round of three side by side, as the
// proof runs them), both by hand with the run's own loader caches. Each method's caches are removed
// after it. Timings are reported, never asserted.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { loadavg, tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Command, measure, median, type Sample, seconds } from "./measure.ts";

export const commandMethods = ["dev", "full", "source"] as const;
export type CommandMethod = (typeof commandMethods)[number];

interface RunResult {
  verdict: string;
  toolchain: { nodePath?: string };
  cli?: { entry?: string; detail: string; mode?: string; build?: { tree: string; kind?: string } };
  scenario: { info: Record<string, string>; checks: { key: string; status: string; value: string }[] };
}

export interface MethodFigures {
  method: CommandMethod;
  first: Sample & { load: number };
  warm: Sample[];
  warmMs: number;
  warmPeakRssMb: number | undefined;
  verdicts: string[];
  /** The command-path lines of the first and the last warm run: `key=value (status)`. */
  commandLines: string[];
  warmCommandLines: string[];
  cli: string;
  /** One command by hand, warm, and three side by side, in the run's checkout with its caches. */
  commandMs: number | undefined;
  roundMs: number | undefined;
  bound: number | undefined;
  met: boolean | undefined;
  firstGoalMet: boolean;
}

const commandKeys = /\.command$|^legacy-command$/;
const hookArgs = [
  ...["hooks", "relay", "--provider", "codex", "--relay-id", "bench", "--generation", "g"],
  ...["--event", "pre_tool_use", "--timeout", "5000"],
];

function readResult(file: string): RunResult | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as RunResult;
  } catch {
    return undefined;
  }
}

const lines = (result: RunResult | undefined) =>
  (result?.scenario.checks ?? [])
    .filter((check) => commandKeys.test(check.key))
    .map((check) => `${check.key}=${check.value} (${check.status})`);

/** A private TMPDIR linked to the run's loader caches, as relay-proof links them for a run. */
function linkedTmp(loaders: string, tsx: boolean): string {
  const tmp = mkdtempSync(join(tmpdir(), "relay-proof-bench-tmp-"));
  for (const name of ["jiti", "node-compile-cache"]) {
    mkdirSync(join(loaders, name), { recursive: true });
    symlinkSync(join(loaders, name), join(tmp, name));
  }
  if (tsx) symlinkSync(join(loaders, "tsx"), join(tmp, `tsx-${userInfo().uid}`));
  return tmp;
}

/** Three commands at once, as the proof runs the stale, new and legacy commands: wall time of the round. */
function round(command: Command): Promise<number> {
  const started = performance.now();
  const one = () =>
    new Promise<void>((resolve) => {
      const child = spawn(command.argv[0] as string, command.argv.slice(1), {
        cwd: command.cwd,
        env: command.env,
        stdio: ["pipe", "ignore", "ignore"],
      });
      child.stdin.end(command.input ?? "");
      child.on("close", () => resolve());
    });
  return Promise.all([one(), one(), one()]).then(() => performance.now() - started);
}

/** The hook command as the run ran it, by hand: the run's checkout, its loader caches, its tsx. */
function byHand(
  cache: string,
  repo: string,
  result: RunResult,
): { command: Command; tmp: string } | undefined {
  const entry = result.cli?.entry;
  const node = result.toolchain.nodePath;
  if (!entry || !node) return undefined;
  const build = result.cli?.build;
  const source = result.cli?.mode === "source";
  const key = build ? (build.kind === "dev" ? `${build.tree}.dev` : build.tree) : undefined;
  const checkout = key ? join(cache, "builds", key, "checkout") : repo;
  const loaders = key
    ? join(cache, "builds", key, "loader-caches")
    : join(cache, "loader-caches", readdirSync(join(cache, "loader-caches"))[0] ?? "none");
  const tmp = linkedTmp(loaders, source);
  const home = mkdtempSync(join(tmpdir(), "relay-proof-bench-home-"));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    TMPDIR: tmp,
    CI: "true",
    TSX_TSCONFIG_PATH: join(checkout, "tsconfig.json"),
    ...(source
      ? {
          NODE_OPTIONS: `--import=${pathToFileURL(join(repo, "node_modules", "tsx", "dist", "loader.mjs")).href}`,
        }
      : {}),
  };
  return {
    command: { argv: [node, join(checkout, entry), ...hookArgs], cwd: checkout, env, input: "{}" },
    tmp,
  };
}

/** First and warm `run --build-mode <method> --no-tests` on a fresh cache, and the bound by hand. */
export async function methodFigures(options: {
  bin: string;
  repo: string;
  method: CommandMethod;
  warmRuns: number;
  passEnv?: string[];
  /** Keep the cache (the caller compares builds across methods, then removes it). */
  keep?: (cache: string, result: RunResult | undefined) => void;
}): Promise<MethodFigures> {
  const cache = mkdtempSync(join(tmpdir(), `relay-proof-bench-cache-${options.method}-`));
  const result = join(cache, "result.json");
  const run: Command = {
    argv: [
      process.execPath,
      options.bin,
      "run",
      "--repo",
      options.repo,
      "--no-tests",
      "--quiet",
      "--build-mode",
      options.method,
      ...(options.passEnv ?? []).flatMap((name) => ["--pass-env", name]),
      "--json-out",
      result,
    ],
    cwd: options.repo,
    env: { ...process.env, RELAY_PROOF_CACHE_DIR: cache },
  };
  const load = loadavg()[0] ?? 0;
  const first = { ...measure(run), load };
  const firstResult = readResult(result);
  const warm = Array.from({ length: options.warmRuns }, () => measure(run));
  const warmResult = readResult(result);
  const scenario = median(
    Array.from(
      { length: options.warmRuns },
      () =>
        measure({
          argv: [process.execPath, options.bin, "run", "--repo", options.repo, "--no-tests", "--quiet"],
          cwd: options.repo,
        }).wallMs,
    ),
  );
  // By hand only when the warm run's commands answered: a timed-out line has no warm time to bound.
  const answered = lines(warmResult).length > 0 && lines(warmResult).every((line) => line.endsWith("(pass)"));
  const hand = warmResult && answered ? byHand(cache, options.repo, warmResult) : undefined;
  let commandMs: number | undefined;
  let roundMs: number | undefined;
  if (hand) {
    measure(hand.command);
    commandMs = median(Array.from({ length: options.warmRuns }, () => measure(hand.command).wallMs));
    const rounds: number[] = [];
    for (let i = 0; i < options.warmRuns; i++) rounds.push(await round(hand.command));
    roundMs = median(rounds);
    rmSync(hand.tmp, { recursive: true, force: true });
    rmSync(hand.command.env?.HOME ?? "", { recursive: true, force: true });
  }
  options.keep?.(cache, firstResult);
  if (!options.keep) rmSync(cache, { recursive: true, force: true });
  const warmMs = median(warm.map((sample) => sample.wallMs));
  const bound =
    commandMs !== undefined && roundMs !== undefined ? 1.2 * (scenario + commandMs + roundMs) : undefined;
  const peaks = warm.map((sample) => sample.rssKb).filter((kb): kb is number => kb !== undefined);
  return {
    method: options.method,
    first,
    warm,
    warmMs,
    warmPeakRssMb: peaks.length > 0 ? Math.round(Math.max(...peaks) / 1024) : undefined,
    verdicts: [firstResult?.verdict ?? "none", warmResult?.verdict ?? "none"],
    commandLines: lines(firstResult),
    warmCommandLines: lines(warmResult),
    cli: firstResult?.scenario.info.cli ?? firstResult?.cli?.detail ?? "no result",
    commandMs,
    roundMs,
    bound,
    met: bound === undefined ? undefined : warmMs <= bound,
    firstGoalMet: first.wallMs <= 150_000 && lines(firstResult).every((line) => line.endsWith("(pass)")),
  };
}

/** The JavaScript of two builds' dist/ folders: how many files, and which differ (by content hash). */
export function compareDist(one: string, other: string): DistComparison {
  const hashes = (root: string) => {
    const found = new Map<string, string>();
    const walk = (dir: string, prefix: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        const name = `${prefix}${entry.name}`;
        if (entry.isDirectory() && entry.name !== "node_modules") walk(path, `${name}/`);
        else if (entry.isFile() && /\.(m|c)?js$/.test(entry.name))
          found.set(name, createHash("sha256").update(readFileSync(path)).digest("hex"));
      }
    };
    walk(root, "");
    return found;
  };
  const a = hashes(one);
  const b = hashes(other);
  const names = new Set([...a.keys(), ...b.keys()]);
  const differing = [...names].filter((name) => a.get(name) !== b.get(name)).sort();
  return { files: names.size, differing };
}

/** Issue 9's bound on the default method: warm <= (scenario + three commands in sequence) x 1.1. */
export function issue9Bound(f: MethodFigures): string {
  if (f.bound === undefined || f.commandMs === undefined || f.roundMs === undefined) return "n/a";
  const scenario = f.bound / 1.2 - f.commandMs - f.roundMs;
  const bound = (scenario + 3 * f.commandMs) * 1.1;
  return `${seconds(f.warmMs)} vs (${seconds(scenario)} + 3 x ${seconds(f.commandMs)}) x 1.1 = ${seconds(bound)}: ${f.warmMs <= bound ? "met" : "MISSED"}`;
}

/**
 * Every method in turn on `repo`, each on an empty cache of its own; dev's and full's builds are kept
 * until both ran, to compare their JavaScript, then removed.
 */
export async function commandPathFigures(options: {
  bin: string;
  repo: string;
  methods: CommandMethod[];
  warmRuns: number;
  passEnv?: string[];
}): Promise<{ methods: MethodFigures[]; dist: DistComparison | undefined }> {
  const kept = new Map<CommandMethod, { cache: string; dist: string | undefined }>();
  const figures: MethodFigures[] = [];
  try {
    for (const method of options.methods) {
      figures.push(
        await methodFigures({
          ...options,
          method,
          keep:
            method === "source"
              ? undefined
              : (cache, result) => {
                  const build = result?.cli?.build;
                  const key = build && (build.kind === "dev" ? `${build.tree}.dev` : build.tree);
                  kept.set(method, { cache, dist: key && join(cache, "builds", key, "checkout", "dist") });
                },
        }),
      );
    }
    const dev = kept.get("dev")?.dist;
    const full = kept.get("full")?.dist;
    const dist = dev && full && existsSync(dev) && existsSync(full) ? compareDist(dev, full) : undefined;
    return { methods: figures, dist };
  } finally {
    for (const { cache } of kept.values()) rmSync(cache, { recursive: true, force: true });
  }
}

export interface DistComparison {
  files: number;
  differing: string[];
}

export function printMethods(
  figures: MethodFigures[],
  cores: number,
  dist: DistComparison | undefined,
): void {
  console.log(`\nissue 17: the hook command path per --build-mode, ${cores} cores (first: an empty cache)`);
  console.log(
    "| method | first | first peak RSS | load (1 min) | warm (median) | warm peak RSS | scenario + 1 command + a round of 3, by hand, x 1.2 | warm goal | first <= 2.5 min, all lines pass | cli line |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  for (const f of figures) {
    const rss = (kb: number | undefined) => (kb === undefined ? "n/a" : `${Math.round(kb / 1024)} MB`);
    const bound =
      f.bound === undefined
        ? "n/a"
        : `(${seconds(f.bound / 1.2 - (f.commandMs ?? 0) - (f.roundMs ?? 0))} + ${seconds(f.commandMs ?? 0)} + ${seconds(f.roundMs ?? 0)}) x 1.2 = ${seconds(f.bound)}`;
    console.log(
      `| ${f.method} | ${seconds(f.first.wallMs)} (exit ${f.first.exitCode}) | ${rss(f.first.rssKb)} | ${f.first.load.toFixed(2)} | ${seconds(f.warmMs)} | ${f.warmPeakRssMb ?? "n/a"} MB | ${bound} | ${f.met === undefined ? "-" : f.met ? "met" : "MISSED"} | ${f.firstGoalMet ? "met" : "MISSED"} | ${f.cli} |`,
    );
  }
  if (dist) {
    console.log(
      `dev vs full build, dist/ JavaScript: ${dist.files} files, ${dist.differing.length === 0 ? "all identical" : `${dist.differing.length} differ (${dist.differing.slice(0, 8).join(", ")}${dist.differing.length > 8 ? ", ..." : ""})`}`,
    );
  }
  const dev = figures.find((f) => f.method === "dev");
  if (dev) console.log(`issue 9's bound, dev: ${issue9Bound(dev)}`);
  for (const f of figures) {
    console.log(`  ${f.method} first: ${f.commandLines.join("; ") || "(no command lines)"}`);
    console.log(`  ${f.method} warm:  ${f.warmCommandLines.join("; ") || "(no command lines)"}`);
  }
}
