import { mkdirSync, readdirSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { buildCacheMaxBytes, buildsDir, sweepBuilds, writeMeta } from "../../src/checkout/build-cache.ts";
import { tempDir } from "../helpers/fixture-repo.ts";

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
});
