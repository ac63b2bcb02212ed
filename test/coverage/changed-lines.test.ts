import { describe, expect, it } from "vitest";
import { lineRanges } from "../../src/coverage/change-coverage.ts";
import { isSourceFile, parseUnifiedDiff } from "../../src/coverage/changed-lines.ts";

describe("parseUnifiedDiff", () => {
  it("takes the head-side lines each hunk adds, TypeScript sources only", () => {
    const diff = [
      "diff --git a/src/a.ts b/src/a.ts",
      "--- a/src/a.ts",
      "+++ b/src/a.ts",
      "@@ -3,0 +4,2 @@ export function f() {",
      "+  one();",
      "+  two();",
      "@@ -10 +12 @@",
      "-old",
      "+new",
      "@@ -20,3 +22,0 @@",
      "-gone",
      "diff --git a/src/a.test.ts b/src/a.test.ts",
      "+++ b/src/a.test.ts",
      "@@ -1 +1 @@",
      "diff --git a/README.md b/README.md",
      "+++ b/README.md",
      "@@ -1 +1 @@",
      "+++ /dev/null",
      "@@ -1 +0,0 @@",
    ].join("\n");
    expect(parseUnifiedDiff(diff)).toEqual(new Map([["src/a.ts", [4, 5, 12]]]));
  });

  it("counts TypeScript sources, not tests, declarations or other files", () => {
    expect(
      ["a.ts", "b.tsx", "c.mts", "d.d.ts", "e.test.ts", "f.spec.tsx", "g.js"].filter(isSourceFile),
    ).toEqual(["a.ts", "b.tsx", "c.mts"]);
  });
});

describe("lineRanges", () => {
  it("folds runs of lines into ranges", () => {
    expect(lineRanges([1, 2, 3, 7, 9, 10])).toBe("1-3,7,9-10");
    expect(lineRanges([])).toBe("");
  });
});
