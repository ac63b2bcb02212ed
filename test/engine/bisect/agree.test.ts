// Split from bisect.test.ts (the suite's longest file): two whole bisects per history, so the two
// test workers can share them out.
import { describe, expect, it } from "vitest";
import { type BisectOptions, bisectProof } from "../../../src/engine/bisect/bisect.ts";
import {
  demoHistory,
  fixHistory,
  helperChangeHistory,
  longHistory,
  regressionHistory,
} from "../../helpers/fixture-history.ts";

describe("k-ary and binary bisect agree on every fixture history", () => {
  // Round 1 beside the endpoint checks (speculate) is bisected against binary in speculate.test.ts.
  const histories: [string, () => { options: Omit<BisectOptions, "strategy">; expected: string[] }][] = [
    [
      "the fix history (V0 -> V1 -> cannot load -> shared state -> lockfile -> V2)",
      () => {
        const { repo, commits } = fixHistory();
        const bad = commits["relay: first version (v0)"] as string;
        return {
          options: { repo: repo.root, good: "HEAD", bad },
          expected: [commits["relay: generations (the fix)"] as string],
        };
      },
    ],
    [
      "the regression history (V2 -> cannot load -> V2 -> the bridge skips generations)",
      () => {
        const { repo, commits } = regressionHistory();
        return {
          options: { repo: repo.root, good: commits["relay: generations (the fix)"] as string, bad: "HEAD" },
          expected: [commits["relay: fast path for the bridge (regression)"] as string],
        };
      },
    ],
    [
      "the demo history",
      () => {
        const { repo, commits } = demoHistory();
        return {
          options: {
            repo: repo.root,
            good: "HEAD",
            bad: commits["relay: stable ids and a bridge (v1, the bug)"] as string,
          },
          expected: [commits["relay: generations (the fix)"] as string],
        };
      },
    ],
    [
      "a long history whose fix hides behind two unloadable commits (candidates)",
      () => {
        const history = longHistory({ length: 40, boundary: 23, unloadable: [5, 21, 22] });
        return {
          options: { repo: history.repo.root, good: history.good, bad: history.bad },
          expected: [...history.unloadable.slice(1), history.boundary],
        };
      },
    ],
    [
      "a regression in one line of an imported helper, among edits of files next to it that nothing imports",
      () => {
        const history = helperChangeHistory();
        return {
          options: { repo: history.repo.root, good: history.good, bad: history.bad },
          expected: [history.boundary],
        };
      },
    ],
    [
      "a long history with a regression and unloadable commits on both sides",
      () => {
        const history = longHistory({
          length: 30,
          boundary: 11,
          unloadable: [3, 12, 20],
          direction: "broke",
        });
        return {
          options: { repo: history.repo.root, good: history.good, bad: history.bad },
          expected: [history.boundary],
        };
      },
    ],
  ];

  it.each(histories)(
    "%s",
    async (_, make) => {
      const { options, expected } = make();
      const kary = await bisectProof({ ...options, strategy: "kary", jobs: 2 });
      const binary = await bisectProof({ ...options, strategy: "binary", jobs: 1 });
      expect(kary.strategy).toBe("kary");
      expect(binary.strategy).toBe("binary");
      expect({ first: kary.first, candidates: kary.candidates, verdict: kary.verdict }).toEqual({
        first: binary.first,
        candidates: binary.candidates,
        verdict: binary.verdict,
      });
      expect(kary.candidates).toEqual(expected);
      // The shortcut decides commits whose loaded files are identical to a tested commit's: fewer
      // scenario runs than git bisect run, which tests every commit it picks.
      expect(kary.shortcut.used).toBe(true);
      expect(binary.shortcut.used).toBe(false);
      expect(kary.scenarioRuns).toBeLessThan(binary.scenarioRuns);
      // Two whole bisects of a long history, each step a full scenario: minutes on a loaded machine.
    },
    270_000,
  );
});
