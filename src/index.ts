// The package entry: the proof contract, for repos that keep their own proofs
// (`import { defineProof } from "relay-proof"`), and the library functions behind the commands.
// Proof files import this entry inside the target's scenario child, so it loads only the contract;
// each library function loads its engine on first call.

import type { BisectOptions } from "./engine/bisect/bisect.ts";
import type { CompareOptions } from "./engine/compare.ts";
import type { DemoOptions, DemoResult } from "./engine/demo.ts";
import type { MergeOptions } from "./engine/merge-results.ts";
import type { RunProofOptions } from "./engine/run-proof.ts";
import type { VerifyOptions, VerifyResult } from "./engine/verify.ts";
import type { BisectResult, CompareResult, ProofResult } from "./result/types.ts";

export type { BisectOptions } from "./engine/bisect/bisect.ts";
export type { CompareOptions } from "./engine/compare.ts";
export type { DemoOptions, DemoResult } from "./engine/demo.ts";
export type { MergeOptions } from "./engine/merge-results.ts";
export type { RunProofOptions, TestsOptions } from "./engine/run-proof.ts";
export type { VerifyLine, VerifyOptions, VerifyResult } from "./engine/verify.ts";
export { isRelayProofError, type RelayProofError, type RelayProofErrorCode } from "./errors.ts";
export type {
  BisectResult,
  BisectVerdict,
  CompareResult,
  CompareVerdict,
  ProofResult,
  Report,
  Verdict,
} from "./result/types.ts";
export {
  type CheckOutcome,
  type CheckSpec,
  type CheckStatus,
  type CliInfo,
  type CliState,
  defineProof,
  type ProofDefinition,
  type ScenarioContext,
  type ShellResult,
} from "./scenario/definition.ts";

/** Prove one checkout (`relay-proof run`): the verdict, reasons and proof lines as data. */
export async function runProof(options: RunProofOptions): Promise<ProofResult> {
  return (await import("./engine/run-proof.ts")).runProof(options);
}

/** Prove a base and a head (`relay-proof compare`): fix-verified needs the bug on base and the fix on head. */
export async function compareRefs(options: CompareOptions): Promise<CompareResult> {
  return (await import("./engine/compare.ts")).compareRefs(options);
}

/** Find the commit that fixed or broke the proof (`relay-proof bisect`), in a temporary worktree. */
export async function bisectProof(options: BisectOptions): Promise<BisectResult> {
  return (await import("./engine/bisect/bisect.ts")).bisectProof(options);
}

/** Merge the results of one run split over machines (`relay-proof merge`). */
export async function mergeResults(files: readonly string[], options?: MergeOptions): Promise<ProofResult> {
  return (await import("./engine/merge-results.ts")).mergeResults(files, options);
}

/** The demo on a bundled fixture history (`relay-proof demo`): compare and bisect, then clean up. */
export async function runDemo(options?: DemoOptions): Promise<DemoResult> {
  return (await import("./engine/demo.ts")).runDemo(options);
}

/** Check a receipt (`relay-proof verify`): one line per check, and with `rerun` every proof line again. */
export async function verifyReceipt(options: VerifyOptions): Promise<VerifyResult> {
  return (await import("./engine/verify.ts")).verifyReceipt(options);
}
