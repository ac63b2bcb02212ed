// The build cache: one entry per tree under relay-proof's cache dir (`builds/<tree>/`: the private
// checkout with its dist/, the hook commands' compile cache, meta.json), capped in size, least
// recently used out first. See docs/hook-command.md.
import { existsSync, lstatSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BuildStep } from "./build.ts";
import { linkInstalledModules } from "./dependencies.ts";
import { cacheDir } from "./node-toolchain.ts";

export interface BuildMeta {
  tree: string;
  steps: BuildStep[];
  builtAt: string;
  durationMs: number;
  sizeBytes: number;
  lastUsedAt: string;
}

const defaultCacheMaxBytes = 8 * 1024 ** 3;

export function buildsDir(): string {
  return join(cacheDir(), "builds");
}

/** The cap on the build cache: RELAY_PROOF_BUILD_CACHE_MB, default 8 GiB. */
export function buildCacheMaxBytes(env: NodeJS.ProcessEnv = process.env): number {
  const mb = Number(env.RELAY_PROOF_BUILD_CACHE_MB);
  return Number.isFinite(mb) && mb > 0 ? mb * 1024 ** 2 : defaultCacheMaxBytes;
}

/** Write an entry's meta.json (also to record a use: the sweep drops the least recently used first). */
export function writeMeta(entry: string, meta: BuildMeta): void {
  writeFileSync(join(entry, "meta.json"), `${JSON.stringify(meta, null, 2)}\n`);
}

/** Bytes under `dir`, not following symlinks (linked node_modules are not the cache's). */
export function sizeOf(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    total += entry.isDirectory() ? sizeOf(path) : lstatSync(path).size;
  }
  return total;
}

export function readMeta(entry: string): BuildMeta | undefined {
  try {
    return JSON.parse(readFileSync(join(entry, "meta.json"), "utf8")) as BuildMeta;
  } catch {
    return undefined;
  }
}

/** Replace dangling node_modules links (their install went away) and link the current install in. */
export function relink(modulesRoot: string, checkout: string): void {
  const walk = (dir: string, depth: number) => {
    if (depth > 3) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isSymbolicLink()) {
        if (entry.name === "node_modules" && !existsSync(path)) rmSync(path, { force: true });
      } else if (entry.isDirectory() && entry.name !== "node_modules" && entry.name !== "dist") {
        walk(path, depth + 1);
      }
    }
  };
  walk(checkout, 0);
  linkInstalledModules(modulesRoot, checkout);
}

/**
 * Drop the least recently used builds until the cache fits its cap, never `keep`; partial entries
 * older than a day (a crashed run) go too. Returns the trees removed.
 */
export function sweepBuilds(keep: string, maxBytes = buildCacheMaxBytes()): string[] {
  const dir = buildsDir();
  if (!existsSync(dir)) return [];
  const removed: string[] = [];
  const entries: { name: string; meta: BuildMeta }[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name.startsWith(".partial-")) {
      if (Date.now() - lstatSync(path).mtimeMs > 24 * 3600_000)
        rmSync(path, { recursive: true, force: true });
      continue;
    }
    const meta = readMeta(path);
    if (meta) entries.push({ name, meta });
    else rmSync(path, { recursive: true, force: true });
  }
  let total = entries.reduce((sum, entry) => sum + entry.meta.sizeBytes, 0);
  entries.sort((x, y) => x.meta.lastUsedAt.localeCompare(y.meta.lastUsedAt));
  for (const entry of entries) {
    if (total <= maxBytes) break;
    if (entry.name === keep) continue;
    rmSync(join(dir, entry.name), { recursive: true, force: true });
    total -= entry.meta.sizeBytes;
    removed.push(entry.name);
  }
  return removed;
}
