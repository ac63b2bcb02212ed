import { git } from "../../src/checkout/git.ts";

/** How many worktrees the repo has (1: only its own work tree, nothing left behind). */
export async function worktreeCount(root: string): Promise<number | undefined> {
  return (await git(root, ["worktree", "list", "--porcelain"])).stdout.match(/^worktree /gm)?.length;
}

/** What a proof must leave as it was: HEAD, bisect state, worktrees and the work tree's status. */
export async function repoState(root: string) {
  return {
    head: (await git(root, ["rev-parse", "HEAD"])).stdout,
    bisecting: (await git(root, ["bisect", "log"])).ok,
    worktrees: await worktreeCount(root),
    status: (await git(root, ["status", "--porcelain"])).stdout,
  };
}
