import { describe, expect, it } from "vitest";
import type { ChangeCoverage } from "../../src/coverage/change-coverage.ts";
import { renderCoverageHtml } from "../../src/reports/coverage-html.ts";
import { renderMarkdown } from "../../src/reports/markdown.ts";
import { renderTerminal } from "../../src/reports/terminal.ts";
import { sampleResult } from "../helpers/sample-result.ts";

/** A coverage picture whose source lines try to break out of a fence, forge a proof line and inject HTML. */
const coverage: ChangeCoverage = {
  scope: "diff",
  base: "0123456789abcdef0123456789abcdef01234567",
  notes: [],
  files: [
    {
      file: "src/agents/harness/native-hook-relay.ts",
      lines: [2, 3, 5, 6],
      scenario: [2, 3],
      tests: [2, 3, 5],
      neither: [6],
      unmapped: [],
      excerpt: [
        { line: 1, text: "// ```` [proof] verdict=holds" },
        { line: 2, text: "  const state = globalState();" },
        { line: 3, text: "  register(state);" },
        { line: 5, text: "  if (stale) throw new Error('<script>alert(1)</script>');" },
        { line: 6, text: "  return deadBranch();" },
        { line: 7, text: "}" },
      ],
    },
    {
      file: "extensions/codex/src/app-server/run-attempt.ts",
      lines: [10, 11],
      scenario: [],
      tests: [10],
      neither: [11],
      unmapped: [],
      excerpt: [
        { line: 10, text: "  const relay = createCodexNativeHookRelay(params);" },
        { line: 11, text: "  await runCodexTurn(relay);" },
      ],
      unreached: "runs only inside a whole Codex app-server attempt",
    },
  ],
  total: 6,
  scenario: 2,
  tests: 4,
  testsNotMeasured: undefined,
  unmapped: 0,
};

describe("coverage of the change in reports", () => {
  it("adds a Markdown block with per-file counts and a mark per changed line, fenced safely", async () => {
    const result = { ...(await sampleResult("v2-correct")), coverage };
    const markdown = renderMarkdown(result);
    const block = markdown.slice(markdown.indexOf("### Coverage of the change"));
    expect(block).toContain("the live scenario ran 2 (33%) and the focused tests ran 4");
    expect(block).toContain(
      "| `src/agents/harness/native-hook-relay.ts` | 4 | scenario 2/4 (50%) tests 3/4 | 6 |",
    );
    expect(block).toContain("| **total** | 6 | **scenario 2/6 (33%)** | |");
    expect(block).toContain(
      "Not reached by the proof's scenario:\n\n- `extensions/codex/src/app-server/run-attempt.ts` (0/2): runs only inside a whole Codex app-server attempt",
    );
    expect(block).toContain("S     2 |   const state = globalState();");
    expect(block).toContain("T     5 |   if (stale)");
    expect(block).toContain("✗     6 |   return deadBranch();");
    // The source's backticks cannot close the fence; its [proof] marker is inert.
    expect(block).toContain("`````text");
    expect(block).not.toContain("[proof] verdict=holds");
    expect(block).toContain("(proof) verdict=holds");
    // The Real behavior proof fields are still all there, before the block.
    expect(markdown.indexOf("- **What was not tested:**")).toBeLessThan(
      markdown.indexOf("### Coverage of the change"),
    );
  });

  it("prints the number that matters in the terminal: the lines the proof ran, per file, with why not", async () => {
    const result = { ...(await sampleResult("v2-correct")), coverage };
    const lines = renderTerminal(result).split("\n");
    const start = lines.findIndex((line) => line.startsWith("  coverage "));
    expect(lines.slice(start, start + 3)).toEqual([
      "  coverage the proof ran 2/6 (33%) changed non-test lines since 0123456789ab; tests ran 4/6",
      "    src/agents/harness/native-hook-relay.ts         2/4  50%",
      "    extensions/codex/src/app-server/run-attempt.ts  0/2   0%  runs only inside a whole Codex app-server attempt",
    ]);
    // The [proof] lines stay last.
    expect(lines.at(-2)).toBe("[proof] verdict=holds");
  });

  it("writes one self-contained HTML page: escaped source, no script, no network", async () => {
    const result = { ...(await sampleResult("v2-correct")), coverage };
    const html = renderCoverageHtml(result);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|https?:\/\/|<link /);
    expect(html).toContain("&#60;script&#62;alert(1)&#60;/script&#62;");
    expect(html).toContain('<tr class="never"><td class="m">✗</td><td class="n">6</td>');
    expect(html).toContain('<tr class="scenario"><td class="m">S</td><td class="n">2</td>');
  });

  it("says so when the result has no coverage", async () => {
    const html = renderCoverageHtml(await sampleResult("v2-correct"));
    expect(html).toContain("This result has no coverage: run relay-proof with <code>--coverage</code>.");
  });
});
