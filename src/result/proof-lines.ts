import { type ChangeCoverage, coverageSummary, lineRanges } from "../coverage/change-coverage.ts";
import type { ProofDefinition } from "../scenario/definition.ts";
import { sanitizeValue } from "./sanitize.ts";
import type { ProofOutcome, ProofResult } from "./types.ts";

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

function toolchainLines(source: LineSource): string[] {
  const { toolchain, target } = source;
  const lines: string[] = [];
  if (toolchain.node) lines.push(proofLine("node", `${toolchain.node} (${toolchain.nodeSource ?? "?"})`));
  if (toolchain.tsx) lines.push(proofLine("tsx", `${toolchain.tsx} (${toolchain.tsxSource ?? "?"})`));
  if (target.module) lines.push(proofLine("module", target.module));
  return lines;
}

function coverageDetail(coverage: ChangeCoverage | undefined): string[] {
  if (!coverage) return [];
  return coverage.files.map((file) => {
    const never = file.neither.length > 0 ? ` never ${lineRanges(file.neither)}` : "";
    return proofLine(
      `${coverageKey(coverage)}.${file.file}`,
      `${coverageSummary({ total: file.lines.length, scenario: file.scenario.length, tests: file.tests?.length, unmapped: file.unmapped.length })}${never}`,
    );
  });
}

/** The block's end: coverage, tests, and `verdict`, always the very last line. */
function closingLines(source: LineSource): string[] {
  const lines: string[] = [];
  if (source.coverage) lines.push(proofLine(coverageKey(source.coverage), coverageSummary(source.coverage)));
  if (source.tests) {
    lines.push(
      proofLine("tests", `${source.tests.passed}/${source.tests.total} shards=${source.tests.shardCount}`),
    );
  }
  lines.push(proofLine("verdict", source.verdict));
  return lines;
}

/**
 * Several proofs in one run: a block of detail lines per proof (its info and checks, keys prefixed
 * `<id>.`), then the summary: head, one `<id>=<verdict>` line per proof, tests, `verdict` last.
 */
export function buildProofSetLines(
  proofs: readonly Pick<ProofOutcome, "proof" | "info" | "checks" | "verdict">[],
  source: LineSource,
): string[] {
  const detail = toolchainLines(source);
  for (const outcome of proofs) {
    const id = outcome.proof.id;
    for (const [key, value] of Object.entries(outcome.info)) detail.push(proofLine(`${id}.${key}`, value));
    for (const check of outcome.checks) detail.push(proofLine(`${id}.${check.key}`, check.value));
  }
  if (source.scenario.leftoverProcesses) detail.push(proofLine("leftover-processes", "killed"));
  detail.push(...coverageDetail(source.coverage));
  const summary = [
    proofLine("head", headValue(source.target)),
    ...proofs.map((outcome) => proofLine(outcome.proof.id, outcome.verdict)),
    ...closingLines(source),
  ];
  return [...detail, ...summary.slice(-summaryLimit)];
}

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
  const { scenario } = source;
  const summaryInfo = new Set(definition.summaryInfo);
  const required = new Set(definition.requiredChecks);
  const detail = toolchainLines(source);
  for (const [key, value] of Object.entries(scenario.info)) {
    if (!summaryInfo.has(key)) detail.push(proofLine(key, value));
  }
  for (const check of scenario.checks) {
    if (!required.has(check.key)) detail.push(proofLine(check.key, check.value));
  }
  if (scenario.leftoverProcesses) detail.push(proofLine("leftover-processes", "killed"));
  detail.push(...coverageDetail(source.coverage));

  const summary: string[] = [proofLine("head", headValue(source.target))];
  for (const key of definition.summaryInfo) {
    const value = scenario.info[key];
    if (value !== undefined) summary.push(proofLine(key, value));
  }
  for (const key of definition.requiredChecks) {
    const check = scenario.checks.find((c) => c.key === key);
    summary.push(proofLine(key, check ? check.value : "not-run"));
  }
  summary.push(...closingLines(source));
  return [...detail, ...summary.slice(-summaryLimit)];
}
