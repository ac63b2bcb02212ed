import { describe, expect, it, onTestFinished, vi } from "vitest";
import { git } from "../../src/checkout/git.ts";
import { compareRefs, compareVerdict, pinRefs } from "../../src/engine/compare.ts";
import { renderMarkdown } from "../../src/reports/markdown.ts";
import type { ProofResult } from "../../src/result/types.ts";
import { fixHistory } from "../helpers/fixture-history.ts";
import { leftoversIn, tempDir } from "../helpers/fixture-repo.ts";
import { worktreeCount } from "../helpers/repo-state.ts";

function proof(verdict: ProofResult["verdict"], head: string): ProofResult {
  return { verdict, target: { head }, reasons: [`${verdict} because`] } as unknown as ProofResult;
}

describe("pinRefs", () => {
  it("pins --base and --head to SHAs, in both flag spellings, and adds --head when it was implied", () => {
    expect(
      pinRefs(["relay-proof", "compare", "--base", "main~2", "--head=HEAD", "--no-tests"], {
        "--base": "b".repeat(40),
        "--head": "h".repeat(40),
      }),
    ).toEqual(["relay-proof", "compare", "--base", "b".repeat(40), `--head=${"h".repeat(40)}`, "--no-tests"]);
    expect(pinRefs(["relay-proof", "compare", "--base", "x"], { "--base": "b", "--head": "h" })).toEqual([
      "relay-proof",
      "compare",
      "--base",
      "b",
      "--head",
      "h",
    ]);
  });
});

describe("compareVerdict", () => {
  it("verifies the fix only when the bug reproduces on base and the fix holds on head", () => {
    expect(compareVerdict(proof("fails", "b"), proof("holds", "h"))).toMatchObject({
      verdict: "fix-verified",
      exitCode: 0,
    });
  });

  it("says which half is missing in the other three combinations", () => {
    expect(compareVerdict(proof("holds", "b"), proof("holds", "h"))).toEqual({
      verdict: "not-verified",
      exitCode: 1,
      reasons: ["the bug does not reproduce on base b: the proof holds there"],
    });
    expect(compareVerdict(proof("fails", "b"), proof("fails", "h"))).toEqual({
      verdict: "not-verified",
      exitCode: 1,
      reasons: ["the fix does not hold on head h: fails because"],
    });
    expect(compareVerdict(proof("holds", "b"), proof("fails", "h")).reasons).toHaveLength(2);
  });

  it("is cannot-test when either side cannot be tested", () => {
    expect(compareVerdict(proof("cannot-test", "b"), proof("holds", "h"))).toMatchObject({
      verdict: "cannot-test",
      exitCode: 125,
    });
    expect(compareVerdict(proof("fails", "b"), proof("cannot-test", "h"))).toMatchObject({
      verdict: "cannot-test",
      exitCode: 125,
    });
  });
});

