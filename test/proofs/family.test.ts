import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { Variant } from "../../fixtures/build-fixture-repo.ts";
import { proofFixtures } from "../../fixtures/mutants.ts";
import { compareRefs } from "../../src/engine/compare.ts";
import { proofsForChange } from "../../src/engine/proofs-for-change.ts";
import { runProof } from "../../src/engine/run-proof.ts";
import { renderJunit } from "../../src/reports/junit.ts";
import { renderMarkdown } from "../../src/reports/markdown.ts";
import { listProofs } from "../../src/scenario/load-definition.ts";
import { fixtureRepo } from "../helpers/fixture-repo.ts";

const family = Object.keys(proofFixtures);
const holding = family.flatMap((proof) =>
  (proofFixtures[proof]?.holds ?? []).map((variant) => ({ proof, variant })),
);

describe("the relay bug family", () => {
  it("ships one proof per bug class beside the native hook relay proof", () => {
    expect(listProofs()).toEqual([...family, "native-hook-relay"].sort());
  });

  it.concurrent.each(holding)("$proof holds on the fixed fixture $variant", async ({ proof, variant }) => {
    const repo = fixtureRepo({ variant: variant as Variant });
    const result = await runProof({ repo: repo.root, tests: false, proof });
    expect(result.reasons).toEqual(["every required check ran and passed"]);
    expect(result.verdict).toBe("holds");
    expect(result.scenario.checks.every((check) => check.status === "pass")).toBe(true);
    expect(result.claims?.every((claim) => claim.status === "holds")).toBe(true);
    expect(result.proofLines.at(-1)).toBe("[proof] verdict=holds");
  });

  it("overlapping-runs fails on a head that evicts on replacement: the older live run is refused", async () => {
    const repo = fixtureRepo({ variant: "v2-correct" });
    const result = await runProof({ repo: repo.root, tests: false, proof: "overlapping-runs" });
    expect(result.verdict).toBe("fails");
    const values = Object.fromEntries(result.scenario.checks.map((check) => [check.key, check.value]));
    expect(values).toEqual({
      "both-runs-answer": "run-1=error:native hook relay bridge stale registration run-2=0",
      "ended-run-stale": "native hook relay bridge stale registration",
      "other-run-answers": "0",
      "capacity-keeps-live-runs": "run 3 evicted live run 2",
    });
  });
});

