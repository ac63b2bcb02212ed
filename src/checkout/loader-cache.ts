// The target's own loader caches, kept per tree in relay-proof's cache and linked into each run's
// private TMPDIR under the names their owners look for there: jiti's (`$TMPDIR/jiti`, where a built
// CLI compiles its plugins: 64-79 s cold on a real checkout) and Node's compile cache
// (`$TMPDIR/node-compile-cache`). Both validate entries by content, so a stale entry is only a miss.
// A build's caches live in its build-cache entry (swept with it); a checkout's under
// `loader-caches/<head>`, or `loader-caches/<tree>` with --build-mode source (which keeps tsx's cache
// there too: `tsxCacheName`), the least recently used beyond `keep` removed.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { cacheDir } from "./node-toolchain.ts";

/** The cache names under TMPDIR that a run's private TMPDIR links to the tree's cache. */
export const loaderCacheNames = ["jiti", "node-compile-cache"] as const;

const keep = 16;

export function checkoutLoaderCaches(): string {
  return join(cacheDir(), "loader-caches");
}

/** tsx's own cache, per tree with --build-mode source: the folder inside the tree's loader caches. */
export const tsxCacheName = "tsx";

/** The loader-cache folder of a built tree (inside its build entry), a checkout's head, or a source tree. */
export function loaderCacheDir(source: { buildEntry: string } | { head: string } | { tree: string }): string {
  if ("buildEntry" in source) return join(source.buildEntry, "loader-caches");
  const dir = join(checkoutLoaderCaches(), "head" in source ? source.head : source.tree);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const now = new Date();
    utimesSync(dir, now, now);
    sweep();
  } catch {
    // a cache that cannot be kept only costs time
  }
  return dir;
}

/** Keep the `keep` most recently used checkout entries. */
function sweep(): void {
  const root = checkoutLoaderCaches();
  if (!existsSync(root)) return;
  const entries = readdirSync(root)
    .map((name) => ({ path: join(root, name), used: statSync(join(root, name)).mtimeMs }))
    .sort((x, y) => y.used - x.used);
  for (const entry of entries.slice(keep)) rmSync(entry.path, { recursive: true, force: true });
}
