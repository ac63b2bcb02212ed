// The build cache: one entry per tree under relay-proof's cache dir (`builds/<tree>/`: the private
// checkout with its dist/, the hook commands' compile cache, meta.json), capped in size, least
// recently used out first. See docs/hook-command.md.
import { existsSync, lstatSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { lockOwner } from "../../../process/file-lock.ts";
import { linkInstalledModules } from "../../dependencies.ts";
import { cacheDir } from "../../node-toolchain.ts";
import { buildLabel, mapsLabel, mapsOf, withMaps } from "./plan.ts";
import type { BuildKind, BuildOptions, BuildPlan, BuildResult, BuildStep } from "./types.ts";

export interface BuildMeta {
  tree: string;
  /** Absent in entries written before build kinds: those are full builds. */
  kind?: BuildKind;
  note?: string;
  /** Built with source maps (--coverage): how many output files have a map beside them. */
  sourceMaps?: number;
  steps: BuildStep[];
  builtAt: string;
  durationMs: number;
  sizeBytes: number;
  lastUsedAt: string;
}

const defaultCacheMaxBytes = 8 * 1024 ** 3;
const inUseMs = 3600_000;

export function buildsDir(): string {
  return join(cacheDir(), "builds");
}

/**
 * An entry's name: the tree for a full build (as before build kinds), `<tree>.dev` for a dev build,
 * `.maps` after either for a build with source maps beside its output (--coverage).
 */
export function buildKey(tree: string, kind: BuildKind, sourceMaps = false): string {
  return `${kind === "full" ? tree : `${tree}.${kind}`}${sourceMaps ? ".maps" : ""}`;
}

/** The cap on the build cache: RELAY_PROOF_BUILD_CACHE_MB, default 8 GiB. */
export function buildCacheMaxBytes(env: NodeJS.ProcessEnv = process.env): number {
  const mb = Number(env.RELAY_PROOF_BUILD_CACHE_MB);
  return Number.isFinite(mb) && mb > 0 ? mb * 1024 ** 2 : defaultCacheMaxBytes;
}

/**
 * Write an entry's meta.json (also to record a use: the sweep drops the least recently used first),
 * whole or not at all: another run may read it at the same moment.
 */
export function writeMeta(entry: string, meta: BuildMeta): void {
  const temporary = join(entry, `.meta.${process.pid}.json`);
  writeFileSync(temporary, `${JSON.stringify(meta, null, 2)}\n`);
  renameSync(temporary, join(entry, "meta.json"));
}

/** The lock a run holds while it builds entry `key` (src/process/file-lock.ts): a second run waits on it. */
export function buildLockPath(key: string): string {
  return join(buildsDir(), `.lock-${key}`);
}

/** A build being written: `.partial-<key>-<owner pid>-<time>`, renamed to `<key>` when complete. */
export function partialPath(key: string): string {
  return join(buildsDir(), `.partial-${key}-${process.pid}-${Date.now()}`);
}

const partialName = /^\.partial-[0-9a-f]+(?:\.dev)?(?:\.maps)?-(\d+)-\d+$/;
const lockName = /^\.lock-[0-9a-f]+(?:\.dev)?(?:\.maps)?$/;

/**
 * What killed runs left in the cache: partial builds and locks whose owner is gone, entries without
 * their meta.json (the completion mark). Removed; returns how many.
 */
export function removeDeadBuildParts(alive: (pid: number) => boolean): number {
  const dir = buildsDir();
  if (!existsSync(dir)) return 0;
  let removed = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const partial = partialName.exec(name);
    const dead =
      (partial !== null && !alive(Number(partial[1]))) ||
      (lockName.test(name) && !alive(lockOwner(path) ?? 0)) ||
      (!name.startsWith(".") && readMeta(path) === undefined);
    if (!dead) continue;
    rmSync(path, { recursive: true, force: true });
    removed += 1;
  }
  return removed;
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
    // Locks and meta files being written belong to runs going on now.
    if (name.startsWith(".")) continue;
    const meta = readMeta(path);
    if (meta) entries.push({ name, meta });
    // An entry without its completion mark (a removal cut short): never used, so it goes.
    else if (!existsSync(buildLockPath(name))) rmSync(path, { recursive: true, force: true });
  }
  let total = entries.reduce((sum, entry) => sum + entry.meta.sizeBytes, 0);
  entries.sort((x, y) => x.meta.lastUsedAt.localeCompare(y.meta.lastUsedAt));
  for (const entry of entries) {
    if (total <= maxBytes) break;
    // Never the build this run uses, nor one another run used within the hour (it may be running there).
    if (entry.name === keep || Date.now() - Date.parse(entry.meta.lastUsedAt) < inUseMs) continue;
    rmSync(join(dir, entry.name), { recursive: true, force: true });
    total -= entry.meta.sizeBytes;
    removed.push(entry.name);
  }
  return removed;
}

/** The cached build of `key`, when its entry is complete (meta.json is written last, by a rename). */
function cachedBuild(
  options: BuildOptions,
  tree: string,
  key: string,
  plan: BuildPlan,
  started: number,
): BuildResult | undefined {
  const entry = join(buildsDir(), key);
  const checkout = join(entry, "checkout");
  const cachedMeta = readMeta(entry);
  if (!cachedMeta || !existsSync(checkout)) return undefined;
  relink(options.modulesRoot, checkout);
  writeMeta(entry, { ...cachedMeta, lastUsedAt: new Date().toISOString() });
  const kind = cachedMeta.kind ?? "full";
  const sourceMaps = options.sourceMaps ? mapsOf(cachedMeta.sourceMaps, plan) : undefined;
  const detail = `cached build of tree ${tree.slice(0, 12)}, built in ${(cachedMeta.durationMs / 1000).toFixed(1)} s (${buildLabel(kind, cachedMeta.note)})${mapsLabel(sourceMaps)}`;
  options.onProgress?.(`--build: ${detail}`);
  return {
    ok: true,
    tree,
    kind,
    note: cachedMeta.note,
    checkout,
    cached: true,
    steps: cachedMeta.steps,
    durationMs: Date.now() - started,
    detail,
    sourceMaps,
  };
}

/**
 * A cached build that serves `plan`: its own kind, or for `dev` a full build of the tree (a superset);
 * a build with source maps serves a plan without (its JavaScript is the same), never the reverse.
 */
export function cachedFor(options: BuildOptions, tree: string, plan: BuildPlan, started: number) {
  const kinds: BuildKind[] = plan.kind === "full" ? ["full"] : ["full", plan.kind];
  const keys = kinds.flatMap((kind) =>
    withMaps(plan) ? [buildKey(tree, kind, true)] : [buildKey(tree, kind), buildKey(tree, kind, true)],
  );
  for (const key of keys) {
    const found = cachedBuild(options, tree, key, plan, started);
    if (found) return found;
  }
  return undefined;
}
