// `--build-mode source`: no build; the hook commands run the CLI's TypeScript entry through the
// checkout's tsx (docs/hook-command.md, _Build modes_).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { contentTree } from "../git.ts";
import type { CliEntry } from "./entry.ts";
import { cliPathVariable, type PrepareCliOptions, type PreparedCli, unbuilt } from "./prepared.ts";

/** The CLI's TypeScript entry next to the `dist/entry.js` its bin file loads (`src/entry.ts`). */
export function sourceEntry(root: string): string | undefined {
  const path = join(root, "src", "entry.ts");
  return existsSync(path) ? path : undefined;
}

/**
 * `--build-mode source`: no build. The hook commands run the CLI's TypeScript entry (`src/entry.ts`)
 * through the checkout's tsx: `<NAME>_CLI_PATH` names it for heads that read it, the child poses as it
 * for heads that use argv[1], and NODE_OPTIONS gives the command's Node the tsx loader. Not the
 * shipped bundle, and the `cli` line says so.
 */
export async function fromSource(options: PrepareCliOptions, found: CliEntry): Promise<PreparedCli> {
  const entry = sourceEntry(options.root);
  // A head that finds its CLI by the package root, not <NAME>_CLI_PATH, would run that dist/.
  const why =
    found.state === "stale"
      ? `the work tree has a dist/ of another build (${found.detail.replace(/; run with --build$/, "")}) that a head not reading ${found.names.map(cliPathVariable).join(", ") || "<NAME>_CLI_PATH"} would run`
      : !entry
        ? "this head has no src/entry.ts to run from source"
        : !options.tsx
          ? "no tsx to run it with"
          : undefined;
  if (why || !entry || !options.tsx) {
    const detail = `--build-mode source: ${why}; run with --build-mode dev or full`;
    options.onProgress?.(detail);
    return { ...unbuilt(options.root), cli: { ...found, state: "failed", detail }, mode: "source" };
  }
  const tsx = options.tsx;
  const detail = `source through tsx ${tsx.version} (${tsx.source}), not the shipped bundle`;
  options.onProgress?.(`--build-mode source: hook commands run ${entry} ${detail}`);
  const env = Object.fromEntries(found.names.map((name) => [cliPathVariable(name), entry]));
  return {
    ...unbuilt(options.root),
    cli: { entry, names: found.names, state: "source", detail },
    env,
    commandEnv: { NODE_OPTIONS: `--import=${tsx.url}` },
    mode: "source",
    sourceTree: await contentTree(options.root, options.dirty),
  };
}
