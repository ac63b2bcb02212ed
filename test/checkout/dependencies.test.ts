import { chmodSync, existsSync, lstatSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { npmLockfile } from "../../fixtures/build-fixture-history.ts";
import { installHooks, prepareDependencies } from "../../src/checkout/dependencies.ts";
import { addWorktree } from "../../src/checkout/worktree.ts";
import { fixtureRepo, tempDir } from "../helpers/fixture-repo.ts";

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

/**
 * A stand-in for pnpm on PATH (pnpm is not installed here): it records its arguments and, as pnpm
 * does, loads the head's .pnpmfile.cjs in its own process unless --ignore-pnpmfile is given.
 */
function fakePnpm(log: string): string {
  const bin = tempDir("relay-proof-bin-");
  writeFileSync(
    join(bin, "pnpm"),
    `#!${process.execPath}
const fs = require("node:fs");
const path = require("node:path");
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify(process.argv.slice(2)) + "\\n");
if (!process.argv.includes("--ignore-pnpmfile") && fs.existsSync(".pnpmfile.cjs")) require(path.resolve(".pnpmfile.cjs"));
fs.mkdirSync("node_modules", { recursive: true });
`,
  );
  chmodSync(join(bin, "pnpm"), 0o755);
  return bin;
}

const planted = "ghp_planted0123456789abcdefPLANTED";

/** A head with a .pnpmfile.cjs that looks for the planted token everywhere it can and writes what it saw. */
function pnpmfileHead(saw: string, lockfileExtra = "") {
  const repo = fixtureRepo();
  repo.write(
    ".pnpmfile.cjs",
    `const fs = require("node:fs");
const seen = Object.entries(process.env).filter(([, value]) => String(value).includes(${JSON.stringify(planted)}));
fs.writeFileSync(${JSON.stringify(saw)}, JSON.stringify({ ran: true, seen: seen.map(([name]) => name) }));
module.exports = { hooks: {} };
`,
  );
  repo.write("pnpm-lock.yaml", `lockfileVersion: '9.0'\n${lockfileExtra}\nimporters:\n  .: {}\n`);
  const base = repo.commit("a head that ships a .pnpmfile.cjs");
  repo.write("pnpm-lock.yaml", "lockfileVersion: '9.0'\n\nimporters:\n  .: {}\n# installed\n");
  repo.commit("the installed lockfile differs");
  return { repo, base };
}

describe("the head's package-manager hooks", () => {
  it.each([
    [false, "ignored", ["install", "--frozen-lockfile", "--ignore-scripts", "--ignore-pnpmfile"]],
    [true, "runs", ["install", "--frozen-lockfile", "--ignore-scripts"]],
  ])(
    "with trustInstallHooks %s: the .pnpmfile.cjs %s, and never sees the planted token",
    async (trust, _what, argv) => {
      const dir = tempDir();
      const [log, saw] = [join(dir, "pnpm.log"), join(dir, "saw.json")];
      vi.stubEnv("PATH", `${fakePnpm(log)}:${process.env.PATH}`);
      vi.stubEnv("GITHUB_TOKEN", planted);
      vi.stubEnv("NPM_TOKEN", planted);
      const { repo, base } = pnpmfileHead(saw);
      const worktree = await addWorktree(repo.root, base);
      const progress: string[] = [];
      try {
        const report = await prepareDependencies({
          installedRoot: repo.root,
          worktree: worktree.path,
          sha: base,
          install: true,
          trustInstallHooks: trust,
          onProgress: (message) => progress.push(message),
        });
        expect(report).toMatchObject({ mode: "installed", ignoredHooks: trust ? [] : [".pnpmfile.cjs"] });
      } finally {
        await worktree.remove();
      }
      expect(
        readFileSync(log, "utf8")
          .trim()
          .split("\n")
          .map((line) => JSON.parse(line)),
      ).toEqual([argv]);
      expect(progress.at(-1)).toContain(
        trust
          ? "(its .pnpmfile.cjs runs: --trust-install-hooks)"
          : "(the head ships .pnpmfile.cjs: ignored; --trust-install-hooks runs it)",
      );
      if (trust) expect(JSON.parse(readFileSync(saw, "utf8"))).toEqual({ ran: true, seen: [] });
      else expect(existsSync(saw)).toBe(false);
    },
  );

  it("refuses, naming the flag, a lockfile resolved with the hooks (a frozen install without them fails)", async () => {
    const dir = tempDir();
    const log = join(dir, "pnpm.log");
    vi.stubEnv("PATH", `${fakePnpm(log)}:${process.env.PATH}`);
    const { repo, base } = pnpmfileHead(join(dir, "saw.json"), "pnpmfileChecksum: sha256-abc\n");
    const worktree = await addWorktree(repo.root, base);
    try {
      const error = await prepareDependencies({
        installedRoot: repo.root,
        worktree: worktree.path,
        sha: base,
        install: true,
      }).catch((caught: unknown) => caught);
      expect(error).toMatchObject({
        code: "USAGE",
        message: expect.stringContaining("installs only with its package-manager hooks (.pnpmfile.cjs)"),
        hint: expect.stringContaining("--trust-install-hooks"),
      });
      expect((error as Error).message).not.toContain("\n");
    } finally {
      await worktree.remove();
    }
    expect(existsSync(log)).toBe(false);
  });

  it("finds pnpm's and yarn's hooks, and none for npm", () => {
    const repo = fixtureRepo({
      files: {
        ".pnpmfile.mjs": "export default {};\n",
        "pnpm-workspace.yaml": "packages: []\npnpmfile: hooks/pnpmfile.cjs\n",
        ".yarnrc.yml": "yarnPath: .yarn/releases/yarn.cjs\nplugins:\n  - x.cjs\n",
      },
    });
    expect(installHooks(repo.root, "pnpm")).toEqual([".pnpmfile.mjs", "pnpm-workspace.yaml pnpmfile"]);
    expect(installHooks(repo.root, "yarn")).toEqual([".yarnrc.yml yarnPath", ".yarnrc.yml plugins"]);
    expect(installHooks(repo.root, "npm")).toEqual([]);
  });
});
