// The k-ary search over a range of one line: N commits per round on N worktrees, with the shortcut
// deciding the commits identical to a tested one.
import { isRelayProofError, relayProofError, usageCodes } from "../../errors.ts";
import type { BisectResult, ProofResult } from "../../result/types.ts";
import type { Identity } from "./identity.ts";
import { karySearch, type Mark } from "./kary.ts";
import type { BisectOptions } from "./options.ts";
import type { Search, Step } from "./search.ts";

export async function karyBisect(
  options: BisectOptions,
  context: {
    direction: BisectResult["direction"];
    jobs: number;
    range: { sha: string; subject: string }[];
    prove: (slot: number, sha: string) => Promise<ProofResult>;
    older: string;
    same: Identity | undefined;
    /** Where each slot's tree is when the search starts (kary.ts `at`). */
    at?: readonly (number | undefined)[];
    /** Round 1 beside the endpoints' verification (kary.ts `speculative`). */
    speculative?: { verified: Promise<unknown>; jobs: number };
  },
): Promise<Search> {
  const { direction, jobs, range } = context;
  const progress = options.onProgress;
  progress?.(
    `k-ary bisect of the ${range.length - 1} commit(s) between the endpoints on ${jobs} worker(s): looking for the commit that ${direction} it`,
  );
  const newVerdict = direction === "fixed" ? "holds" : "fails";
  const outcome = await karySearch({
    range: range.map((commit) => commit.sha),
    jobs,
    older: context.older,
    same: context.same && (async (index) => context.same?.span(index)),
    relevant: context.same?.relevant,
    onContradiction: (sha, identicalTo) =>
      progress?.(
        `${sha.slice(0, 12)} behaves unlike ${identicalTo.slice(0, 12)} although every file its scenario loaded is identical: testing every step from here (the shortcut is off)`,
      ),
    speculative: context.speculative,
    at: context.at,
    onRound: (round, shas, untested, speculative) =>
      progress?.(
        `round ${round}: testing ${shas.map((sha) => sha.slice(0, 12)).join(", ")} (${untested} untested${speculative ? "; beside the endpoint checks, deciding nothing until both are verified" : ""})`,
      ),
    test: async (sha, slot): Promise<Mark> => {
      if (options.signal?.aborted) throw relayProofError("INTERRUPTED", "bisect was interrupted");
      try {
        const result = await context.prove(slot, sha);
        progress?.(
          `${sha.slice(0, 12)} ${result.verdict}${result.verdict === "holds" ? "" : `: ${result.reasons[0] ?? ""}`}`,
        );
        if (result.verdict === "cannot-test") return "skip";
        return result.verdict === newVerdict ? "new" : "old";
      } catch (error) {
        // As a `git bisect run` step: a usage error stops the search, anything else skips the commit.
        if (isRelayProofError(error) && (usageCodes.has(error.code) || error.code === "INTERRUPTED"))
          throw error;
        progress?.(`${sha.slice(0, 12)} cannot be tested: ${(error as Error).message}`);
        return "skip";
      }
    },
  });
  if (options.signal?.aborted) throw relayProofError("INTERRUPTED", "bisect was interrupted");
  const decided = outcome.tested.length - outcome.runs;
  if (decided > 0) {
    progress?.(
      `${decided} commit(s) decided without running: every file the scenario loaded is identical to a tested commit's`,
    );
  }
  const outcomeOf = (mark: Mark): Step["outcome"] =>
    mark === "skip" ? "skipped" : (mark === "new") === (direction === "fixed") ? "holds" : "fails";
  const subjects = new Map(range.map((commit) => [commit.sha, commit.subject]));
  return {
    first: outcome.first,
    candidates: outcome.candidates,
    steps: outcome.tested.map((step) => ({
      sha: step.sha,
      subject: subjects.get(step.sha) ?? "",
      outcome: outcomeOf(step.mark),
      ...(step.identicalTo ? { identicalTo: step.identicalTo } : {}),
    })),
    runs: outcome.runs,
  };
}
