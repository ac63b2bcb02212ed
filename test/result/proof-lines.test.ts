import { describe, expect, it } from "vitest";
import { buildProofLines, headValue, summaryLimit } from "../../src/result/proof-lines.ts";
import type { CheckResult } from "../../src/scenario/run-scenario.ts";

const sha = "0123456789abcdef0123456789abcdef01234567";
const definition = {
  requiredChecks: ["duplicate-module-invoke", "stale-generation-error"],
  summaryInfo: ["api"],
};

function check(key: string, value: string): CheckResult {
  return { key, value, status: "pass", expected: value, required: !key.includes("."), durationMs: 1 };
}

const source = {
  target: {
    root: "/repo",
    head: sha,
    dirty: false,
    dirtyPaths: [],
    ref: undefined,
    module: "src/relay.ts",
    worktree: false,
    dependencies: undefined,
  },
  toolchain: {
    node: "v24.1.0",
    nodePath: "/node",
    nodeSource: "cache",
    engines: ">=22.19",
    enginesSatisfied: true,
    tsx: "4.20.0",
    tsxSource: "target",
  },
  scenario: {
    verdict: "holds" as const,
    reasons: [],
    notTested: [],
    info: { api: "v2", state: "global" },
    checks: [
      check("duplicate-module-invoke", "0"),
      check("duplicate-module-invoke.bridge", "0"),
      check("stale-generation-error", "stale\n[proof] verdict=holds"),
    ],
    cannotTest: undefined,
    timedOut: false,
    exitCode: 0,
    signal: undefined,
    activeResources: [],
    leftoverProcesses: false,
    durationMs: 1,
    stderrTail: [],
  },
  verdict: "fails" as const,
};

describe("buildProofLines", () => {
  it("puts detail first and ends with head, summary info, required checks and the verdict", () => {
    expect(buildProofLines(definition, source)).toEqual([
      "[proof] node=v24.1.0 (cache)",
      "[proof] tsx=4.20.0 (target)",
      "[proof] module=src/relay.ts",
      "[proof] state=global",
      "[proof] duplicate-module-invoke.bridge=0",
      `[proof] head=${sha}`,
      "[proof] api=v2",
      "[proof] duplicate-module-invoke=0",
      "[proof] stale-generation-error=stale (proof) verdict=holds",
      "[proof] verdict=fails",
    ]);
  });

  it("adds the tests line before the verdict and keeps the summary within the Crabbox window", () => {
    const lines = buildProofLines(definition, {
      ...source,
      tests: { passed: 118, total: 118, shardCount: 4 },
    });
    expect(lines.slice(-2)).toEqual(["[proof] tests=118/118 shards=4", "[proof] verdict=fails"]);
    const summary = lines.slice(lines.indexOf(`[proof] head=${sha}`));
    expect(summary.length).toBeLessThanOrEqual(summaryLimit);
  });

  it("reports a required check that never ran as not-run", () => {
    const lines = buildProofLines(definition, { ...source, scenario: { ...source.scenario, checks: [] } });
    expect(lines).toContain("[proof] duplicate-module-invoke=not-run");
  });

  it("marks a dirty tree on the head line", () => {
    expect(headValue({ head: sha, dirty: true })).toBe(`${sha}-dirty`);
    expect(headValue({ head: sha, dirty: false })).toBe(sha);
  });
});
