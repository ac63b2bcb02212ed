import { type SpawnGroupResult, spawnGroup } from "../process/spawn-group.ts";

export interface VitestContext {
  root: string;
  nodePath: string;
  vitestBin: string;
}

/** The environment Vitest runs in: non-interactive, no colour, CI-like, no inherited Vitest state. */
export function vitestEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith("VITEST") || key === "NODE_OPTIONS" || key === "TEST") delete env[key];
  }
  return { ...env, CI: "1", NO_COLOR: "1", FORCE_COLOR: "0", ...extra };
}

/** Run the checkout's Vitest CLI with the target's Node, as a killable process group. */
export function runVitest(
  context: VitestContext,
  args: readonly string[],
  options: { timeoutMs: number; signal?: AbortSignal; env?: NodeJS.ProcessEnv },
): Promise<SpawnGroupResult> {
  return spawnGroup(context.nodePath, [context.vitestBin, ...args], {
    cwd: context.root,
    env: vitestEnv(options.env),
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    maxBuffer: 256 * 1024,
  });
}

/** Run a small ES module script with the target's Node from the repo root; stdout is its answer. */
export function runNodeScript(
  context: Pick<VitestContext, "root" | "nodePath">,
  script: string,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<SpawnGroupResult> {
  return spawnGroup(context.nodePath, ["--input-type=module", "-e", script], {
    cwd: context.root,
    env: vitestEnv(),
    timeoutMs: options.timeoutMs,
    signal: options.signal,
  });
}
