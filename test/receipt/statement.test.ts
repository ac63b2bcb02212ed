// The receipt's statement against the in-toto Statement v1 and test-result v0.1 shapes (field names
// and types, written out here from the specs, not taken from src/), and what it says of a result.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFixtureRepo, type FixtureRepo } from "../../fixtures/build-fixture-repo.ts";
import { runProof } from "../../src/engine/run-proof.ts";
import { provenFlags } from "../../src/receipt/flags.ts";
import { proofFilesOf } from "../../src/receipt/proof-files.ts";
import { statementProblem } from "../../src/receipt/shape.ts";
import { buildStatement, type Statement, testResult } from "../../src/receipt/statement.ts";
import type { ProofResult } from "../../src/result/types.ts";

const descriptorFields = ["name", "uri", "digest", "content", "downloadLocation", "mediaType", "annotations"];

/** ResourceDescriptor v1: only its fields, each of its type, and one of uri, digest, content. */
function expectDescriptor(value: Record<string, unknown>, subject: boolean): void {
  for (const key of Object.keys(value)) expect(descriptorFields).toContain(key);
  for (const key of ["name", "uri", "content", "downloadLocation", "mediaType"]) {
    if (key in value) expect(typeof value[key]).toBe("string");
  }
  expect("uri" in value || "digest" in value || "content" in value).toBe(true);
  if (subject) expect(value.digest).toBeDefined();
  if ("digest" in value) {
    for (const [algorithm, hex] of Object.entries(value.digest as Record<string, unknown>)) {
      expect(hex).toMatch(algorithm === "sha256" ? /^[0-9a-f]{64}$/ : /^[0-9a-f]{40}$/);
    }
  }
  if ("annotations" in value) expect(value.annotations).toBeTypeOf("object");
}

let repo: FixtureRepo;
let result: ProofResult;

beforeAll(async () => {
  repo = createFixtureRepo({ variant: "v2-correct" });
  result = await runProof({ repo: repo.root, tests: false, command: ["relay-proof", "run", "--no-tests"] });
});
afterAll(() => repo?.remove());

function statementOf(report: ProofResult): Statement {
  const flags = provenFlags({ tests: false });
  return buildStatement(report, {
    result: { name: "proof.json", sha256: "a".repeat(64) },
    repoName: report.target.root,
    relayProofVersion: "0.1.0",
    flags,
    proofFiles: proofFilesOf(report, flags.proof),
  });
}

describe("the receipt's statement", () => {
  it("has the in-toto Statement v1 shape with a test-result v0.1 predicate", () => {
    const statement = JSON.parse(JSON.stringify(statementOf(result))) as Record<string, unknown>;
    expect(Object.keys(statement).sort()).toEqual(["_type", "predicate", "predicateType", "subject"]);
    expect(statement._type).toBe("https://in-toto.io/Statement/v1");
    expect(statement.predicateType).toBe("https://in-toto.io/attestation/test-result/v0.1");
    const subject = statement.subject as Record<string, unknown>[];
    expect(subject.length).toBeGreaterThan(0);
    for (const item of subject) expectDescriptor(item, true);
    const predicate = statement.predicate as Record<string, unknown>;
    for (const key of Object.keys(predicate))
      expect(["result", "configuration", "url", "passedTests", "warnedTests", "failedTests"]).toContain(key);
    expect(["PASSED", "WARNED", "FAILED"]).toContain(predicate.result);
    for (const item of predicate.configuration as Record<string, unknown>[]) expectDescriptor(item, false);
    for (const key of ["passedTests", "warnedTests", "failedTests"]) {
      expect(Array.isArray(predicate[key])).toBe(true);
      for (const name of predicate[key] as unknown[]) expect(typeof name).toBe("string");
    }
    expect(statementProblem(statement)).toBeUndefined();
  });

  it("names the head commit and the result file as subjects, and every check with its proof id", () => {
    const statement = statementOf(result);
    expect(statement.subject).toEqual([
      { name: result.target.root, digest: { gitCommit: result.target.head }, annotations: { role: "head" } },
      { name: "proof.json", digest: { sha256: "a".repeat(64) } },
    ]);
    expect(statement.predicate.result).toBe("PASSED");
    expect(statement.predicate.passedTests).toContain("native-hook-relay/duplicate-module-invoke");
    expect(statement.predicate.failedTests).toEqual([]);
    const names = statement.predicate.configuration.map((item) => item.name);
    expect(names).toEqual(["relay-proof", "proof:native-hook-relay", "node", "tsx", "flags", "tree:head"]);
    const proof = statement.predicate.configuration[1];
    expect(proof?.digest?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(proof?.annotations).toMatchObject({ source: "relay-proof", path: "proofs/native-hook-relay.ts" });
  });

  it("maps holds, fails and cannot-test to PASSED, FAILED and WARNED", () => {
    expect(testResult("holds")).toBe("PASSED");
    expect(testResult("fails")).toBe("FAILED");
    expect(testResult("cannot-test")).toBe("WARNED");
    expect(testResult("fix-verified")).toBe("PASSED");
    expect(testResult("not-verified")).toBe("FAILED");
  });

  it("says so when the tree was dirty or the CLI ran from source, never silently", () => {
    const dirty: ProofResult = {
      ...result,
      target: { ...result.target, dirty: true, dirtyPaths: ["src/x.ts"] },
      cli: {
        entry: "src/entry.ts",
        state: "source",
        detail: "from source",
        mode: "source",
        build: undefined,
      },
    };
    const tree = statementOf(dirty).predicate.configuration.find((item) => item.name === "tree:head");
    expect(tree?.annotations).toMatchObject({ dirty: true, dirtyPaths: ["src/x.ts"] });
    const caveats = (tree?.annotations as { caveats: string[] } | undefined)?.caveats ?? [];
    expect(caveats[0]).toMatch(/^dirty: /);
    expect(caveats[1]).toMatch(/^source: .*not the shipped bundle/);
  });

  it("is refused by the shape check when a field has the wrong name or type", () => {
    const good = JSON.parse(JSON.stringify(statementOf(result)));
    expect(statementProblem({ ...good, _type: "https://in-toto.io/Statement/v0.1" })).toMatch(/_type/);
    expect(statementProblem({ ...good, subject: [{ name: "x" }] })).toMatch(/subject\[0\]/);
    expect(statementProblem({ ...good, predicate: { ...good.predicate, result: "OK" } })).toMatch(/result/);
    expect(statementProblem({ ...good, predicate: { ...good.predicate, passedTests: [1] } })).toMatch(
      /passedTests\[0\]/,
    );
    const sha = { ...good, subject: [{ name: "x", digest: { gitCommit: "ABC" } }] };
    expect(statementProblem(sha)).toMatch(/gitCommit is not 40 lower-case hex/);
  });
});
