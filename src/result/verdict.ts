import type { ProofDefinition } from "../scenario/definition.ts";
import type { ScenarioResult } from "../scenario/run-scenario.ts";
import type { TestsResult } from "../shards/run-tests.ts";
import type { Verdict } from "./types.ts";

export interface VerdictOutcome {
  verdict: Verdict;
  reasons: string[];
  notTested: string[];
}

/**
 * holds only when the scenario completed, every required check ran and passed, and no check failed
 * or was unsupported. Anything that prevented a fair test is cannot-test, never holds.
 */
export function decideVerdict(
  definition: Pick<ProofDefinition, "requiredChecks">,
  scenario: ScenarioResult,
): VerdictOutcome {
  const cannot: string[] = [];
  const failed: string[] = [];
  const notTested: string[] = [];
  if (scenario.cannotTest) cannot.push(scenario.cannotTest);
  if (scenario.harnessError) cannot.push(`scenario crashed: ${scenario.harnessError}`);
  if (scenario.timedOut) {
    const during = scenario.interruptedDuring ? ` during ${scenario.interruptedDuring}` : "";
    cannot.push(`scenario timed out${during}; its process group was killed`);
  } else if (!scenario.completed && !scenario.cannotTest && !scenario.harnessError) {
    const how = scenario.signal
      ? `was killed by ${scenario.signal}`
      : `exited with code ${String(scenario.exitCode)}`;
    const during = scenario.interruptedDuring ? ` during ${scenario.interruptedDuring}` : "";
    cannot.push(`scenario child ${how}${during} before reporting`);
  }
  // A path that ran and gave no answer (a timeout) is not evidence against the fix: cannot-test,
  // unless another check really failed.
  const unanswered: string[] = [];
  for (const check of scenario.checks) {
    if (check.status === "error") cannot.push(`${check.key}: ${check.value}`);
    if (check.status === "cannot-drive") {
      unanswered.push(`${check.key} was not driven: ${check.value}`);
      notTested.push(`${check.key}: ${check.detail ?? check.value}`);
    }
    if (check.status === "cannot-test") {
      unanswered.push(`${check.key} could not be tested: ${check.detail ?? check.value}`);
      notTested.push(`${check.key}: ${check.detail ?? check.value}`);
    }
    if (check.status === "fail") failed.push(`${check.key}=${check.value} (expected ${check.expected})`);
    if (check.status === "unsupported") failed.push(`${check.key}: ${check.value}`);
    if (check.status === "absent") notTested.push(`${check.key}: absent at this head: ${check.value}`);
    if (check.status === "skipped") {
      notTested.push(`${check.key}: ${check.detail ?? "skipped"}`);
      if (check.required) cannot.push(`required check ${check.key} was skipped: ${check.detail ?? ""}`);
    }
  }
  const reported = new Set(scenario.checks.map((check) => check.key));
  const missing = definition.requiredChecks.filter((key) => !reported.has(key));
  if (missing.length > 0 && cannot.length === 0)
    cannot.push(`required checks never ran: ${missing.join(", ")}`);
  if (cannot.length > 0) return { verdict: "cannot-test", reasons: cannot, notTested };
  if (failed.length > 0) return { verdict: "fails", reasons: failed, notTested };
  if (unanswered.length > 0) return { verdict: "cannot-test", reasons: unanswered, notTested };
  return { verdict: "holds", reasons: ["every required check ran and passed"], notTested };
}

/**
 * Fold the focused tests into the scenario's verdict: failing tests (or a crashed shard, a timeout,
 * zero tests) make it `fails`; tests that could not run at all keep a holding scenario from `holds`.
 */
export function withTests(outcome: VerdictOutcome, tests: TestsResult | undefined): VerdictOutcome {
  if (!tests) return outcome;
  const reasons = tests.reasons.map((reason) => `tests: ${reason}`);
  const notTested = [
    ...outcome.notTested,
    ...tests.selection.missing.map((file) => `test file missing: ${file}`),
  ];
  if (outcome.verdict === "cannot-test") return { ...outcome, notTested };
  if (tests.status === "fail") {
    const base = outcome.verdict === "fails" ? outcome.reasons : [];
    return { verdict: "fails", reasons: [...base, ...reasons], notTested };
  }
  if (tests.status === "cannot-test") {
    if (outcome.verdict === "fails") return { ...outcome, notTested: [...notTested, ...reasons] };
    return { verdict: "cannot-test", reasons, notTested };
  }
  return { ...outcome, reasons: [...outcome.reasons, ...reasons], notTested };
}
