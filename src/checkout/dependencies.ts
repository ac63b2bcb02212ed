import { existsSync, lstatSync, readdirSync, readFileSync, symlinkSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { relayProofError } from "../errors.ts";
import { spawnGroup } from "../process/spawn-group.ts";
import { installEnv } from "../process/target-env.ts";
import { readPackageJson } from "./open-target.ts";

export type DependencyMode = "own" | "reused" | "installed";

export interface DependencyReport {
  mode: DependencyMode;
  lockfile: string | undefined;
  detail: string;
}

const lockfiles = ["pnpm-lock.yaml", "package-lock.json", "yarn.lock", "bun.lock"];

function packageManagerOf(root: string, lockfile: string | undefined): { name: string; command: string[] } {
  const declared = readPackageJson(root)?.packageManager?.split("@")[0];
  const name =
    declared ?? (lockfile === "pnpm-lock.yaml" ? "pnpm" : lockfile === "yarn.lock" ? "yarn" : "npm");
  const command =
    name === "pnpm"
      ? ["pnpm", "install", "--frozen-lockfile", "--ignore-scripts"]
      : name === "yarn"
        ? ["yarn", "install", "--immutable", "--mode=skip-build"]
        : ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"];
  return { name, command };
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
  const manager = packageManagerOf(options.worktree, lockfile);
  if (!options.install) {
    throw relayProofError(
      "USAGE",
      `${lockfile} at ${options.sha.slice(0, 12)} differs from the installed one and --no-install was given`,
      `drop --no-install to run "${manager.command.join(" ")}" in a temporary worktree, or check the ref out and install it yourself`,
    );
  }
  options.onProgress?.(
    `${lockfile} differs at ${options.sha.slice(0, 12)}: running ${manager.command.join(" ")} in the worktree`,
  );
  const result = await spawnGroup(manager.command[0] as string, manager.command.slice(1), {
    cwd: options.worktree,
    // Allowlisted, plus the package manager's registry and store settings; scripts are ignored.
    env: installEnv({ passEnv: options.passEnv, set: { CI: "1" } }),
    timeoutMs: options.timeoutMs ?? 20 * 60_000,
  });
  if (result.exitCode !== 0) {
    const tail = result.stderr.trim().split("\n").slice(-2).join(" ");
    throw relayProofError(
      "INTERNAL",
      `${manager.command.join(" ")} failed at ${options.sha.slice(0, 12)} (${result.timedOut ? "timed out" : `exit ${String(result.exitCode ?? result.signal)}`}): ${tail}`,
    );
  }
  return {
    mode: "installed",
    lockfile,
    detail: `${lockfile} differs: installed with ${manager.command.join(" ")}`,
  };
}
