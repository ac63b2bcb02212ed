import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { prepareBuild } from "../../../../src/checkout/cli/build/build.ts";
import {
  buildCacheMaxBytes,
  buildLockPath,
  buildsDir,
  removeDeadBuildParts,
  sweepBuilds,
  writeMeta,
} from "../../../../src/checkout/cli/build/cache.ts";
import { fixtureRepo, tempDir } from "../../../helpers/fixture-repo.ts";

function entry(tree: string, sizeBytes: number, lastUsedAt: string): void {
  const dir = join(buildsDir(), tree);
  mkdirSync(join(dir, "checkout"), { recursive: true });
  writeMeta(dir, { tree, steps: [], builtAt: lastUsedAt, durationMs: 1, sizeBytes, lastUsedAt });
}

describe("the build cache", () => {
  it("drops the least recently used builds until it fits its cap, never the one in use", () => {
    vi.stubEnv("RELAY_PROOF_CACHE_DIR", tempDir("relay-proof-cache-"));
    entry("a".repeat(40), 400, "2026-01-01T00:00:00.000Z");
    entry("b".repeat(40), 400, "2026-01-03T00:00:00.000Z");
    entry("c".repeat(40), 400, "2026-01-02T00:00:00.000Z");
    // "a" is the oldest, but it is the build this run uses.
    expect(sweepBuilds("a".repeat(40), 900)).toEqual(["c".repeat(40)]);
    expect(readdirSync(buildsDir()).sort()).toEqual(["a".repeat(40), "b".repeat(40)]);
  });

  it("removes a partial entry a killed run left a day ago, not one being written now", () => {
    vi.stubEnv("RELAY_PROOF_CACHE_DIR", tempDir("relay-proof-cache-"));
    const old = join(buildsDir(), ".partial-old");
    const fresh = join(buildsDir(), ".partial-fresh");
    mkdirSync(old, { recursive: true });
    mkdirSync(fresh, { recursive: true });
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600_000);
    utimesSync(old, twoDaysAgo, twoDaysAgo);
    sweepBuilds("none");
    expect(readdirSync(buildsDir())).toEqual([".partial-fresh"]);
  });

  it("takes its cap from RELAY_PROOF_BUILD_CACHE_MB, 8 GiB by default", () => {
    expect(buildCacheMaxBytes({})).toBe(8 * 1024 ** 3);
    expect(buildCacheMaxBytes({ RELAY_PROOF_BUILD_CACHE_MB: "512" })).toBe(512 * 1024 ** 2);
  });

  it("removes what dead runs left (partials, locks, entries without meta.json), never a live run's", () => {
    vi.stubEnv("RELAY_PROOF_CACHE_DIR", tempDir("relay-proof-cache-"));
    const tree = "d".repeat(40);
    const dir = buildsDir();
    for (const name of [`.partial-${tree}-111-1`, `.partial-${tree}-222-1`, "e".repeat(40)])
      mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(join(dir, `.lock-${tree}`), "111\n");
    writeFileSync(join(dir, `.lock-${"f".repeat(40)}`), "222\n");
    entry("a".repeat(40), 1, "2026-01-01T00:00:00.000Z");
    // pid 222 is alive, 111 is not.
    expect(removeDeadBuildParts((pid) => pid === 222)).toBe(3);
    expect(readdirSync(dir).sort()).toEqual([
      `.lock-${"f".repeat(40)}`,
      `.partial-${tree}-222-1`,
      "a".repeat(40),
    ]);
  });

  it("takes over the lock of a dead builder, builds, and says so", async () => {
    vi.stubEnv("RELAY_PROOF_CACHE_DIR", tempDir("relay-proof-cache-"));
    const repo = fixtureRepo({ cli: "dist" });
    const tree = execFileSync("git", ["rev-parse", "HEAD^{tree}"], {
      cwd: repo.root,
      encoding: "utf8",
    }).trim();
    const dead = Number(execFileSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]));
    mkdirSync(buildsDir(), { recursive: true });
    writeFileSync(buildLockPath(tree), `${dead}\n`);
    const progress: string[] = [];
    const build = await prepareBuild({
      root: repo.root,
      modulesRoot: repo.root,
      nodePath: process.execPath,
      onProgress: (message) => progress.push(message),
    });
    expect(build).toMatchObject({ ok: true, cached: false, tree });
    expect(progress).toContain(
      `--build: took over the build lock of tree ${tree.slice(0, 12)} from pid ${dead}, which is no longer running`,
    );
    expect(readdirSync(buildsDir())).toEqual([tree]);
  });
});
