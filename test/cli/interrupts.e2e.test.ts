// The interrupt matrix (docs/guarantees.md): a signal at each stage, sent once a fixture step marks it
// reached. Each case asserts the exit code and that nothing is left: no worktree registered, no temp
// dir, no half-written cache entry, no process (relay-proof's group and every process of the run).
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { relayModulePath } from "../../fixtures/build-fixture-repo.ts";
import { proofLines, runCli } from "../helpers/cli.ts";
import { fixtureRepo, leftoversIn, tempDir } from "../helpers/fixture-repo.ts";
import { worktreeCount } from "../helpers/repo-state.ts";
import {
  blockAt,
  groupGone,
  halfWrittenCacheEntries,
  processesWithTmp,
  relayBlockingAt,
  relayWithBlockingCommand,
  stopAt,
} from "../helpers/stages.ts";

const exitCodes = { SIGINT: 130, SIGTERM: 143 } as const;
const realGit = execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim();

/** A private TMPDIR, cache dir and marker dir for one case. */
function caseDirs() {
  return { tmp: tempDir(), cache: tempDir("relay-proof-cache-"), stages: tempDir("relay-proof-stages-") };
}

/** A bin dir for PATH with one executable script. */
function binWith(name: string, script: string): string {
  const bin = tempDir("relay-proof-bin-");
  writeFileSync(join(bin, name), script);
  chmodSync(join(bin, name), 0o755);
  return bin;
}

async function expectNothingLeft(
  run: { exitCode: number | null; stderr: string; pid: number; reached: boolean },
  signal: keyof typeof exitCodes,
  dirs: { tmp: string; cache: string },
  repos: string[],
): Promise<void> {
  expect(run.reached, run.stderr).toBe(true);
  expect(run.exitCode, run.stderr).toBe(exitCodes[signal]);
  expect(run.stderr).toContain(`relay-proof: interrupted by ${signal}; cleaned up\n`);
  for (const repo of repos) expect(await worktreeCount(repo)).toBe(1);
  expect(leftoversIn(dirs.tmp)).toEqual([]);
  expect(halfWrittenCacheEntries(dirs.cache)).toEqual([]);
  await expect.poll(() => groupGone(run.pid)).toBe(true);
  await expect.poll(() => processesWithTmp(dirs.tmp)).toEqual([]);
}

