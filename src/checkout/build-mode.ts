// `--build-mode`: which CLI the hook commands run when the checkout has no build of this commit
// (issue 17). `full` is the repo's build as `--build` always ran it; `dev` is the same build with the
// flag the repo's own dev runner passes to build less (no type declarations); `source` builds nothing
// and runs the CLI's TypeScript entry through the checkout's tsx, which is not the shipped bundle.
// docs/hook-command.md, _Build modes_.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { relayProofError } from "../errors.ts";

export const buildModes = ["dev", "full", "source"] as const;
export type BuildMode = (typeof buildModes)[number];

/** The fastest honest mode measured on a real checkout (docs/benchmark.md, _The command path_). */
export const defaultBuildMode: BuildMode = "dev";

/** `--build-mode VALUE` as given on the command line, or a one-line usage error. */
export function parseBuildMode(value: string, command: string): BuildMode {
  if ((buildModes as readonly string[]).includes(value)) return value as BuildMode;
  throw relayProofError(
    "USAGE",
    `--build-mode must be one of ${buildModes.join(", ")}, got "${value}"`,
    `see relay-proof ${command} --help`,
  );
}

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

/** The CLI's TypeScript entry next to the `dist/entry.js` its bin file loads (`src/entry.ts`). */
export function sourceEntry(root: string): string | undefined {
  const path = join(root, "src", "entry.ts");
  return existsSync(path) ? path : undefined;
}
