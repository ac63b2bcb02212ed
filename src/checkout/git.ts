import { execFile } from "node:child_process";
import { join } from "node:path";
import { makeTempDir } from "../process/temp-dir.ts";

export interface GitResult {
  ok: boolean;
  stdout: string;
  stderr: string;
  exitCode: number | undefined;
}

/**
 * Git's environment: no prompts, and no hooks. Checking out a PR head must not run hooks the head
 * ships (a versioned `core.hooksPath` such as `.husky` would run its post-checkout hook).
 */
export function gitEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  // Appended after any GIT_CONFIG_* pairs the caller already set, so theirs still apply.
  const count = Number(process.env.GIT_CONFIG_COUNT ?? 0) || 0;
  return {
    ...process.env,
    GIT_TERMINAL_PROMPT: "0",
    GIT_CONFIG_COUNT: String(count + 1),
    [`GIT_CONFIG_KEY_${count}`]: "core.hooksPath",
    [`GIT_CONFIG_VALUE_${count}`]: "/dev/null",
    ...extra,
  };
}

/**
 * Run git with an argument array; never throws, the caller decides what a failure means. Plain
 * execFile rather than execa: git runs on every proof's start-up path, and execa's import alone
 * costs ~85 ms there.
 */
export function git(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile(
      "git",
      [...args],
      {
        cwd,
        env: gitEnv({ GIT_OPTIONAL_LOCKS: "0", ...env }),
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : undefined) : 0;
        resolve({
          ok: code === 0,
          // trimEnd only: porcelain output starts with a meaningful space (" M path").
          stdout: String(stdout).trimEnd(),
          stderr: String(stderr).trim(),
          exitCode: code,
        });
      },
    );
  });
}

/** The work tree's top level, or undefined when `cwd` is not inside a git work tree. */
export async function gitTopLevel(cwd: string): Promise<string | undefined> {
  const result = await git(cwd, ["rev-parse", "--show-toplevel"]);
  return result.ok ? result.stdout : undefined;
}

/** Resolve a ref to its 40-hex commit SHA, or undefined when it does not name a commit. */
export async function resolveCommit(cwd: string, ref: string): Promise<string | undefined> {
  if (ref.startsWith("-")) return undefined;
  const result = await git(cwd, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]);
  return result.ok && /^[0-9a-f]{40}$/.test(result.stdout) ? result.stdout : undefined;
}

/** An installed dependency folder that a repo forgot to ignore: not a change to its source. */
function isDependencyDir(status: string, path: string): boolean {
  return status === "??" && /(^|\/)node_modules\/?$/.test(path);
}

/**
 * Paths with uncommitted changes: tracked modifications and untracked, non-ignored files. Untracked
 * `node_modules/` folders (pnpm creates them in workspace packages) are installs, not changes.
 */
export async function dirtyPaths(cwd: string): Promise<string[]> {
  // core.fileMode=false: a mode-only change (pnpm install makes a bin file executable) leaves the
  // content exactly the SHA's, so it is not a change to prove against.
  const result = await git(cwd, [
    "-c",
    "core.fileMode=false",
    "status",
    "--porcelain=v1",
    "--untracked-files=normal",
  ]);
  if (!result.ok) return [];
  return result.stdout
    .split("\n")
    .filter((line) => line.length > 3)
    .map((line) => ({ status: line.slice(0, 2), path: line.slice(3) }))
    .filter(({ status, path }) => !isDependencyDir(status, path))
    .map(({ path }) => path);
}

export async function commitSubject(cwd: string, sha: string): Promise<string> {
  const result = await git(cwd, ["log", "-1", "--format=%s", sha]);
  return result.ok ? result.stdout : "";
}

/**
 * The tree object of what is checked out: HEAD's tree when clean, else HEAD plus the work tree's
 * changes written through a private index (the user's index is untouched; node_modules never count).
 * A build cache keyed on it serves equal content, whatever the branch or commit is called.
 */
export async function contentTree(root: string, dirty?: boolean): Promise<string> {
  if (!(dirty ?? (await dirtyPaths(root)).length > 0)) {
    const tree = await git(root, ["rev-parse", "HEAD^{tree}"]);
    if (tree.ok) return tree.stdout;
  }
  const dir = makeTempDir("relay-proof-index-");
  try {
    const env = { GIT_INDEX_FILE: join(dir.path, "index") };
    const steps = [
      ["read-tree", "HEAD"],
      ["-c", "core.fileMode=false", "add", "--all", "--", ".", ":(exclude,glob)**/node_modules/**"],
      ["write-tree"],
    ];
    let last: GitResult | undefined;
    for (const args of steps) {
      last = await git(root, args, env);
      if (!last.ok) throw new Error(`git ${args.join(" ")} failed in ${root}: ${last.stderr}`);
    }
    return last?.stdout ?? "";
  } finally {
    dir.remove();
  }
}