describe("several proofs in one run", () => {
  it("--proof all runs every proof in one child: a block of lines each, a verdict line each, one verdict last", async () => {
    const repo = fixtureRepo({ variant: "coexist-correct" });
    const result = await runProof({ repo: repo.root, tests: false, proof: "all" });
    expect(result.verdict).toBe("holds");
    expect(result.proofs?.map((outcome) => [outcome.proof.id, outcome.verdict])).toEqual(
      ["native-hook-relay", ...family.sort()].map((id) => [id, "holds"]),
    );
    // One child for all of them: one Node, one pair of module instances.
    expect(result.scenario.info["native-hook-relay.module-instances"]).toMatch(
      /^2 distinct \(\d+ modules each\)$/,
    );
    expect(Object.keys(result.scenario.info).filter((key) => key.endsWith("module-instances"))).toHaveLength(
      1,
    );
    const summary = result.proofLines.slice(result.proofLines.indexOf(`[proof] head=${repo.head}`));
    expect(summary).toEqual([
      `[proof] head=${repo.head}`,
      "[proof] native-hook-relay=holds",
      ...family.sort().map((id) => `[proof] ${id}=holds`),
      "[proof] verdict=holds",
    ]);
    expect(summary.length).toBeLessThanOrEqual(12);
    // Each proof's lines are its own: unprefixed in its section, prefixed in the combined list.
    const grace = result.proofs?.find((outcome) => outcome.proof.id === "grace-window");
    expect(grace?.checks.map((check) => check.key)).toContain("grace-second-foreign-error");
    expect(result.scenario.checks.map((check) => check.key)).toContain(
      "grace-window.grace-second-foreign-error",
    );
    expect(result.proofLines).toContain(
      "[proof] grace-window.grace-second-foreign-error=native hook relay bridge stale registration",
    );
    expect(result.claims?.map((claim) => claim.id)).toContain("grace-window.second-foreign-stale");
  });

  it("fails when one proof fails, names it, and renders a row per proof and a suite per proof", async () => {
    const repo = fixtureRepo({ variant: "v2-correct" });
    const result = await runProof({
      repo: repo.root,
      tests: false,
      proof: ["native-hook-relay", "overlapping-runs"],
    });
    expect(result.verdict).toBe("fails");
    expect(result.exitCode).toBe(1);
    expect(result.reasons[0]).toMatch(
      /^overlapping-runs: both-runs-answer=run-1=error:native hook relay bridge stale/,
    );
    expect(result.proofLines.slice(-3)).toEqual([
      "[proof] native-hook-relay=holds",
      "[proof] overlapping-runs=fails",
      "[proof] verdict=fails",
    ]);
    const markdown = renderMarkdown(result);
    expect(markdown).toContain("### Proofs");
    expect(markdown).toMatch(/\| `overlapping-runs` \| .* \| ❌ fails \| .*both-runs-answer/);
    expect(markdown).toMatch(/\| `native-hook-relay` \| .* \| ✅ holds \| - \|/);
    const junit = renderJunit(result);
    expect(junit).toContain('<testsuite name="native-hook-relay scenario" tests="26"');
    expect(junit).toContain('<testsuite name="overlapping-runs scenario" tests="4" failures="2"');
    expect(junit).toContain('classname="overlapping-runs" name="both-runs-answer"');
  });

  it("is cannot-test, never fails, when one proof times out and every other holds", async () => {
    const repo = fixtureRepo({ variant: "slow-cli" });
    const result = await runProof({
      repo: repo.root,
      tests: false,
      commandTimeoutMs: 1500,
      proof: ["native-hook-relay", "grace-window"],
    });
    expect(result.proofs?.map((outcome) => outcome.verdict)).toEqual(["cannot-test", "holds"]);
    expect(result.verdict).toBe("cannot-test");
    expect(result.exitCode).toBe(125);
  });

  it("compare --proof all verifies the set: it fails on the base and holds on the head, proof by proof", async () => {
    const repo = fixtureRepo({ variant: "v1-module-local" });
    const base = repo.head;
    repo.useVariant("coexist-correct");
    const head = repo.commit("relay: one state, generations, overlapping runs");
    const result = await compareRefs({
      repo: repo.root,
      base,
      head,
      tests: false,
      coverage: false,
      proof: "all",
    });
    expect(result.verdict).toBe("fix-verified");
    expect(result.head.proofs?.every((outcome) => outcome.verdict === "holds")).toBe(true);
    expect(result.base.proofs?.find((outcome) => outcome.proof.id === "native-hook-relay")?.verdict).toBe(
      "fails",
    );
    const summary = result.proofLines.slice(result.proofLines.indexOf(`[proof] base=${base}`));
    expect(summary.length).toBeLessThanOrEqual(12);
    expect(summary.slice(0, 3)).toEqual([
      `[proof] base=${base}`,
      "[proof] base.verdict=fails",
      `[proof] head=${head}`,
    ]);
    expect(summary).toContain("[proof] overlapping-runs=holds");
    expect(summary.at(-1)).toBe("[proof] verdict=fix-verified");
    // Each proof's verdict on the base comes just before the block.
    expect(result.proofLines).toContain("[proof] base.native-hook-relay=fails");
  });
});

describe("relay-proof proofs --changed", () => {
  it("picks the proofs whose files the change touches", async () => {
    const repo = fixtureRepo({ variant: "v2-correct" });
    const base = repo.head;
    expect(await proofsForChange({ repo: repo.root, base })).toEqual([]);
    repo.write("README.md", "unrelated\n");
    expect(await proofsForChange({ repo: repo.root, base })).toEqual([]);
    // The gateway method is only the native hook relay proof's.
    repo.write("src/gateway/server-methods/native-hook-relay.ts", "// changed\n");
    expect((await proofsForChange({ repo: repo.root, base })).map((proof) => proof.id)).toEqual([
      "native-hook-relay",
    ]);
    // The relay module (or its sibling core) is every proof's.
    execFileSync("git", ["checkout", "--", "src/gateway"], { cwd: repo.root });
    repo.write("src/agents/harness/native-hook-relay-core.ts", "// changed\n");
    repo.commit("touch the relay");
    const found = await proofsForChange({ repo: repo.root, base });
    expect(found.map((proof) => proof.id)).toEqual(listProofs());
    expect(found[0]?.touched).toEqual(["src/agents/harness/native-hook-relay-core.ts"]);
  });
});
