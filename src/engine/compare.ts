import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { resolveCommit } from "../checkout/git.ts";
import { openTarget } from "../checkout/open-target.ts";
import { resolveRef } from "../checkout/worktree.ts";
import { coverageSummary } from "../coverage/change-coverage.ts";
import { parallelSlots, scenarioMiB, scenarioWithTestsMiB } from "../process/limits.ts";
import { coverageKey, headValue, proofLine, summaryLimit } from "../result/proof-lines.ts";
import { type CompareResult, type ProofResult, resultSchema } from "../result/types.ts";
import type { ProofDefinition } from "../scenario/definition.ts";
import { isProofPath, loadDefinitions } from "../scenario/load-definition.ts";
import { proofSpecs, type RunProofOptions, runProof } from "./run-proof.ts";

export interface CompareOptions extends Omit<RunProofOptions, "ref" | "command" | "coverage"> {
  base: string;
  head: string;
  command?: string[];
  /**
   * Compare measures the head's coverage of the change base..head unless `coverage: false`
   * (`--no-coverage`): it costs ~1.2x the scenario on a real checkout (docs/coverage.md).
   */
  coverage?: boolean;
  /**
   * `--jobs`: 2 runs base and head side by side, 1 one after the other (`--sequential`). Default: 2
   * when the cores and the free memory allow it.
   */
  jobs?: number;
}

type Callbacks = Pick<RunProofOptions, "onProgress" | "onChildMessage" | "onChildOutput" | "onShard">;

/**
 * The head's callbacks while the base still runs: each call is queued and replayed, in order, once the
 * base is done, so the progress reads exactly as when the sides run one after the other.
 */
function heldBack(callbacks: Callbacks): { callbacks: Callbacks; release(): void } {
  let queue: (() => void)[] | undefined = [];
  const hold =
    <A extends unknown[]>(callback: ((...args: A) => void) | undefined) =>
    (...args: A) => {
      if (!callback) return;
      if (queue) queue.push(() => callback(...args));
      else callback(...args);
    };
  return {
    callbacks: {
      onProgress: callbacks.onProgress && hold(callbacks.onProgress),
      onChildMessage: callbacks.onChildMessage && hold(callbacks.onChildMessage),
      onChildOutput: callbacks.onChildOutput && hold(callbacks.onChildOutput),
      onShard: callbacks.onShard && hold(callbacks.onShard),
    },
    release() {
      const held = queue ?? [];
      queue = undefined;
      for (const call of held) call();
    },
  };
}

function linesByKey(result: ProofResult): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of result.proofLines) {
    const match = /^\[proof\] ([^=]+)=(.*)$/.exec(line);
    if (match?.[1]) map.set(match[1], match[2] ?? "");
  }
  return map;
}

/** "fix verified" needs both halves: the bug reproduces on base AND the proof holds on head. */
export function compareVerdict(
  base: ProofResult,
  head: ProofResult,
): Pick<CompareResult, "verdict" | "exitCode" | "reasons"> {
  const reasons: string[] = [];
  if (base.verdict === "cannot-test")
    reasons.push(`base ${base.target.head} cannot be tested: ${base.reasons[0] ?? ""}`);
  if (head.verdict === "cannot-test")
    reasons.push(`head ${head.target.head} cannot be tested: ${head.reasons[0] ?? ""}`);
  if (reasons.length > 0) return { verdict: "cannot-test", exitCode: 125, reasons };
  if (base.verdict === "holds")
    reasons.push(`the bug does not reproduce on base ${base.target.head}: the proof holds there`);
  if (head.verdict === "fails")
    reasons.push(`the fix does not hold on head ${head.target.head}: ${head.reasons[0] ?? ""}`);
  if (reasons.length > 0) return { verdict: "not-verified", exitCode: 1, reasons };
  return {
    verdict: "fix-verified",
    exitCode: 0,
    reasons: [`the bug reproduces on base ${base.target.head} and the fix holds on head ${head.target.head}`],
  };
}

