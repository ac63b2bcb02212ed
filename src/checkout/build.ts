// `--build`: the checkout's CLI built by the repo's own build, once per tree content, in relay-proof's
// cache. The user's work tree and its dist/ are never touched: the build runs in a private copy of the
// tree (the cache entry), and the scenario then runs there, so every way a head resolves its CLI
// (env, package root, argv[1]) lands on that build. Issue 9.

import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { relayProofError } from "../errors.ts";
import { onCleanup } from "../process/cleanup.ts";
import { acquireLock } from "../process/file-lock.ts";
import { interruptedDuring, throwIfInterrupted } from "../process/interrupted.ts";
import { spawnGroup } from "../process/spawn-group.ts";
import { makeTargetSandbox } from "../process/target-sandbox.ts";
import {
  type BuildMeta,
  buildKey,
  buildLockPath,
  buildsDir,
  partialPath,
  readMeta,
  relink,
  sizeOf,
  sweepBuilds,
  writeMeta,
} from "./build-cache.ts";
import { devBuildSwitches } from "./build-mode.ts";
import { findCliEntry } from "./cli-entry.ts";
import { linkInstalledModules } from "./dependencies.ts";
import { contentTree, git } from "./git.ts";
import { hideSourceMapComments, type SourceMapRequest, sourceMapRequest } from "./source-maps.ts";

/** One step of a build, as run: the command and how long it took. */
export interface BuildStep {
  command: string[];
  durationMs: number;
}

/**
 * Which build ran: `full` (the repo's build steps) or `dev` (the same steps with the repo's own switch
 * to skip type declarations, e.g. `DAISYCLAW_RUN_NODE_SKIP_DTS_BUILD=1`).
 */
export type BuildKind = "full" | "dev";

/** A build of one tree, as data: where its checkout is and whether it came from the cache. A failed
 * build is data too (`ok: false`): the hook-command checks are then skipped with its reason. */
export interface BuildResult {
  ok: boolean;
  /** The tree object the build is of (the commit's tree, or the work tree's content when dirty). */
  tree: string;
  kind: BuildKind;
  /** What the build left out, when it is not the repo's full build (`dev`). */
  note: string | undefined;
  /** The private checkout with `dist/`, where the scenario runs (when ok). */
  checkout: string;
  cached: boolean;
  steps: BuildStep[];
  durationMs: number;
  detail: string;
  /** Asked for (`--coverage`): how many output files have a map beside them, or why none were asked for. */
  sourceMaps?: { maps: number } | { why: string };
}

export interface BuildOptions {
  /** The checkout to build (the user's, or a --ref worktree). */
  root: string;
  /** Whether it has uncommitted changes, as opening it found (known: no second git status). */
  dirty?: boolean;
  /** The checkout whose installed node_modules the build links in. */
  modulesRoot: string;
  nodePath: string;
  /** `dev` builds less when the head has the switch for it (else the full build runs); default full. */
  kind?: BuildKind;
  /** `--coverage`: ask the repo's compiler for source maps beside the bundle (src/checkout/source-maps.ts). */
  sourceMaps?: boolean;
  passEnv?: readonly string[];
  timeoutMs?: number;
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
}

export const defaultBuildTimeoutMs = 30 * 60_000;

/** The steps a build runs, the variables it adds, and which kind it is. */
export interface BuildPlan {
  steps: string[][];
  env: Record<string, string>;
  kind: BuildKind;
  note: string | undefined;
  /** Asked for source maps: the compile step's extra arguments, or why there are none. */
  sourceMaps?: SourceMapRequest;
}

/**
 * The repo's own build, detected from its files (documented in docs/hook-command.md):
 * OpenClaw-family heads compile with `scripts/tsdown-build.mjs`, then run their runtime post-build and
 * build-stamp scripts when present; any other repo runs its package.json `build` script. `dev` adds the
 * repo's switch that skips type declarations when its tsdown config has one; without it the plan is
 * the full build (and says so by its kind).
 */
