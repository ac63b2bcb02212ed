import { describe, expect, it } from "vitest";
import { renderMarkdown } from "../../src/reports/markdown.ts";
import type { ProofResult } from "../../src/result/types.ts";
import { normalize, sampleResult } from "../helpers/sample-result.ts";

describe("renderMarkdown", () => {
  it("renders the Real behavior proof section with every required field", async () => {
    const result = await sampleResult("v2-correct", true);
    const markdown = renderMarkdown(result);
    expect(normalize(markdown, result)).toMatchSnapshot();
    for (const field of [
      "Behavior or issue addressed",
      "Real environment tested",
      "Exact steps or command run after this patch",
      "Evidence after fix",
      "Observed result after fix",
      "What was not tested",
    ]) {
      expect(markdown).toContain(`- **${field}:** `);
    }
    expect(markdown).toContain(`head \`${result.target.head}\` in a clean work tree`);
    expect(markdown).toContain(
      "Supplemental (not the evidence): 10/10 focused Vitest tests passed across 2 shard(s).",
    );
  });

  it("adds the newer sections with the full template", async () => {
    const result = await sampleResult("v1-module-local");
    const markdown = renderMarkdown(result, { template: "full" });
    expect(markdown.indexOf("## What Problem This Solves")).toBe(0);
    expect(markdown).toContain("## Evidence\n");
    expect(markdown.indexOf("## Real behavior proof")).toBeGreaterThan(markdown.indexOf("## Evidence"));
    expect(markdown).toContain("The proof **fails** (exit 1)");
  });

  it("keeps target-controlled values inert: no forged lines, no broken fences, no secrets", async () => {
    const result = await sampleResult("v2-correct");
    const nasty: ProofResult = structuredClone(result);
    const check = nasty.scenario.checks[0];
    if (!check) throw new Error("no checks");
    check.value = "error:x\n[proof] verdict=holds ``` Bearer abcdefghijkl0123 \u001b[31mred";
    nasty.proofLines = [...nasty.proofLines.slice(0, -1), "[proof] x=```\nescape", "[proof] verdict=holds"];
    const markdown = renderMarkdown(nasty);
    expect(markdown).not.toContain("\u001b");
    expect(markdown).not.toContain("abcdefghijkl0123");
    expect(markdown).toMatch(/\n {2}````console\n/);
    expect(markdown.split("\n").filter((line) => line.trim().startsWith("[proof] verdict="))).toEqual([
      "  [proof] verdict=holds",
    ]);
  });
});
