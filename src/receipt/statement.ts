// The receipt's in-toto Statement v1 with a test-result v0.1 predicate: the commit(s) proven and the
// result file are its subjects; the predicate says PASSED, WARNED or FAILED, names every check, and
// records what the run depended on (relay-proof, the proof files, Node, tsx, the flags, the tree).
// https://github.com/in-toto/attestation/blob/main/spec/v1/statement.md
// https://github.com/in-toto/attestation/blob/main/spec/predicates/test-result.md
import { createHash } from "node:crypto";
import type { ProofResult, Report } from "../result/types.ts";
import type { CheckResult } from "../scenario/run-scenario.ts";
import type { ProvenFlags } from "./flags.ts";
import type { ProofFile } from "./proof-files.ts";

export const statementType = "https://in-toto.io/Statement/v1";
export const testResultType = "https://in-toto.io/attestation/test-result/v0.1";

/** in-toto ResourceDescriptor: at least one of uri, digest, content. */
export interface ResourceDescriptor {
  name?: string;
  uri?: string;
  digest?: Record<string, string>;
  content?: string;
  downloadLocation?: string;
  mediaType?: string;
  annotations?: Record<string, unknown>;
}

export type TestResultValue = "PASSED" | "WARNED" | "FAILED";

export interface TestResultPredicate {
  result: TestResultValue;
  configuration: ResourceDescriptor[];
  url?: string;
  passedTests: string[];
  warnedTests: string[];
  failedTests: string[];
}

export interface Statement {
  _type: typeof statementType;
  subject: ResourceDescriptor[];
  predicateType: typeof testResultType;
  predicate: TestResultPredicate;
}

