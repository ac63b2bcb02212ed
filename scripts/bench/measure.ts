// Measuring for npm run bench: wall time and peak RSS of a command, medians, and a side-by-side row
// whose runs alternate so drift hits both sides alike. Timings are reported, never asserted.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const hasTime = existsSync("/usr/bin/time");

export interface Sample {
  wallMs: number;
  rssKb: number | undefined;
  exitCode: number | null;
}

export interface Command {
  argv: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Written to stdin (default: nothing, stdin is /dev/null). */
  input?: string;
}

export function measure(command: Command): Sample {
  const started = performance.now();
  const args = hasTime ? ["-f", "%M", ...command.argv] : command.argv.slice(1);
  const result = spawnSync(hasTime ? "/usr/bin/time" : (command.argv[0] as string), args, {
    cwd: command.cwd,
    env: command.env ?? process.env,
    input: command.input ?? "",
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallMs = performance.now() - started;
  const rss = hasTime ? Number(result.stderr.trim().split("\n").at(-1)) : Number.NaN;
  return { wallMs, rssKb: Number.isFinite(rss) ? rss : undefined, exitCode: result.status };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export interface Row {
  name: string;
  tool: Sample[];
  baseline: Sample[];
  goal: number | undefined;
}

/** Alternate tool and baseline runs so drift hits both alike; one warm-up each first. */
export function sideBySide(name: string, tool: Command, baseline: Command, runs: number, goal?: number): Row {
  measure(tool);
  measure(baseline);
  const row: Row = { name, tool: [], baseline: [], goal };
  for (let i = 0; i < runs; i++) {
    row.tool.push(measure(tool));
    row.baseline.push(measure(baseline));
  }
  return row;
}

export interface RowFigures {
  name: string;
  toolMs: number;
  baselineMs: number;
  ratio: number;
  goal: number | undefined;
  toolPeakRssMb: number | undefined;
  baselinePeakRssMb: number | undefined;
  exitCodes: (number | null)[];
}

export function figures(row: Row): RowFigures {
  const tool = median(row.tool.map((s) => s.wallMs));
  const baseline = median(row.baseline.map((s) => s.wallMs));
  const peak = (samples: Sample[]) =>
    hasTime ? Math.round(Math.max(...samples.map((s) => s.rssKb ?? 0)) / 1024) : undefined;
  return {
    name: row.name,
    toolMs: Math.round(tool),
    baselineMs: Math.round(baseline),
    ratio: Number((tool / baseline).toFixed(2)),
    goal: row.goal,
    toolPeakRssMb: peak(row.tool),
    baselinePeakRssMb: peak(row.baseline),
    exitCodes: [...new Set([...row.tool, ...row.baseline].map((s) => s.exitCode))],
  };
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** A Markdown table of side-by-side rows, with the goal met or missed. */
export function printTable(rows: RowFigures[]): void {
  console.log(
    "| comparison | relay-proof | baseline | ratio | goal | peak RSS relay-proof | peak RSS baseline | exit codes |",
  );
  console.log("|---|---|---|---|---|---|---|---|");
  for (const row of rows) {
    const goal = row.goal ? `<= ${row.goal} ${row.ratio <= row.goal ? "met" : "MISSED"}` : "-";
    const rss = (mb: number | undefined) => (mb === undefined ? "n/a" : `${mb} MB`);
    console.log(
      `| ${row.name} | ${seconds(row.toolMs)} | ${seconds(row.baselineMs)} | ${row.ratio} | ${goal} | ${rss(row.toolPeakRssMb)} | ${rss(row.baselinePeakRssMb)} | ${row.exitCodes.join(", ")} |`,
    );
  }
}