describe("compareRefs on a fixture history", () => {
  it("verifies V1 -> V2 at exact SHAs and leaves the work tree, HEAD and worktrees as they were", async () => {
    const { repo, commits } = fixHistory();
    const head = (await git(repo.root, ["rev-parse", "HEAD"])).stdout;
    const base = commits["relay: stable ids and a bridge (v1, the bug)"] as string;
    const fix = commits["relay: generations (the fix)"] as string;
    const result = await compareRefs({ repo: repo.root, base, head: fix, tests: false });
    expect(result).toMatchObject({ verdict: "fix-verified", exitCode: 0 });
    expect(result.base.target).toMatchObject({ head: base, ref: base, worktree: true, dirty: false });
    expect(result.head.target).toMatchObject({ head: fix, worktree: true });
    expect(result.rows.find((row) => row.key === "duplicate-module-invoke")).toEqual({
      key: "duplicate-module-invoke",
      base: "error:native hook relay not found",
      head: "0",
    });
    expect(result.proofLines.at(-1)).toBe("[proof] verdict=fix-verified");
    expect(result.proofLines).toContain(`[proof] base=${base}`);
    expect((await git(repo.root, ["rev-parse", "HEAD"])).stdout).toBe(head);
    expect((await git(repo.root, ["status", "--porcelain"])).stdout).toBe("");
    expect(
      (await git(repo.root, ["worktree", "list", "--porcelain"])).stdout.match(/^worktree /gm),
    ).toHaveLength(1);

    const markdown = renderMarkdown(result);
    expect(markdown).toContain(`$ relay-proof run --ref ${fix} --no-tests`);
    expect(markdown).toContain(
      `- **Before evidence:** the same proof on the base \`${base}\`: \`verdict=fails\``,
    );
    expect(markdown).toContain("- **Compare verdict:** **fix-verified** (exit 0)");
  });

  it("reports the missing half when the head is only half a fix", async () => {
    const { repo, commits } = fixHistory();
    const result = await compareRefs({
      repo: repo.root,
      base: commits["relay: stable ids and a bridge (v1, the bug)"] as string,
      head: commits["relay: process-global state"] as string,
      tests: false,
    });
    expect(result.verdict).toBe("not-verified");
    expect(result.reasons[0]).toMatch(
      /^the fix does not hold on head [0-9a-f]{40}: stale-generation-error: unsupported/,
    );
  });

  it("is cannot-test when the base's module does not load", async () => {
    const { repo, commits } = fixHistory();
    const result = await compareRefs({
      repo: repo.root,
      base: commits["wip: relay does not load"] as string,
      head: "HEAD",
      tests: false,
    });
    expect(result).toMatchObject({ verdict: "cannot-test", exitCode: 125 });
  });

  it("rejects an unknown ref before doing any work", async () => {
    const { repo } = fixHistory();
    await expect(compareRefs({ repo: repo.root, base: "nope", head: "HEAD" })).rejects.toMatchObject({
      code: "UNKNOWN_REF",
    });
  });
});

describe("compareRefs side by side", () => {
  /** Progress with temp paths and timings made comparable between two runs. */
  const normalise = (lines: string[]) =>
    lines.map((line) =>
      line
        .replace(/\/[^\s]*relay-proof-worktree-[^\s/]+\/checkout/g, "<worktree>")
        .replace(/\d+(\.\d+)? s\b/g, "<n> s"),
    );

  it("gives the same result, with progress in the same order, as one side after the other", async () => {
    const { repo, commits } = fixHistory();
    const base = commits["relay: stable ids and a bridge (v1, the bug)"] as string;
    const fix = commits["relay: generations (the fix)"] as string;
    const runs = [];
    for (const jobs of [2, 1]) {
      const progress: string[] = [];
      const result = await compareRefs({
        repo: repo.root,
        base,
        head: fix,
        tests: false,
        jobs,
        onProgress: (message) => progress.push(message),
      });
      // The gateway server's start time is the one value that honestly differs between runs.
      const started = (text: string) => text.replace(/\d+ ms to start\)/g, "<n> ms to start)");
      runs.push({
        verdict: result.verdict,
        rows: JSON.parse(started(JSON.stringify(result.rows))),
        proofLines: result.proofLines.map(started),
        progress: normalise(progress),
      });
    }
    const [parallel, sequential] = runs;
    expect(parallel).toEqual(sequential);
    expect(parallel?.verdict).toBe("fix-verified");
    const headLine = parallel?.progress.indexOf(`head ${fix} = ${fix}`) ?? -1;
    expect(headLine).toBeGreaterThan(1);
    expect(
      parallel?.progress.slice(0, headLine).every((line) => !line.includes(fix) || line.startsWith("base")),
    ).toBe(true);
    expect(await worktreeCount(repo.root)).toBe(1);
  });

  it("stops the head and reports the base's error when the base cannot start, leaving nothing behind", async () => {
    const { repo, commits } = fixHistory();
    const tmp = tempDir();
    vi.stubEnv("TMPDIR", tmp);
    onTestFinished(() => {
      vi.unstubAllEnvs();
    });
    // The base's lockfile predates the bump the installed head has: with install off, the base refuses.
    await expect(
      compareRefs({
        repo: repo.root,
        base: commits["relay: stable ids and a bridge (v1, the bug)"] as string,
        head: "HEAD",
        tests: false,
        install: false,
        jobs: 2,
      }),
    ).rejects.toMatchObject({ code: "USAGE", message: expect.stringContaining("--no-install was given") });
    expect(await worktreeCount(repo.root)).toBe(1);
    expect(leftoversIn(tmp)).toEqual([]);
  });
});
