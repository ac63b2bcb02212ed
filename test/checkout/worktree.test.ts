import { chmodSync, existsSync, lstatSync, mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { git } from "../../src/checkout/git.ts";
import { addWorktree, worktreePool } from "../../src/checkout/worktree.ts";
import { fixtureRepo, tempDir } from "../helpers/fixture-repo.ts";
import { worktreeCount } from "../helpers/repo-state.ts";

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

  it("makes several worktrees of one repo at once, each with its commit's files and a clean status", async () => {
    const repo = fixtureRepo();
    const first = repo.head;
    repo.write("README.md", "second\n");
    const second = repo.commit("second commit");
    const worktrees = await Promise.all([first, second, first].map((sha) => addWorktree(repo.root, sha)));
    for (const [index, sha] of [first, second, first].entries()) {
      const worktree = worktrees[index] as (typeof worktrees)[number];
      expect((await git(worktree.path, ["rev-parse", "HEAD"])).stdout).toBe(sha);
      expect((await git(worktree.path, ["status", "--porcelain"])).stdout).toBe("");
      // A clean status at that HEAD: every tracked file is there, as committed.
      expect(existsSync(join(worktree.path, "package.json"))).toBe(true);
    }
    await Promise.all(worktrees.map((worktree) => worktree.remove()));
    expect(await worktreeCount(repo.root)).toBe(1);
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

describe("worktreePool", () => {
  it("makes one worktree per slot and moves it from commit to commit, keeping what was linked in", async () => {
    const repo = fixtureRepo();
    const first = repo.head;
    repo.write("README.md", "second\n");
    const second = repo.commit("second commit");
    const modules = tempDir();
    let prepared = 0;
    const pool = worktreePool(repo.root, (worktree) => {
      prepared += 1;
      mkdirSync(join(worktree.path, "packages"), { recursive: true });
      symlinkSync(modules, join(worktree.path, "packages", "node_modules"), "dir");
    });
    const [a, b] = await Promise.all([pool.at(0, first), pool.at(1, second)]);
    expect(a?.path).not.toBe(b?.path);
    const moved = await pool.at(0, second);
    expect(moved.path).toBe(a?.path);
    expect(moved.sha).toBe(second);
    expect((await git(moved.path, ["rev-parse", "HEAD"])).stdout).toBe(second);
    expect(lstatSync(join(moved.path, "packages", "node_modules")).isSymbolicLink()).toBe(true);
    expect({ size: pool.size, prepared, worktrees: await worktreeCount(repo.root) }).toEqual({
      size: 2,
      prepared: 2,
      worktrees: 3,
    });
    await pool.remove();
    await pool.remove();
    expect(existsSync(moved.path)).toBe(false);
    expect(await worktreeCount(repo.root)).toBe(1);
  });

  it("adds several worktrees of one repo at once (one git worktree add at a time)", async () => {
    const repo = fixtureRepo();
    const pool = worktreePool(repo.root);
    const made = await Promise.all([0, 1, 2, 3].map((slot) => pool.at(slot, repo.head)));
    expect(new Set(made.map((worktree) => worktree.path)).size).toBe(4);
    await pool.remove();
    expect(await worktreeCount(repo.root)).toBe(1);
  });
});