export function detectBuild(
  root: string,
  nodePath: string,
  kind: BuildKind = "full",
  sourceMaps = false,
): BuildPlan {
  const maps = sourceMaps ? sourceMapRequest(root) : undefined;
  if (existsSync(join(root, "scripts/tsdown-build.mjs"))) {
    const steps = ["scripts/tsdown-build.mjs", "scripts/runtime-postbuild.mjs", "scripts/build-stamp.mjs"]
      .filter((script) => existsSync(join(root, script)))
      .map((script) => [
        nodePath,
        script,
        ...(maps && "args" in maps && maps.script === script ? maps.args : []),
      ]);
    const env = kind === "dev" ? devBuildSwitches(root) : {};
    if (Object.keys(env).length === 0)
      return { steps, env: {}, kind: "full", note: undefined, sourceMaps: maps };
    const set = Object.keys(env)
      .map((name) => `${name}=1`)
      .join(" ");
    return {
      steps,
      env,
      kind: "dev",
      note: `${set}, the repo's own switches: no type declarations`,
      sourceMaps: maps,
    };
  }
  try {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
      scripts?: Record<string, string>;
    };
    if (pkg.scripts?.build)
      return { steps: [["npm", "run", "build"]], env: {}, kind: "full", note: undefined, sourceMaps: maps };
  } catch {
    // no package.json: nothing to build
  }
  return { steps: [], env: {}, kind: "full", note: undefined, sourceMaps: maps };
}

/** How a build names itself in progress and in the `cli` line: `dev build (...)` or `full build`. */
export function buildLabel(kind: BuildKind, note: string | undefined): string {
  return note ? `${kind} build, ${note}` : `${kind} build`;
}

/** The last lines of a failed step that say something: no stack frames, no Node version banner. */
function errorLines(output: string): string {
  const lines = output
    .split("\n")
    .map((line) => line.trim())
    .filter(
      (line) => line !== "" && !/^at\s/.test(line) && !/^Node\.js v\d/.test(line) && !/^[╭╰│]/.test(line),
    );
  return lines.slice(-2).join(" | ");
}

