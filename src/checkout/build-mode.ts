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
/** `<BRAND>_RUN_NODE_SKIP_DTS_BUILD`: set to 1 by the repo's dev runner (scripts/run-node.mjs). */
const skipDtsVariable = /\b([A-Z][A-Z0-9]*_RUN_NODE_SKIP_DTS_BUILD)\b/;

/**
 * The repo's own switch for a build without type declarations, when its tsdown config reads one:
 * OpenClaw-family heads name it `<BRAND>_RUN_NODE_SKIP_DTS_BUILD` (their dev runner and their
 * `build-all.mjs` CLI-start-up profile set it). Undefined when this head has none.
 */
export function skipDtsSwitch(root: string): string | undefined {
  for (const name of tsdownConfigs) {
    const path = join(root, name);
    if (!existsSync(path)) continue;
    const found = skipDtsVariable.exec(readFileSync(path, "utf8"));
    if (found) return found[1];
  }
  return undefined;
}

/** The CLI's TypeScript entry next to the `dist/entry.js` its bin file loads (`src/entry.ts`). */
export function sourceEntry(root: string): string | undefined {
  const path = join(root, "src", "entry.ts");
  return existsSync(path) ? path : undefined;
}
