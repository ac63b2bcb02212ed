// The lines a change adds or modifies in the head's TypeScript sources, from git's own diff.
import { git } from "../checkout/git.ts";

/** Head-side line numbers (1-based) the diff adds or modifies, per repo-relative path. */
export type ChangedLines = Map<string, number[]>;

const typescript = /\.(ts|tsx|mts|cts)$/;

/** A source file a proof can run: TypeScript, not a declaration file, not a test. */
export function isSourceFile(path: string): boolean {
  return typescript.test(path) && !path.endsWith(".d.ts") && !/\.(test|spec)\.[cm]?tsx?$/.test(path);
}

/** Parse `git diff --unified=0` output into the head-side lines each file's hunks add. */
export function parseUnifiedDiff(diff: string): ChangedLines {
  const changed: ChangedLines = new Map();
  let file: string | undefined;
  for (const line of diff.split("\n")) {
    if (line.startsWith("+++ ")) {
      const path = line.slice(4);
      file = path === "/dev/null" ? undefined : path.replace(/^b\//, "");
      continue;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (!hunk || !file || !isSourceFile(file)) continue;
    const start = Number(hunk[1]);
    const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
    if (count === 0) continue;
    const lines = changed.get(file) ?? [];
    for (let n = start; n < start + count; n++) lines.push(n);
    changed.set(file, lines);
  }
  return changed;
}

/**
 * Lines of `head`'s TypeScript sources that differ from `base` (added or modified; renames followed);
 * without `head`, the work tree's (a dirty checkout proves its own content).
 */
export async function changedLines(root: string, base: string, head?: string): Promise<ChangedLines> {
  const diff = await git(root, [
    "diff",
    "--unified=0",
    "--no-color",
    "--no-ext-diff",
    "--find-renames",
    "--diff-filter=AMR",
    base,
    ...(head ? [head] : []),
    "--",
  ]);
  if (!diff.ok) throw new Error(`git diff ${base} ${head ?? ""} failed: ${diff.stderr}`);
  return parseUnifiedDiff(diff.stdout);
}
