// The library side of interrupts: once the run's signal is aborted, no new stage starts. Each case
// aborts while one stage is in flight (a fixture step marks it reached) and asserts what never started.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { prepareBuild } from "../../src/checkout/cli/build/build.ts";
import { addWorktree } from "../../src/checkout/worktree.ts";
import { runProof } from "../../src/engine/run-proof.ts";
import { runTests } from "../../src/shards/run-tests.ts";
import { fixtureRepo, tempDir } from "../helpers/fixture-repo.ts";
import { worktreeCount } from "../helpers/repo-state.ts";
import { blockAt, relayBlockingAt } from "../helpers/stages.ts";

/** Abort `controller` once `marker` exists. */
async function abortWhen(marker: string, controller: AbortController, done: Promise<unknown>): Promise<void> {
  let settled = false;
  void done.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  while (!settled && !existsSync(marker)) await new Promise((resolve) => setTimeout(resolve, 25));
  controller.abort();
}

describe("an aborted signal", () => {
  it("stops a proof after its scenario: no focused tests start, the error says INTERRUPTED", async () => {
    const stages = tempDir("relay-proof-stages-");
    const marker = join(stages, "scenario");
    const repo = fixtureRepo({ moduleSource: relayBlockingAt(marker) });
    const controller = new AbortController();
    const progress: string[] = [];
    const run = runProof({
      repo: repo.root,
      tests: {},
      signal: controller.signal,
      onProgress: (message) => progress.push(message),
    });
    await abortWhen(marker, controller, run);
    await expect(run).rejects.toMatchObject({ code: "INTERRUPTED" });
    expect(progress.some((message) => message.startsWith("running native-hook-relay"))).toBe(true);
    expect(progress).not.toContain("running the focused tests");
  });

  it("starts no further shard once one is stopped (3 shards, at most 2 at a time)", async () => {
    const stages = tempDir("relay-proof-stages-");
    const marker = join(stages, "shard");
    const files = ["a", "b", "c"].map((name) => `src/agents/harness/${name}.test.ts`);
    const blocking = `import { it } from "vitest";\nit("blocks", async () => {\n${blockAt(marker)}});\n`;
    const repo = fixtureRepo({ files: Object.fromEntries(files.map((file) => [file, blocking])) });
    const controller = new AbortController();
    const progress: string[] = [];
    const run = runTests({
      root: repo.root,
      nodePath: process.execPath,
      proofTests: [],
      tests: files,
      shards: 3,
      timeoutMs: 60_000,
      signal: controller.signal,
      onProgress: (message) => progress.push(message),
    });
    await abortWhen(marker, controller, run);
    await expect(run).rejects.toMatchObject({ code: "INTERRUPTED" });
    const started = progress.filter((message) => /^shard \d\/3: 1 files/.test(message));
    expect(started.length).toBeLessThan(3);
  });

  it("stops a --build between its steps: the post-build step never starts, no entry is written", async () => {
    const stages = tempDir("relay-proof-stages-");
    const marker = join(stages, "build");
    const cache = tempDir("relay-proof-cache-");
    const repo = fixtureRepo({ cli: "dist" });
    repo.write("scripts/tsdown-build.mjs", blockAt(marker));
    repo.write("scripts/runtime-postbuild.mjs", 'console.log("post-build");\n');
    repo.commit("a build in two steps, the first blocks");
    const saved = process.env.RELAY_PROOF_CACHE_DIR;
    process.env.RELAY_PROOF_CACHE_DIR = cache;
    try {
      const controller = new AbortController();
      const progress: string[] = [];
      const build = prepareBuild({
        root: repo.root,
        modulesRoot: repo.root,
        nodePath: process.execPath,
        signal: controller.signal,
        onProgress: (message) => progress.push(message),
      });
      await abortWhen(marker, controller, build);
      await expect(build).rejects.toMatchObject({ code: "INTERRUPTED" });
      expect(progress.some((message) => message.includes("running scripts/tsdown-build.mjs"))).toBe(true);
      expect(progress.some((message) => message.includes("runtime-postbuild"))).toBe(false);
      expect(existsSync(join(cache, "builds")) ? readdirSync(join(cache, "builds")) : []).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.RELAY_PROOF_CACHE_DIR;
      else process.env.RELAY_PROOF_CACHE_DIR = saved;
    }
  });

  it("adds no worktree", async () => {
    const repo = fixtureRepo();
    const controller = new AbortController();
    controller.abort();
    await expect(addWorktree(repo.root, "HEAD", { signal: controller.signal })).rejects.toMatchObject({
      code: "INTERRUPTED",
    });
    expect(await worktreeCount(repo.root)).toBe(1);
  });
});
