// What preparing the CLI gives the run (PreparedCli) and what it is asked (PrepareCliOptions); shared
// by the stages in this folder: prepare.ts decides, build/ builds, source.ts runs from source.
import type { TsxLoader } from "../tsx-loader.ts";
import type { BuildResult } from "./build/types.ts";
import type { CliEntry } from "./entry.ts";
import type { BuildMode } from "./mode.ts";

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

/** Nothing prepared: the scenario runs in `scenarioRoot`, with no CLI variables. */
export function unbuilt(scenarioRoot: string): PreparedCli {
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
