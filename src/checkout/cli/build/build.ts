// `--build`: the checkout's CLI built by the repo's own build, once per tree content, in relay-proof's
// cache. The user's work tree and its dist/ are never touched: the build runs in a private copy of the
// tree (the cache entry), and the scenario then runs there, so every way a head resolves its CLI
// (env, package root, argv[1]) lands on that build. Issue 9. The stages: plan.ts (which steps),
// cache.ts (an entry per tree), run.ts (the steps run into a new entry).
import { mkdirSync } from "node:fs";
import { acquireLock } from "../../../process/file-lock.ts";
import { contentTree } from "../../git.ts";
import { buildKey, buildLockPath, buildsDir, cachedFor } from "./cache.ts";
import { detectBuild, withMaps } from "./plan.ts";
import { buildTree } from "./run.ts";
import type { BuildOptions, BuildResult } from "./types.ts";

export type { BuildKind, BuildOptions, BuildResult, BuildStep } from "./types.ts";

/**
 * Build the checkout's CLI, or reuse the cached build of the same tree content. Two runs that need the
 * same tree at once: one builds under the tree's lock, the other waits for it and reuses its build.
 */
export async function prepareBuild(options: BuildOptions): Promise<BuildResult> {
  const started = Date.now();
  const progress = options.onProgress ?? (() => {});
  const tree = await contentTree(options.root, options.dirty);
  const plan = detectBuild(options.root, options.nodePath, options.kind, options.sourceMaps);
  const cached = cachedFor(options, tree, plan, started);
  if (cached) return cached;
  const key = buildKey(tree, plan.kind, withMaps(plan));
  mkdirSync(buildsDir(), { recursive: true });
  const lock = await acquireLock(buildLockPath(key), {
    signal: options.signal,
    onWait: (owner) =>
      progress(
        `--build: tree ${tree.slice(0, 12)} is being built by relay-proof pid ${owner}; waiting for it`,
      ),
  });
  try {
    if (lock.tookOverFrom !== undefined) {
      progress(
        `--build: took over the build lock of tree ${tree.slice(0, 12)} from pid ${lock.tookOverFrom}, which is no longer running`,
      );
    }
    // The run we waited for may have finished the build.
    return cachedFor(options, tree, plan, started) ?? (await buildTree(options, tree, plan, started));
  } finally {
    lock.release();
  }
}
