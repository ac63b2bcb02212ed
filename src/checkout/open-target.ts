import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { relayProofError } from "../errors.ts";
import { dirtyPaths, gitTopLevel, resolveCommit } from "./git.ts";

export interface TargetPackage {
  name?: string;
  engines?: { node?: string };
  packageManager?: string;
}

/** A checkout to prove: where it is and exactly which commit, clean or not. */
export interface Target {
  root: string;
  head: string;
  dirty: boolean;
  dirtyPaths: string[];
  packageJson: TargetPackage | undefined;
}

export interface OpenTargetOptions {
  repo: string;
  requireClean?: boolean;
}

export function readPackageJson(root: string): TargetPackage | undefined {
  const file = resolve(root, "package.json");
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as TargetPackage;
  } catch {
    return undefined;
  }
}

export async function openTarget(options: OpenTargetOptions): Promise<Target> {
  const repo = resolve(options.repo);
  if (!existsSync(repo) || !statSync(repo).isDirectory()) {
    throw relayProofError(
      "REPO_NOT_FOUND",
      `repository path ${repo} does not exist`,
      "pass --repo PATH pointing at a checked-out OpenClaw-family repository",
    );
  }
  const root = await gitTopLevel(repo);
  if (!root) {
    throw relayProofError(
      "NOT_A_GIT_REPO",
      `${repo} is not inside a git work tree`,
      "relay-proof names the exact commit it proved; run it in a git checkout or pass --repo PATH",
    );
  }
  const [head, changed] = await Promise.all([resolveCommit(root, "HEAD"), dirtyPaths(root)]);
  if (!head) {
    throw relayProofError("UNKNOWN_REF", `${root} has no commit at HEAD`, "commit something first");
  }
  if (options.requireClean && changed.length > 0) {
    const shown =
      changed.slice(0, 3).join(", ") + (changed.length > 3 ? `, +${changed.length - 3} more` : "");
    throw relayProofError(
      "DIRTY_TREE",
      `work tree of ${root} has uncommitted changes (${shown})`,
      "commit or stash them (git stash -u), or drop --require-clean",
    );
  }
  return { root, head, dirty: changed.length > 0, dirtyPaths: changed, packageJson: readPackageJson(root) };
}