/** Run the proof on a base and a head and say whether the fix is verified, as data. */
export async function compareRefs(options: CompareOptions): Promise<CompareResult> {
  const started = Date.now();
  const loaded = await loadDefinitions(proofSpecs(options.proof));
  const definition = loaded[0]?.definition as ProofDefinition;
  const several = loaded.length > 1;
  const checkout = await openTarget({ repo: options.repo });
  // Resolve both refs before any work, so a typo fails fast and leaves nothing behind.
  const resolved = await Promise.allSettled([
    resolveRef(checkout.root, options.base),
    resolveRef(checkout.root, options.head),
    resolveCommit(checkout.root, "HEAD"),
  ]);
  const failed = resolved.find((ref) => ref.status === "rejected");
  if (failed) throw failed.reason;
  const [baseSha, headSha, current] = resolved.map(
    (ref) => (ref as PromiseFulfilledResult<string>).value,
  ) as [string, string, string | undefined];
  const progress = options.onProgress;
  progress?.(`base ${options.base} = ${baseSha}`);
  // Each side records the run that reproduces it, at its exact SHA.
  const sideCommand = (sha: string) => [
    "relay-proof",
    "run",
    "--ref",
    sha,
    ...(options.tests === false ? ["--no-tests"] : []),
    ...proofSpecs(options.proof).flatMap((spec) => ["--proof", isProofPath(spec) ? resolve(spec) : spec]),
  ];
  // The head checked out and clean in the user's tree runs in place: no worktree, no reinstall.
  const inPlace = headSha === current && !checkout.dirty;
  const withTests = options.tests !== false;
  const jobs =
    options.jobs ?? parallelSlots({ perSlotMiB: withTests ? scenarioWithTestsMiB : scenarioMiB, cap: 2 });
  // Coverage (on unless coverage: false) is the head's: which of the change's lines its evidence ran.
  const baseSide: RunProofOptions = {
    ...options,
    coverage: undefined,
    ref: options.base,
    command: sideCommand(baseSha),
  };
  const headSide: RunProofOptions = {
    ...options,
    coverage: options.coverage === false ? undefined : { base: baseSha },
    ref: inPlace ? undefined : options.head,
    command: sideCommand(headSha),
  };
  let base: ProofResult;
  let head: ProofResult;
  if (jobs < 2) {
    base = await runProof(baseSide);
    progress?.(`head ${options.head} = ${headSha}`);
    head = await runProof(headSide);
  } else {
    [base, head] = await bothSides(options, {
      base: baseSide,
      head: headSide,
      headLine: `head ${options.head} = ${headSha}`,
    });
  }
  const baseLines = linesByKey(base);
  const headLines = linesByKey(head);
  const keys = [...new Set([...headLines.keys(), ...baseLines.keys()])];
  const outcome = compareVerdict(base, head);
  // The summary keeps the base's first failing required line (the bug, reproduced) and all of the
  // head's; the base's other required lines come just before it, so the block fits 12 lines. With
  // several proofs, a proof's verdict is its line.
  const requiredKeys = several ? loaded.map((proof) => proof.definition.id) : definition.requiredChecks;
  const baseValue = (key: string) =>
    several ? base.proofs?.find((outcome) => outcome.proof.id === key)?.verdict : baseLines.get(key);
  const headValueOf = (key: string) =>
    several ? head.proofs?.find((outcome) => outcome.proof.id === key)?.verdict : headLines.get(key);
  const basePassed = (key: string) =>
    several
      ? baseValue(key) === "holds"
      : base.scenario.checks.some((check) => check.key === key && check.status === "pass");
  const baseRequired = requiredKeys.map((key) => ({
    key,
    line: proofLine(`base.${key}`, baseValue(key) ?? "not-run"),
    passed: basePassed(key),
  }));
  // With several proofs the head's lines are a verdict each and the last line is the set's: the
  // base's lines all go before the block, and head.verdict is the last line's to say.
  const shown = several ? undefined : (baseRequired.find((required) => !required.passed) ?? baseRequired[0]);
  const summary = [
    proofLine("base", headValue(base.target)),
    ...(shown ? [shown.line] : []),
    proofLine("base.verdict", base.verdict),
    proofLine("head", headValue(head.target)),
    ...requiredKeys.map((key) => proofLine(key, headValueOf(key) ?? "not-run")),
    ...(several ? [] : [proofLine("head.verdict", head.verdict)]),
    ...(head.coverage ? [proofLine(coverageKey(head.coverage), coverageSummary(head.coverage))] : []),
    proofLine("verdict", outcome.verdict),
  ];
  return {
    schema: resultSchema,
    kind: "compare",
    proof: { id: head.proof.id, title: head.proof.title },
    base,
    head,
    rows: keys.map((key) => ({ key, base: baseLines.get(key), head: headLines.get(key) })),
    ...outcome,
    proofLines: [
      ...baseRequired.filter((required) => required !== shown).map((required) => required.line),
      ...summary.slice(-summaryLimit),
    ],
    // The command with both refs pinned to their SHAs, so it reproduces anywhere.
    command: pinRefs(options.command ?? [], { "--base": baseSha, "--head": headSha }),
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
  };
}

/**
 * Run base and head side by side. The head's progress is held back until the base is done; its focused
 * tests get half the cores unless --shards says otherwise. When one side throws, the other is stopped
 * (its worktree and processes go too) and the base's error wins, as when they run in turn.
 */
async function bothSides(
  options: CompareOptions,
  sides: { base: RunProofOptions; head: RunProofOptions; headLine: string },
): Promise<[ProofResult, ProofResult]> {
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const shards =
    options.tests === false || options.tests?.shards !== undefined || options.tests?.shardIndex
      ? options.tests
      : { ...options.tests, shards: Math.max(1, Math.floor(availableParallelism() / 2)) };
  const held = heldBack(options);
  held.callbacks.onProgress?.(sides.headLine);
  const run = (side: RunProofOptions) =>
    runProof({ ...side, tests: shards, signal }).catch((error: unknown) => {
      stop.abort();
      throw error;
    });
  const base = run(sides.base).finally(() => held.release());
  const head = run({ ...sides.head, ...held.callbacks });
  const [baseDone, headDone] = await Promise.allSettled([base, head]);
  if (baseDone.status === "rejected") throw baseDone.reason;
  if (headDone.status === "rejected") throw headDone.reason;
  return [baseDone.value, headDone.value];
}

/** Replace the values of ref flags (`--base X`, `--head=X`) with SHAs. */
export function pinRefs(command: readonly string[], shas: Record<string, string>): string[] {
  const pinned: string[] = [];
  for (let i = 0; i < command.length; i++) {
    const arg = command[i] as string;
    const [flag, inline] = arg.split("=", 2) as [string, string | undefined];
    const sha = shas[flag];
    if (sha && inline !== undefined) pinned.push(`${flag}=${sha}`);
    else if (sha && i + 1 < command.length) {
      pinned.push(arg, sha);
      i++;
    } else pinned.push(arg);
  }
  if (command.length > 0 && !command.some((arg) => arg === "--head" || arg.startsWith("--head="))) {
    const head = shas["--head"];
    if (head) pinned.push("--head", head);
  }
  return pinned;
}
