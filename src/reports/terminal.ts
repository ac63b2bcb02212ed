import type { ChangeCoverage } from "../coverage/change-coverage.ts";
import { sanitizeValue } from "../result/sanitize.ts";
import { longestStages } from "../result/timeline.ts";
import type { BisectResult, CompareResult, ProofResult, Report } from "../result/types.ts";
import type { CheckStatus } from "../scenario/definition.ts";
import { describeConfig } from "../shards/run-shard.ts";
import type { TestsResult } from "../shards/run-tests.ts";
import { reachRows, reachSubject } from "./coverage-view.ts";

export interface TerminalOptions {
  color?: boolean;
}

const marks: Record<CheckStatus, string> = {
  pass: "✓",
  fail: "✗",
  unsupported: "✗",
  "cannot-drive": "?",
  skipped: "-",
  absent: "·",
  "cannot-test": "?",
  error: "!",
};

function paint(color: boolean, code: number, text: string): string {
  return color ? `\u001b[${code}m${text}\u001b[0m` : text;
}

/** Human summary first, then the `[proof]` lines, which are always the last lines of the output. */
export function renderTerminal(report: Report, options: TerminalOptions = {}): string {
  const formatters: {
    [K in Report["kind"]]: (report: Extract<Report, { kind: K }>, options: TerminalOptions) => string;
  } = {
    run: renderRun,
    compare: renderCompare,
    bisect: renderBisect,
  };
  return (formatters[report.kind] as (report: Report, options: TerminalOptions) => string)(report, options);
}

function renderRun(result: ProofResult, options: TerminalOptions): string {
  const color = options.color ?? false;
  const lines: string[] = [];
  const { target, toolchain, scenario } = result;
  lines.push(`relay-proof ${result.proof.id}: ${result.proof.title}`);
  lines.push(
    `  target  ${target.root} @ ${target.head}${target.dirty ? ` (dirty: ${target.dirtyPaths.length} paths)` : " (clean)"}`,
  );
  if (target.ref)
    lines.push(
      `  ref     ${target.ref} (temporary worktree; ${target.dependencies?.detail ?? "dependencies: own"})`,
    );
  if (target.dirty)
    lines.push(
      `  dirty   ${target.dirtyPaths.slice(0, 5).join(", ")}${target.dirtyPaths.length > 5 ? ", ..." : ""}`,
    );
  if (target.module) lines.push(`  module  ${target.module}`);
  if (toolchain.node) {
    lines.push(
      `  node    ${toolchain.node} (${toolchain.nodeSource ?? "?"}), tsx ${toolchain.tsx ?? "?"} (${toolchain.tsxSource ?? "?"})`,
    );
  }
  const width = Math.max(0, ...scenario.checks.map((check) => check.key.length));
  if (scenario.checks.length > 0) lines.push("");
  for (const check of scenario.checks) {
    const code =
      check.status === "pass"
        ? 32
        : ["skipped", "absent", "cannot-test", "cannot-drive"].includes(check.status)
          ? 33
          : 31;
    const detail = check.detail ? `  (${sanitizeValue(check.detail)})` : "";
    lines.push(
      `  ${paint(color, code, marks[check.status])} ${check.key.padEnd(width)}  ${sanitizeValue(check.value)}${detail}`,
    );
  }
  if (result.proofs) lines.push("", ...renderProofs(result, color));
  if (result.tests) lines.push("", ...renderTests(result.tests));
  if (result.coverage) lines.push("", ...renderCoverage(result.coverage));
  lines.push("");
  const verdictCode = result.verdict === "holds" ? 32 : result.verdict === "fails" ? 31 : 33;
  lines.push(
    `  verdict ${paint(color, verdictCode, result.verdict.toUpperCase())} (exit ${result.exitCode}, ${(result.durationMs / 1000).toFixed(1)} s)`,
  );
  for (const reason of result.reasons) lines.push(`    ${sanitizeValue(reason)}`);
  const slowest = longestStages(result.timeline ?? []);
  if (slowest.length > 0)
    lines.push(
      `  slowest ${slowest.map((entry) => `${sanitizeValue(entry.stage)} ${(entry.durationMs / 1000).toFixed(1)} s`).join(", ")}`,
    );
  if (result.notTested.length > 0) {
    lines.push("  not tested");
    for (const item of result.notTested) lines.push(`    ${sanitizeValue(item)}`);
  }
  if (result.verdict === "cannot-test" && scenario.stderrTail.length > 0) {
    lines.push("  child stderr (last lines)");
    for (const line of scenario.stderrTail.slice(-8)) lines.push(`    ${sanitizeValue(line)}`);
  }
  lines.push("");
  lines.push(...result.proofLines);
  return `${lines.join("\n")}\n`;
}

function renderTests(tests: TestsResult): string[] {
  const lines = [
    `  tests   ${tests.passed}/${tests.total} passed across ${tests.shards.length} shard(s)` +
      `${tests.shardIndex ? ` (shard ${tests.shardIndex} of ${tests.shardCount})` : ""}, Vitest ${tests.vitest?.version ?? "?"}` +
      `${tests.routing ? `, routed by ${tests.routing.method}` : ""}`,
  ];
  for (const shard of tests.shards) {
    for (const invocation of shard.invocations) {
      const status = invocation.crashed ? "crashed" : `${invocation.passed}/${invocation.total}`;
      lines.push(
        `    shard ${shard.index}  ${describeConfig(invocation)}  ${status}  ${invocation.files.join(", ")}`,
      );
    }
  }
  for (const file of tests.selection.missing) lines.push(`    missing  ${file}`);
  if (tests.status !== "pass")
    for (const reason of tests.reasons.slice(0, 10)) lines.push(`    ${sanitizeValue(reason)}`);
  return lines;
}

