import { expect } from "vitest";
import type { BisectResult } from "../../src/result/types.ts";

/** k-ary and binary bisect of one history name the same commits, and k-ary runs fewer scenarios. */
export function expectAgreement(kary: BisectResult, binary: BisectResult, expected: string[]): void {
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
}
