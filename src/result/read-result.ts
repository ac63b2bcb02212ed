// Reading a saved result (`merge`, `report`): any file at all, from any machine. It is a run result of
// this schema with every field the reporters and merge read, or a usage error in one printable line.
// A field added to ProofResult that a reporter reads belongs here too (the property test in
// test/result/read-result.property.test.ts damages a real result field by field to find one missing).
import { readFileSync } from "node:fs";
import { relayProofError } from "../errors.ts";
import { printable } from "./sanitize.ts";
import { type ProofResult, type Report, resultSchema } from "./types.ts";

/** A check of one value: undefined when it fits, else the first problem, naming its path. */
type Check = (value: unknown, path: string) => string | undefined;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const first = (problems: Iterable<string | undefined>) => {
  for (const problem of problems) if (problem) return problem;
  return undefined;
};

const string: Check = (v, p) => (typeof v === "string" ? undefined : `${p} is not a string`);
const number: Check = (v, p) =>
  typeof v === "number" && Number.isFinite(v) ? undefined : `${p} is not a number`;
const boolean: Check = (v, p) => (typeof v === "boolean" ? undefined : `${p} is not true or false`);
const optional =
  (check: Check): Check =>
  (v, p) =>
    v === undefined || v === null ? undefined : check(v, p);
const array =
  (check: Check): Check =>
  (v, p) =>
    Array.isArray(v) ? first(v.map((item, i) => check(item, `${p}[${i}]`))) : `${p} is not a list`;
const object =
  (fields: Record<string, Check>): Check =>
  (v, p) =>
    isObject(v)
      ? first(Object.entries(fields).map(([key, check]) => check(v[key], `${p}.${key}`)))
      : `${p} is not an object`;
const record =
  (check: Check): Check =>
  (v, p) =>
    isObject(v)
      ? first(Object.entries(v).map(([key, item]) => check(item, `${p}.${key}`)))
      : `${p} is not an object`;
const oneOf =
  (...values: readonly unknown[]): Check =>
  (v, p) =>
    values.includes(v) ? undefined : `${p} is not one of ${values.join(", ")}`;

const strings = array(string);
const numbers = array(number);
const verdict = oneOf("holds", "fails", "cannot-test");

const invocation = object({
  config: optional(string),
  project: optional(string),
  files: strings,
  passed: number,
  failed: number,
  skipped: number,
  total: number,
  failures: array(object({ file: string, name: string, message: string })),
  exitCode: optional(number),
  crashed: optional(string),
});
const shard = object({
  index: number,
  invocations: array(invocation),
  passed: number,
  failed: number,
  skipped: number,
  total: number,
  durationMs: optional(number),
  problems: strings,
});
const tests = object({
  status: oneOf("pass", "fail", "cannot-test"),
  reasons: strings,
  vitest: optional(object({ version: string, bin: string })),
  selection: object({ source: string, files: strings, missing: strings }),
  shards: array(shard),
  shardCount: number,
  shardIndex: optional(number),
  passed: number,
  failed: number,
  skipped: number,
  total: number,
  durationMs: number,
  vitestMerge: optional(object({ passed: number, failed: number, total: number, errors: strings })),
});
const coverageFile = object({
  file: string,
  lines: numbers,
  scenario: numbers,
  tests: optional(numbers),
  neither: numbers,
  unmapped: numbers,
  excerpt: array(object({ line: number, text: string })),
});
const coverage = object({
  scope: oneOf("diff", "module"),
  base: optional(string),
  notes: strings,
  files: array(coverageFile),
  total: number,
  scenario: number,
  tests: optional(number),
  testsNotMeasured: optional(string),
  unmapped: number,
});
const checkStatuses = [
  "pass",
  "fail",
  "unsupported",
  "cannot-drive",
  "skipped",
  "absent",
  "cannot-test",
  "error",
] as const;
const check = object({
  key: string,
  expected: string,
  required: boolean,
  status: oneOf(...checkStatuses),
  value: string,
  detail: optional(string),
  ran: optional(string),
  durationMs: number,
});

const claims = array(
  object({
    id: string,
    text: string,
    status: oneOf("holds", "fails", "partly-tested", "not-tested"),
    evidence: array(object({ key: string, value: string, status: oneOf(...checkStatuses, "missing") })),
  }),
);
const proofFile = {
  id: string,
  title: string,
  behavior: string,
  file: optional(string),
  fileSha256: optional(string),
  fileInRepo: optional(string),
};
/** One proof of a run with several (`--proof` repeated, or `all`). */
const proofOutcome = object({
  proof: object(proofFile),
  module: optional(string),
  verdict,
  exitCode: oneOf(0, 1, 125),
  reasons: strings,
  notTested: strings,
  info: record(string),
  checks: array(check),
  cannotTest: optional(string),
  claims,
});

