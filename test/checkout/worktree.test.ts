import { chmodSync, existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { git } from "../../src/checkout/git.ts";
import { addWorktree } from "../../src/checkout/worktree.ts";
import { fixtureRepo } from "../helpers/fixture-repo.ts";

describe("addWorktree", () => {
  it("checks the exact commit out next to the repo and removes it without a trace", async () => {
    const repo = fixtureRepo();
    const first = repo.head;
    repo.write("README.md", "second\n");
    repo.commit("second commit");
    const worktree = await addWorktree(repo.root, first);
    expect(worktree.sha).toBe(first);
    expect((await git(worktree.path, ["rev-parse", "HEAD"])).stdout).toBe(first);
    expect((await git(repo.root, ["rev-parse", "HEAD"])).stdout).not.toBe(first);
    await worktree.remove();
    expect(existsSync(worktree.path)).toBe(false);
    expect(
      (await git(repo.root, ["worktree", "list", "--porcelain"])).stdout.match(/^worktree /gm),
    ).toHaveLength(1);
  });

  it("rejects an unknown ref with a usage error that suggests git fetch", async () => {
    const repo = fixtureRepo();
    await expect(addWorktree(repo.root, "no-such-branch")).rejects.toMatchObject({
      code: "UNKNOWN_REF",
      hint: expect.stringContaining("git fetch"),
    });
    expect(
      (await git(repo.root, ["worktree", "list", "--porcelain"])).stdout.match(/^worktree /gm),
    ).toHaveLength(1);
  });

  it("runs no git hook the checked-out head ships (a versioned core.hooksPath)", async () => {
    const repo = fixtureRepo();
    const marker = join(repo.root, "..", `hook-ran-${Date.now()}`);
    repo.write("git-hooks/post-checkout", `#!/bin/sh\ntouch "${marker}"\n`);
    chmodSync(join(repo.root, "git-hooks/post-checkout"), 0o755);
    const head = repo.commit("ship a post-checkout hook");
    await git(repo.root, ["config", "core.hooksPath", "git-hooks"]);
    const worktree = await addWorktree(repo.root, head);
    await worktree.remove();
    expect(existsSync(marker)).toBe(false);
  });
});
