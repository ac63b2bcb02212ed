import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { git } from "../../src/checkout/git.ts";
import { cleanLeftovers, describeLeftovers } from "../../src/engine/leftovers.ts";
import { fixtureRepo, tempDir } from "../helpers/fixture-repo.ts";
import { worktreeCount } from "../helpers/repo-state.ts";

describe("cleanLeftovers", () => {
  it("removes only what dead owners left: a live owner's dirs and an older relay-proof's unmarked ones stay", async () => {
    const tmp = tempDir();
    vi.stubEnv("RELAY_PROOF_CACHE_DIR", tempDir("relay-proof-cache-"));
    const repo = fixtureRepo();
    // A dead run's worktree at a fixed slot, registered in the repo.
    const slot = join(tmp, "relay-proof-worktree-0123456789ab-0");
    mkdirSync(slot);
    writeFileSync(join(slot, "owner.pid"), "111\n");
    expect(
      (await git(repo.root, ["worktree", "add", "--detach", "--quiet", join(slot, "checkout")])).ok,
    ).toBe(true);
    expect(await worktreeCount(repo.root)).toBe(2);
    for (const name of [
      "relay-proof-run-111-AbC123", // dead owner
      "relay-proof-shard-222-xYz789", // live owner
      "relay-proof-run-Qw3rTy", // an older relay-proof: no owner in the name
      "relay-proof-worktree-0123456789ab-1", // a slot without owner.pid
      "someone-elses-111-AbC123",
    ])
      mkdirSync(join(tmp, name));
    const found = await cleanLeftovers({ tmp, alive: (pid) => pid === 222 });
    expect(found).toEqual({ worktrees: 1, tempDirs: 1, cacheEntries: 0 });
    expect(readdirSync(tmp).sort()).toEqual([
      "relay-proof-run-Qw3rTy",
      "relay-proof-shard-222-xYz789",
      "relay-proof-worktree-0123456789ab-1",
      "someone-elses-111-AbC123",
    ]);
    expect(await worktreeCount(repo.root)).toBe(1);
    expect(describeLeftovers(found)).toBe(
      "cleaned up after a relay-proof that was killed: removed 1 worktree, 1 temp dir",
    );
    expect(describeLeftovers({ worktrees: 0, tempDirs: 0, cacheEntries: 0 })).toBeUndefined();
  });
});
