// Property-based: the result reader of `merge` and `report` takes any bytes. It gives a result that
// every reporter and merge can use, or a usage error in one printable line; never a crash.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { createFixtureRepo } from "../../fixtures/build-fixture-repo.ts";
import { mergeResults } from "../../src/engine/merge-results.ts";
import { runProof } from "../../src/engine/run-proof.ts";
import { isRelayProofError } from "../../src/errors.ts";
import { renderCoverageHtml } from "../../src/reports/coverage-html.ts";
import { renderAnnotations, renderJobSummary } from "../../src/reports/github.ts";
import { reporters } from "../../src/reports/index.ts";
import { readReport, readResult } from "../../src/result/read-result.ts";
import type { ProofResult, Report } from "../../src/result/types.ts";

/** One line of text a person can read: no control, invisible or invalid characters. */
const printableLine =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
  /^[^\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufffd]*$/u;

function expectUsageLine(error: unknown): void {
  expect(isRelayProofError(error), String((error as Error)?.stack)).toBe(true);
  const { code, message, hint } = error as { code: string; message: string; hint?: string };
  expect(code).toBe("USAGE");
  const line = `relay-proof: ${message}${hint ? ` (${hint})` : ""}`;
  expect(line).toMatch(printableLine);
  expect(line).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
  expect(line).not.toMatch(/\n\s+at /);
}

/** Every way a result is rendered: each --format, the coverage page, the job summary and annotations. */
function renderEverything(result: Report): void {
  for (const render of Object.values(reporters)) {
    render(result, { color: false, template: "classic" });
    render(result, { color: true, template: "full" });
  }
  renderCoverageHtml(result);
  renderJobSummary(result);
  renderAnnotations(result);
}

let saved: ProofResult;
let dir: string;
beforeAll(async () => {
  // A real result with every part filled in: focused tests and coverage.
  const repo = createFixtureRepo();
  dir = mkdtempSync(join(tmpdir(), "relay-proof-test-"));
  try {
    saved = await runProof({ repo: repo.root, tests: { shards: 1 }, coverage: true });
  } finally {
    repo.remove();
  }
  expect(saved.tests?.shards.length).toBe(1);
  expect(saved.coverage).toBeDefined();
  return () => rmSync(dir, { recursive: true, force: true });
}, 120_000);

let count = 0;
function fileWith(content: string | Uint8Array): string {
  const file = join(dir, `case-${count++}.json`);
  writeFileSync(file, content);
  return file;
}

/** Every path into a JSON value, e.g. ["tests", "shards", 0, "index"]. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== "object" || value === null) return [prefix];
  const entries = Array.isArray(value) ? value.map((item, i) => [i, item] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, item]) => pathsOf(item, [...prefix, key]))];
}

/** A copy of `value` with the thing at `path` deleted (`undefined`) or replaced. */
function mutate(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (replacement === undefined) delete node[last];
  else node[last] = replacement;
  return copy;
}

describe("readResult, property-based", () => {
  it("gives any byte string a result or one printable usage line", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          renderEverything(readReport(fileWith(bytes)));
        } catch (error) {
          expectUsageLine(error);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("reads null in an optional field as the field absent, which merge and every reporter then use", async () => {
    // Found by the property below (seed -1216702794): `tests: null` passed the checks, and merge read
    // `null.shardCount`.
    for (const key of ["tests", "coverage", "cli"] as const) {
      const result = readResult(fileWith(JSON.stringify(mutate(saved, [key], null))));
      expect(key in result).toBe(false);
      renderEverything(result);
      const merged = await mergeResults([fileWith(JSON.stringify(mutate(saved, [key], null)))]);
      expect(merged.verdict).toBe(saved.verdict);
    }
  });

  it("accepts a real result, and from a damaged one gives a result every reporter and merge can use, or one usage line", async () => {
    renderEverything(readResult(fileWith(JSON.stringify(saved))));
    const paths = pathsOf(saved).filter((path) => path.length > 0);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.oneof(fc.constant(undefined), fc.jsonValue({ maxDepth: 2 })),
        async (path, replacement) => {
          const file = fileWith(JSON.stringify(mutate(saved, path, replacement)));
          let result: ProofResult;
          try {
            result = readResult(file);
          } catch (error) {
            expectUsageLine(error);
            return;
          }
          renderEverything(result);
          await mergeResults([file]).catch((error: unknown) => {
            // A damaged result may still disagree with itself (e.g. a shard index twice): a usage error.
            expectUsageLine(error);
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
