// Property-based: the --coverage diff parser reads any text without throwing, and reads a diff git
// could print, whatever its added lines say, exactly.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isSourceFile, parseUnifiedDiff } from "../../src/coverage/changed-lines.ts";

/** Added or removed line contents, including ones that look like diff headers. */
const content = fc.oneof(
  fc.string({ maxLength: 20 }).map((text) => text.replace(/\n/g, "")),
  fc.constantFrom(
    "++ b/src/evil.ts",
    "@@ -1 +1,5 @@",
    "++ /dev/null",
    "-- a/x",
    "\\ No newline at end of file",
  ),
);
const path = fc.constantFrom(
  "src/a.ts",
  "src/b.tsx",
  "lib/c.mts",
  "src/a.test.ts",
  "README.md",
  "types.d.ts",
);

interface Hunk {
  oldStart: number;
  removed: string[];
  newStart: number;
  added: string[];
}
const hunk = fc.record({
  oldStart: fc.integer({ min: 0, max: 500 }),
  removed: fc.array(content, { maxLength: 4 }),
  newStart: fc.integer({ min: 1, max: 500 }),
  added: fc.array(content, { maxLength: 4 }),
});
const fileDiff = fc.record({ path, hunks: fc.array(hunk, { minLength: 1, maxLength: 4 }) });

/** `git diff --unified=0` text for these files. */
function render(files: { path: string; hunks: Hunk[] }[]): string {
  const out: string[] = [];
  for (const file of files) {
    out.push(`diff --git a/${file.path} b/${file.path}`, `--- a/${file.path}`, `+++ b/${file.path}`);
    for (const h of file.hunks) {
      out.push(`@@ -${h.oldStart},${h.removed.length} +${h.newStart},${h.added.length} @@ context`);
      out.push(...h.removed.map((line) => `-${line}`), ...h.added.map((line) => `+${line}`));
    }
  }
  return out.join("\n");
}

describe("parseUnifiedDiff, property-based", () => {
  it("never throws on any text, and names only source files with positive line numbers", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 400 }), (text) => {
        for (const [file, lines] of parseUnifiedDiff(text)) {
          expect(isSourceFile(file)).toBe(true);
          for (const line of lines) expect(Number.isSafeInteger(line) && line >= 1).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("reads a diff git prints exactly: the added lines of source files, whatever those lines say", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fileDiff, { selector: (file) => file.path, maxLength: 4 }), (files) => {
        const expected = new Map<string, number[]>();
        for (const file of files) {
          if (!isSourceFile(file.path)) continue;
          const lines = file.hunks.flatMap((h) => h.added.map((_, i) => h.newStart + i));
          if (lines.length > 0) expected.set(file.path, lines);
        }
        expect(parseUnifiedDiff(render(files))).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});