/**
 * `--coverage`: the changed lines the proof's scenario ran, the total first, then per file with why a
 * file was not (all) reached.
 */
function renderCoverage(coverage: ChangeCoverage): string[] {
  const rows = reachRows(coverage);
  const total = rows.at(-1);
  const tests =
    coverage.tests === undefined
      ? `tests ${coverage.testsNotMeasured ?? "not measured"}`
      : `tests ran ${coverage.tests}/${coverage.total}`;
  const lines = [
    `  coverage the proof ran ${total?.ran}/${total?.total} (${total?.share}) ${reachSubject(coverage)}; ${tests}`,
  ];
  const files = rows.slice(0, -1);
  const width = Math.max(0, ...files.map((row) => (row.file ?? "").length));
  const counts = files.map((row) => `${row.ran}/${row.total}`);
  const countWidth = Math.max(0, ...counts.map((count) => count.length));
  files.forEach((row, index) => {
    const why = row.unreached ? `  ${sanitizeValue(row.unreached)}` : "";
    lines.push(
      `    ${(row.file ?? "").padEnd(width)}  ${(counts[index] ?? "").padStart(countWidth)} ${row.share.padStart(4)}${why}`,
    );
  });
  for (const note of coverage.notes) lines.push(`    ${sanitizeValue(note)}`);
  return lines;
}

/** Several proofs: each one's verdict, and why when it does not hold. */
function renderProofs(result: ProofResult, color: boolean): string[] {
  const outcomes = result.proofs ?? [];
  const width = Math.max(0, ...outcomes.map((outcome) => outcome.proof.id.length));
  const lines = ["  proofs"];
  for (const outcome of outcomes) {
    const code = outcome.verdict === "holds" ? 32 : outcome.verdict === "fails" ? 31 : 33;
    lines.push(
      `    ${outcome.proof.id.padEnd(width)}  ${paint(color, code, outcome.verdict)}  ${sanitizeValue(outcome.proof.title)}`,
    );
    if (outcome.verdict !== "holds")
      for (const reason of outcome.reasons.slice(0, 5))
        lines.push(`    ${" ".repeat(width)}    ${sanitizeValue(reason)}`);
  }
  return lines;
}

function renderCompare(result: CompareResult, options: TerminalOptions): string {
  const color = options.color ?? false;
  const lines = [
    `relay-proof compare ${result.proof.id}: base ${result.base.target.head} -> head ${result.head.target.head}`,
    "",
  ];
  const rows = result.rows.filter((row) => row.key !== "head" && row.key !== "verdict");
  const width = Math.max(5, ...rows.map((row) => row.key.length));
  const baseWidth = Math.max(4, ...rows.map((row) => sanitizeValue(row.base ?? "-").length));
  lines.push(`  ${"check".padEnd(width)}  ${"base".padEnd(baseWidth)}  head`);
  for (const row of rows) {
    lines.push(
      `  ${row.key.padEnd(width)}  ${sanitizeValue(row.base ?? "-").padEnd(baseWidth)}  ${sanitizeValue(row.head ?? "-")}`,
    );
  }
  lines.push(
    `  ${"verdict".padEnd(width)}  ${result.base.verdict.padEnd(baseWidth)}  ${result.head.verdict}`,
    "",
  );
  const code = result.verdict === "fix-verified" ? 32 : result.verdict === "not-verified" ? 31 : 33;
  lines.push(
    `  verdict ${paint(color, code, result.verdict.toUpperCase())} (exit ${result.exitCode}, ${(result.durationMs / 1000).toFixed(1)} s)`,
  );
  for (const reason of result.reasons) lines.push(`    ${sanitizeValue(reason)}`);
  if (result.head.coverage) lines.push("", ...renderCoverage(result.head.coverage));
  lines.push("", ...result.proofLines);
  return `${lines.join("\n")}\n`;
}

function renderBisect(result: BisectResult, options: TerminalOptions): string {
  const color = options.color ?? false;
  const what = result.direction === "fixed" ? "fixed" : "broke";
  const lines = [
    `relay-proof bisect ${result.proof.id}: which commit ${what} it (good ${result.good.sha.slice(0, 12)}, bad ${result.bad.sha.slice(0, 12)})`,
    "",
  ];
  for (const step of result.steps) {
    const decided = step.identicalTo
      ? ` (not run: identical to ${sanitizeValue(step.identicalTo.slice(0, 12))})`
      : "";
    lines.push(
      `  ${step.outcome.padEnd(7)} ${step.sha.slice(0, 12)} ${sanitizeValue(step.subject)}${decided}`,
    );
  }
  lines.push("");
  const code = result.verdict === "found" ? 32 : 33;
  if (result.first)
    lines.push(`  first ${what} commit: ${result.first.sha} ${sanitizeValue(result.first.subject)}`);
  lines.push(
    `  verdict ${paint(color, code, result.verdict.toUpperCase())} (exit ${result.exitCode}, ${result.steps.length} steps, ${result.scenarioRuns ?? result.steps.length} scenario runs, ${(result.durationMs / 1000).toFixed(1)} s)`,
  );
  for (const reason of result.reasons) lines.push(`    ${sanitizeValue(reason)}`);
  if (result.reproduce.length > 0)
    lines.push("  reproduce", ...result.reproduce.map((command) => `    ${command}`));
  if (result.replay.length > 0)
    lines.push(
      `  git bisect replay (${result.strategy === "kary" ? `k-ary, ${result.jobs} workers` : "git bisect run"}; paste in the repo, then git bisect reset)`,
      ...result.replay.map((command) => `    ${command}`),
    );
  lines.push("", ...result.proofLines);
  return `${lines.join("\n")}\n`;
}
