import { existsSync, lstatSync, readdirSync, readFileSync, symlinkSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { relayProofError } from "../errors.ts";
import { interruptedDuring, throwIfInterrupted } from "../process/interrupted.ts";
import { spawnGroup } from "../process/spawn-group.ts";
import { installEnv } from "../process/target-env.ts";
import { printable } from "../result/sanitize.ts";
import { readPackageJson } from "./open-target.ts";

export type DependencyMode = "own" | "reused" | "installed";

export interface DependencyReport {
  mode: DependencyMode;
  lockfile: string | undefined;
  detail: string;
  /** The head's package-manager hooks that the install ignored (none without --trust-install-hooks: all). */
  ignoredHooks?: string[];
}

const lockfiles = ["pnpm-lock.yaml", "package-lock.json", "yarn.lock", "bun.lock"];

interface PackageManager {
  name: string;
  command: string[];
}

function packageManagerOf(root: string, lockfile: string | undefined, trustHooks: boolean): PackageManager {
  const declared = readPackageJson(root)?.packageManager?.split("@")[0];
  const name =
    declared ?? (lockfile === "pnpm-lock.yaml" ? "pnpm" : lockfile === "yarn.lock" ? "yarn" : "npm");
  const command =
    name === "pnpm"
      ? [
          "pnpm",
          "install",
          "--frozen-lockfile",
          "--ignore-scripts",
          ...(trustHooks ? [] : ["--ignore-pnpmfile"]),
        ]
      : name === "yarn"
        ? ["yarn", "install", "--immutable", "--mode=skip-build"]
        : ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"];
  return { name, command };
}

/**
 * The package-manager hooks a head ships: code the package manager itself runs during an install,
 * with its settings (a private registry's token among them). pnpm: `.pnpmfile.cjs`/`.mjs` or a
 * `pnpmfile` setting; yarn: `yarnPath` and `plugins` in `.yarnrc.yml`. npm has none (its lifecycle
 * scripts are off with --ignore-scripts).
 */
export function installHooks(root: string, manager: string): string[] {
  const read = (file: string) => {
    try {
      return readFileSync(join(root, file), "utf8");
    } catch {
      return "";
    }
  };
  if (manager === "pnpm") {
    const found = [".pnpmfile.cjs", ".pnpmfile.mjs"].filter((file) => existsSync(join(root, file)));
    if (/^\s*pnpmfile\s*:/m.test(read("pnpm-workspace.yaml"))) found.push("pnpm-workspace.yaml pnpmfile");
    if (/^\s*(global-)?pnpmfile\s*=/m.test(read(".npmrc"))) found.push(".npmrc pnpmfile");
    return found;
  }
  if (manager === "yarn") {
    const yarnrc = read(".yarnrc.yml");
    return ["yarnPath", "plugins"]
      .filter((key) => new RegExp(`^${key}\\s*:`, "m").test(yarnrc))
      .map((key) => `.yarnrc.yml ${key}`);
  }
  return [];
}

/** node_modules folders of the installed checkout (root and workspace packages, not nested ones). */
function installedModuleDirs(root: string, dir = root, depth = 0, found: string[] = []): string[] {
  if (depth > 3) return found;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === ".git") continue;
    const path = join(dir, entry.name);
    if (entry.name === "node_modules") found.push(relative(root, path));
    else installedModuleDirs(root, path, depth + 1, found);
  }
  return found;
}

/** Link the installed checkout's node_modules folders into a worktree; returns how many. */
export function linkInstalledModules(installedRoot: string, worktree: string): number {
  if (!existsSync(join(installedRoot, "node_modules"))) return 0;
  let linked = 0;
  for (const dir of installedModuleDirs(installedRoot)) {
    const target = join(worktree, dir);
    if (!existsSync(dirname(target)) || existsSync(target) || lstatSync(dirname(target)).isSymbolicLink())
      continue;
    symlinkSync(join(installedRoot, dir), target, "dir");
    linked += 1;
  }
  return linked;
}

/**
 * Give a worktree dependencies: when its lockfile equals the installed checkout's, link the installed
 * node_modules in (no reinstall); when it differs, install with the target's package manager and a
 * frozen lockfile, or refuse with `install: false`.
 */
