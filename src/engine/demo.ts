// `relay-proof demo`: the main job on relay-proof's own fixture relay, so it runs on a fresh machine
// with no OpenClaw checkout: a bug-base -> fix history in a temp dir, compare, a short bisect, cleanup.

import { createDemoHistory } from "../../fixtures/build-fixture-history.ts";
import { makeTempDir } from "../process/temp-dir.ts";
import { proofLine } from "../result/proof-lines.ts";
import { type BisectResult, type CompareResult, exitCodes, type Verdict } from "../result/types.ts";
import { bisectProof } from "./bisect/bisect.ts";
import { compareRefs } from "./compare.ts";

export interface DemoOptions {
  /** `--timeout`: per scenario run, as for `relay-proof run`. */
  timeoutMs?: number;
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
}

export interface DemoResult {
  kind: "demo";
  /** The fixture history's commits: the V1 bug the compare starts from and the V2 fix. */
  history: { base: { sha: string; subject: string }; fix: { sha: string; subject: string }; commits: number };
  compare: CompareResult;
  /** Undefined when the compare did not verify the fix (a bisect would have nothing to find). */
  bisect: BisectResult | undefined;
  /** holds: compare verified the fix and bisect named the commit that made it. */
  verdict: Verdict;
  exitCode: (typeof exitCodes)[Verdict];
  reasons: string[];
  /** What to run on a real checkout. */
  nextSteps: { command: string; why: string }[];
  proofLines: string[];
  durationMs: number;
}

const baseSubject = "relay: stable ids and a bridge (v1, the bug)";
const fixSubject = "relay: generations (the fix)";

export const demoNextSteps: DemoResult["nextSteps"] = [
  {
    command: "relay-proof run --repo PATH",
    why: "prove your checkout: the live scenario, then the focused tests",
  },
  {
    command: "relay-proof compare --repo PATH --base origin/main --head HEAD",
    why: "a PR: the bug on its base and the fix on its head",
  },
  {
    command: "relay-proof bisect --repo PATH --good HEAD --bad OLD-SHA",
    why: "the first commit that fixed (or broke) it",
  },
  {
    command: "relay-proof compare --repo PATH --base BASE --no-tests --format markdown",
    why: 'the PR\'s "Real behavior proof" section',
  },
  { command: "relay-proof run --proof ./my-proof.ts", why: "your own proof: docs/writing-a-proof.md" },
];

/**
 * Build the bundled fixture history (V1 bug -> cannot load -> half fix -> V2 fix) in a temp dir,
 * compare the bug base with the fixed head, bisect between them, and remove everything, also on
 * Ctrl-C (the temp dir is in the cleanup registry; worktrees and children clean up as in compare).
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const started = Date.now();
  const progress = options.onProgress;
  const dir = makeTempDir("relay-proof-demo-");
  try {
    progress?.(`building the fixture history (V1 bug -> V2 fix) in ${dir.path}`);
    // The scenario alone: the fixture repo links relay-proof's tsx, and no Vitest is needed.
    const { repo, commits, order } = createDemoHistory({ parent: dir.path, vitest: false });
    const base = commits[baseSubject] as string;
    const fix = commits[fixSubject] as string;
    const history = {
      base: { sha: base, subject: baseSubject },
      fix: { sha: fix, subject: fixSubject },
      commits: order.length + 1,
    };
    progress?.(`compare: the bug base ${base.slice(0, 12)} against the fixed head ${fix.slice(0, 12)}`);
    const compare = await compareRefs({
      repo: repo.root,
      base,
      head: fix,
      tests: false,
      provision: false,
      timeoutMs: options.timeoutMs,
      command: ["relay-proof", "compare", "--base", base, "--head", fix, "--no-tests"],
      onProgress: progress,
      signal: options.signal,
    });
    let bisect: BisectResult | undefined;
    if (compare.verdict === "fix-verified") {
      progress?.(
        `bisect: which of the ${order.indexOf(fixSubject) - order.indexOf(baseSubject)} commits fixed it`,
      );
      bisect = await bisectProof({
        repo: repo.root,
        good: fix,
        bad: base,
        // git bisect run, as the README's demo shows; on 4 commits k-ary would save one step.
        strategy: "binary",
        timeoutMs: options.timeoutMs,
        command: ["relay-proof", "bisect", "--good", fix, "--bad", base],
        onProgress: progress,
        signal: options.signal,
      });
    }
    const { verdict, reasons } = demoVerdict(compare, bisect, fix);
    return {
      kind: "demo",
      history,
      compare,
      bisect,
      verdict,
      exitCode: exitCodes[verdict],
      reasons,
      nextSteps: demoNextSteps,
      proofLines: [
        proofLine("compare", compare.verdict),
        proofLine("first-fixed-commit", bisect?.first?.sha ?? "none"),
        proofLine("verdict", verdict),
      ],
      durationMs: Date.now() - started,
    };
  } finally {
    dir.remove();
    progress?.(`removed ${dir.path}`);
  }
}

/** holds only when the compare verified the fix and the bisect named the history's fixing commit. */
export function demoVerdict(
  compare: CompareResult,
  bisect: BisectResult | undefined,
  fix: string,
): { verdict: Verdict; reasons: string[] } {
  if (compare.verdict !== "fix-verified") {
    return {
      verdict: compare.verdict === "cannot-test" ? "cannot-test" : "fails",
      reasons: [`compare: ${compare.reasons[0] ?? compare.verdict}; bisect skipped`],
    };
  }
  if (!bisect?.first) {
    return { verdict: "cannot-test", reasons: [`bisect: ${bisect?.reasons[0] ?? "did not run"}`] };
  }
  if (bisect.first.sha !== fix) {
    return {
      verdict: "fails",
      reasons: [`bisect named ${bisect.first.sha} (${bisect.first.subject}), not the fixing commit ${fix}`],
    };
  }
  return {
    verdict: "holds",
    reasons: [
      "compare: the bug reproduces on the V1 base and the fix holds on the V2 head",
      `bisect: ${fix} (${fixSubject}) is the first commit where the proof holds`,
    ],
  };
}
