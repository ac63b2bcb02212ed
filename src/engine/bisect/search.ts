// What a search of the range returns, whichever way it searched: the first commit (or the
// candidates only untestable commits separate), and every step.
import type { BisectResult } from "../../result/types.ts";

export type Step = BisectResult["steps"][number];

/** What a search found: one commit, or candidates only skipped commits separate. */
export interface Search {
  first: string | undefined;
  candidates: string[];
  steps: Step[];
  /** Set when git bisect ended without either answer. */
  failure?: string;
  /** Scenario runs of the search itself (the endpoints' are counted apart). */
  runs: number;
}
