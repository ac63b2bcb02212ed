import { resolveCommit } from "../checkout/git.ts";
import { openTarget } from "../checkout/open-target.ts";
import { resolveRef } from "../checkout/worktree.ts";
import { headValue, proofLine } from "../result/proof-lines.ts";
import { type CompareResult, type ProofResult, resultSchema } from "../result/types.ts";
import { loadDefinition } from "../scenario/load-definition.ts";
import { type RunProofOptions, runProof } from "./run-proof.ts";

export interface CompareOptions extends Omit<RunProofOptions, "ref" | "command"> {
  base: string;
  head: string;
  command?: string[];
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
  const { definition, spec } = await loadDefinition(options.proof ?? "native-hook-relay");
  const checkout = await openTarget({ repo: options.repo });
  // Resolve both refs before any work, so a typo fails fast and leaves nothing behind.
  const [baseSha, headSha] = [
    await resolveRef(checkout.root, options.base),
    await resolveRef(checkout.root, options.head),
  ];
  const current = await resolveCommit(checkout.root, "HEAD");
  const progress = options.onProgress;
  progress?.(`base ${options.base} = ${baseSha}`);
  // Each side records the run that reproduces it, at its exact SHA.
  const sideCommand = (sha: string) => [
    "relay-proof",
    "run",
    "--ref",
    sha,
    ...(options.tests === false ? ["--no-tests"] : []),
    ...(options.proof ? ["--proof", spec] : []),
  ];
  const base = await runProof({ ...options, ref: options.base, command: sideCommand(baseSha) });
  progress?.(`head ${options.head} = ${headSha}`);
  // The head checked out and clean in the user's tree runs in place: no worktree, no reinstall.
  const inPlace = headSha === current && !checkout.dirty;
  const head = await runProof({
    ...options,
    ref: inPlace ? undefined : options.head,
    command: sideCommand(headSha),
  });
  const baseLines = linesByKey(base);
  const headLines = linesByKey(head);
  const keys = [...new Set([...headLines.keys(), ...baseLines.keys()])];
  const outcome = compareVerdict(base, head);
  const summary = [
    proofLine("base", headValue(base.target)),
    ...definition.requiredChecks.map((key) => proofLine(`base.${key}`, baseLines.get(key) ?? "not-run")),
    proofLine("base.verdict", base.verdict),
    proofLine("head", headValue(head.target)),
    ...definition.requiredChecks.map((key) => proofLine(key, headLines.get(key) ?? "not-run")),
    proofLine("head.verdict", head.verdict),
    proofLine("verdict", outcome.verdict),
  ];
  return {
    schema: resultSchema,
    kind: "compare",
    proof: { id: definition.id, title: definition.title },
    base,
    head,
    rows: keys.map((key) => ({ key, base: baseLines.get(key), head: headLines.get(key) })),
    ...outcome,
    proofLines: summary,
    // The command with both refs pinned to their SHAs, so it reproduces anywhere.
    command: pinRefs(options.command ?? [], { "--base": baseSha, "--head": headSha }),
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
  };
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
