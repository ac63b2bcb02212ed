import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { relayProofError } from "../errors.ts";
import { type BuildResult, prepareBuild } from "./build.ts";
import { type BuildMode, defaultBuildMode, sourceEntry } from "./build-mode.ts";
import { type CliEntry, findCliEntry } from "./cli-entry.ts";
import { contentTree } from "./git.ts";
import type { TsxLoader } from "./tsx-loader.ts";

/** Where the scenario runs and which CLI its hook commands reach. */
export interface PreparedCli {
  cli: CliEntry;
  /** The checkout the scenario runs in: the target, or the private build checkout with --build. */
  scenarioRoot: string;
  /** Variables for the scenario child (`<NAME>_CLI_PATH` with --cli or --build-mode source). */
  env: NodeJS.ProcessEnv;
  /** Variables only the hook commands get (`NODE_OPTIONS=--import=<tsx>` with --build-mode source). */
  commandEnv: Record<string, string>;
  build: BuildResult | undefined;
  /** The --build mode that made the CLI (undefined: nothing was built or run from source for it). */
  mode: BuildMode | undefined;
  /** With --build-mode source: the tree whose loader caches (tsx's among them) the run keeps. */
  sourceTree: string | undefined;
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
  /** `--build-mode`: how (default: defaultBuildMode). */
  buildMode?: BuildMode;
  /** `--coverage`: a build asks the repo's compiler for source maps beside the bundle. */
  sourceMaps?: boolean;
  /** The checkout's tsx: --build-mode source runs the CLI's TypeScript entry through it. */
  tsx?: TsxLoader;
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
      cli: { ...found, state: "none", detail: build.detail },
      build,
      mode: build.kind,
    };
  }
  const built = findCliEntry(build.checkout, options.head, false);
  const cli: CliEntry = { ...built, state: "ready", detail: build.detail };
  return { ...unbuilt(build.checkout), cli, build, mode: build.kind };
}

function unbuilt(scenarioRoot: string): PreparedCli {
  return {
    cli: { entry: undefined, names: [], state: "absent", detail: "" },
    scenarioRoot,
    env: {},
    commandEnv: {},
    build: undefined,
    mode: undefined,
    sourceTree: undefined,
  };
}

/**
 * `--build-mode source`: no build. The hook commands run the CLI's TypeScript entry (`src/entry.ts`)
 * through the checkout's tsx: `<NAME>_CLI_PATH` names it for heads that read it, the child poses as it
 * for heads that use argv[1], and NODE_OPTIONS gives the command's Node the tsx loader. Not the
 * shipped bundle, and the `cli` line says so.
 */
async function fromSource(options: PrepareCliOptions, found: CliEntry): Promise<PreparedCli> {
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
    return { ...unbuilt(options.root), cli: { ...found, state: "none", detail }, mode: "source" };
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
