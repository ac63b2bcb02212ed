import { describe, expect, it } from "vitest";
import { type ChangeCoverage, mergeCoverage } from "../../src/coverage/change-coverage.ts";

function machine(tests: number[] | undefined): ChangeCoverage {
  return {
    scope: "diff",
    base: "b".repeat(40),
    notes: [],
    files: [
      {
        file: "src/a.ts",
        lines: [1, 2, 3, 4],
        scenario: [1],
        tests,
        neither: [2, 3, 4].filter((line) => !tests?.includes(line)),
        unmapped: [],
        excerpt: [],
      },
    ],
    total: 4,
    scenario: 1,
    tests: tests?.length,
    testsNotMeasured: tests ? undefined : "not measured: the checkout has no @vitest/coverage-v8",
    unmapped: 0,
  };
}

describe("mergeCoverage", () => {
  it("unites the tests' hits of every machine's shard", () => {
    const merged = mergeCoverage([machine([1, 2]), machine([3])]);
    expect(merged?.files[0]).toMatchObject({ scenario: [1], tests: [1, 2, 3], neither: [4] });
    expect(merged).toMatchObject({ total: 4, scenario: 1, tests: 3, notes: [] });
  });

  it("calls the tests' count a lower bound when a machine did not measure it", () => {
    const merged = mergeCoverage([machine([2]), machine(undefined)]);
    expect(merged?.tests).toBe(1);
    expect(merged?.notes).toEqual([
      "1 of 2 machines did not measure their tests' coverage: the tests' count is a lower bound",
    ]);
  });

  it("keeps 'not measured' when no machine measured, never zero", () => {
    const merged = mergeCoverage([machine(undefined), machine(undefined)]);
    expect(merged?.tests).toBeUndefined();
    expect(merged?.testsNotMeasured).toBe("not measured: the checkout has no @vitest/coverage-v8");
  });
});
