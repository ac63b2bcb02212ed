import { appendFileSync, existsSync } from "node:fs";
import { headValue } from "../result/proof-lines.ts";
import { redact, sanitizeValue } from "../result/sanitize.ts";
import type { ProofResult, Report } from "../result/types.ts";
import type { CheckStatus } from "../scenario/definition.ts";
import { code, text } from "./markdown-text.ts";

/** Workflow-command escaping (actions/toolkit): data and property values. */
function escapeData(value: string): string {
  return value.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

function annotation(level: "error" | "warning", title: string, message: string, file?: string): string {
  const properties = [
    ...(file ? [`file=${escapeProperty(file)}`] : []),
    `title=${escapeProperty(title)}`,
  ].join(",");
  return `::${level} ${properties}::${escapeData(redact(sanitizeValue(message)))}`;
}

function runAnnotations(result: ProofResult, prefix = ""): string[] {
  const lines: string[] = [];
  for (const check of result.scenario.checks) {
    if (check.status === "fail" || check.status === "unsupported") {
      lines.push(
        annotation(
          "error",
          `relay-proof ${prefix}${check.key}`,
          `${check.value} (expected ${check.expected})`,
        ),
      );
    }
  }
  for (const check of result.scenario.checks) {
    if (check.status === "cannot-test" || check.status === "cannot-drive")
      lines.push(
        annotation("warning", `relay-proof ${prefix}${check.key}`, `${check.value}: ${check.detail ?? ""}`),
      );
  }
  if (result.verdict === "cannot-test") {
    lines.push(annotation("warning", `relay-proof ${prefix}cannot test`, result.reasons.join("; ")));
  }
  for (const shard of result.tests?.shards ?? []) {
    for (const invocation of shard.invocations) {
      if (invocation.crashed)
        lines.push(annotation("error", `relay-proof ${prefix}shard ${shard.index}`, invocation.crashed));
      for (const failure of invocation.failures) {
        lines.push(annotation("error", failure.name, failure.message.split("\n")[0] ?? "", failure.file));
      }
    }
  }
  return lines;
}

/** `::error` / `::warning` workflow commands for every failing line, printed before the report. */
export function renderAnnotations(report: Report): string[] {
  if (report.kind === "run") return runAnnotations(report);
  if (report.kind === "compare") {
    const lines = [...runAnnotations(report.head)];
    if (report.verdict !== "fix-verified")
      lines.push(annotation("error", "relay-proof compare", report.reasons.join("; ")));
    return lines;
  }
  return report.first ? [] : [annotation("warning", "relay-proof bisect", report.reasons.join("; "))];
}

const marks: Record<CheckStatus, string> = {
  pass: "✅",
  fail: "❌",
  unsupported: "❌",
  "cannot-drive": "⚠️",
  skipped: "⏭️",
  absent: "➖",
  "cannot-test": "⚠️",
  error: "⚠️",
};

function runTable(result: ProofResult): string[] {
  const rows = result.scenario.checks.map((check) => {
    const mark = marks[check.status];
    return `| ${mark} | ${code(check.key)} | ${code(check.value)} |`;
  });
  const tests = result.tests
    ? [
        `| ${result.tests.status === "pass" ? "✅" : "❌"} | tests | ${result.tests.passed}/${result.tests.total} across ${result.tests.shards.length} shard(s) |`,
      ]
    : [];
  return ["| | check | value |", "|---|---|---|", ...rows, ...tests];
}

/** The job summary for $GITHUB_STEP_SUMMARY: verdict first, then the table. */
export function renderJobSummary(report: Report): string {
  if (report.kind === "run") {
    return [
      `### relay-proof ${text(report.proof.id)}: ${report.verdict.toUpperCase()}`,
      "",
      `Head ${code(headValue(report.target))}, Node ${code(report.toolchain.node ?? "?")}, exit ${report.exitCode}.`,
      "",
      ...runTable(report),
      "",
    ].join("\n");
  }
  if (report.kind === "compare") {
    return [
      `### relay-proof compare ${text(report.proof.id)}: ${report.verdict.toUpperCase()}`,
      "",
      report.reasons.map(text).join("; "),
      "",
      `| check | base ${code(report.base.target.head.slice(0, 12))} | head ${code(report.head.target.head.slice(0, 12))} |`,
      "|---|---|---|",
      ...report.rows.map(
        (row) => `| ${code(row.key)} | ${code(row.base ?? "-")} | ${code(row.head ?? "-")} |`,
      ),
      "",
    ].join("\n");
  }
  return [
    `### relay-proof bisect ${text(report.proof.id)}: ${report.verdict.toUpperCase()}`,
    "",
    report.first
      ? `First ${report.direction} commit: ${code(report.first.sha)} ${text(report.first.subject)}`
      : report.reasons.map(text).join("; "),
    "",
  ].join("\n");
}

/** Append the job summary when running on GitHub Actions; returns whether it was written. */
export function appendJobSummary(report: Report, env: NodeJS.ProcessEnv = process.env): boolean {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file || !existsSync(file)) return false;
  appendFileSync(file, `${renderJobSummary(report)}\n`);
  return true;
}
