// Where relay-proof's own time goes in one `run --no-tests`, from its process start to the scenario
// child's first import and after: each phase's median over a few runs, from the events timeline-hook.mjs
// records (relay-proof's git calls, the child's spawn, its IPC messages, the exit).
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Command, measure, median } from "./measure.ts";

const hook = fileURLToPath(new URL("./timeline-hook.mjs", import.meta.url));

export interface Phase {
  name: string;
  ms: number;
}

/** The phases of one run, from its timeline file. */
function phases(file: string): Phase[] | undefined {
  const events = readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((line) => {
      const space = line.indexOf(" ");
      return { at: Number(line.slice(0, space)), event: line.slice(space + 1) };
    });
  const at = (test: (event: string) => boolean, from = 0) =>
    events.slice(from).find((e) => test(e.event))?.at;
  const start = Number(events.find((e) => e.event.startsWith("start "))?.event.slice(6));
  const firstGit = at((e) => e.startsWith("git-start "));
  const spawnIndex = events.findIndex((e) => e.event.startsWith("spawn ") && e.event.includes("child/main"));
  const spawned = events[spawnIndex]?.at;
  const lastGit = events
    .slice(0, spawnIndex)
    .filter((e) => e.event.startsWith("git-end "))
    .at(-1)?.at;
  const gitCalls = events.slice(0, spawnIndex).filter((e) => e.event.startsWith("git-start ")).length;
  const hello = at((e) => e === "message hello", spawnIndex);
  const imported = at((e) => e === "message module-instances", spawnIndex);
  const done = at((e) => e === "message done", spawnIndex);
  const end = at((e) => e === "exit-process");
  const marks = [start, firstGit, lastGit, spawned, hello, imported, done, end];
  if (marks.some((mark) => mark === undefined || Number.isNaN(mark))) return undefined;
  const [s, g0, g1, sp, h, i, d, e] = marks as number[];
  return [
    { name: "node start, relay-proof's imports, proof definition", ms: (g0 as number) - (s as number) },
    { name: `git calls (${gitCalls}, some side by side)`, ms: (g1 as number) - (g0 as number) },
    { name: "Node, tsx, CLI and sandbox set-up", ms: (sp as number) - (g1 as number) },
    { name: "child: Node start, tsx loader registration, child main", ms: (h as number) - (sp as number) },
    {
      name: "child: proof definition, then the target module imported twice (the target's own cost)",
      ms: (i as number) - (h as number),
    },
    { name: "child: the checks (bridge stale grace once, hook commands)", ms: (d as number) - (i as number) },
    { name: "child exit, result, report, exit", ms: (e as number) - (d as number) },
    { name: "total", ms: (e as number) - (s as number) },
  ];
}

/** Median phases of `runs` runs of `command` (a relay-proof run), preloading the timeline hook. */
export function overheadTimeline(command: Command, runs: number): Phase[] {
  const all: Phase[][] = [];
  for (let run = 0; run <= runs; run++) {
    const file = join(tmpdir(), `relay-proof-timeline-${process.pid}-${run}`);
    try {
      const [node, ...rest] = command.argv;
      measure({
        ...command,
        argv: [node as string, "--import", hook, ...rest],
        env: { ...(command.env ?? process.env), RELAY_PROOF_TIMELINE: file },
      });
      const found = phases(file);
      // The first run warms caches up; it is not counted.
      if (found && run > 0) all.push(found);
    } finally {
      rmSync(file, { force: true });
    }
  }
  const first = all[0];
  if (!first) return [];
  return first.map((phase, index) => ({
    name: phase.name,
    ms: Math.round(median(all.map((run) => run[index]?.ms ?? 0))),
  }));
}

export function printTimeline(title: string, timeline: Phase[]): void {
  console.log(`\n${title}`);
  if (timeline.length === 0) {
    console.log("  (no complete timeline recorded)");
    return;
  }
  for (const phase of timeline) console.log(`  ${String(phase.ms).padStart(6)} ms  ${phase.name}`);
}
