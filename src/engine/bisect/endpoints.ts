// Both endpoints are verified before any search: each must give a verdict, and the expected one.
import { relayProofError } from "../../errors.ts";
import type { ProofResult } from "../../result/types.ts";
import type { BisectOptions } from "./options.ts";

/** Both endpoints must give a verdict, and the expected one; side by side when two workers fit. */
export async function verifyEndpoints(
  options: BisectOptions,
  shas: { good: string; bad: string },
  jobs: number,
  prove: (slot: number, sha: string) => Promise<ProofResult>,
): Promise<void> {
  const endpoints = [
    ["--good", options.good, shas.good, "holds"],
    ["--bad", options.bad, shas.bad, "fails"],
  ] as const;
  const check = (index: number) => {
    const [flag, ref, sha, expected] = endpoints[index] as (typeof endpoints)[number];
    options.onProgress?.(
      `verifying ${flag} ${ref} (${sha.slice(0, 12)}): expecting the proof to ${expected === "holds" ? "hold" : "fail"}`,
    );
    return prove(jobs >= 2 ? index : 0, sha);
  };
  const results = jobs >= 2 ? await settleAll([check(0), check(1)]) : [await check(0), await check(1)];
  endpoints.forEach(([flag, ref, , expected], index) => {
    const endpoint = results[index] as ProofResult;
    if (endpoint.verdict === "cannot-test") {
      throw relayProofError(
        "USAGE",
        `${flag} ${ref} cannot be tested: ${endpoint.reasons[0] ?? ""}`,
        `pick a ${flag} where relay-proof run --ref ${ref} gives a verdict`,
      );
    }
    if (endpoint.verdict !== expected) {
      throw relayProofError(
        "USAGE",
        `${flag} ${ref}: the proof ${endpoint.verdict === "holds" ? "holds" : "fails"} there`,
        `pick a ${flag} where it ${expected === "holds" ? "holds" : "fails"}`,
      );
    }
  });
}

/** Promise.all that lets every promise finish (no run outlives its worktree), then throws the first error. */
async function settleAll<T>(promises: Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((result) => result.status === "rejected");
  if (failed) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<T>).value);
}
