// Did the evidence run the fix? Per changed file: its changed executable lines, which of them the live
// scenario ran, which the focused tests ran, and which neither. Evidence about the proof, never part of
// the verdict. Issue 10.
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import type { ChangedLines } from "./changed-lines.ts";
import { executableLines } from "./executable-lines.ts";
import { missingImports, noReachFacts, type ReachFacts, unreachedReason } from "./reach.ts";
import type { FileLines } from "./v8-lines.ts";

export interface FileCoverage {
  /** Repo-relative path. */
  file: string;
  /** Changed executable lines (diff scope), or every executable line (module scope). */
  lines: number[];
  /** Of those, the lines the scenario (both module instances, the hook commands) ran. */
  scenario: number[];
  /** Of those, the lines the focused tests ran; undefined when test coverage was not measured. */
  tests: number[] | undefined;
  /** Lines neither ran. */
  neither: number[];
  /** Lines of a file the scenario loaded that its source maps cannot place: never counted as hit. */
  unmapped: number[];
  /** The source around those lines (the changed hunks with one line of context), for reports. */
  excerpt: { line: number; text: string }[];
  /** Why the scenario did not run all of it (none, or a proof's declared limit); absent: nothing to say. */
  unreached?: string;
}

/** How a line of an excerpt is marked in reports. */
export type LineMark = "scenario" | "tests" | "never" | "unmapped" | "context";

export function markOf(file: FileCoverage, line: number): LineMark {
  if (!file.lines.includes(line)) return "context";
  if (file.scenario.includes(line)) return "scenario";
  if (file.tests?.includes(line)) return "tests";
  if (file.unmapped.includes(line)) return "unmapped";
  return "never";
}

const excerptLimit = 400;

/** The lines to show: each line of interest with one line of context, at most `excerptLimit`. */
function excerptOf(text: string, lines: readonly number[]): { line: number; text: string }[] {
  const source = text.split("\n");
  const wanted = new Set<number>();
  for (const line of lines)
    for (const n of [line - 1, line, line + 1]) if (n >= 1 && n <= source.length) wanted.add(n);
  return sorted(wanted)
    .slice(0, excerptLimit)
    .map((line) => ({ line, text: source[line - 1] ?? "" }));
}

export interface ChangeCoverage {
  /** `diff`: the lines base..head changes; `module`: no base (or no change), the proof's module files. */
  scope: "diff" | "module";
  base: string | undefined;
  /** Why the scope is what it is, or what was left out. */
  notes: string[];
  files: FileCoverage[];
  total: number;
  scenario: number;
  /** Undefined when the tests were not measured (`testsNotMeasured` says why). */
  tests: number | undefined;
  testsNotMeasured: string | undefined;
  unmapped: number;
}

export interface ChangeCoverageInput {
  /** The checkout the diff and the tests belong to. */
  root: string;
  /** Where the scenario ran (the build copy with --build); its coverage paths are under it. */
  scenarioRoot: string;
  base: string | undefined;
  changed: ChangedLines | undefined;
  /** The proof's module files (repo-relative), for the module scope. */
  moduleFiles: string[];
  scenarioLines: Map<string, FileLines>;
  testLines: Map<string, FileLines> | undefined;
  testsNotMeasured: string | undefined;
  /** What the run knows about where its scenario and hook commands could not go. */
  reach?: ReachFacts;
}

function byRelative(lines: Map<string, FileLines> | undefined, root: string): Map<string, FileLines> {
  const out = new Map<string, FileLines>();
  for (const [file, value] of lines ?? []) out.set(isAbsolute(file) ? relative(root, file) : file, value);
  return out;
}

const sorted = (lines: Iterable<number>) => [...lines].sort((x, y) => x - y);

