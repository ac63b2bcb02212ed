import { existsSync } from "node:fs";
import { join } from "node:path";
import { relayProofError } from "../errors.ts";
import { onCleanup } from "../process/cleanup.ts";
import { makeTempDir } from "../process/temp-dir.ts";
import { git, resolveCommit } from "./git.ts";

export interface Worktree {
  path: string;
  sha: string;
  ref: string;
  /** Remove the worktree and its temp dir; safe to call twice. */
  remove(): Promise<void>;
}

/** Resolve a user's ref or fail with a usage error that names the fix. */
export async function resolveRef(root: string, ref: string): Promise<string> {
  const sha = await resolveCommit(root, ref);
  if (!sha) {
    throw relayProofError(
      "UNKNOWN_REF",
      `unknown ref "${ref}" in ${root}`,
      `does it exist? try git fetch, or git log --oneline to pick a commit`,
    );
  }
  return sha;
}

/**
 * A detached, temporary git worktree at `ref`, so the user's work tree, HEAD and index are never
 * touched. It is removed by `remove()` or, on failure or Ctrl-C, by the cleanup registry.
 */
export async function addWorktree(root: string, ref: string): Promise<Worktree> {
  const sha = await resolveRef(root, ref);
  const dir = makeTempDir("relay-proof-worktree-");
  const path = join(dir.path, "checkout");
  // One removal, shared: the cleanup registry and the normal path may both ask for it.
  let removal: Promise<void> | undefined;
  const removeSync = () => {
    removal ??= (async () => {
      await git(root, ["worktree", "remove", "--force", path]);
      dir.remove();
      await git(root, ["worktree", "prune"]);
    })();
    return removal;
  };
  const unregister = onCleanup(removeSync);
  const added = await git(root, ["worktree", "add", "--detach", "--quiet", path, sha]);
  if (!added.ok || !existsSync(path)) {
    unregister();
    await removeSync();
    throw relayProofError(
      "INTERNAL",
      `git worktree add failed for ${ref}: ${added.stderr.split("\n")[0] ?? ""}`,
    );
  }
  return {
    path,
    sha,
    ref,
    async remove() {
      unregister();
      await removeSync();
    },
  };
}
