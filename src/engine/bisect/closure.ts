// Bisect's shortcut: a commit whose copy of every file a tested commit's scenario loaded (or looked
// at) is byte-identical to that tested commit gives the same result, so it is decided without running
// the scenario. Which commits are identical comes from one `git log` of the range: the paths each
// commit changed. Issue 17; docs/how-it-works.md "Bisect".

import { realpathSync } from "node:fs";
import { isAbsolute, posix, relative, sep } from "node:path";
import { git } from "../../checkout/git.ts";
import type { ScenarioClosure } from "../run-options.ts";

/**
 * The files one tested commit depends on, repo-relative: what its scenario loaded or read, what it
 * probed (checked for, stat'ed, listed), what resolving its imports reads (every package.json above
 * a loaded file, the root's tsconfig, lockfile and package-manager settings) and the module
 * candidates the engine probes.
 */
export interface Closure {
  /** Content that matters: any change to one of these touches the closure. */
  read: Set<string>;
  /**
   * Presence that matters: a file or directory looked for or stat'ed. Its own change touches the
   * closure, and so does a file added or deleted under it, unless a read file keeps that directory
   * in place (it cannot appear or vanish while that file stays, and that file's deletion touches).
   */
  probed: Set<string>;
  /** Directories listed: a file added or deleted anywhere under one touches the closure. */
  listed: Set<string>;
  /** Directories that hold a read file (and so exist wherever that file is unchanged). */
  anchored: Set<string>;
  /**
   * Loaded modules without their extension (`src/a/b` for `src/a/b.ts`): a commit that adds or
   * deletes `src/a/b.js` or `src/a/b/index.ts` may change what an import of `./b` resolves to.
   */
  stems: Set<string>;
}

/** One path a commit changed: A(dded), M(odified), D(eleted), T(ype change). */
export interface PathChange {
  status: string;
  path: string;
}

/** Read by resolution or by the engine whatever the scenario loads. */
const rootFiles = [
  "package.json",
  "pnpm-lock.yaml",
  "package-lock.json",
  "npm-shrinkwrap.json",
  "yarn.lock",
  "bun.lock",
  "bun.lockb",
  "pnpm-workspace.yaml",
  ".npmrc",
  ".yarnrc.yml",
  ".nvmrc",
  ".node-version",
  ".pnpmfile.cjs",
];
/** The root's tsconfig files (tsx reads tsconfig.json, which may extend the others). */
const rootTsconfig = /^tsconfig[^/]*\.json$/;
const moduleExtension = /\.(?:[cm]?[jt]sx?|json|node)$/;

function toPosix(path: string): string {
  return sep === "/" ? path : path.split(sep).join("/");
}

