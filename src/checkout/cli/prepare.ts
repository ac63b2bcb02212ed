// Which CLI a hook command runs: `--cli PATH`, the checkout's own, a `--build` of it (build/), or its
// TypeScript source (source.ts). The first stage of a run that reaches the command path.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { relayProofError } from "../../errors.ts";
import { prepareBuild } from "./build/build.ts";
import { type CliEntry, findCliEntry } from "./entry.ts";
import { defaultBuildMode } from "./mode.ts";
import { cliPathVariable, type PrepareCliOptions, type PreparedCli, unbuilt } from "./prepared.ts";
import { fromSource } from "./source.ts";

export type { PrepareCliOptions, PreparedCli } from "./prepared.ts";
export { cliPathVariable } from "./prepared.ts";

/**
 * Decide the CLI a hook command runs: `--cli PATH` as given; else the checkout's own, built with
 * `--build` when it needs a build this commit does not have; a stale or foreign dist stays unused.
 */
export async function prepareCli(options: PrepareCliOptions): Promise<PreparedCli> {
  const found = findCliEntry(options.root, options.head, options.dirty);
  if (options.cliFlag) {
    const entry = resolve(options.cliFlag);
    if (!existsSync(entry)) {
      throw relayProofError(
        "USAGE",
        `--cli ${options.cliFlag} does not exist`,
        "pass the path of the checkout's CLI file, e.g. --cli ./openclaw.mjs",
      );
    }
    const env = Object.fromEntries(found.names.map((name) => [cliPathVariable(name), entry]));
    const cli: CliEntry = { entry, names: found.names, state: "ready", detail: `--cli ${options.cliFlag}` };
    return { ...unbuilt(options.root), cli, env };
  }
  const needsOwnBuild = found.state === "none" || found.state === "stale";
  if (!options.build || !needsOwnBuild) {
    if (options.build) options.onProgress?.(`--build: nothing to build (the CLI ${found.detail})`);
    return { ...unbuilt(options.root), cli: found };
  }
  const mode = options.buildMode ?? defaultBuildMode;
  if (mode === "source") return fromSource(options, found);
  const build = await prepareBuild({
    root: options.root,
    dirty: options.dirty,
    modulesRoot: options.modulesRoot,
    nodePath: options.nodePath,
    kind: mode,
    sourceMaps: options.sourceMaps,
    passEnv: options.passEnv,
    timeoutMs: options.buildTimeoutMs,
    onProgress: options.onProgress,
    signal: options.signal,
  });
  if (!build.ok) {
    return {
      ...unbuilt(options.root),
      cli: { ...found, state: "failed", detail: build.detail },
      build,
      mode: build.kind,
    };
  }
  const built = findCliEntry(build.checkout, options.head, false);
  const cli: CliEntry = { ...built, state: "ready", detail: build.detail };
  return { ...unbuilt(build.checkout), cli, build, mode: build.kind };
}
