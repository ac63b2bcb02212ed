import { type SpawnGroupResult, spawnGroup } from "../process/spawn-group.ts";

export interface VitestContext {
  root: string;
  nodePath: string;
  vitestBin: string;
  /** The target's allowlisted environment with a private HOME and TMPDIR (see target-sandbox.ts). */
  env: NodeJS.ProcessEnv;
  /** The run's signal: no Vitest starts once it is aborted, and the ones running are stopped. */
  signal?: AbortSignal;
}

/** The environment Vitest runs in: the target's allowlist, non-interactive, no colour, CI-like. */
export function vitestEnv(base: NodeJS.ProcessEnv, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...base, CI: "1", NO_COLOR: "1", FORCE_COLOR: "0", ...extra };
}

/** Run the checkout's Vitest CLI with the target's Node, as a killable process group. */
export function runVitest(
  context: VitestContext,
  args: readonly string[],
  options: { timeoutMs: number; signal?: AbortSignal; env?: NodeJS.ProcessEnv },
): Promise<SpawnGroupResult> {
  return spawnGroup(context.nodePath, [context.vitestBin, ...args], {
    cwd: context.root,
    env: vitestEnv(context.env, options.env),
    timeoutMs: options.timeoutMs,
    signal: options.signal ?? context.signal,
    maxBuffer: 256 * 1024,
  });
}

/** Run a small ES module script with the target's Node from the repo root; stdout is its answer. */
export function runNodeScript(
  context: Pick<VitestContext, "root" | "nodePath" | "env" | "signal">,
  script: string,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<SpawnGroupResult> {
  return spawnGroup(context.nodePath, ["--input-type=module", "-e", script], {
    cwd: context.root,
    env: vitestEnv(context.env),
    timeoutMs: options.timeoutMs,
    signal: options.signal ?? context.signal,
  });
}
