// A bisect's search folded into its result: the answer and why, the commands that reproduce it, the
// replay, and the proof lines.
import { proofLine } from "../../result/proof-lines.ts";
import { type BisectResult, resultSchema } from "../../result/types.ts";
import type { BisectOptions, BisectStrategy } from "./options.ts";
import { bisectReplay } from "./replay.ts";
import type { Search } from "./search.ts";

export interface BisectOutcome {
  options: BisectOptions;
  /** The proof followed; `spec` is what --proof named (undefined: the default proof). */
  proof: { id: string; title: string; spec: string | undefined };
  endpoints: { good: string; bad: string; direction: BisectResult["direction"] };
  search: Search;
  first: { sha: string; subject: string } | undefined;
  /** How it searched: the strategy, workers, first-parent line, and why the shortcut was off. */
  how: {
    strategy: BisectStrategy;
    jobs: number;
    firstParent: boolean;
    /** The first commit is a merge (on the first-parent line). */
    merge: boolean;
    shortcutOff: string | undefined;
  };
  started: number;
}

export function assembleBisectResult(outcome: BisectOutcome): BisectResult {
  const { options, search, first, started } = outcome;
  const { good, bad, direction } = outcome.endpoints;
  const { strategy, jobs, firstParent, merge } = outcome.how;
  const off = outcome.how.shortcutOff;
  const proof = outcome.proof.spec;
  const definition = outcome.proof;
  const what = direction === "fixed" ? "fixing" : "breaking";
  const reasons = first
    ? [
        `${first.sha} is the first commit${firstParent ? " on the first-parent line" : ""} where the proof ${direction === "fixed" ? "holds" : "fails"}`,
        ...(merge
          ? [
              `it is a merge: the change came in from the branch it merged; --strategy binary searches that branch too`,
            ]
          : []),
      ]
    : search.candidates.length > 0
      ? [
          `only untestable commits are left; the first ${what} commit is one of: ${search.candidates.join(", ")}`,
        ]
      : [`git bisect ended without an answer: ${search.failure ?? ""}`];
  const proofFlag = proof ? ` --proof ${proof}` : "";
  const reproduce = first
    ? [
        `relay-proof run --ref ${first.sha} --no-tests${proofFlag}`,
        `relay-proof run --ref ${first.sha}^ --no-tests${proofFlag}`,
      ]
    : [];
  const verdict = first ? "found" : "cannot-test";
  const decided = search.steps.filter((step) => step.identicalTo !== undefined).length;
  const scenarioRuns = strategy === "kary" ? 2 + search.runs : search.steps.length;
  return {
    schema: resultSchema,
    kind: "bisect",
    proof: { id: definition.id, title: definition.title },
    direction,
    good: { ref: options.good, sha: good },
    bad: { ref: options.bad, sha: bad },
    first,
    candidates: search.candidates,
    steps: search.steps,
    scenarioRuns,
    shortcut:
      off === undefined
        ? { used: true, reason: `${decided} commit(s) decided by identity` }
        : { used: false, reason: off },
    strategy,
    jobs: strategy === "kary" ? jobs : 1,
    ...(firstParent ? { firstParent } : {}),
    replay: bisectReplay({
      direction,
      firstParent,
      good,
      bad,
      steps: search.steps.filter((step) => step.sha !== good && step.sha !== bad),
    }),
    verdict,
    exitCode: first ? 0 : 125,
    reasons,
    reproduce,
    proofLines: [
      proofLine("good", good),
      proofLine("bad", bad),
      proofLine("direction", direction),
      proofLine("steps", String(search.steps.length)),
      proofLine("scenario-runs", String(scenarioRuns)),
      proofLine(
        direction === "fixed" ? "first-fixed-commit" : "first-bad-commit",
        first ? first.sha : "none",
      ),
      proofLine("verdict", verdict),
    ],
    command: options.command ?? [],
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
  };
}
