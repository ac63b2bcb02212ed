// Typed errors with a stable `code`; the CLI maps them to exit codes in one place (src/cli/main.ts).
// Recognised by a brand, never by `instanceof`, because this project loads modules twice on purpose.

export type RelayProofErrorCode =
  | "USAGE" // bad flag or argument
  | "REPO_NOT_FOUND"
  | "NOT_A_GIT_REPO"
  | "UNKNOWN_REF"
  | "MODULE_NOT_FOUND" // a module path the user named does not exist
  | "UNKNOWN_PROOF"
  | "BAD_PROOF" // a proof file that is missing, throws on import or is not a proof definition
  | "DIRTY_TREE"
  | "NODE_UNSATISFIED"
  | "INTERRUPTED"
  | "INTERNAL";

const brand = Symbol.for("relay-proof.error");

export interface RelayProofError extends Error {
  readonly [brand]: true;
  readonly code: RelayProofErrorCode;
  /** One line that names the fix, printed after the message. */
  readonly hint: string | undefined;
}

export function relayProofError(code: RelayProofErrorCode, message: string, hint?: string): RelayProofError {
  const error = new Error(message) as Error & { [brand]: true; code: RelayProofErrorCode; hint?: string };
  error.name = "RelayProofError";
  error[brand] = true;
  error.code = code;
  error.hint = hint;
  return error as RelayProofError;
}

export function isRelayProofError(value: unknown): value is RelayProofError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

/** Usage errors (exit 2): the input is wrong, nothing was proven. */
export const usageCodes: ReadonlySet<RelayProofErrorCode> = new Set([
  "USAGE",
  "REPO_NOT_FOUND",
  "NOT_A_GIT_REPO",
  "UNKNOWN_REF",
  "MODULE_NOT_FOUND",
  "UNKNOWN_PROOF",
  "BAD_PROOF",
  "DIRTY_TREE",
  "NODE_UNSATISFIED",
]);