function realRoot(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** The path of `file` relative to the first root it is under, or undefined (outside, or in .git). */
function repoRelative(file: string, roots: readonly string[]): string | undefined {
  for (const root of roots) {
    const rel = relative(root, file);
    if (rel === "") return ".";
    if (rel.startsWith("..") || isAbsolute(rel)) continue;
    const path = toPosix(rel);
    if (path === ".git" || path.startsWith(".git/")) return undefined;
    return path;
  }
  return undefined;
}

/** `a/b/c` -> `a/b/c`, `a/b`, `a`, `.`. */
function* selfAndAncestors(path: string): Generator<string> {
  let dir = path;
  for (;;) {
    yield dir;
    if (dir === ".") return;
    dir = posix.dirname(dir);
  }
}

/**
 * The closure of one scenario run. `roots` are the checkouts its files may sit in besides the one it
 * ran in (the checkout whose dependencies it linked: workspace packages resolve there).
 */
export function closureOf(
  recorded: ScenarioClosure,
  options: { roots: readonly string[]; candidates: readonly string[] },
): Closure {
  const roots = [recorded.scenarioRoot, ...options.roots].flatMap((root) => [root, realRoot(root)]);
  const read = new Set<string>(rootFiles);
  const probed = new Set<string>(options.candidates);
  const stems = new Set<string>();
  const anchored = new Set<string>(["."]);
  for (const file of recorded.read) {
    const path = repoRelative(file, roots);
    if (path === undefined || path === ".") continue;
    read.add(path);
    for (const dir of selfAndAncestors(posix.dirname(path))) anchored.add(dir);
    if (moduleExtension.test(path)) {
      stems.add(path.replace(moduleExtension, ""));
      // Resolution reads the nearest package.json (type, exports, imports) of every loaded file.
      for (const dir of selfAndAncestors(posix.dirname(path))) {
        if (dir !== ".") probed.add(`${dir}/package.json`);
      }
    }
  }
  for (const file of recorded.probed) {
    const path = repoRelative(file, roots);
    if (path !== undefined) probed.add(path);
  }
  const listed = new Set<string>();
  for (const file of recorded.listed) {
    const path = repoRelative(file, roots);
    if (path !== undefined) listed.add(path);
  }
  return { read, probed, listed, anchored, stems };
}

/** Whether a commit's change of one path may change what a scenario with this closure sees. */
export function touches(closure: Closure, change: PathChange): boolean {
  const { path, status } = change;
  if (rootTsconfig.test(path)) return true;
  if (closure.read.has(path) || closure.probed.has(path)) return true;
  if (status === "M") return false;
  // Added, deleted or changed in type: a listing above it, or a probe of a directory above it that
  // may now appear or vanish, sees otherwise.
  for (const dir of selfAndAncestors(posix.dirname(path))) {
    if (closure.listed.has(dir)) return true;
    if (closure.probed.has(dir) && !closure.anchored.has(dir)) return true;
  }
  if (moduleExtension.test(path)) {
    const stem = path.replace(moduleExtension, "");
    if (closure.stems.has(stem)) return true;
    // `dir/index.ts` answers an import of `dir`.
    if (posix.basename(stem) === "index" && closure.stems.has(posix.dirname(stem))) return true;
  }
  return false;
}

/**
 * The paths each commit after `older` up to `newer` changed (its diff against its first parent), on
 * the line of first parents, in one `git log`.
 */
export async function changedPaths(
  root: string,
  older: string,
  newer: string,
): Promise<Map<string, PathChange[]>> {
  const log = await git(root, [
    "log",
    "-z",
    "--no-renames",
    "--name-status",
    // Along the first-parent line, a merge's change is its diff against its first parent.
    "--first-parent",
    "--diff-merges=first-parent",
    "--format=%x01%H",
    newer,
    `^${older}`,
  ]);
  if (!log.ok) throw new Error(`git log failed: ${log.stderr}`);
  const changes = new Map<string, PathChange[]>();
  for (const chunk of log.stdout.split("\x01")) {
    if (!chunk) continue;
    const [sha = "", ...fields] = chunk.split("\0");
    const list: PathChange[] = [];
    // After the SHA: status, path, status, path, ... (the first status after a newline).
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const status = (fields[i] as string).trim();
      const path = fields[i + 1] as string;
      if (status && path) list.push({ status: status.charAt(0), path });
    }
    changes.set(sha.trim(), list);
  }
  return changes;
}

/**
 * The commits around `index` (oldest first in `range`; -1 is the older endpoint) with the same copy
 * of every closure file: from the last commit at or before it that changed one, to the commit before
 * the next one that does. Inclusive indices; `from` -1 means the older endpoint is identical too.
 */
export function identicalSpan(
  range: readonly string[],
  changes: ReadonlyMap<string, readonly PathChange[]>,
  index: number,
  closure: Closure,
): { from: number; to: number } {
  const changed = (i: number) => {
    const list = changes.get(range[i] as string);
    // A commit the log did not list is treated as changing everything.
    return list === undefined || list.some((change) => touches(closure, change));
  };
  let from = index;
  while (from >= 0 && !changed(from)) from -= 1;
  let to = index;
  while (to + 1 < range.length && !changed(to + 1)) to += 1;
  return { from, to };
}
