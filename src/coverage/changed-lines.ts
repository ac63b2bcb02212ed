// The lines a change adds or modifies in the head's TypeScript sources, from git's own diff.
import { git } from "../checkout/git.ts";

/** Head-side line numbers (1-based) the diff adds or modifies, per repo-relative path. */
export type ChangedLines = Map<string, number[]>;

const typescript = /\.(ts|tsx|mts|cts)$/;

/** A source file a proof can run: TypeScript, not a declaration file, not a test. */
export function isSourceFile(path: string): boolean {
  return typescript.test(path) && !path.endsWith(".d.ts") && !/\.(test|spec)\.[cm]?tsx?$/.test(path);
}

/**
 * Parse `git diff --unified=0` output into the head-side lines each file's hunks add. A hunk's body is
 * read as long as its header (`-a,b +c,d`) says, so an added line whose text starts with `++ ` or `@@`
 * is content, never a header; each added line counts once it is seen, and anything that is not a diff
 * yields no lines rather than an error.
 */
export function parseUnifiedDiff(diff: string): ChangedLines {
  const changed: ChangedLines = new Map();
  let file: string | undefined;
  let oldLeft = 0;
  let newLeft = 0;
  let next = 0;
  let target: string | undefined;
  for (const line of diff.split("\n")) {
    if (oldLeft > 0 || newLeft > 0) {
      const kind = line[0];
      if (kind === "-" || kind === "+" || kind === " " || kind === "\\") {
        if (kind === "-" || kind === " ") oldLeft -= 1;
        if (kind === "+" || kind === " ") {
          newLeft -= 1;
          if (kind === "+" && target) {
            const list = changed.get(target);
            if (list) list.push(next);
            else changed.set(target, [next]);
          }
          next += 1;
        }
        continue;
      }
      // The hunk was shorter than its header said: this line is a header again.
      oldLeft = 0;
      newLeft = 0;
    }
    if (line.startsWith("+++ ")) {
      const path = line.slice(4);
      file = path === "/dev/null" ? undefined : path.replace(/^b\//, "");
      continue;
    }
    const hunk = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (!hunk) continue;
    oldLeft = hunk[1] === undefined ? 1 : Number(hunk[1]);
    newLeft = hunk[3] === undefined ? 1 : Number(hunk[3]);
    next = Number(hunk[2]);
    target = file && isSourceFile(file) && next >= 1 ? file : undefined;
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
