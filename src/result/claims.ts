// What the fix claims, claim by claim: each with the proof lines that evidence it and what they say.
// A claim holds only when every evidence line that applies passed; one failing line fails it; a claim
// with no passing evidence was not tested, whatever the reason.

import type { ProofClaim } from "../scenario/definition.ts";
import type { CheckResult } from "../scenario/run-scenario.ts";

export type ClaimStatus = "holds" | "fails" | "partly-tested" | "not-tested";

export interface ClaimResult {
  id: string;
  text: string;
  status: ClaimStatus;
  /** The evidence lines, as the run reported them (`missing` when a named check never ran). */
  evidence: { key: string; value: string; status: CheckResult["status"] | "missing" }[];
}

/** `shared.*` matches every key with that prefix; anything else matches exactly. */
function matches(pattern: string, key: string): boolean {
  return pattern.endsWith("*") ? key.startsWith(pattern.slice(0, -1)) : key === pattern;
}

export function claimResults(
  claims: readonly ProofClaim[] | undefined,
  checks: readonly CheckResult[],
): ClaimResult[] {
  return (claims ?? []).map((claim) => {
    const evidence: ClaimResult["evidence"] = [];
    for (const pattern of claim.evidence) {
      const found = checks.filter((check) => matches(pattern, check.key));
      if (found.length === 0 && !pattern.endsWith("*"))
        evidence.push({ key: pattern, value: "not-run", status: "missing" });
      for (const check of found)
        if (!evidence.some((e) => e.key === check.key))
          evidence.push({ key: check.key, value: check.value, status: check.status });
    }
    const applicable = evidence.filter((e) => e.status !== "absent");
    const failed = applicable.some((e) => e.status === "fail" || e.status === "unsupported");
    const passed = applicable.filter((e) => e.status === "pass").length;
    const status: ClaimStatus = failed
      ? "fails"
      : passed === 0
        ? "not-tested"
        : passed < applicable.length
          ? "partly-tested"
          : "holds";
    return { id: claim.id, text: claim.text, status, evidence };
  });
}
