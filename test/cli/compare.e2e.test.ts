import { describe, expect, it } from "vitest";
import { relayModulePath } from "../../fixtures/build-fixture-repo.ts";
import { hangingRelay, interrupt, runCli } from "../helpers/cli.ts";
import { fixHistory } from "../helpers/fixture-history.ts";
import { fixtureRepo, leftoversIn, tempDir } from "../helpers/fixture-repo.ts";
import { worktreeCount } from "../helpers/repo-state.ts";

describe("relay-proof compare and bisect (end to end)", () => {
  it("exits 0 for a verified fix and 1 when the bug does not reproduce on base", async () => {
    const { repo, commits } = fixHistory();
    const tmp = tempDir();
    const base = commits["relay: stable ids and a bridge (v1, the bug)"] as string;
    const verified = await runCli(["compare", "--repo", repo.root, "--base", base, "--no-tests", "--quiet"], {
      env: { TMPDIR: tmp },
    });
    expect(verified.exitCode).toBe(0);
    expect(verified.stderr).toBe("");
    expect(verified.stdout.trimEnd().split("\n").at(-1)).toBe("[proof] verdict=fix-verified");
    const same = await runCli(
      ["compare", "--repo", repo.root, "--base", "HEAD", "--head", "HEAD", "--no-tests", "--quiet"],
      {
        env: { TMPDIR: tmp },
      },
    );
    expect(same.exitCode).toBe(1);
    expect(same.stdout).toContain("the bug does not reproduce on base");
    expect(leftoversIn(tmp)).toEqual([]);
    expect(await worktreeCount(repo.root)).toBe(1);
  });

  it("bisect exits 0 and names the fixing commit", async () => {
    const { repo, commits } = fixHistory();
    const result = await runCli([
      "bisect",
      "--repo",
      repo.root,
      "--good",
      "HEAD",
      "--bad",
      commits["relay: first version (v0)"] as string,
      "--quiet",
    ]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`[proof] first-fixed-commit=${commits["relay: generations (the fix)"]}`);
  });

  it("removes the temporary worktree when a run --ref is interrupted", async () => {
    const repo = fixtureRepo({ moduleSource: hangingRelay });
    const hanging = repo.head;
    repo.write(relayModulePath, "export {};\n");
    repo.commit("later");
    const tmp = tempDir();
    const { exitCode, stderr } = await interrupt(
      ["run", "--repo", repo.root, "--ref", hanging, "--no-tests"],
      "running native-hook-relay",
      tmp,
    );
    expect(exitCode).toBe(130);
    expect(stderr).toContain("interrupted by SIGINT; cleaned up");
    expect(leftoversIn(tmp)).toEqual([]);
    expect(await worktreeCount(repo.root)).toBe(1);
  });
});
