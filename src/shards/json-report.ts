// Reads Vitest's JSON reporter output (the Jest-compatible shape it writes with --reporter=json).

export interface TestFailure {
  file: string;
  name: string;
  /** First lines of the failure message. */
  message: string;
}

export interface ReportTotals {
  passed: number;
  failed: number;
  skipped: number;
  total: number;
  fileCount: number;
  failedFiles: number;
  failures: TestFailure[];
}

interface JsonReport {
  numTotalTests?: number;
  numPassedTests?: number;
  numFailedTests?: number;
  numPendingTests?: number;
  numTodoTests?: number;
  testResults?: {
    name: string;
    status: string;
    message?: string;
    assertionResults?: { fullName?: string; title?: string; status: string; failureMessages?: string[] }[];
  }[];
}

function firstLines(text: string, count = 3): string {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .slice(0, count)
    .join("\n");
}

export function parseJsonReport(text: string, relativeTo: (file: string) => string): ReportTotals {
  const report = JSON.parse(text) as JsonReport;
  const failures: TestFailure[] = [];
  let failedFiles = 0;
  for (const file of report.testResults ?? []) {
    if (file.status === "failed") failedFiles += 1;
    const failedTests = (file.assertionResults ?? []).filter((test) => test.status === "failed");
    for (const test of failedTests) {
      failures.push({
        file: relativeTo(file.name),
        name: test.fullName ?? test.title ?? "(unnamed test)",
        message: firstLines(test.failureMessages?.[0] ?? ""),
      });
    }
    // A file that failed without a failing test: it did not load, or it has no tests at all.
    if (file.status === "failed" && failedTests.length === 0) {
      failures.push({
        file: relativeTo(file.name),
        name: "(file)",
        message: firstLines(file.message ?? "failed"),
      });
    }
  }
  return {
    passed: report.numPassedTests ?? 0,
    failed: report.numFailedTests ?? 0,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
    total: report.numTotalTests ?? 0,
    fileCount: report.testResults?.length ?? 0,
    failedFiles,
    failures,
  };
}
