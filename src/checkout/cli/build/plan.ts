// The plan of a `--build`: which of the repo's own build steps run, with which of its own switches
// (a `dev` build skips type declarations where the head has the switch). Documented in
// docs/hook-command.md.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { sourceMapRequest } from "./source-maps.ts";
import type { BuildKind, BuildPlan, BuildResult } from "./types.ts";

const tsdownConfigs = ["tsdown.config.ts", "tsdown.config.mts", "tsdown.config.js", "tsdown.config.mjs"];
/** `<BRAND>_RUN_NODE_SKIP_DTS_BUILD`: the tsdown config then emits no type declarations. */
const skipDtsVariable = /\b([A-Z][A-Z0-9]*_RUN_NODE_SKIP_DTS_BUILD)\b/;
/** `<BRAND>_BUILD_ALL_NO_PNPM`: scripts/tsdown-build.mjs then runs tsdown with node, not `pnpm exec`. */
const noPnpmVariable = /\b([A-Z][A-Z0-9]*_BUILD_ALL_NO_PNPM)\b/;

function firstMatch(root: string, files: string[], pattern: RegExp): string | undefined {
  for (const name of files) {
    const path = join(root, name);
    if (!existsSync(path)) continue;
    const found = pattern.exec(readFileSync(path, "utf8"));
    if (found) return found[1];
  }
  return undefined;
}

/**
 * The repo's own switches for a lighter build, when its files read them: OpenClaw-family heads skip
 * type declarations with `<BRAND>_RUN_NODE_SKIP_DTS_BUILD=1` (their dev runner, the CLI-start-up
 * profile of `build-all.mjs` and their Docker package build set it) and run tsdown without pnpm with
 * `<BRAND>_BUILD_ALL_NO_PNPM=1` (the Docker package build sets both). Empty when this head has no
 * declaration switch: then there is no lighter build.
 */
export function devBuildSwitches(root: string): Record<string, string> {
  const skipDts = firstMatch(root, tsdownConfigs, skipDtsVariable);
  if (!skipDts) return {};
  const noPnpm = firstMatch(root, ["scripts/tsdown-build.mjs"], noPnpmVariable);
  return { [skipDts]: "1", ...(noPnpm ? { [noPnpm]: "1" } : {}) };
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

/** What a build asked for maps has: the maps its meta counts, or why the plan asked for none. */
export function mapsOf(maps: number | undefined, plan: BuildPlan): BuildResult["sourceMaps"] {
  if (plan.sourceMaps && "why" in plan.sourceMaps) return { why: plan.sourceMaps.why };
  return { maps: maps ?? 0 };
}

/** `, source maps beside 12 files for --coverage` for the build's detail, when they were asked for. */
export function mapsLabel(maps: BuildResult["sourceMaps"]): string {
  if (!maps) return "";
  if (!("maps" in maps)) return "";
  return `, source maps beside ${maps.maps} file${maps.maps === 1 ? "" : "s"} for --coverage`;
}

/** Does the plan run its compile step with extra arguments for source maps? Then its entry is its own. */
export const withMaps = (plan: BuildPlan) => plan.sourceMaps !== undefined && "args" in plan.sourceMaps;
