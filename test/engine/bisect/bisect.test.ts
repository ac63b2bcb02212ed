import { afterAll, describe, expect, it } from "vitest";
import { relayModulePath } from "../../../fixtures/build-fixture-repo.ts";
import { git } from "../../../src/checkout/git.ts";
import { type BisectOptions, bisectProof } from "../../../src/engine/bisect/bisect.ts";
import { expectAgreement } from "../../helpers/bisect-agreement.ts";
import { fixHistory, regressionHistory } from "../../helpers/fixture-history.ts";
import { fixtureRepo } from "../../helpers/fixture-repo.ts";
import { repoState } from "../../helpers/repo-state.ts";

// The fix and the regression history, each bisected once per strategy (on first use): the tests
// that read a bisect and the agreement test of its history share it (each whole bisect a dozen
// scenario runs). The histories stay until the file ends; each test checks they are untouched.
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => {
    made ??= make();
    return made;
  };
}
const removals: (() => void)[] = [];
afterAll(() => {
  for (const remove of removals) remove();
});
function bisected(
  make: typeof fixHistory,
  endpoints: (commits: Record<string, string>) => { good: string; bad: string },
) {
  const history = once(async () => {
    const { repo, commits } = make((remove) => removals.push(remove));
    return {
      repo,
      commits,
      before: await repoState(repo.root),
      options: { repo: repo.root, ...endpoints(commits) },
    };
  });
  const run = (options: Pick<BisectOptions, "strategy" | "jobs">) =>
    once(async () => {
      const made = await history();
      const result = await bisectProof({ ...made.options, ...options });
      expect(await repoState(made.repo.root)).toEqual(made.before);
      return { ...made, result };
    });
  return { kary: run({ strategy: "kary", jobs: 2 }), binary: run({ strategy: "binary", jobs: 1 }) };
}
const fix = bisected(fixHistory, (commits) => ({
  good: "HEAD",
  bad: commits["relay: first version (v0)"] as string,
}));
const regression = bisected(regressionHistory, (commits) => ({
  good: commits["relay: generations (the fix)"] as string,
  bad: "HEAD",
}));

describe("k-ary and binary bisect agree", () => {
  it("on the fix history (V0 -> V1 -> cannot load -> shared state -> lockfile -> V2)", async () => {
    const kary = await fix.kary();
    const binary = await fix.binary();
    expectAgreement(kary.result, binary.result, [kary.commits["relay: generations (the fix)"] as string]);
  }, 270_000);

  it("on the regression history (V2 -> cannot load -> V2 -> the bridge skips generations)", async () => {
    const kary = await regression.kary();
    const binary = await regression.binary();
    expectAgreement(kary.result, binary.result, [
      kary.commits["relay: fast path for the bridge (regression)"] as string,
    ]);
  }, 270_000);
});

