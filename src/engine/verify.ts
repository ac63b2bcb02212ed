// `relay-proof verify RECEIPT`: is this result what relay-proof produced, for that commit, unedited;
// and with --rerun, does proving it again give the same lines? Returns data: one line per check.
import { resolve } from "node:path";
import { gitTopLevel } from "../checkout/git.ts";
import { relayProofError } from "../errors.ts";
import { readReceipt } from "../receipt/read-receipt.ts";
import { printable } from "../result/sanitize.ts";
import { type LineDifference, rerunReceipt } from "./rerun.ts";
import {
  checkCommits,
  checkLines,
  checkProofFiles,
  checkResultDigest,
  checkSignature,
  checkStatement,
  recordedFlags,
  type VerifyLine,
} from "./verify-checks.ts";

export type { VerifyLine } from "./verify-checks.ts";

export interface VerifyOptions {
  receipt: string;
  /** `--result FILE`: the result file the receipt names, instead of the embedded copy. */
  result?: string;
  /** `--repo PATH`: where the commit must exist, and where --rerun proves it (default: cwd). */
  repo?: string;
  /** `--public-key FILE`: check the envelope's Ed25519 signature. */
  publicKey?: string;
  /** `--proof FILE`: proof files the receipt names, where they sit here. */
  proofFiles?: readonly string[];
  rerun?: boolean;
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
}

export interface VerifyResult {
  kind: "verify";
  lines: VerifyLine[];
  /** With --rerun: every line that came out differently, and the keys not compared (`varies`). */
  differences: LineDifference[];
  varied: string[];
  rerun: { where: string; compared: number; durationMs: number; verdict: string } | undefined;
  verified: boolean;
  exitCode: 0 | 1;
  durationMs: number;
}

export async function verifyReceipt(options: VerifyOptions): Promise<VerifyResult> {
  const started = Date.now();
  const read = readReceipt(options.receipt, options.result);
  const repo = resolve(options.repo ?? process.cwd());
  const root = await gitTopLevel(repo);
  if (!root) {
    throw relayProofError(
      "NOT_A_GIT_REPO",
      `${printable(repo)} is not inside a git work tree`,
      "run verify in the checkout the receipt names, or pass --repo PATH",
    );
  }
  const located = checkProofFiles(read, root, options.proofFiles ?? []);
  const lines: VerifyLine[] = [
    checkResultDigest(read),
    checkSignature(read, options.publicKey),
    ...(await checkCommits(read, root)),
    ...located.lines,
    ...checkStatement(read),
    ...checkLines(read.result),
  ];
  const ready = lines.every((line) => line.ok !== false);
  let differences: LineDifference[] = [];
  let varied: string[] = [];
  let rerun: VerifyResult["rerun"];
  if (options.rerun && !ready) {
    lines.push({ check: "rerun", ok: undefined, text: "not run: the receipt did not verify" });
  } else if (options.rerun) {
    options.onProgress?.("re-running the receipt's proof with its flags");
    const again = await rerunReceipt(read.result, {
      root,
      flags: recordedFlags(read.statement),
      proofFiles: located.files,
      onProgress: options.onProgress,
      signal: options.signal,
    });
    ({ differences, varied } = again);
    rerun = {
      where: again.where,
      compared: again.compared,
      durationMs: again.durationMs,
      verdict: again.report.verdict,
    };
    const seconds = `${(again.durationMs / 1000).toFixed(1)} s`;
    const variedText = varied.length > 0 ? `; not compared, named in varies: ${varied.join(", ")}` : "";
    if (differences.length === 0) {
      lines.push({
        check: "rerun",
        ok: true,
        text: `${again.compared} proof lines reproduced ${again.where} in ${seconds}, verdict ${again.report.verdict}${variedText}`,
      });
    } else {
      lines.push({
        check: "rerun",
        ok: false,
        text: `${differences.length} of ${again.compared} proof lines differ ${again.where} (${seconds})${variedText}`,
      });
      for (const difference of differences) {
        lines.push({
          check: `rerun.${difference.key}`,
          ok: false,
          text: `the receipt says ${printable(difference.receipt ?? "(no line)")}, the rerun ${printable(difference.rerun ?? "(no line)")}`,
        });
      }
    }
  }
  const verified = lines.every((line) => line.ok !== false);
  return {
    kind: "verify",
    lines,
    differences,
    varied,
    rerun,
    verified,
    exitCode: verified ? 0 : 1,
    durationMs: Date.now() - started,
  };
}
