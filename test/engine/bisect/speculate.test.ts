// Bisect's round 1 beside the endpoint checks (`speculate`), end to end on fixture histories; split
// from bisect.test.ts (the suite's longest file) so the two test workers can share them out.
import { createHash } from "node:crypto";
import { readdirSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { bisectProof } from "../../../src/engine/bisect/bisect.ts";
import { fixHistory } from "../../helpers/fixture-history.ts";
import { repoState } from "../../helpers/repo-state.ts";

/** The fixed worktree dirs of `root` still in the temp dir. */
function slotDirsOf(root: string): string[] {
  const hashes = [root, realpathSync(root)].map((path) =>
    createHash("sha1").update(path).digest("hex").slice(0, 12),
  );
  return readdirSync(tmpdir()).filter((name) =>
    hashes.some((hash) => name.startsWith(`relay-proof-worktree-${hash}-`)),
  );
}

describe("bisect with round 1 beside the endpoint checks", () => {
  it("finds the commit that fixed it, with the same steps' answer as when the checks run first", async () => {
    const { repo, commits } = fixHistory();
    const options = { repo: repo.root, good: "HEAD", bad: commits["relay: first version (v0)"] as string };
    const progress: string[] = [];
    const speculative = await bisectProof({
      ...options,
      jobs: 2,
      speculate: true,
      onProgress: (message) => progress.push(message),
    });
    const first = await bisectProof({ ...options, jobs: 2, speculate: false });
    expect(progress.some((line) => /^round 1: .*beside the endpoint checks/.test(line))).toBe(true);
    expect(speculative.first).toEqual({
      sha: commits["relay: generations (the fix)"],
      subject: "relay: generations (the fix)",
    });
    expect({ first: speculative.first, candidates: speculative.candidates }).toEqual({
      first: first.first,
      candidates: first.candidates,
    });
    // The endpoints still come first in the steps and the replay, as git bisect logs them.
    expect(speculative.steps.slice(0, 2).map((step) => step.sha)).toEqual(
      first.steps.slice(0, 2).map((step) => step.sha),
    );
    expect(speculative.replay[0]).toBe(first.replay[0]);
    expect(slotDirsOf(repo.root)).toEqual([]);
  }, 180_000);

  it("throws the same usage error when --good fails while round 1 runs, and leaves nothing behind", async () => {
    const { repo, commits } = fixHistory();
    const before = await repoState(repo.root);
    const progress: string[] = [];
    const options = {
      repo: repo.root,
      good: commits["relay: process-global state"] as string,
      bad: commits["relay: first version (v0)"] as string,
    };
    const error = /^--good .*: the proof fails there$/;
    await expect(
      bisectProof({ ...options, jobs: 2, speculate: true, onProgress: (line) => progress.push(line) }),
    ).rejects.toMatchObject({ code: "USAGE", message: expect.stringMatching(error) });
    expect(progress.some((line) => /^round 1: .*beside the endpoint checks/.test(line))).toBe(true);
    expect(await repoState(repo.root)).toEqual(before);
    expect(slotDirsOf(repo.root)).toEqual([]);
    // Without the speculative round: the same error.
    await expect(bisectProof({ ...options, jobs: 2, speculate: false })).rejects.toMatchObject({
      code: "USAGE",
      message: expect.stringMatching(error),
    });
  }, 180_000);
});
