import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { relayProofError } from "../errors.ts";
import { type BuildResult, prepareBuild } from "./build.ts";
import { type CliEntry, findCliEntry } from "./cli-entry.ts";

/** Where the scenario runs and which CLI its hook commands reach. */
export interface PreparedCli {
  cli: CliEntry;
  /** The checkout the scenario runs in: the target, or the private build checkout with --build. */
  scenarioRoot: string;
  /** Variables for the scenario child (`<NAME>_CLI_PATH` with --cli). */
  env: NodeJS.ProcessEnv;
  build: BuildResult | undefined;
}

export interface PrepareCliOptions {
  root: string;
  head: string;
  dirty: boolean;
  /** The checkout whose installed node_modules a build links in. */
  modulesRoot: string;
  nodePath: string;
  /** `--build`: build the CLI with the repo's own build (cached per tree) when it needs one. */
  build: boolean;
  /** `--cli PATH`: the CLI file the hook commands must run. */
  cliFlag?: string;
  passEnv?: readonly string[];
  buildTimeoutMs?: number;
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
}

/** `daisyclaw` -> `DAISYCLAW_CLI_PATH`: the variable newer heads read first. */
export function cliPathVariable(name: string): string {
  return `${name.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}_CLI_PATH`;
}

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
    return { cli, scenarioRoot: options.root, env, build: undefined };
  }
  const needsOwnBuild = found.state === "none" || found.state === "stale";
  if (!options.build || !needsOwnBuild) {
    if (options.build) options.onProgress?.(`--build: nothing to build (the CLI ${found.detail})`);
    return { cli: found, scenarioRoot: options.root, env: {}, build: undefined };
  }
  const build = await prepareBuild({
    root: options.root,
    dirty: options.dirty,
    modulesRoot: options.modulesRoot,
    nodePath: options.nodePath,
    passEnv: options.passEnv,
    timeoutMs: options.buildTimeoutMs,
    onProgress: options.onProgress,
    signal: options.signal,
  });
  if (!build.ok) {
    return {
      cli: { ...found, state: "none", detail: build.detail },
      scenarioRoot: options.root,
      env: {},
      build,
    };
  }
  const built = findCliEntry(build.checkout, options.head, false);
  const cli: CliEntry = { ...built, state: "ready", detail: build.detail };
  return { cli, scenarioRoot: build.checkout, env: {}, build };
}