describe("the interrupt matrix (end to end)", () => {
  it("git worktree add in flight, SIGINT: the worktree it finishes adding is removed", async () => {
    const dirs = caseDirs();
    const repo = fixtureRepo();
    const base = repo.head;
    repo.write("README.md", "later\n");
    repo.commit("later");
    const reached = join(dirs.stages, "worktree-add");
    const release = join(dirs.stages, "release");
    // git itself, except that `worktree add` marks the stage and waits for the test to let it finish.
    const bin = binWith(
      "git",
      `#!/bin/sh
if [ "$1" = worktree ] && [ "$2" = add ]; then
  : > ${reached}
  while [ ! -e ${release} ]; do sleep 0.05; done
fi
exec ${realGit} "$@"
`,
    );
    const run = await stopAt(["run", "--repo", repo.root, "--ref", base, "--no-tests"], {
      markers: [reached],
      signal: "SIGINT",
      env: { TMPDIR: dirs.tmp, RELAY_PROOF_CACHE_DIR: dirs.cache, PATH: `${bin}:${process.env.PATH}` },
      after: () => writeFileSync(release, ""),
    });
    await expectNothingLeft(run, "SIGINT", dirs, [repo.root]);
    expect(run.stderr).not.toContain("running native-hook-relay");
  });

  it("dependency install in flight, SIGTERM: the package manager's group is killed, the worktree removed", async () => {
    const dirs = caseDirs();
    const repo = fixtureRepo();
    const base = repo.head;
    repo.write("pnpm-lock.yaml", `${readFileSync(join(repo.root, "pnpm-lock.yaml"), "utf8")}# bumped\n`);
    repo.commit("bump the lockfile");
    const reached = join(dirs.stages, "install");
    const bin = binWith("pnpm", `#!/bin/sh\n: > ${reached}\nwhile :; do sleep 1; done\n`);
    const run = await stopAt(["run", "--repo", repo.root, "--ref", base, "--no-tests"], {
      markers: [reached],
      signal: "SIGTERM",
      env: { TMPDIR: dirs.tmp, RELAY_PROOF_CACHE_DIR: dirs.cache, PATH: `${bin}:${process.env.PATH}` },
    });
    await expectNothingLeft(run, "SIGTERM", dirs, [repo.root]);
    expect(run.stderr).toContain("running pnpm install --frozen-lockfile --ignore-scripts --ignore-pnpmfile");
  });

  it("--build step in flight, SIGINT: no partial entry, no lock, no build process", async () => {
    const dirs = caseDirs();
    const reached = join(dirs.stages, "build");
    const repo = fixtureRepo({ cli: "dist" });
    repo.write("scripts/tsdown-build.mjs", blockAt(reached));
    repo.commit("a build that blocks");
    const run = await stopAt(["run", "--repo", repo.root, "--build", "--no-tests"], {
      markers: [reached],
      signal: "SIGINT",
      env: { TMPDIR: dirs.tmp, RELAY_PROOF_CACHE_DIR: dirs.cache },
    });
    await expectNothingLeft(run, "SIGINT", dirs, [repo.root]);
  });

  it("scenario child in flight, SIGTERM: its process group is gone", async () => {
    const dirs = caseDirs();
    const reached = join(dirs.stages, "scenario");
    const repo = fixtureRepo({ moduleSource: relayBlockingAt(reached) });
    const run = await stopAt(["run", "--repo", repo.root, "--no-tests"], {
      markers: [reached],
      signal: "SIGTERM",
      env: { TMPDIR: dirs.tmp, RELAY_PROOF_CACHE_DIR: dirs.cache },
    });
    await expectNothingLeft(run, "SIGTERM", dirs, [repo.root]);
  });

  it("hook command in flight, SIGINT: the child kills the command's own process group before it goes", async () => {
    const dirs = caseDirs();
    const reached = join(dirs.stages, "hook-command");
    const repo = fixtureRepo({ moduleSource: relayWithBlockingCommand(reached) });
    const run = await stopAt(["run", "--repo", repo.root, "--no-tests"], {
      markers: [reached],
      signal: "SIGINT",
      env: { TMPDIR: dirs.tmp, RELAY_PROOF_CACHE_DIR: dirs.cache },
    });
    await expectNothingLeft(run, "SIGINT", dirs, [repo.root]);
  });

  it.each([
    ["focused-test shard", "SIGTERM", []],
    ["coverage of a shard (--coverage)", "SIGINT", ["--coverage"]],
  ] as const)(
    "%s in flight, %s: Vitest's group, its shard and coverage dirs are gone",
    async (_stage, signal, extra) => {
      const dirs = caseDirs();
      const reached = join(dirs.stages, "shard");
      const file = "src/agents/harness/blocking.test.ts";
      const repo = fixtureRepo({
        files: {
          [file]: `import { it } from "vitest";\nit("blocks", async () => {\n${blockAt(reached)}});\n`,
        },
      });
      const run = await stopAt(["run", "--repo", repo.root, "--tests", file, ...extra], {
        markers: [reached],
        signal,
        env: { TMPDIR: dirs.tmp, RELAY_PROOF_CACHE_DIR: dirs.cache },
      });
      await expectNothingLeft(run, signal, dirs, [repo.root]);
    },
  );

  it("Vitest's merge of blob reports in flight, SIGTERM: the merge's group and scratch dir are gone", async () => {
    const dirs = caseDirs();
    const reached = join(dirs.stages, "merge");
    const repo = fixtureRepo({ files: { "vitest.blocking.config.ts": blockAt(reached) } });
    const saved = join(tempDir(), "proof.json");
    const ran = await runCli(["run", "--repo", repo.root, "--no-tests", "--quiet", "--json-out", saved]);
    expect(ran.exitCode).toBe(0);
    // A saved shard result, and a blob group whose config Vitest loads first (and blocks in).
    const result = JSON.parse(readFileSync(saved, "utf8"));
    result.tests = {
      status: "pass",
      reasons: [],
      selection: { source: "proof", files: [], missing: [] },
      shards: [{ index: 1, invocations: [], passed: 1, failed: 0, skipped: 0, total: 1, problems: [] }],
      shardCount: 1,
      passed: 1,
      failed: 0,
      skipped: 0,
      total: 1,
      durationMs: 1,
    };
    writeFileSync(saved, JSON.stringify(result));
    const blobs = join(tempDir(), "blobs");
    mkdirSync(join(blobs, "blocking"), { recursive: true });
    writeFileSync(join(blobs, "blocking", "group.json"), '{ "config": "vitest.blocking.config.ts" }\n');
    writeFileSync(join(blobs, "blocking", "shard-1-0.blob.json"), "[]\n");
    const run = await stopAt(["merge", "--blobs", blobs, "--repo", repo.root, saved], {
      markers: [reached],
      signal: "SIGTERM",
      env: { TMPDIR: dirs.tmp, RELAY_PROOF_CACHE_DIR: dirs.cache },
    });
    await expectNothingLeft(run, "SIGTERM", dirs, [repo.root]);
  });

  it("a k-ary bisect round in flight, SIGINT: both workers' worktrees and children are gone", async () => {
    const dirs = caseDirs();
    const reached = join(dirs.stages, "round");
    const repo = fixtureRepo({ variant: "v1-module-local" });
    const bad = repo.head;
    for (let i = 0; i < 3; i++) {
      repo.write(relayModulePath, `${relayBlockingAt(reached)}// ${i}\n`);
      repo.commit(`hang ${i}`);
    }
    repo.useVariant("v2-correct");
    const good = repo.commit("the fix");
    const run = await stopAt(["bisect", "--repo", repo.root, "--good", good, "--bad", bad, "--jobs", "2"], {
      markers: [reached],
      signal: "SIGINT",
      env: { TMPDIR: dirs.tmp, RELAY_PROOF_CACHE_DIR: dirs.cache },
    });
    await expectNothingLeft(run, "SIGINT", dirs, [repo.root]);
    expect(run.stderr).toContain("round 1: testing");
  });

  it("compare with both sides in flight, SIGTERM: neither side starts anything new, both are cleaned", async () => {
    const dirs = caseDirs();
    const [baseReached, headReached] = [join(dirs.stages, "base"), join(dirs.stages, "head")];
    const repo = fixtureRepo({ moduleSource: relayBlockingAt(baseReached) });
    const base = repo.head;
    repo.write(relayModulePath, relayBlockingAt(headReached));
    repo.commit("the head");
    repo.write("README.md", "checked out elsewhere\n");
    repo.commit("unrelated: the head runs in a worktree too");
    const run = await stopAt(
      ["compare", "--repo", repo.root, "--base", base, "--head", "HEAD~1", "--jobs", "2", "--no-tests"],
      {
        markers: [baseReached, headReached],
        signal: "SIGTERM",
        env: { TMPDIR: dirs.tmp, RELAY_PROOF_CACHE_DIR: dirs.cache },
      },
    );
    await expectNothingLeft(run, "SIGTERM", dirs, [repo.root]);
  });
});