/** Combine the diff, the executable lines and both coverages into the per-file picture. */
export function computeChangeCoverage(input: ChangeCoverageInput): ChangeCoverage {
  const notes: string[] = [];
  const scenario = byRelative(input.scenarioLines, input.scenarioRoot);
  const tests = input.testLines ? byRelative(input.testLines, input.root) : undefined;
  const hasDiff = input.changed !== undefined && input.changed.size > 0;
  if (input.base === undefined) notes.push("no base: coverage of the proof's module files only");
  else if (!hasDiff)
    notes.push(
      `no TypeScript source changes from ${input.base.slice(0, 12)}: coverage of the proof's module files only`,
    );
  const scope: ChangeCoverage["scope"] = hasDiff ? "diff" : "module";
  const targets: [string, number[] | undefined][] = hasDiff
    ? [...(input.changed as ChangedLines)].sort(([x], [y]) => x.localeCompare(y))
    : input.moduleFiles.map((file) => [file, undefined]);
  const files: FileCoverage[] = [];
  for (const [file, changed] of targets) {
    const path = join(input.root, file);
    const text = existsSync(path) ? readFileSync(path, "utf8") : "";
    const executable = text ? executableLines(path, text) : undefined;
    if (!executable) {
      notes.push(`${file}: could not be compiled to find its executable lines; left out`);
      continue;
    }
    const lines = sorted(changed ? changed.filter((line) => executable.has(line)) : executable);
    if (lines.length === 0) continue;
    const ran = scenario.get(file);
    const tested = tests?.get(file);
    const scenarioHit = lines.filter((line) => ran?.hit.has(line));
    const testsHit = tests ? lines.filter((line) => tested?.hit.has(line)) : undefined;
    const unreached = unreachedReason(file, input.reach ?? noReachFacts, {
      lines: lines.length,
      scenario: scenarioHit.length,
      loaded: ran !== undefined,
      missingImports: ran ? [] : missingImports(path, text),
    });
    files.push({
      file,
      lines,
      scenario: scenarioHit,
      tests: testsHit,
      neither: lines.filter((line) => !ran?.hit.has(line) && !tested?.hit.has(line)),
      unmapped: ran ? lines.filter((line) => !ran.mapped.has(line)) : [],
      // Module scope shows what did not run; a diff shows every changed line.
      excerpt: excerptOf(text, changed ? lines : lines.filter((line) => !ran?.hit.has(line))),
      ...(unreached ? { unreached } : {}),
    });
  }
  if (hasDiff && files.length === 0)
    notes.push("the change has no executable TypeScript lines (comments, types)");
  const sum = (pick: (file: FileCoverage) => number) => files.reduce((n, file) => n + pick(file), 0);
  return {
    scope,
    base: input.base,
    notes,
    files,
    total: sum((file) => file.lines.length),
    scenario: sum((file) => file.scenario.length),
    tests: input.testLines ? sum((file) => file.tests?.length ?? 0) : undefined,
    testsNotMeasured: input.testLines
      ? undefined
      : (input.testsNotMeasured ?? "the focused tests did not run"),
    unmapped: sum((file) => file.unmapped.length),
  };
}

/**
 * One picture from several machines' (`--shard-index`): the same lines and scenario (one scenario
 * per machine, same head), the tests' hits united. A machine that did not measure its tests makes the
 * tests' count a lower bound, which the notes say.
 */
export function mergeCoverage(parts: readonly ChangeCoverage[]): ChangeCoverage | undefined {
  const [first, ...rest] = parts;
  if (!first) return undefined;
  const measured = parts.filter((part) => part.tests !== undefined);
  const notes = [...first.notes];
  if (measured.length > 0 && measured.length < parts.length)
    notes.push(
      `${parts.length - measured.length} of ${parts.length} machines did not measure their tests' coverage: the tests' count is a lower bound`,
    );
  const files = first.files.map((file) => {
    const others = rest.map((part) => part.files.find((f) => f.file === file.file));
    const scenario = new Set(file.scenario);
    const tests = new Set(file.tests ?? []);
    for (const other of others) {
      for (const line of other?.scenario ?? []) scenario.add(line);
      for (const line of other?.tests ?? []) tests.add(line);
    }
    const lines = file.lines;
    return {
      ...file,
      scenario: lines.filter((line) => scenario.has(line)),
      tests: measured.length > 0 ? lines.filter((line) => tests.has(line)) : undefined,
      neither: lines.filter((line) => !scenario.has(line) && !tests.has(line)),
    };
  });
  const sum = (pick: (file: FileCoverage) => number) => files.reduce((n, file) => n + pick(file), 0);
  return {
    ...first,
    notes,
    files,
    scenario: sum((file) => file.scenario.length),
    tests: measured.length > 0 ? sum((file) => file.tests?.length ?? 0) : undefined,
    testsNotMeasured: measured.length > 0 ? undefined : first.testsNotMeasured,
  };
}

/** `78%`: the share of `total` that `part` is, rounded down (85% means at least 85%). */
export function percent(part: number, total: number): string {
  return total === 0 ? "-" : `${Math.floor((100 * part) / total)}%`;
}

/** `scenario 41/52 (78%) tests 50/52`, the summary proof line's value: the scenario's share first. */
export function coverageSummary(
  coverage: Pick<ChangeCoverage, "total" | "scenario" | "tests" | "unmapped">,
): string {
  const tests =
    coverage.tests === undefined ? "tests not-measured" : `tests ${coverage.tests}/${coverage.total}`;
  const unmapped = coverage.unmapped > 0 ? ` unmapped ${coverage.unmapped}` : "";
  return `scenario ${coverage.scenario}/${coverage.total} (${percent(coverage.scenario, coverage.total)}) ${tests}${unmapped}`;
}

/** Line numbers as ranges: `12-14,20`. */
export function lineRanges(lines: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const start = lines[i] as number;
    let end = start;
    while (lines[i + 1] === end + 1) end = lines[++i] as number;
    parts.push(end === start ? String(start) : `${start}-${end}`);
  }
  return parts.join(",");
}
