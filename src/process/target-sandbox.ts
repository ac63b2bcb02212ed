import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { targetEnv } from "./target-env.ts";
import { makeTempDir } from "./temp-dir.ts";

/** A private HOME and TMPDIR for target processes, and the allowlisted environment that points at them. */
export interface TargetSandbox {
  readonly path: string;
  readonly home: string;
  readonly tmp: string;
  /** The environment a target process gets here; `set` adds relay-proof's own variables. */
  env(set?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  remove(): void;
}

/** Make a sandbox that removes itself on `remove()` or on interrupt. */
export function makeTargetSandbox(prefix: string, passEnv: readonly string[] = []): TargetSandbox {
  const dir = makeTempDir(prefix);
  const home = join(dir.path, "home");
  const tmp = join(dir.path, "tmp");
  mkdirSync(home);
  mkdirSync(tmp);
  const own: NodeJS.ProcessEnv = {
    HOME: home,
    TMPDIR: tmp,
    TMP: tmp,
    TEMP: tmp,
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_CACHE_HOME: join(home, ".cache"),
    XDG_STATE_HOME: join(home, ".local", "state"),
    XDG_DATA_HOME: join(home, ".local", "share"),
    NO_COLOR: "1",
    FORCE_COLOR: "0",
  };
  return {
    path: dir.path,
    home,
    tmp,
    env: (set = {}) => targetEnv({ passEnv, set: { ...own, ...set } }),
    remove: () => dir.remove(),
  };
}