describe("kill -9 of relay-proof itself", () => {
  it("leaves worktrees, temp dirs and unfinished builds that the next run removes, saying so in one line", async () => {
    const dirs = caseDirs();
    const [baseReached, headReached] = [join(dirs.stages, "base"), join(dirs.stages, "head")];
    const repo = fixtureRepo({ cli: "dist" });
    repo.write("scripts/tsdown-build.mjs", blockAt(baseReached));
    const base = repo.commit("a base whose build blocks");
    repo.write("scripts/tsdown-build.mjs", blockAt(headReached));
    repo.commit("a head whose build blocks");
    repo.write("README.md", "the head runs in a worktree\n");
    repo.commit("unrelated");
    const env = { TMPDIR: dirs.tmp, RELAY_PROOF_CACHE_DIR: dirs.cache };
    const killed = await stopAt(
      [
        "compare",
        "--repo",
        repo.root,
        "--base",
        base,
        "--head",
        "HEAD~1",
        "--build",
        "--no-tests",
        "--jobs",
        "2",
      ],
      { markers: [baseReached, headReached], signal: "SIGKILL", env },
    );
    expect(killed).toMatchObject({ reached: true, exitCode: null });
    // Its build steps outlive it (their own process groups); a killed run cannot stop them.
    for (const line of processesWithTmp(dirs.tmp)) process.kill(Number(line.split(" ")[0]), "SIGKILL");
    await expect.poll(() => processesWithTmp(dirs.tmp)).toEqual([]);
    const left = leftoversIn(dirs.tmp);
    const worktrees = left.filter((name) => name.startsWith("relay-proof-worktree-")).length;
    expect(worktrees).toBe(2);
    expect(await worktreeCount(repo.root)).toBe(3);
    const tempDirs = left.length - worktrees;
    expect(tempDirs).toBeGreaterThan(0);
    // Two partial builds and their two locks.
    expect(halfWrittenCacheEntries(dirs.cache).map((name) => name.replace(/-[0-9a-f]{40}.*/, ""))).toEqual([
      ".lock",
      ".lock",
      ".partial",
      ".partial",
    ]);

    const other = fixtureRepo();
    const next = await runCli(["run", "--repo", other.root, "--no-tests"], { env });
    expect(next.exitCode, next.stderr).toBe(0);
    expect(proofLines(next.stdout).get("verdict")).toBe("holds");
    const said = next.stderr.split("\n").filter((line) => line.includes("cleaned up after"));
    expect(said).toEqual([
      `relay-proof: cleaned up after a relay-proof that was killed: removed 2 worktrees, ${tempDirs} temp dir${tempDirs === 1 ? "" : "s"}, 4 unfinished cache entries`,
    ]);
    expect(leftoversIn(dirs.tmp)).toEqual([]);
    expect(await worktreeCount(repo.root)).toBe(1);
    expect(halfWrittenCacheEntries(dirs.cache)).toEqual([]);
  });
});
