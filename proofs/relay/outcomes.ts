// How an answer becomes a check outcome: the invocations that must answer, the ones that must fail
// closed with the stale error, and the lines that cannot speak on a head.
import type { CheckOutcome } from "../../src/scenario/definition.ts";
import type { Captured } from "./capture.ts";

export const staleError = "native hook relay bridge stale registration";

/** An invoke that answered: pass on exit code 0, otherwise the code or the error is the value. */
export function invokeOutcome(result: Captured): CheckOutcome {
  if (!result.ok) return { status: "fail", value: `error:${result.error}` };
  const exitCode = (result.value as { exitCode?: unknown } | null)?.exitCode;
  if (typeof exitCode !== "number") return { status: "fail", value: "unexpected-response" };
  return { status: exitCode === 0 ? "pass" : "fail", value: String(exitCode) };
}

/** An invoke that must fail closed with the stale error: the error text is the value. */
export function staleOutcome(result: Captured): CheckOutcome {
  if (result.ok) {
    const exitCode = (result.value as { exitCode?: unknown } | null)?.exitCode;
    return { status: "fail", value: `none(accepted, exit ${String(exitCode)})` };
  }
  return { status: result.error === staleError ? "pass" : "fail", value: result.error };
}

/** The head's API cannot express the protection: counts as not holding. */
export function unsupported(why: string): CheckOutcome {
  return { status: "unsupported", value: `unsupported(${why})` };
}

/** This environment could not exercise the path: reported, not counted. */
export function skipped(why: string): CheckOutcome {
  return { status: "skipped", value: "skipped", detail: why };
}

/** An invoke that must fail with exactly `expected`: the error text is the value. */
export function errorOutcome(result: Captured, expected: string): CheckOutcome {
  if (result.ok) {
    const exitCode = (result.value as { exitCode?: unknown } | null)?.exitCode;
    return { status: "fail", value: `none(accepted, exit ${String(exitCode)})` };
  }
  return { status: result.error === expected ? "pass" : "fail", value: result.error };
}

/** This proof has no way into the path on this head's API: not tested, neither holding nor failing. */
export function cannotDrive(why: string): CheckOutcome {
  return { status: "cannot-drive", value: `cannot-drive(${why})` };
}

/** The head does not have the thing checked (an older head's missing feature): reported, not counted. */
export function absent(why: string): CheckOutcome {
  return { status: "absent", value: `absent(${why})` };
}
