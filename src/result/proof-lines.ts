import { type ChangeCoverage, coverageSummary, lineRanges } from "../coverage/change-coverage.ts";
import type { ProofDefinition } from "../scenario/definition.ts";
import { sanitizeValue } from "./sanitize.ts";
import type { ProofResult } from "./types.ts";

/** Crabbox keeps the last 12 non-empty lines; the summary block must fit in them. */
export const summaryLimit = 12;

export function proofLine(key: string, value: string): string {
  return `[proof] ${key}=${sanitizeValue(value)}`;
}

/** `<sha>` for a clean tree, `<sha>-dirty` when the work tree had uncommitted changes. */
export function headValue(target: Pick<ProofResult["target"], "head" | "dirty">): string {
  return target.dirty ? `${target.head}-dirty` : target.head;
}

type LineSource = Pick<ProofResult, "target" | "toolchain" | "scenario" | "verdict" | "coverage"> & {
  tests?: { passed: number; total: number; shardCount: number } | undefined;
};

/** `fix-lines` (a diff) or `module-lines` (no base): the coverage lines' key. */
export function coverageKey(coverage: ChangeCoverage): string {
  return coverage.scope === "diff" ? "fix-lines" : "module-lines";
}

/**
 * Detail lines first (toolchain, secondary paths), then the summary block: head, the proof's summary
 * info, its required checks, tests, verdict; `verdict` is always the very last line.
 */
export function buildProofLines(
  definition: Pick<ProofDefinition, "requiredChecks" | "summaryInfo">,
  source: LineSource,
): string[] {
  const { scenario, toolchain, target } = source;
  const summaryInfo = new Set(definition.summaryInfo);
  const required = new Set(definition.requiredChecks);
  const detail: string[] = [];
  if (toolchain.node) detail.push(proofLine("node", `${toolchain.node} (${toolchain.nodeSource ?? "?"})`));
  if (toolchain.tsx) detail.push(proofLine("tsx", `${toolchain.tsx} (${toolchain.tsxSource ?? "?"})`));
  if (target.module) detail.push(proofLine("module", target.module));
  for (const [key, value] of Object.entries(scenario.info)) {
    if (!summaryInfo.has(key)) detail.push(proofLine(key, value));
  }
  for (const check of scenario.checks) {
    if (!required.has(check.key)) detail.push(proofLine(check.key, check.value));
  }
  if (scenario.leftoverProcesses) detail.push(proofLine("leftover-processes", "killed"));
  const { coverage } = source;
  if (coverage) {
    for (const file of coverage.files) {
      const never = file.neither.length > 0 ? ` never ${lineRanges(file.neither)}` : "";
      detail.push(
        proofLine(
          `${coverageKey(coverage)}.${file.file}`,
          `${coverageSummary({ total: file.lines.length, scenario: file.scenario.length, tests: file.tests?.length, unmapped: file.unmapped.length })}${never}`,
        ),
      );
    }
  }

  const summary: string[] = [proofLine("head", headValue(target))];
  for (const key of definition.summaryInfo) {
    const value = scenario.info[key];
    if (value !== undefined) summary.push(proofLine(key, value));
  }
  for (const key of definition.requiredChecks) {
    const check = scenario.checks.find((c) => c.key === key);
    summary.push(proofLine(key, check ? check.value : "not-run"));
  }
  if (coverage) summary.push(proofLine(coverageKey(coverage), coverageSummary(coverage)));
  if (source.tests) {
    summary.push(
      proofLine("tests", `${source.tests.passed}/${source.tests.total} shards=${source.tests.shardCount}`),
    );
  }
  summary.push(proofLine("verdict", source.verdict));
  return [...detail, ...summary.slice(-summaryLimit)];
}