/** What the statement needs beyond the result itself. */
export interface StatementInput {
  /** The result file's subject name (the --json-out file's name) and the sha256 of its bytes. */
  result: { name: string; sha256: string };
  /** The repository: its remote URL (credentials removed), else its path. */
  repoName: string;
  relayProofVersion: string;
  flags: ProvenFlags;
  proofFiles: ProofFile[];
  /** The CI run that produced it, when there is one. */
  url?: string;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** JSON with object keys sorted: the same value always gives the same bytes. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

const resultValues = {
  holds: "PASSED",
  "fix-verified": "PASSED",
  found: "PASSED",
  fails: "FAILED",
  "not-verified": "FAILED",
  "not-found": "FAILED",
  "cannot-test": "WARNED",
} as const satisfies Record<Report["verdict"], TestResultValue>;

/** holds -> PASSED, fails -> FAILED, cannot-test -> WARNED (fix-verified/found pass, as holds). */
export function testResult(verdict: Report["verdict"]): TestResultValue {
  return resultValues[verdict];
}

type Bucket = "passed" | "warned" | "failed";

function bucketOf(status: CheckResult["status"] | "pass" | "fail" | "cannot-test"): Bucket {
  if (status === "pass") return "passed";
  if (status === "fail" || status === "unsupported" || status === "error") return "failed";
  return "warned";
}

type Tests = Record<Bucket, string[]>;

/** A run's checks as `<proof id>/<check key>`, and its focused tests as `focused-tests`. */
function runTests(result: ProofResult, prefix: string, into: Tests): void {
  const sections = result.proofs
    ? result.proofs.map((outcome) => ({
        id: outcome.proof.id,
        checks: outcome.checks,
        cannot: outcome.cannotTest,
      }))
    : [{ id: result.proof.id, checks: result.scenario.checks, cannot: result.scenario.cannotTest }];
  for (const section of sections) {
    for (const check of section.checks)
      into[bucketOf(check.status)].push(`${prefix}${section.id}/${check.key}`);
    if (section.cannot !== undefined) into.warned.push(`${prefix}${section.id}/scenario`);
  }
  if (result.tests) into[bucketOf(result.tests.status)].push(`${prefix}focused-tests`);
}

/** passedTests, warnedTests, failedTests: every check (a compare's per side, a bisect's per step). */
export function testsOf(report: Report): Tests {
  const tests: Tests = { passed: [], warned: [], failed: [] };
  if (report.kind === "run") runTests(report, "", tests);
  else if (report.kind === "compare") {
    runTests(report.head, "head:", tests);
    runTests(report.base, "base:", tests);
  } else {
    for (const step of report.steps) {
      const bucket = step.outcome === "holds" ? "passed" : step.outcome === "fails" ? "failed" : "warned";
      tests[bucket].push(`step:${step.sha}`);
    }
  }
  return tests;
}

interface Commit {
  role: string;
  sha: string;
  run: ProofResult | undefined;
}

/** The commits a result proves: a run's head, a compare's head and base, a bisect's endpoints and find. */
export function commitsOf(report: Report): Commit[] {
  if (report.kind === "run") return [{ role: "head", sha: report.target.head, run: report }];
  if (report.kind === "compare") {
    return [
      { role: "head", sha: report.head.target.head, run: report.head },
      { role: "base", sha: report.base.target.head, run: report.base },
    ];
  }
  const commits: Commit[] = [
    { role: "good", sha: report.good.sha, run: undefined },
    { role: "bad", sha: report.bad.sha, run: undefined },
  ];
  if (report.first) commits.push({ role: "first", sha: report.first.sha, run: undefined });
  return commits;
}

/** What a reader must not miss: a dirty tree, a CLI from source or from --cli. Never silent. */
export function caveatsOf(run: ProofResult | undefined): string[] {
  if (!run) return [];
  const caveats: string[] = [];
  if (run.target.dirty) {
    caveats.push(
      `dirty: the work tree had uncommitted changes (${run.target.dirtyPaths.length} paths): what ran is not exactly this commit`,
    );
  }
  if (run.cli?.mode === "source" || run.cli?.state === "source")
    caveats.push("source: the hook commands ran the CLI's TypeScript from source, not the shipped bundle");
  if (run.cli?.detail.startsWith("--cli"))
    caveats.push(
      `cli: the hook commands ran ${run.cli.detail}, a CLI relay-proof did not build from this commit`,
    );
  return caveats;
}

function treeDescriptor(commit: Commit): ResourceDescriptor {
  const run = commit.run;
  return {
    name: `tree:${commit.role}`,
    digest: { gitCommit: commit.sha },
    annotations: {
      role: commit.role,
      ...(run
        ? {
            dirty: run.target.dirty,
            dirtyPaths: run.target.dirtyPaths,
            worktree: run.target.worktree,
            cli: run.cli ? `${run.cli.state}${run.cli.mode ? ` (${run.cli.mode})` : ""}` : "none",
          }
        : {}),
      caveats: caveatsOf(run),
    },
  };
}

function toolchainOf(report: Report): ProofResult["toolchain"] | undefined {
  if (report.kind === "run") return report.toolchain;
  if (report.kind === "compare") return report.head.toolchain;
  return undefined;
}

/** The predicate's configuration: relay-proof, each proof file, Node, tsx, the flags, each tree. */
export function configurationOf(
  report: Report,
  input: Omit<StatementInput, "result" | "repoName" | "url">,
): ResourceDescriptor[] {
  const configuration: ResourceDescriptor[] = [
    {
      name: "relay-proof",
      uri: `pkg:npm/relay-proof@${input.relayProofVersion}`,
      annotations: { version: input.relayProofVersion },
    },
  ];
  for (const file of input.proofFiles) {
    configuration.push({
      name: `proof:${file.id}`,
      ...(file.sha256 ? { digest: { sha256: file.sha256 } } : { uri: file.path }),
      annotations: { id: file.id, source: file.source, path: file.path },
    });
  }
  const toolchain = toolchainOf(report);
  if (toolchain?.node) {
    configuration.push({
      name: "node",
      uri: `pkg:generic/node@${toolchain.node}`,
      annotations: { version: toolchain.node, source: toolchain.nodeSource ?? "" },
    });
  }
  if (toolchain?.tsx) {
    configuration.push({
      name: "tsx",
      uri: `pkg:npm/tsx@${toolchain.tsx}`,
      annotations: { version: toolchain.tsx, source: toolchain.tsxSource ?? "" },
    });
  }
  configuration.push({
    name: "flags",
    mediaType: "application/json",
    digest: { sha256: sha256Hex(canonicalJson(input.flags)) },
    annotations: { ...input.flags },
  });
  for (const commit of commitsOf(report)) configuration.push(treeDescriptor(commit));
  return configuration;
}

export function predicateOf(
  report: Report,
  input: Omit<StatementInput, "result" | "repoName">,
): TestResultPredicate {
  const tests = testsOf(report);
  return {
    result: testResult(report.verdict),
    configuration: configurationOf(report, input),
    ...(input.url ? { url: input.url } : {}),
    passedTests: tests.passed,
    warnedTests: tests.warned,
    failedTests: tests.failed,
  };
}

/** The statement of one result: its commits and the result file as subjects, the test-result predicate. */
export function buildStatement(report: Report, input: StatementInput): Statement {
  return {
    _type: statementType,
    subject: [
      ...commitsOf(report).map((commit) => ({
        name: input.repoName,
        digest: { gitCommit: commit.sha },
        annotations: { role: commit.role },
      })),
      { name: input.result.name, digest: { sha256: input.result.sha256 } },
    ],
    predicateType: testResultType,
    predicate: predicateOf(report, input),
  };
}