export async function prepareDependencies(options: {
  installedRoot: string;
  worktree: string;
  sha: string;
  install: boolean;
  onProgress?: (message: string) => void;
  timeoutMs?: number;
  /** `--pass-env`: variables beyond the allowlist and the package manager's own settings. */
  passEnv?: readonly string[];
  /** `--trust-install-hooks`: run the head's package-manager hooks (`.pnpmfile.cjs`, ...). */
  trustInstallHooks?: boolean;
  signal?: AbortSignal;
}): Promise<DependencyReport> {
  const lockfile = lockfiles.find((name) => existsSync(join(options.worktree, name)));
  const installedLock = lockfile ? join(options.installedRoot, lockfile) : undefined;
  const same =
    lockfile !== undefined &&
    installedLock !== undefined &&
    existsSync(installedLock) &&
    readFileSync(installedLock, "utf8") === readFileSync(join(options.worktree, lockfile), "utf8");
  if (same || lockfile === undefined) {
    const linked = linkInstalledModules(options.installedRoot, options.worktree);
    const detail = lockfile
      ? `${lockfile} at ${options.sha.slice(0, 12)} equals the installed one: reused ${linked} node_modules folder(s), no reinstall`
      : `no lockfile: reused ${linked} installed node_modules folder(s)`;
    options.onProgress?.(detail);
    return { mode: "reused", lockfile, detail };
  }
  const trust = options.trustInstallHooks ?? false;
  const manager = packageManagerOf(options.worktree, lockfile, trust);
  const shown = manager.command.join(" ");
  if (!options.install) {
    throw relayProofError(
      "USAGE",
      `${lockfile} at ${options.sha.slice(0, 12)} differs from the installed one and --no-install was given`,
      `drop --no-install to run "${shown}" in a temporary worktree, or check the ref out and install it yourself`,
    );
  }
  const hooks = installHooks(options.worktree, manager.name);
  if (hooks.length > 0 && !trust) {
    // pnpm records a pnpmfile's checksum in the lockfile: a frozen install without the hooks fails.
    // yarn has no switch for plugins: an install without them is not the head's.
    const resolvedWithHooks =
      manager.name === "pnpm" &&
      /^pnpmfileChecksum:/m.test(readFileSync(join(options.worktree, lockfile), "utf8"));
    if (resolvedWithHooks || manager.name === "yarn") {
      throw relayProofError(
        "USAGE",
        `the head at ${options.sha.slice(0, 12)} installs only with its package-manager hooks (${hooks.join(", ")}), which relay-proof does not run by default: they run inside ${manager.name} with its settings, a registry token among them`,
        `pass --trust-install-hooks to run them, or check the ref out and install it yourself`,
      );
    }
  }
  options.onProgress?.(
    `${lockfile} differs at ${options.sha.slice(0, 12)}: running ${shown} in the worktree${
      hooks.length === 0
        ? ""
        : trust
          ? ` (its ${hooks.join(", ")} runs: --trust-install-hooks)`
          : ` (the head ships ${hooks.join(", ")}: ignored; --trust-install-hooks runs it)`
    }`,
  );
  throwIfInterrupted(options.signal, `${shown}`);
  const result = await spawnGroup(manager.command[0] as string, manager.command.slice(1), {
    cwd: options.worktree,
    // Allowlisted, plus the package manager's registry and store settings; scripts are ignored.
    env: installEnv({ passEnv: options.passEnv, set: { CI: "1" } }),
    timeoutMs: options.timeoutMs ?? 20 * 60_000,
    signal: options.signal,
  });
  if (result.aborted) throw interruptedDuring(shown);
  if (result.exitCode !== 0) {
    const tail = result.stderr.trim().split("\n").slice(-2).join(" ");
    throw relayProofError(
      "INTERNAL",
      `${shown} failed at ${options.sha.slice(0, 12)} (${result.timedOut ? "timed out" : `exit ${String(result.exitCode ?? result.signal)}`}): ${printable(tail)}`,
    );
  }
  return {
    mode: "installed",
    lockfile,
    detail: `${lockfile} differs: installed with ${shown}`,
    ignoredHooks: trust ? [] : hooks,
  };
}
