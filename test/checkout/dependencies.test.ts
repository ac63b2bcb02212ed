import { existsSync, lstatSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { npmLockfile } from "../../fixtures/build-fixture-history.ts";
import { prepareDependencies } from "../../src/checkout/dependencies.ts";
import { addWorktree } from "../../src/checkout/worktree.ts";
import { fixtureRepo } from "../helpers/fixture-repo.ts";

function npmRepo() {
  const repo = fixtureRepo({ files: { "package-lock.json": npmLockfile("1.0.0") } });
  rmSync(join(repo.root, "pnpm-lock.yaml"));
  repo.write(
    "package.json",
    `${JSON.stringify({ name: "fixture-claw", version: "1.0.0", private: true, type: "module", packageManager: "npm@11.0.0" })}\n`,
  );
  const base = repo.commit("npm lockfile");
  return { repo, base };
}

describe("prepareDependencies", () => {
  it("reuses the installed node_modules when the lockfile at the ref is the installed one", async () => {
    const { repo, base } = npmRepo();
    repo.write("README.md", "later\n");
    repo.commit("unrelated");
    const worktree = await addWorktree(repo.root, base);
    try {
      const report = await prepareDependencies({
        installedRoot: repo.root,
        worktree: worktree.path,
        sha: base,
        install: false,
      });
      expect(report.mode).toBe("reused");
      expect(report.detail).toMatch(
        /^package-lock\.json at [0-9a-f]{12} equals the installed one: reused 1 node_modules folder\(s\), no reinstall$/,
      );
      expect(lstatSync(join(worktree.path, "node_modules")).isSymbolicLink()).toBe(true);
    } finally {
      await worktree.remove();
    }
  });

  it("stops with a usage error when the lockfile differs and installing is not allowed", async () => {
    const { repo, base } = npmRepo();
    repo.write("package-lock.json", npmLockfile("1.0.1"));
    repo.commit("bump the lockfile");
    const worktree = await addWorktree(repo.root, base);
    try {
      await expect(
        prepareDependencies({ installedRoot: repo.root, worktree: worktree.path, sha: base, install: false }),
      ).rejects.toMatchObject({
        code: "USAGE",
        message: expect.stringContaining("differs from the installed one"),
      });
    } finally {
      await worktree.remove();
    }
  });

  it("installs with the target's package manager and a frozen lockfile when it differs", async () => {
    const { repo, base } = npmRepo();
    repo.write("package-lock.json", npmLockfile("1.0.1"));
    repo.commit("bump the lockfile");
    const worktree = await addWorktree(repo.root, base);
    try {
      const report = await prepareDependencies({
        installedRoot: repo.root,
        worktree: worktree.path,
        sha: base,
        install: true,
      });
      expect(report).toMatchObject({
        mode: "installed",
        detail: "package-lock.json differs: installed with npm ci --ignore-scripts --no-audit --no-fund",
      });
      // Installed, not linked: the installed checkout's node_modules was not borrowed.
      const modules = join(worktree.path, "node_modules");
      expect(existsSync(modules) && lstatSync(modules).isSymbolicLink()).toBe(false);
    } finally {
      await worktree.remove();
    }
  });
});
