// The data of a `--build`: what it is asked (BuildOptions), what it plans (BuildPlan), what it ran
// (BuildStep) and what it gives (BuildResult). Every stage of src/checkout/cli/build/ speaks these.
import type { SourceMapRequest } from "./source-maps.ts";

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
  /** `--coverage`: ask the repo's compiler for source maps beside the bundle (source-maps.ts). */
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