/** Copy the files of `tree` into `dest` (a private index: the user's index and work tree stay as they are). */
async function checkoutTree(root: string, tree: string, dest: string): Promise<void> {
  const index = join(dest, "..", "index");
  const env = { GIT_INDEX_FILE: index };
  const read = await git(root, ["read-tree", tree], env);
  const out = read.ok ? await git(root, ["checkout-index", "--all", `--prefix=${dest}/`], env) : read;
  rmSync(index, { force: true });
  if (!out.ok) throw relayProofError("INTERNAL", `could not copy tree ${tree.slice(0, 12)}: ${out.stderr}`);
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

/** What a build asked for maps has: the maps its meta counts, or why the plan asked for none. */
function mapsOf(maps: number | undefined, plan: BuildPlan): BuildResult["sourceMaps"] {
  if (plan.sourceMaps && "why" in plan.sourceMaps) return { why: plan.sourceMaps.why };
  return { maps: maps ?? 0 };
}

/** `, source maps beside 12 files for --coverage` for the build's detail, when they were asked for. */
function mapsLabel(maps: BuildResult["sourceMaps"]): string {
  if (!maps) return "";
  if (!("maps" in maps)) return "";
  return `, source maps beside ${maps.maps} file${maps.maps === 1 ? "" : "s"} for --coverage`;
}

/** Does the plan run its compile step with extra arguments for source maps? Then its entry is its own. */
const withMaps = (plan: BuildPlan) => plan.sourceMaps !== undefined && "args" in plan.sourceMaps;

/**
 * A cached build that serves `plan`: its own kind, or for `dev` a full build of the tree (a superset);
 * a build with source maps serves a plan without (its JavaScript is the same), never the reverse.
 */
function cachedFor(options: BuildOptions, tree: string, plan: BuildPlan, started: number) {
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

async function buildTree(
  options: BuildOptions,
  tree: string,
  plan: BuildPlan,
  started: number,
): Promise<BuildResult> {
  const progress = options.onProgress ?? (() => {});
  const key = buildKey(tree, plan.kind, withMaps(plan));
  const entry = join(buildsDir(), key);
  const checkout = join(entry, "checkout");
  const { steps, kind, note } = plan;
  if (steps.length === 0) {
    throw relayProofError(
      "USAGE",
      `--build: ${options.root} has no build to run (no scripts/tsdown-build.mjs, no package.json build script)`,
      "build the CLI yourself and run without --build, or drop --build",
    );
  }
  const partial = partialPath(key);
  const removePartial = () => rmSync(partial, { recursive: true, force: true });
  const unregister = onCleanup(removePartial);
  const sandbox = makeTargetSandbox("relay-proof-build-", options.passEnv);
  try {
    const partialCheckout = join(partial, "checkout");
    mkdirSync(partialCheckout, { recursive: true });
    await checkoutTree(options.root, tree, partialCheckout);
    linkInstalledModules(options.modulesRoot, partialCheckout);
    // The target's Node first on PATH (build scripts spawn `node`); pnpm scripts must not check (or
    // purge) the linked node_modules: it is the user's install.
    const base = sandbox.env();
    const env = sandbox.env({
      PATH: [dirname(options.nodePath), base.PATH].filter(Boolean).join(delimiter),
      CI: "true",
      pnpm_config_verify_deps_before_run: "false",
      ...plan.env,
    });
    const ran: BuildStep[] = [];
    let maps: number | undefined;
    /** This build as data: failed (with why) or built, never from the cache. */
    const outcome = (ok: boolean, detail: string, durationMs = Date.now() - started): BuildResult => ({
      ok,
      tree,
      kind,
      note,
      checkout,
      cached: false,
      steps: ran,
      durationMs,
      detail,
      sourceMaps: options.sourceMaps ? mapsOf(maps, plan) : undefined,
    });
    for (const command of steps) {
      throwIfInterrupted(options.signal, "the next --build step");
      const shown = command.slice(command[0] === options.nodePath ? 1 : 0).join(" ");
      progress(`--build: running ${shown} (tree ${tree.slice(0, 12)}, ${buildLabel(kind, note)})`);
      // A real build takes minutes: say it is still going.
      const stepStarted = Date.now();
      const beat = setInterval(() => {
        progress(`--build: ${shown} still running (${Math.round((Date.now() - stepStarted) / 1000)} s)`);
      }, 30_000);
      const result = await spawnGroup(command[0] as string, command.slice(1), {
        cwd: partialCheckout,
        env,
        timeoutMs: options.timeoutMs ?? defaultBuildTimeoutMs,
        signal: options.signal,
        maxBuffer: 64 * 1024,
      }).finally(() => clearInterval(beat));
      ran.push({ command, durationMs: result.durationMs });
      if (result.aborted) throw interruptedDuring("--build");
      if (result.exitCode !== 0) {
        const tail = errorLines(result.stderr || result.stdout);
        const how = result.timedOut ? "timed out" : `exit ${String(result.exitCode ?? result.signal)}`;
        const detail = `--build failed: ${command.slice(1).join(" ")} ${how}: ${tail}`;
        progress(detail);
        return outcome(false, detail);
      }
      // The maps stay, their comments go before any later step reads the output.
      if (withMaps(plan) && command[1] === (plan.sourceMaps as { script: string }).script)
        maps = hideSourceMapComments(partialCheckout);
    }
    if (findCliEntry(partialCheckout, "", false).state === "none") {
      return outcome(false, `--build ran ${ran.length} step(s) but left no dist/entry.(m)js for the CLI`);
    }
    const now = new Date().toISOString();
    const meta: BuildMeta = {
      tree,
      kind,
      ...(note ? { note } : {}),
      ...(maps !== undefined ? { sourceMaps: maps } : {}),
      steps: ran,
      builtAt: now,
      durationMs: Date.now() - started,
      sizeBytes: sizeOf(partial),
      lastUsedAt: now,
    };
    writeMeta(partial, meta);
    try {
      renameSync(partial, entry);
    } catch {
      // Another run built the same tree first: use theirs.
      removePartial();
    }
    const removed = sweepBuilds(key);
    if (removed.length > 0) progress(`--build: cache over its cap, removed ${removed.length} older build(s)`);
    const detail = `built tree ${tree.slice(0, 12)} in ${(meta.durationMs / 1000).toFixed(1)} s (${buildLabel(kind, note)})${mapsLabel(options.sourceMaps ? mapsOf(maps, plan) : undefined)}`;
    progress(`--build: ${detail}`);
    return outcome(true, detail, meta.durationMs);
  } finally {
    sandbox.remove();
    unregister();
    removePartial();
  }
}
