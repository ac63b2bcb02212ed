import { redact, sanitizeValue } from "../result/sanitize.ts";
import type { ProofResult, Report } from "../result/types.ts";

function xml(value: string): string {
  return redact(sanitizeValue(value))
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/** One scenario suite: a test case per check. */
function checkSuite(
  name: string,
  classname: string,
  checks: ProofResult["scenario"]["checks"],
  durationMs: number,
  untestable: string | undefined,
): string[] {
  const failures = checks.filter((c) => c.status === "fail" || c.status === "unsupported").length;
  const errors = checks.filter(
    (c) => c.status === "error" || c.status === "cannot-test" || c.status === "cannot-drive",
  ).length;
  const skipped = checks.filter((c) => c.status === "skipped" || c.status === "absent").length;
  const lines = [
    `  <testsuite name="${xml(name)}" tests="${checks.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${(durationMs / 1000).toFixed(3)}">`,
  ];
  if (untestable !== undefined && checks.length === 0) {
    lines.push(
      `    <testcase classname="${xml(classname)}" name="scenario"><error message="${xml(untestable)}"/></testcase>`,
    );
  }
  for (const check of checks) {
    const open = `    <testcase classname="${xml(classname)}" name="${xml(check.key)}" time="${(check.durationMs / 1000).toFixed(3)}">`;
    if (check.status === "pass") lines.push(`${open}</testcase>`);
    else if (check.status === "skipped" || check.status === "absent")
      lines.push(`${open}<skipped message="${xml(check.detail ?? check.value)}"/></testcase>`);
    else if (check.status === "cannot-test" || check.status === "cannot-drive" || check.status === "error")
      lines.push(`${open}<error message="${xml(`${check.value}: ${check.detail ?? ""}`)}"/></testcase>`);
    else
      lines.push(
        `${open}<failure message="${xml(`${check.value} (expected ${check.expected})`)}"/></testcase>`,
      );
  }
  lines.push("  </testsuite>");
  return lines;
}

function suites(result: ProofResult, prefix: string): string[] {
  const untestable = result.verdict === "cannot-test" ? result.reasons.join("; ") : undefined;
  // Several proofs: a suite each, its checks under their own keys.
  const lines = result.proofs
    ? result.proofs.flatMap((outcome) =>
        checkSuite(
          `${prefix}${outcome.proof.id} scenario`,
          outcome.proof.id,
          outcome.checks,
          result.scenario.durationMs,
          outcome.verdict === "cannot-test" ? outcome.reasons.join("; ") : undefined,
        ),
      )
    : checkSuite(
        `${prefix}${result.proof.id} scenario`,
        result.proof.id,
        result.scenario.checks,
        result.scenario.durationMs,
        untestable,
      );
  if (result.tests) {
    const invocations = result.tests.shards.flatMap((shard) =>
      shard.invocations.map((invocation) => ({ shard, invocation })),
    );
    lines.push(
      `  <testsuite name="${xml(`${prefix}${result.proof.id} focused tests`)}" tests="${result.tests.total}" failures="${result.tests.failed}" skipped="${result.tests.skipped}">`,
    );
    for (const { shard, invocation } of invocations) {
      for (const failure of invocation.failures) {
        lines.push(
          `    <testcase classname="${xml(failure.file)}" name="${xml(failure.name)}"><failure message="${xml(failure.message.split("\n")[0] ?? "")}"/></testcase>`,
        );
      }
      if (invocation.crashed) {
        lines.push(
          `    <testcase classname="shard ${shard.index}" name="${xml(invocation.files.join(", "))}"><error message="${xml(invocation.crashed)}"/></testcase>`,
        );
      }
    }
    if (result.tests.status !== "pass" && invocations.length === 0) {
      lines.push(
        `    <testcase classname="tests" name="focused tests"><error message="${xml(result.tests.reasons.join("; "))}"/></testcase>`,
      );
    }
    lines.push("  </testsuite>");
  }
  return lines;
}

/** JUnit XML for CI systems other than GitHub: one test case per check, failing tests listed. */
export function renderJunit(report: Report): string {
  const body =
    report.kind === "run"
      ? suites(report, "")
      : report.kind === "compare"
        ? [...suites(report.base, "base "), ...suites(report.head, "head ")]
        : [
            `  <testsuite name="bisect" tests="1" failures="${report.first ? 0 : 1}">`,
            `    <testcase classname="bisect" name="${xml(report.direction)}">${report.first ? "" : `<failure message="${xml(report.reasons.join("; "))}"/>`}</testcase>`,
            "  </testsuite>",
          ];
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="relay-proof">\n${body.join("\n")}\n</testsuites>\n`;
}
