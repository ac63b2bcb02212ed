// Running a `--build`: the tree copied into a partial cache entry, the repo's steps run there in a
// sandbox (the target's Node first on PATH, progress every 30 s), then the entry completed by a rename
// and the cache swept. A failed step is data (`ok: false`), never an exception.
import { mkdirSync, renameSync, rmSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { relayProofError } from "../../../errors.ts";
import { onCleanup } from "../../../process/cleanup.ts";
import { interruptedDuring, throwIfInterrupted } from "../../../process/interrupted.ts";
import { spawnGroup } from "../../../process/spawn-group.ts";
import { makeTargetSandbox } from "../../../process/target-sandbox.ts";
import { linkInstalledModules } from "../../dependencies.ts";
import { git } from "../../git.ts";
import { findCliEntry } from "../entry.ts";
import { type BuildMeta, buildKey, buildsDir, partialPath, sizeOf, sweepBuilds, writeMeta } from "./cache.ts";
import { errorLines } from "./error-lines.ts";
import { buildLabel, mapsLabel, mapsOf, withMaps } from "./plan.ts";
import { hideSourceMapComments } from "./source-maps.ts";
import {
  type BuildOptions,
  type BuildPlan,
  type BuildResult,
  type BuildStep,
  defaultBuildTimeoutMs,
} from "./types.ts";

/** Copy the files of `tree` into `dest` (a private index: the user's index and work tree stay as they are). */
async function checkoutTree(root: string, tree: string, dest: string): Promise<void> {
  const index = join(dest, "..", "index");
  const env = { GIT_INDEX_FILE: index };
  const read = await git(root, ["read-tree", tree], env);
  const out = read.ok ? await git(root, ["checkout-index", "--all", `--prefix=${dest}/`], env) : read;
  rmSync(index, { force: true });
  if (!out.ok) throw relayProofError("INTERNAL", `could not copy tree ${tree.slice(0, 12)}: ${out.stderr}`);
}

export async function buildTree(
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
