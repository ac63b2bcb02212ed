import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { appendJobSummary, renderAnnotations, renderJobSummary } from "../../src/reports/github.ts";
import { tempDir } from "../helpers/fixture-repo.ts";
import { normalize, sampleResult } from "../helpers/sample-result.ts";

describe("GitHub reporting", () => {
  it("annotates each failing line with an escaped ::error command", async () => {
    const result = await sampleResult("bridge-skips-generation");
    expect(renderAnnotations(result)).toEqual([
      "::error title=relay-proof stale-generation-error.bridge::none(accepted, exit 0) (expected native hook relay bridge stale registration)",
      "::error title=relay-proof stale-generation-error.command::none(accepted, exit 0) (expected native hook relay bridge stale registration)",
      "::error title=relay-proof legacy-command::none(accepted, exit 0) (expected unavailable(deny, exit 0))",
    ]);
  });

  it("escapes workflow-command metacharacters in titles and messages", async () => {
    const result = await sampleResult("v1-module-local");
    const check = result.scenario.checks[0];
    if (!check) throw new Error("no checks");
    check.key = "a:b,c";
    check.value = "100% broken";
    expect(renderAnnotations(result)[0]).toBe(
      "::error title=relay-proof a%3Ab%2Cc::100%25 broken (expected 0)",
    );
  });

  it("appends a job summary with the verdict and the checks table", async () => {
    const result = await sampleResult("v2-correct");
    const file = join(tempDir(), "summary.md");
    writeFileSync(file, "# earlier step\n");
    expect(appendJobSummary(result, { GITHUB_STEP_SUMMARY: file })).toBe(true);
    const summary = readFileSync(file, "utf8");
    expect(summary.startsWith("# earlier step\n### relay-proof native-hook-relay: HOLDS")).toBe(true);
    expect(normalize(renderJobSummary(result), result)).toMatchSnapshot();
    expect(appendJobSummary(result, {})).toBe(false);
  });
});
