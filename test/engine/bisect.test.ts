import { describe, expect, it } from "vitest";
import { relayModulePath } from "../../fixtures/build-fixture-repo.ts";
import { bisectProof } from "../../src/engine/bisect.ts";
import { fixHistory, regressionHistory } from "../helpers/fixture-history.ts";
import { fixtureRepo } from "../helpers/fixture-repo.ts";
import { repoState } from "../helpers/repo-state.ts";

describe("bisectProof", () => {
  it("finds the commit that fixed it, skipping commits where the module cannot load", async () => {
    const { repo, commits } = fixHistory();
    const before = await repoState(repo.root);
    const result = await bisectProof({
      repo: repo.root,
      good: "HEAD",
      bad: commits["relay: first version (v0)"] as string,
    });
    expect(result.direction).toBe("fixed");
    expect(result.first).toEqual({
      sha: commits["relay: generations (the fix)"],
      subject: "relay: generations (the fix)",
    });
    expect(result).toMatchObject({ verdict: "found", exitCode: 0 });
    expect(result.reproduce[0]).toBe(
      `relay-proof run --ref ${commits["relay: generations (the fix)"]} --no-tests`,
    );
    expect(result.proofLines.at(-2)).toBe(
      `[proof] first-fixed-commit=${commits["relay: generations (the fix)"]}`,
    );
    expect(await repoState(repo.root)).toEqual(before);
  });

  it("finds the commit that broke it in the other direction", async () => {
    const { repo, commits } = regressionHistory();
    const result = await bisectProof({
      repo: repo.root,
      good: commits["relay: generations (the fix)"] as string,
      bad: "HEAD",
    });
    expect(result.direction).toBe("broke");
    expect(result.first?.subject).toBe("relay: fast path for the bridge (regression)");
    expect(result.steps.some((step) => step.outcome === "skipped")).toBe(true);
  });

  it("names the candidates when only untestable commits separate fails from holds", async () => {
    const repo = fixtureRepo({ variant: "v1-module-local" });
    const bug = repo.head;
    repo.write(relayModulePath, 'throw new Error("half-done");\nexport {};\n');
    const broken = repo.commit("wip: does not load");
    repo.useVariant("v2-correct");
    const fix = repo.commit("relay: generations");
    const result = await bisectProof({ repo: repo.root, good: fix, bad: bug });
    expect(result).toMatchObject({ verdict: "cannot-test", exitCode: 125, first: undefined });
    expect(result.reasons[0]).toMatch(
      /^only untestable commits are left; the first fixing commit is one of: /,
    );
    expect(result.reasons[0]).toContain(broken);
    expect(result.reasons[0]).toContain(fix);
  });

  it("verifies the endpoints first and refuses a --good where the proof fails", async () => {
    const { repo, commits } = fixHistory();
    const before = await repoState(repo.root);
    await expect(
      bisectProof({
        repo: repo.root,
        good: commits["relay: process-global state"] as string,
        bad: commits["relay: first version (v0)"] as string,
      }),
    ).rejects.toMatchObject({
      code: "USAGE",
      message: expect.stringMatching(/^--good .*: the proof fails there$/),
    });
    expect(await repoState(repo.root)).toEqual(before);
  });
});
