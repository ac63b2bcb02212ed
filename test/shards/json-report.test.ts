import { describe, expect, it } from "vitest";
import { parseJsonReport } from "../../src/shards/json-report.ts";

const report = {
  numTotalTests: 3,
  numPassedTests: 1,
  numFailedTests: 1,
  numPendingTests: 1,
  numTodoTests: 0,
  testResults: [
    {
      name: "/repo/src/a.test.ts",
      status: "failed",
      assertionResults: [
        { fullName: "relay answers", status: "passed", failureMessages: [] },
        {
          fullName: "relay rejects stale",
          status: "failed",
          failureMessages: ["AssertionError: expected 0\n\nat x\nat y\nat z"],
        },
        { fullName: "later", status: "pending" },
      ],
    },
    {
      name: "/repo/src/empty.test.ts",
      status: "failed",
      message: "No test suite found in file /repo/src/empty.test.ts",
      assertionResults: [],
    },
  ],
};

describe("parseJsonReport", () => {
  it("totals tests and lists each failure with its file, name and first lines", () => {
    const totals = parseJsonReport(JSON.stringify(report), (file) => file.replace("/repo/", ""));
    expect(totals).toEqual({
      passed: 1,
      failed: 1,
      skipped: 1,
      total: 3,
      fileCount: 2,
      failedFiles: 2,
      failures: [
        {
          file: "src/a.test.ts",
          name: "relay rejects stale",
          message: "AssertionError: expected 0\nat x\nat y",
        },
        {
          file: "src/empty.test.ts",
          name: "(file)",
          message: "No test suite found in file /repo/src/empty.test.ts",
        },
      ],
    });
  });
});
