// What a relay-proof that was killed (kill -9, a crashed VM) could not clean up: its worktrees at
// the fixed paths, the temp dirs it owned, cache entries it had not finished. The next run removes
// them; each is marked with its owner's pid, and only a dead owner's go. Issue 18.
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { removeDeadBuildParts } from "../checkout/cli/build/cache.ts";
import { git } from "../checkout/git.ts";
import { cacheDir } from "../checkout/node-toolchain.ts";
import { slotOwnerFile, worktreeSlotName } from "../checkout/worktree.ts";
import { processAlive } from "../process/spawn-group.ts";
import { ownedTempDir } from "../process/temp-dir.ts";

export interface Leftovers {
  worktrees: number;
  tempDirs: number;
  cacheEntries: number;
}

/** The repo a worktree under `dir` belongs to (its common git dir), read from `checkout/.git`. */
function worktreeRepo(dir: string): string | undefined {
  try {
    const gitdir = /^gitdir: (.*)$/m.exec(readFileSync(join(dir, "checkout", ".git"), "utf8"))?.[1]?.trim();
    // <repo>/.git/worktrees/<name> -> <repo>/.git
    return gitdir ? dirname(dirname(gitdir)) : undefined;
  } catch {
    return undefined;
  }
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Remove a dead run's dir; a worktree in it is unregistered from its repo too. */
async function removeDir(dir: string): Promise<boolean> {
  const repo = worktreeRepo(dir);
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  if (repo && existsSync(repo)) await git(repo, ["--git-dir", repo, "worktree", "prune"]);
  return repo !== undefined;
}

/**
 * Remove what dead relay-proof processes left in the temp dir and the cache. A dir whose owner is
 * alive, or whose owner is not known (made by an older relay-proof), stays.
 */
export async function cleanLeftovers(
  options: { tmp?: string; alive?: (pid: number) => boolean } = {},
): Promise<Leftovers> {
  const tmp = options.tmp ?? tmpdir();
  const alive = options.alive ?? processAlive;
  const found: Leftovers = { worktrees: 0, tempDirs: 0, cacheEntries: 0 };
  let names: string[] = [];
  try {
    names = readdirSync(tmp);
  } catch {
    return found;
  }
  for (const name of names) {
    const path = join(tmp, name);
    let owner: number | undefined;
    if (worktreeSlotName.test(name)) owner = readPid(join(path, slotOwnerFile));
    else owner = Number(ownedTempDir.exec(name)?.[1] ?? Number.NaN);
    if (owner === undefined || Number.isNaN(owner) || alive(owner)) continue;
    if (await removeDir(path)) found.worktrees += 1;
    else found.tempDirs += 1;
  }
  const staging = join(cacheDir(), "node");
  if (existsSync(staging)) {
    for (const name of readdirSync(staging)) {
      const owner = ownedTempDir.exec(name)?.[1];
      if (owner === undefined || alive(Number(owner))) continue;
      rmSync(join(staging, name), { recursive: true, force: true });
      found.cacheEntries += 1;
    }
  }
  found.cacheEntries += removeDeadBuildParts(alive);
  return found;
}

/** One progress line that says what was removed, or undefined when nothing was. */
export function describeLeftovers(found: Leftovers): string | undefined {
  const parts = [
    [found.worktrees, "worktree", "worktrees"],
    [found.tempDirs, "temp dir", "temp dirs"],
    [found.cacheEntries, "unfinished cache entry", "unfinished cache entries"],
  ] as const;
  const said = parts.filter(([count]) => count > 0).map(([n, one, many]) => `${n} ${n === 1 ? one : many}`);
  if (said.length === 0) return undefined;
  return `cleaned up after a relay-proof that was killed: removed ${said.join(", ")}`;
}