/** Every field of a run result that the reporters and merge read. */
const runResult = object({
  proof: object({ ...proofFile, specs: optional(strings) }),
  proofs: optional(array(proofOutcome)),
  environment: object({ os: string, arch: string, packageManager: optional(string) }),
  target: object({
    root: string,
    head: string,
    dirty: boolean,
    dirtyPaths: strings,
    ref: optional(string),
    module: optional(string),
    worktree: boolean,
    dependencies: optional(object({ mode: oneOf("own", "reused", "installed"), detail: string })),
  }),
  toolchain: object({
    node: optional(string),
    nodePath: optional(string),
    nodeSource: optional(string),
    engines: optional(string),
    enginesSatisfied: optional(boolean),
    tsx: optional(string),
    tsxSource: optional(string),
  }),
  cli: optional(
    object({
      entry: optional(string),
      state: string,
      detail: string,
      mode: optional(oneOf("full", "dev", "source")),
      build: optional(
        object({
          ok: boolean,
          tree: string,
          kind: optional(oneOf("full", "dev")),
          cached: boolean,
          durationMs: number,
          steps: array(object({ command: strings, durationMs: number })),
        }),
      ),
    }),
  ),
  scenario: object({
    verdict,
    reasons: strings,
    notTested: strings,
    info: record(string),
    checks: array(check),
    cannotTest: optional(string),
    timedOut: boolean,
    exitCode: optional(number),
    signal: optional(string),
    activeResources: strings,
    leftoverProcesses: boolean,
    durationMs: number,
    stderrTail: strings,
  }),
  claims: optional(claims),
  tests: optional(tests),
  coverage: optional(coverage),
  verdict,
  exitCode: oneOf(0, 1, 125),
  reasons: strings,
  notTested: strings,
  proofLines: strings,
  command: strings,
  startedAt: string,
  durationMs: number,
  timeline: optional(array(object({ stage: string, startMs: number, durationMs: number }))),
});

const runOnly = object({ schema: oneOf(resultSchema), kind: oneOf("run") });

/** `relay-proof compare`: both sides are whole run results. */
const compareResult = object({
  proof: object({ id: string, title: string }),
  base: (v, p) => runOnly(v, p) ?? runResult(v, p),
  head: (v, p) => runOnly(v, p) ?? runResult(v, p),
  rows: array(object({ key: string, base: optional(string), head: optional(string) })),
  verdict: oneOf("fix-verified", "not-verified", "cannot-test"),
  exitCode: oneOf(0, 1, 125),
  reasons: strings,
  proofLines: strings,
  command: strings,
  startedAt: string,
  durationMs: number,
});

const commit = object({ ref: string, sha: string });
/** `relay-proof bisect`. */
const bisectResult = object({
  proof: object({ id: string, title: string }),
  direction: oneOf("fixed", "broke"),
  good: commit,
  bad: commit,
  first: optional(object({ sha: string, subject: string })),
  candidates: strings,
  steps: array(
    object({
      sha: string,
      subject: string,
      outcome: oneOf("holds", "fails", "skipped"),
      identicalTo: optional(string),
    }),
  ),
  scenarioRuns: optional(number),
  shortcut: optional(object({ used: boolean, reason: string })),
  strategy: oneOf("kary", "binary"),
  firstParent: optional(boolean),
  jobs: number,
  replay: strings,
  verdict: oneOf("found", "not-found", "cannot-test"),
  exitCode: oneOf(0, 1, 125),
  reasons: strings,
  reproduce: strings,
  proofLines: strings,
  command: strings,
  startedAt: string,
  durationMs: number,
});

const shapes: Record<Report["kind"], Check> = {
  run: runResult,
  compare: compareResult,
  bisect: bisectResult,
};

/** The first field of `value` that a result of its kind cannot have, or undefined when it is one. */
export function resultProblem(value: unknown): string | undefined {
  const kind = isObject(value) ? value.kind : undefined;
  const shape =
    typeof kind === "string" && Object.hasOwn(shapes, kind) ? shapes[kind as Report["kind"]] : undefined;
  return shape ? shape(value, "result") : "result.kind is not run, compare or bisect";
}

/** Read a saved result of one of `kinds`, refusing anything else in one printable line. */
function readDocument(file: string, kinds: readonly Report["kind"][]): Report {
  const shown = printable(file);
  const hint = "pass the file --json-out wrote";
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw relayProofError("USAGE", `cannot read ${shown}: ${printable((error as Error).message)}`, hint);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw relayProofError(
      "USAGE",
      `${shown} is not JSON: ${printable((error as Error).message.split("\n")[0] ?? "")}`,
      hint,
    );
  }
  const candidate = parsed as Partial<Report> | null;
  if (
    !isObject(candidate) ||
    candidate.schema !== resultSchema ||
    !kinds.includes(candidate.kind as Report["kind"])
  ) {
    throw relayProofError(
      "USAGE",
      `${shown} is not a relay-proof ${kinds.join(", ")} result (schema ${resultSchema})`,
      hint,
    );
  }
  const problem = resultProblem(candidate);
  if (problem) {
    throw relayProofError(
      "USAGE",
      `${shown} is not a complete relay-proof ${String(candidate.kind)} result: ${printable(problem)}`,
      hint,
    );
  }
  return withoutNullFields(candidate) as Report;
}

/**
 * The checks take `null` for an optional field as "absent" (`optional`); so does what they return:
 * the field is dropped, so no reader of a result meets a null where its type says `undefined`.
 * relay-proof never writes null, and a required field that is null never passes the checks.
 */
function withoutNullFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNullFields);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, item]) => item !== null)
      .map(([key, item]) => [key, withoutNullFields(item)]),
  );
}

/** A saved run result, for `merge`. */
export function readResult(file: string): ProofResult {
  return readDocument(file, ["run"]) as ProofResult;
}

/** A saved result of any kind (run, compare, bisect), for `report`. */
export function readReport(file: string): Report {
  return readDocument(file, ["run", "compare", "bisect"]);
}
