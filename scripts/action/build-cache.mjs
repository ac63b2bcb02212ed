// The action's cache of relay-proof's builds (issue 17): one actions/cache entry per proven tree, so a
// compare on a PR restores the base's build that an earlier run (on the base branch, or of the same
// PR) saved. What it holds is relay-proof's own cache entry of that tree: `builds/<tree>` (full) or
// `builds/<tree>.dev` (dev), with the hook commands' loader caches inside, and `loader-caches/<tree>`
// (--build-mode source: tsx's, jiti's and Node's compile cache). docs/ci.md, _The build cache_.
import { execFileSync } from "node:child_process";
import { homedir } from "node:os";
import { join } from "node:path";

/** Bump when what an entry holds changes shape: older entries are then never restored. */
export const cacheVersion = "v1";

/** relay-proof's cache dir, found as relay-proof finds it (src/checkout/node-toolchain.ts). */
export function relayProofCacheDir(env = process.env) {
  return env.RELAY_PROOF_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "relay-proof");
}

/** The tree object of `ref` in `repo`, or undefined (a ref the checkout does not have yet). */
export function treeOf(repo, ref) {
  try {
    return execFileSync("git", ["rev-parse", "--verify", "--quiet", `${ref}^{tree}`], {
      cwd: repo,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return undefined;
  }
}

/**
 * The cache entries a plan uses: none without a build, one for the head, and for a compare one for the
 * base too. The key names the platform, the target's Node line, the build mode and the tree (which
 * holds the lockfile, so the same key means the same sources and the same dependencies).
 */
export function buildCacheEntries(plan, env = process.env) {
  if (!plan.build || plan.mode === "merge") return [];
  const dir = relayProofCacheDir(env);
  const sides = [{ side: "head", ref: plan.head || "HEAD" }];
  if (plan.mode === "compare") sides.push({ side: "base", ref: plan.base });
  const entries = [];
  for (const { side, ref } of sides) {
    const tree = treeOf(plan.workingDirectory, ref);
    if (!tree) continue;
    const key = [
      "relay-proof-build",
      cacheVersion,
      process.platform,
      process.arch,
      `node${plan.nodeVersion.replace(/[^0-9A-Za-z.]+/g, "_")}`,
      plan.buildMode || "dev",
      tree,
    ].join("-");
    const paths = [join(dir, "builds", `${tree}*`), join(dir, "loader-caches", tree)];
    entries.push({ side, tree, key, path: paths.join("\n") });
  }
  return entries;
}