describe("bisectProof", () => {
  it("finds the commit that fixed it, skipping commits where the module cannot load", async () => {
    const { repo, commits, before, result } = await fix.kary();
    expect(result.direction).toBe("fixed");
    expect(result.first).toEqual({
      sha: commits["relay: generations (the fix)"],
      subject: "relay: generations (the fix)",
    });
    expect(result).toMatchObject({ verdict: "found", exitCode: 0, strategy: "kary" });
    expect(result.candidates).toEqual([commits["relay: generations (the fix)"]]);
    expect(result.reproduce[0]).toBe(
      `relay-proof run --ref ${commits["relay: generations (the fix)"]} --no-tests`,
    );
    expect(result.proofLines.at(-2)).toBe(
      `[proof] first-fixed-commit=${commits["relay: generations (the fix)"]}`,
    );
    // The verified endpoints come first, the newer one first, as git bisect logs them.
    const head = (await git(repo.root, ["rev-parse", "HEAD"])).stdout;
    expect(result.steps.slice(0, 2).map((step) => [step.sha, step.outcome])).toEqual([
      [head, "holds"],
      [commits["relay: first version (v0)"], "fails"],
    ]);
    expect(result.replay[0]).toBe(
      `git bisect start '--term-old=broken' '--term-new=fixed' '${head}' '${commits["relay: first version (v0)"]}'`,
    );
    // A step decided by identity is marked like a tested one, after a comment naming the commit it
    // is identical to (git bisect replay runs only the "git bisect" lines).
    expect(result.replay.slice(1)).toEqual(
      result.steps
        .slice(2)
        .flatMap((step) => [
          ...(step.identicalTo
            ? [`# not run: every file the scenario loaded is identical to ${step.identicalTo}, where it ran`]
            : []),
          `git bisect ${{ holds: "fixed", fails: "broken", skipped: "skip" }[step.outcome]} ${step.sha}`,
        ]),
    );
    expect(result.shortcut.used).toBe(true);
    expect(result.scenarioRuns).toBe(result.steps.filter((step) => !step.identicalTo).length);
    expect(await repoState(repo.root)).toEqual(before);
  });

  it("finds the commit that broke it in the other direction, with git bisect run skipping what cannot load", async () => {
    const { repo, before, result } = await regression.binary();
    expect(result).toMatchObject({ direction: "broke", strategy: "binary", jobs: 1 });
    expect(result.first?.subject).toBe("relay: fast path for the bridge (regression)");
    expect(result.steps.some((step) => step.outcome === "skipped")).toBe(true);
    expect(result.replay[0]).toMatch(/^git bisect start '[0-9a-f]{40}' '[0-9a-f]{40}'$/);
    expect(await repoState(repo.root)).toEqual(before);
  });

  it.each(["kary", "binary"] as const)(
    "names the candidates when only untestable commits separate fails from holds (%s)",
    async (strategy) => {
      const repo = fixtureRepo({ variant: "v1-module-local" });
      const bug = repo.head;
      repo.write(relayModulePath, 'throw new Error("half-done");\nexport {};\n');
      const broken = repo.commit("wip: does not load");
      repo.useVariant("v2-correct");
      const fix = repo.commit("relay: generations");
      const result = await bisectProof({ repo: repo.root, good: fix, bad: bug, strategy });
      expect(result).toMatchObject({ verdict: "cannot-test", exitCode: 125, first: undefined });
      expect(result.candidates).toEqual([broken, fix]);
      expect(result.reasons[0]).toBe(
        `only untestable commits are left; the first fixing commit is one of: ${broken}, ${fix}`,
      );
    },
  );

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

  it("searches a range with a merge along its first-parent line, as git bisect --first-parent", async () => {
    const repo = fixtureRepo({ variant: "v1-module-local" });
    const bug = repo.head;
    await git(repo.root, ["checkout", "--quiet", "-b", "side"]);
    repo.write("README.md", "side\n");
    repo.commit("docs: on a side branch");
    await git(repo.root, ["checkout", "--quiet", "main"]);
    repo.useVariant("v2-correct");
    const fix = repo.commit("relay: generations");
    const merged = await git(repo.root, ["merge", "--quiet", "--no-edit", "side"], {
      GIT_AUTHOR_NAME: "F",
      GIT_AUTHOR_EMAIL: "f@example.invalid",
      GIT_COMMITTER_NAME: "F",
      GIT_COMMITTER_EMAIL: "f@example.invalid",
    });
    expect(merged.ok).toBe(true);
    const progress: string[] = [];
    const result = await bisectProof({
      repo: repo.root,
      good: "HEAD",
      bad: bug,
      onProgress: (message) => progress.push(message),
    });
    expect(result).toMatchObject({
      strategy: "kary",
      firstParent: true,
      verdict: "found",
      first: { sha: fix },
    });
    expect(progress).toContain(
      "the range has merges: searching its first-parent line (as git bisect --first-parent); --strategy binary searches the merged branches too",
    );
    expect(result.replay[0]).toMatch(/^git bisect start '--first-parent' '--term-old=broken'/);
    // git bisect itself, over the whole graph, agrees.
    const binary = await bisectProof({ repo: repo.root, good: "HEAD", bad: bug, strategy: "binary" });
    expect(binary).toMatchObject({ strategy: "binary", first: { sha: fix } });
    expect(binary.firstParent).toBeUndefined();
  });

  it("names the merge that brought a fix in from a side branch, on the first-parent line", async () => {
    const repo = fixtureRepo({ variant: "v1-module-local" });
    const bug = repo.head;
    repo.write("README.md", "main\n");
    repo.commit("docs: on main");
    await git(repo.root, ["checkout", "--quiet", "-b", "side", bug]);
    repo.useVariant("v2-correct");
    const fix = repo.commit("relay: generations (on a branch)");
    await git(repo.root, ["checkout", "--quiet", "main"]);
    const identity = {
      GIT_AUTHOR_NAME: "F",
      GIT_AUTHOR_EMAIL: "f@example.invalid",
      GIT_COMMITTER_NAME: "F",
      GIT_COMMITTER_EMAIL: "f@example.invalid",
    };
    expect((await git(repo.root, ["merge", "--quiet", "--no-edit", "side"], identity)).ok).toBe(true);
    const merge = (await git(repo.root, ["rev-parse", "HEAD"])).stdout;
    repo.write("README.md", "after\n");
    repo.commit("docs: after the merge");
    const result = await bisectProof({ repo: repo.root, good: "HEAD", bad: bug });
    expect(result).toMatchObject({ firstParent: true, first: { sha: merge } });
    expect(result.reasons[1]).toMatch(/^it is a merge: the change came in from the branch it merged/);
    const binary = await bisectProof({ repo: repo.root, good: "HEAD", bad: bug, strategy: "binary" });
    expect(binary.first?.sha).toBe(fix);
  });
});
