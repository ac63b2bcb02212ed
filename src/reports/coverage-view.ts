// The coverage of a change as reports show it: which result carries it, one mark per line, and the
// target's source lines made inert (they are untrusted text).
import {
  type ChangeCoverage,
  coverageSummary,
  type FileCoverage,
  type LineMark,
  markOf,
  percent,
} from "../coverage/change-coverage.ts";
import { redact } from "../result/sanitize.ts";
import type { Report } from "../result/types.ts";

/** The coverage a report carries: a run's own, or a compare's head. */
export function coverageOf(report: Report): ChangeCoverage | undefined {
  if (report.kind === "run") return report.coverage;
  if (report.kind === "compare") return report.head.coverage;
  return undefined;
}

export const markGlyph: Record<LineMark, string> = {
  scenario: "S",
  tests: "T",
  never: "✗",
  unmapped: "?",
  context: " ",
};

export const markMeaning: Record<Exclude<LineMark, "context">, string> = {
  scenario: "ran in the live scenario",
  tests: "ran only in the focused tests",
  never: "ran in neither",
  unmapped: "the scenario's source maps cannot place it (never counted as ran)",
};

// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const control = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;

/** A source line kept readable (indentation stays) but inert: no control characters, no proof marker. */
export function inertSource(line: string): string {
  return redact(
    line
      .replace(control, "")
      .replace(/\t/g, "  ")
      .replace(/\[proof\]/gi, "(proof)"),
  ).slice(0, 240);
}

/** The excerpt of a file, one entry per line with its mark; a gap between hunks is `undefined`. */
export function annotated(
  file: FileCoverage,
): ({ line: number; mark: LineMark; text: string } | undefined)[] {
  const rows: ({ line: number; mark: LineMark; text: string } | undefined)[] = [];
  let previous: number | undefined;
  for (const { line, text } of file.excerpt) {
    if (previous !== undefined && line > previous + 1) rows.push(undefined);
    rows.push({ line, mark: markOf(file, line), text: inertSource(text) });
    previous = line;
  }
  return rows;
}

/** `scenario 3/4 tests 4/4` for one file. */
export function fileSummary(file: FileCoverage): string {
  return coverageSummary({
    total: file.lines.length,
    scenario: file.scenario.length,
    tests: file.tests?.length,
    unmapped: file.unmapped.length,
  });
}

/** The number that matters, per file: the changed lines the proof's scenario ran, and why not the rest. */
export interface ReachRow {
  /** Undefined on the total row. */
  file: string | undefined;
  ran: number;
  total: number;
  /** `78%` */
  share: string;
  unreached: string | undefined;
}

/** One row per file of the change, then the total row (`file` undefined). */
export function reachRows(coverage: ChangeCoverage): ReachRow[] {
  const rows: ReachRow[] = coverage.files.map((file) => ({
    file: file.file,
    ran: file.scenario.length,
    total: file.lines.length,
    share: percent(file.scenario.length, file.lines.length),
    unreached: file.unreached,
  }));
  rows.push({
    file: undefined,
    ran: coverage.scenario,
    total: coverage.total,
    share: percent(coverage.scenario, coverage.total),
    unreached: undefined,
  });
  return rows;
}

/** `changed non-test lines` or `lines of the proof's module files`: what the rows count. */
export function reachSubject(coverage: ChangeCoverage): string {
  return coverage.scope === "diff"
    ? `changed non-test lines since ${coverage.base?.slice(0, 12) ?? "the base"}`
    : "lines of the proof's module files";
}

/** One sentence on what the numbers are. */
export function coverageLead(coverage: ChangeCoverage): string {
  const scope =
    coverage.scope === "diff"
      ? `the ${coverage.total} executable lines the change adds or modifies since ${coverage.base?.slice(0, 12) ?? "the base"}`
      : `the ${coverage.total} executable lines of the proof's module files`;
  const tests =
    coverage.tests === undefined
      ? `; the tests' coverage was ${coverage.testsNotMeasured ?? "not measured"}`
      : "";
  return `Of ${scope}, the live scenario ran ${coverage.scenario} (${percent(coverage.scenario, coverage.total)})${coverage.tests === undefined ? "" : ` and the focused tests ran ${coverage.tests}`}${tests}. Evidence about the proof, not part of its verdict.`;
}
