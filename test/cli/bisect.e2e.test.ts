import { describe, expect, it } from "vitest";
import { relayModulePath } from "../../fixtures/build-fixture-repo.ts";
import { hangingRelay, interrupt, runCli } from "../helpers/cli.ts";
import { fixHistory } from "../helpers/fixture-history.ts";
import { fixtureRepo, leftoversIn, tempDir } from "../helpers/fixture-repo.ts";
import { repoState, worktreeCount } from "../helpers/repo-state.ts";

describe("relay-proof bisect --strategy / --jobs and compare --sequential (end to end)", () => {
  it("prints the k-ary search's rounds, the answer and the git bisect replay", async () => {
    const { repo, commits } = fixHistory();
    const fix = commits["relay: generations (the fix)"] as string;
    const bad = commits["relay: first version (v0)"] as string;
    const tmp = tempDir();
    const run = await runCli(["bisect", "--repo", repo.root, "--good", "HEAD", "--bad", bad, "--jobs", "2"], {
      env: { TMPDIR: tmp },
    });
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toMatch(
      /^relay-proof: k-ary bisect of the 10 commit\(s\) between the endpoints on 2 worker\(s\): looking for the commit that fixed it$/m,
    );
    // The endpoints' closures decide the commits next to them that touch none of their files.
    expect(run.stderr).toMatch(/^relay-proof: round 1: testing [0-9a-f]{12}, [0-9a-f]{12} \(8 untested\)$/m);
    expect(run.stderr).toMatch(
      /^relay-proof: \d+ commit\(s\) decided without running: every file the scenario loaded is identical to a tested commit's$/m,
    );
    expect(run.stdout).toMatch(
      /^ {2}holds {3}[0-9a-f]{12} relay: generations \(the fix\) \(not run: identical to [0-9a-f]{12}\)$/m,
    );
    expect(run.stdout).toMatch(/^\[proof\] scenario-runs=\d+$/m);
    expect(run.stdout).toContain(`  first fixed commit: ${fix} relay: generations (the fix)`);
    expect(run.stdout).toContain(
      "  git bisect replay (k-ary, 2 workers; paste in the repo, then git bisect reset)",
    );
    expect(run.stdout).toMatch(
      /^ {4}git bisect start '--term-old=broken' '--term-new=fixed' '[0-9a-f]{40}' '[0-9a-f]{40}'$/m,
    );
    // --no-shortcut runs the scenario at every step the search picks.
    const plain = await runCli([
      "bisect",
      "--repo",
      repo.root,
      "--good",
      "HEAD",
      "--bad",
      bad,
      "--jobs",
      "2",
      "--no-shortcut",
      "--format",
      "json",
      "--quiet",
    ]);
    const plainResult = JSON.parse(plain.stdout) as {
      shortcut: { used: boolean; reason: string };
      steps: { identicalTo?: string }[];
      scenarioRuns: number;
      first: { sha: string };
    };
    expect(plainResult.shortcut).toEqual({ used: false, reason: "--no-shortcut" });
    expect(plainResult.steps.filter((step) => step.identicalTo)).toEqual([]);
    expect(plainResult.scenarioRuns).toBe(plainResult.steps.length);
    expect(plainResult.first.sha).toBe(fix);
    expect(run.stdout.trimEnd().split("\n").slice(-2)).toEqual([
      `[proof] first-fixed-commit=${fix}`,
      "[proof] verdict=found",
    ]);
    expect(leftoversIn(tmp)).toEqual([]);
    expect(await worktreeCount(repo.root)).toBe(1);
  });

  it("refuses an unknown --strategy and a --jobs that is not a whole number >= 1, before any work", async () => {
    const { repo } = fixHistory();
    const strategy = await runCli([
      "bisect",
      "--repo",
      repo.root,
      "--good",
      "HEAD",
      "--bad",
      "HEAD~1",
      "--strategy",
      "ternary",
    ]);
    expect(strategy).toEqual({
      exitCode: 2,
      stdout: "",
      stderr:
        'relay-proof: unknown --strategy "ternary" (use kary (N commits per round on N workers) or binary (git bisect run))\n',
    });
    const jobs = await runCli(["compare", "--repo", repo.root, "--base", "HEAD~1", "--jobs", "0"]);
    expect(jobs).toEqual({
      exitCode: 2,
      stdout: "",
      stderr:
        'relay-proof: --jobs must be a whole number of at least 1, got "0" (see relay-proof compare --help)\n',
    });
    expect(await worktreeCount(repo.root)).toBe(1);
  });

  it("compare --sequential gives the same verdict and proof lines as side by side", async () => {
    const { repo, commits } = fixHistory();
    const base = commits["relay: stable ids and a bridge (v1, the bug)"] as string;
    const args = ["compare", "--repo", repo.root, "--base", base, "--head", "HEAD", "--no-tests", "--quiet"];
    const [together, sequential] = [await runCli(args), await runCli([...args, "--sequential"])];
    // The proof lines say why, should one side not verify.
    expect(together.exitCode, together.stdout).toBe(0);
    expect(sequential.exitCode, sequential.stdout).toBe(0);
    expect(together.stderr).toBe("");
    const proofLines = (stdout: string) => stdout.split("\n").filter((line) => line.startsWith("[proof] "));
    expect(proofLines(together.stdout)).toEqual(proofLines(sequential.stdout));
  });

  it("cleans up and exits 130 on Ctrl-C during git bisect run (--strategy binary)", async () => {
    const repo = fixtureRepo({ variant: "v1-module-local" });
    const bad = repo.head;
    for (let i = 0; i < 3; i++) {
      repo.write(relayModulePath, hangingRelay);
      repo.commit(`hang ${i}`);
    }
    repo.useVariant("v2-correct");
    const good = repo.commit("the fix");
    const before = await repoState(repo.root);
    const tmp = tempDir();
    const result = await interrupt(
      ["bisect", "--repo", repo.root, "--good", good, "--bad", bad, "--strategy", "binary"],
      "git bisect run",
      tmp,
    );
    expect(result.exitCode).toBe(130);
    expect(leftoversIn(tmp)).toEqual([]);
    expect(await repoState(repo.root)).toEqual(before);
  });
});
