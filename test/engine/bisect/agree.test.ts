// Split from bisect.test.ts (the suite's longest file): two whole bisects per history, so the two
// test workers can share them out. The fix and regression histories agree in bisect.test.ts, whose
// other tests read the same two bisects.
import { describe, it } from "vitest";
import { type BisectOptions, bisectProof } from "../../../src/engine/bisect/bisect.ts";
import { expectAgreement } from "../../helpers/bisect-agreement.ts";
import { demoHistory, helperChangeHistory, longHistory } from "../../helpers/fixture-history.ts";

describe("k-ary and binary bisect agree on every fixture history", () => {
  // Round 1 beside the endpoint checks (speculate) is bisected against binary in speculate.test.ts.
  const histories: [string, () => { options: Omit<BisectOptions, "strategy">; expected: string[] }][] = [
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
      expectAgreement(kary, binary, expected);
      // Two whole bisects of a long history, each step a full scenario: minutes on a loaded machine.
    },
    270_000,
  );
});
